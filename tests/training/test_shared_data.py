"""Shared data is held once: every run takes views of one read-only float copy per dataset and
device, and nothing a run (or a page) does can write into it."""

from __future__ import annotations

import pytest
import torch

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset

TUTORIAL = md.PRESETS["tutorial"]
pytestmark = pytest.mark.slow  # the 60,000-image offline set is generated per test module


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def _trainer(offline, **cfg) -> trn.Trainer:
    return trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(**cfg), subset=2000)


def test_two_runs_read_one_copy_of_the_data(offline):
    a, b = _trainer(offline, seed=1), _trainer(offline, seed=2, learning_rate=0.01)
    for name in ("x", "y", "x_test", "y_test"):
        ta, tb = getattr(a, name), getattr(b, name)
        assert ta.untyped_storage().data_ptr() == tb.untyped_storage().data_ptr(), name
    assert len(a.x) == 2000 and len(a.x_test) == len(offline[1])  # a view of the first n
    full = trn.shared_tensors(offline[0])[0]
    assert a.x.untyped_storage().data_ptr() == full.untyped_storage().data_ptr()


def test_the_shared_copy_is_bit_for_bit_what_totensor_gives(offline):
    x, y = trn.shared_tensors(offline[0], n=500)
    fresh_x, fresh_y = trn.tensorize(offline[0], n=500)
    assert torch.equal(x, fresh_x) and torch.equal(y, fresh_y)


def test_an_in_place_write_on_shared_data_raises():
    """Loud, not silent: PyTorch checks an inference tensor after the kernel ran, so this test
    writes into a dataset of its own. No page writes in place (tests/server/test_isolation.py
    checks the bytes after 20 trainings)."""
    own = make_offline_dataset(0), make_offline_dataset(0, train=False)
    t = _trainer(own)
    for write in (lambda: t.x.mul_(0), lambda: t.x[:4].zero_(), lambda: t.y.add_(1)):
        with pytest.raises(RuntimeError, match="[Ii]nplace update to inference tensor"):
            write()
    assert t.y.is_inference() and t.x_test.is_inference()


def test_a_run_holds_only_its_own_model_optimizer_and_curves(offline):
    """The bytes a run owns: every tensor it references that is not a view of shared data."""
    t = _trainer(offline, optimizer="Adam")
    while not t.done:
        t.run(max_seconds=5)
    shared = {
        trn.shared_tensors(d)[k].untyped_storage().data_ptr() for d in offline for k in (0, 1)
    }
    owned = list(t.model.parameters()) + [
        v for state in t.optimizer.state.values() for v in state.values() if torch.is_tensor(v)
    ]
    data = [t.x, t.y, t.x_test, t.y_test]
    assert {d.untyped_storage().data_ptr() for d in data} <= shared
    mb = sum(v.numel() * v.element_size() for v in owned) / 2**20
    assert mb < 10, mb  # 669,706 parameters and two Adam moments: 7.7 MB
