"""Autograd's kernels called directly: the tutorial MLP's SGD step, bit for bit the eager one."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset
from playground.layers.models import L

TUTORIAL = md.PRESETS["tutorial"]
SMALL_MLP = [L("Flatten"), L("Linear", 784, 48), L("ReLU"), L("Linear", 48, 10)]


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def _train(train, test, cfg, specs=TUTORIAL, *, written: bool, subset: int = 1500):
    if not written:  # the same run through the tutorial's five lines
        fits, trn.WrittenStepper.fits = trn.WrittenStepper.fits, lambda *a: False
    try:
        t = trn.Trainer(specs, (1, 28, 28), train, test, cfg, subset=subset)
    finally:
        if not written:
            trn.WrittenStepper.fits = fits
    assert isinstance(t.stepper, trn.WrittenStepper) == written
    while not t.done:
        t.run(max_seconds=60)
    return t


@pytest.mark.parametrize(
    ("specs", "cfg"),
    [
        (TUTORIAL, trn.TrainConfig(epochs=1, seed=3)),  # 1,500 = 23 × 64 + a last batch of 28
        (SMALL_MLP, trn.TrainConfig(epochs=2, seed=1, learning_rate=0.3, batch_size=32)),
    ],
    ids=["tutorial", "small-mlp-high-lr"],
)
def test_the_written_out_step_is_the_eager_step_bit_for_bit(offline, specs, cfg):
    eager = _train(*offline, cfg, specs, written=False)
    written = _train(*offline, cfg, specs, written=True)
    assert written.pipeline == trn.WRITTEN_OUT and eager.pipeline == trn.DEVICE_TENSOR
    a, b = eager.model.state_dict(), written.model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    assert written.history.train_loss == eager.history.train_loss
    assert written.history.log == eager.history.log
    assert all(p.grad is None for p in written.model.parameters())  # as after zero_grad()
    assert written.stepper._buffers == {}  # a finished run holds no scratch beyond its nbytes


def test_a_non_finite_loss_leaves_the_weights_as_they_were():
    model = md.build_model(TUTORIAL, seed=0)
    x, y = torch.rand(8, 1, 28, 28), torch.arange(8) % 10
    x[3, 0, 5, 5] = float("inf")
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    stepper = trn.WrittenStepper(model, nn.CrossEntropyLoss(), opt, x, y)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    assert not torch.isfinite(torch.tensor(stepper.step(torch.arange(8))))
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert torch.isfinite(torch.tensor(stepper.step(torch.tensor([0, 1, 2]))))  # no inf row
    assert not all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_its_buffers_are_made_once_and_dropped_on_reset():
    model = md.build_model(SMALL_MLP, seed=0)
    x, y = torch.rand(100, 1, 28, 28), torch.arange(100) % 10
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    stepper = trn.WrittenStepper(model, nn.CrossEntropyLoss(), opt, x, y)
    stepper.step(torch.arange(32))
    z = stepper._buffers["z"][0]
    stepper.step(torch.arange(32, 64))
    stepper.step(torch.arange(64, 68))  # a short last batch: its own tensors
    assert stepper._buffers["z"][0] is z and z.shape == (32, 48)
    stepper.reset()
    assert stepper._buffers == {}
    stepper.step(torch.arange(68, 72))  # a slice that starts on an epoch's short last batch
    stepper.step(torch.arange(0, 32))  # the next epoch's full batches get full-size buffers
    assert stepper._buffers["z"][0].shape == (32, 48)


def _fits(specs, cfg, loss=None, freeze: str | None = None) -> bool:
    model = md.build_model(specs, seed=0)
    if freeze:
        model.get_parameter(freeze).requires_grad_(False)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = trn.make_optimizer(cfg.optimizer, params, cfg)
    loss_fn = loss if loss is not None else trn.make_loss(cfg.loss, 10)
    return trn.WrittenStepper.fits(model, loss_fn, opt, torch.zeros(1, 1, 28, 28))


def test_it_is_used_only_where_it_computes_the_same_numbers():
    sgd = trn.TrainConfig()
    assert _fits(TUTORIAL, sgd) and _fits(SMALL_MLP, sgd)
    for cfg in (
        trn.TrainConfig(optimizer="Adam"),
        trn.TrainConfig(momentum=0.9),
        trn.TrainConfig(weight_decay=1e-4),
        trn.TrainConfig(loss="NLLLoss"),
        trn.TrainConfig(loss="MSELoss"),
    ):
        assert not _fits(TUTORIAL, cfg), cfg
    assert not _fits(TUTORIAL, sgd, loss=nn.CrossEntropyLoss(label_smoothing=0.1))
    assert not _fits(TUTORIAL, sgd, loss=nn.CrossEntropyLoss(reduction="sum"))
    assert not _fits(TUTORIAL, sgd, freeze="linear_relu_stack.0.weight")
    assert not _fits(md.PRESETS["lenet"], sgd)
    assert not _fits([L("Flatten"), L("Linear", 784, 10, bias=False)], sgd)
    dropout = [L("Flatten"), L("Linear", 784, 32), L("ReLU"), L("Dropout", p=0.5), L("Linear", 32, 10)]  # fmt: skip
    assert not _fits(dropout, sgd)
    tanh = [L("Flatten"), L("Linear", 784, 32), L("Tanh"), L("Linear", 32, 10)]
    assert not _fits(tanh, sgd)
    model = md.build_model(TUTORIAL, seed=0)
    opt = torch.optim.SGD(model.parameters(), lr=1e-3)
    assert not trn.WrittenStepper.fits(model, nn.CrossEntropyLoss(), opt, torch.zeros(1, 1, 28, 28, dtype=torch.float64))  # fmt: skip
