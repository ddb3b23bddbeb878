"""Sessions never share state; the server-wide cached datasets are never mutated."""

from __future__ import annotations

import hashlib

import pytest
import torch

from playground import layers as md
from playground import training as trn
from playground.server.slots import SLOTS
from playground.server.store import STORE
from playground.ui import shared_dataset
from tests.apptest import open_page


def _sha(ds) -> str:
    return hashlib.sha256(ds.images.numpy().tobytes() + ds.targets.numpy().tobytes()).hexdigest()


@pytest.mark.slow
def test_cached_datasets_are_byte_identical_after_20_trainings():
    train, test = shared_dataset("offline", True), shared_dataset("offline", False)
    before = (_sha(train), _sha(test))
    for k in range(20):
        cfg = trn.TrainConfig(
            epochs=1, seed=k, optimizer="Adam" if k % 2 else "SGD", learning_rate=1e-2
        )
        t = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), train, test, cfg, subset=256)
        while not t.done:
            t.run(max_seconds=5)
        trn.slow_step(t)
    assert (_sha(train), _sha(test)) == before
    assert shared_dataset("offline", True) is train  # the same shared object, decoded once


def test_two_sessions_do_not_see_each_others_runs_or_models():
    a = open_page("pages/training.py", tr_subset=500, tr_epochs=1, tr_opt="Adam")
    b = open_page("pages/training.py", tr_subset=500, tr_epochs=1)
    next(x for x in a.button if x.label == "Train").click().run()
    assert "trainer" in a.session_state
    b.run()
    assert "trainer" not in b.session_state and "runs" in b.session_state
    assert b.session_state["runs"] == []
    a_layers = open_page(
        "pages/layers.py",
        model_specs=[md.LayerSpec.of("Flatten"), md.LayerSpec.of("Linear", 784, 10)],
    )
    b_layers = open_page("pages/layers.py")
    assert len(a_layers.session_state["model_specs"]) == 2
    assert b_layers.session_state["model_specs"] == md.PRESETS["tutorial"]


def test_a_crash_or_oom_inside_a_training_frees_its_slot_and_others_go_on(monkeypatch):
    def oom(self, **kw):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")

    def crash(self, **kw):
        raise RuntimeError("simulated crash inside a training")

    for failure, shown in ((oom, "ran out of memory"), (crash, None)):
        STORE.clear()  # else the second Train gets the run the first case finished
        monkeypatch.setattr(trn.Trainer, "run", failure)
        a = open_page("pages/training.py", tr_subset=500, tr_epochs=1)
        next(x for x in a.button if x.label == "Train").click().run()
        if shown:
            assert any(shown in e.value for e in a.error)
        else:
            assert a.exception  # shown in that session only
        assert SLOTS.counts() == (0, 0)  # released in `finally`
        monkeypatch.undo()
        other = open_page("pages/training.py", tr_subset=500, tr_epochs=1)
        next(x for x in other.button if x.label == "Train").click().run()
        assert not other.exception and other.session_state["trainer"].done


@pytest.mark.slow
def test_the_first_page_decodes_the_offline_set_ahead_of_the_class_with_the_same_bits():
    import threading

    from playground.data.torchvision_raw import load_dataset
    from playground.ui import state

    open_page("pages/home.py")
    assert state._warming.locked()  # the first run of app.py started the decode
    for thread in threading.enumerate():
        if thread.name == "warm-offline-data":
            thread.join(60)
    for train in (True, False):
        fresh = load_dataset("offline", train=train)  # as a page's own thread decodes it
        assert _sha(shared_dataset("offline", train)) == _sha(fresh)
    assert shared_dataset("offline") is shared_dataset("offline", True)  # held once, however asked


def test_reach_the_target_trains_on_the_pages_offline_set_not_a_copy_of_its_own():
    from playground.data.datasets import make_offline_dataset
    from playground.exercises import target

    train, test = target._offline()
    assert train is shared_dataset("offline", True) and test is shared_dataset("offline", False)
    assert torch.equal(train.images, make_offline_dataset(0).images)  # the set it always used
