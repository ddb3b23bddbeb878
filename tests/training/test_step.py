"""One train_step: the loop, the slow-motion step, the lab, the script and the CUDA graph share it."""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re

import pytest
import torch
from torch import nn

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset
from playground.training import step as step_module
from tests.conftest import ROOT

TUTORIAL = md.PRESETS["tutorial"]


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def test_train_step_is_one_plain_sgd_update_and_clears_grads():
    torch.manual_seed(0)
    model, x, y = nn.Linear(4, 3), torch.randn(8, 4), torch.randint(0, 3, (8,))
    before = [p.detach().clone() for p in model.parameters()]
    loss_fn, opt = nn.CrossEntropyLoss(), torch.optim.SGD(model.parameters(), lr=0.5)
    grads = []
    _, loss = trn.train_step(
        model, loss_fn, opt, x, y,
        after_backward=lambda: grads.extend(p.grad.clone() for p in model.parameters()),
    )  # fmt: skip
    assert loss.item() == pytest.approx(loss_fn(nn.functional.linear(x, *before), y).item())
    for p, b, g in zip(model.parameters(), before, grads, strict=True):
        assert torch.allclose(p, b - 0.5 * g)
        assert p.grad is None  # zero_grad() sets grads to None in torch 2.x


def test_a_non_finite_loss_stops_before_backward():
    model = nn.Linear(2, 1)
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=1.0)
    x = torch.tensor([[float("inf"), 1.0]])
    _, loss = trn.train_step(
        model, nn.MSELoss(), opt, x, torch.zeros(1, 1), proceed=lambda loss: bool(loss.isfinite())
    )
    assert not loss.isfinite()
    assert all(torch.equal(p, b) for p, b in zip(model.parameters(), before, strict=True))
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["SGD", "Adam"])
def test_the_loop_slow_steps_and_the_script_give_the_same_losses(offline, optimizer):
    cfg = trn.TrainConfig(learning_rate=0.05, epochs=1, seed=3, optimizer=optimizer)
    loop = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, subset=640)
    slow = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, subset=640)
    loop.run(max_batches=10, max_seconds=60)  # one whole epoch: 640 / 64
    slow_losses = [trn.slow_step(slow).loss for _ in range(10)]
    assert loop.history.train_loss == slow_losses  # a point per batch in so short an epoch
    assert (
        slow.epoch == loop.epoch == 1 and slow.history.test_accuracy == loop.history.test_accuracy
    )
    for a, b in zip(loop.model.parameters(), slow.model.parameters(), strict=True):
        assert torch.equal(a, b)
    code = trn.training_code(cfg, TUTORIAL, "offline", 640)
    assert step_module.STEP_CODE in code
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<script>", "exec"), {"__name__": "__script__"})
    first = float(re.search(r"loss: +([\d.]+)", out.getvalue()).group(1))
    accuracy = float(re.search(r"Accuracy: ([\d.]+)%", out.getvalue()).group(1))
    assert first == pytest.approx(slow_losses[0], abs=1e-6)
    assert accuracy == pytest.approx(100 * loop.history.test_accuracy[0], abs=0.05)


def test_the_lab_times_every_pipeline_through_train_step_or_its_kernels(offline, monkeypatch):
    calls = []
    real = step_module.train_step
    monkeypatch.setattr(step_module, "train_step", lambda *a, **k: calls.append(1) or real(*a, **k))
    monkeypatch.setattr(trn.lab, "train_step", step_module.train_step)
    times = trn.pipeline_times(offline[0], TUTORIAL, samples=640)
    assert list(times) == ["tutorial DataLoader", trn.DEVICE_TENSOR, trn.WRITTEN_OUT]
    # Ten batches of 64 through train_step in the first two; the third calls autograd's
    # kernels itself (bit for bit the same step: tests/training/test_written.py).
    assert len(calls) == 2 * 10
    assert trn.pipeline_label(trn.WRITTEN_OUT, "zh") != trn.WRITTEN_OUT  # translated
    lenet = trn.pipeline_times(offline[0], md.PRESETS["lenet"], samples=128)
    assert list(lenet) == ["tutorial DataLoader", trn.DEVICE_TENSOR]  # convolutions: no third


def _defines(name: str) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in (ROOT / "playground").rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name == name
    ]


def test_train_step_is_defined_once_and_only_it_steps_an_optimizer():
    assert [d.split(":")[0] for d in _defines("train_step")] == ["playground/training/step.py"]
    steppers = []
    # The Examples chapter writes each level's loop as its script does: that is its lesson;
    # an exercise computes exactly what its shown program says, a forgotten zero_grad and all.
    for path in (ROOT / "playground").rglob("*.py"):
        if path.parent.name in ("examples", "exercises"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "step"
                and not node.args
                and re.search(r"opt", ast.unparse(node.func.value))
            ):
                steppers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert [s.split(":")[0] for s in steppers] == ["playground/training/step.py"]


def test_the_cuda_graph_records_train_step():
    # The graph's body is a call of train_step, not a copy of its lines.
    source = inspect.getsource(trn.capture_step)
    assert "train_step(model, loss_fn, optimizer, x[index], y[index], zero_grad=False)" in source
    assert ".backward()" not in source.split('"""')[-1]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_the_captured_step_wraps_train_step_on_cuda(offline, monkeypatch):
    calls = []
    real = step_module.train_step
    monkeypatch.setattr(step_module, "train_step", lambda *a, **k: calls.append(k) or real(*a, **k))
    t = trn.Trainer(TUTORIAL, (1, 28, 28), *offline, trn.TrainConfig(seed=0), device="cuda")
    t.run(max_batches=20, max_seconds=60)
    assert isinstance(t.stepper, trn.GraphStepper) and t.stepper.graph is not None
    # three eager warm-up steps, then one recorded call; the other 16 steps are replays
    assert len(calls) == trn.WARMUP_STEPS + 1 and calls[-1] == {"zero_grad": False}
