"""The levels against the tutorial and against each other: same losses, right gradients."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest
import torch

from playground import examples as ex
from playground.core.errors import ExampleError


def _losses(problem, index, **kw):
    run = ex.ExampleRun(ex.default_config(problem, index, **kw))
    run.advance(max_seconds=math.inf)
    return run


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_levels_one_to_three_agree_step_by_step_in_float64(seed):
    runs = [_losses("sin", k, iterations=500, seed=seed, dtype="float64") for k in range(3)]
    a = np.array([r.losses for r in runs])
    assert a.shape == (3, 500)
    assert np.abs(a - a[0]).max() <= 1e-6 * np.abs(a[0]).max()
    agree = ex.agreement(ex.default_config("sin", 0, iterations=500, seed=seed, dtype="float64"))
    assert agree.max_rel < 1e-9 and agree.steps == 500


def test_in_float32_the_levels_drift_apart_by_rounding():
    agree = ex.agreement(ex.default_config("sin", 0, iterations=2000))
    assert 1e-9 < agree.max_rel < 1e-3  # float32 rounding, not a different computation


def test_hand_written_gradients_equal_autograds():
    rows = ex.gradient_rows(ex.default_config("sin", 0, seed=2))
    assert [r["parameter"] for r in rows] == list("abcd")
    for r in rows:
        assert r["difference"] <= 1e-9 * abs(r["hand"]) and r["hand"] != 0


def test_the_custom_functions_pass_gradcheck():
    x = torch.randn(20, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(ex.LegendrePolynomial3.apply, (x,), eps=1e-6, atol=1e-5)
    for problem, name in (("sin", "LegendrePolynomial3"), ("relu", "MyReLU")):
        check = ex.check_function(problem, seed=3)
        assert check.passed and check.name == name and check.max_error < 1e-6


def test_a_wrong_backward_fails_the_check():
    class Wrong(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return 0.5 * (5 * x**3 - 3 * x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 1.5 * (5 * x**2)  # the "- 1" forgotten

    x = torch.randn(8, dtype=torch.float64, requires_grad=True)
    assert not torch.autograd.gradcheck(Wrong.apply, (x,), raise_exception=False)


def _tutorial_autograd(seed: int, lr: float, steps: int) -> list[float]:
    """The tutorial's polynomial_autograd.py, as written there (CPU, float32)."""
    torch.manual_seed(seed)
    dtype, device = torch.float, torch.device("cpu")
    x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
    y = torch.sin(x)
    a = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    b = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    c = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    d = torch.randn((), device=device, dtype=dtype, requires_grad=True)
    for _ in range(steps):
        y_pred = a + b * x + c * x**2 + d * x**3
        loss = (y_pred - y).pow(2).sum()
        loss.backward()
        with torch.no_grad():
            for t in (a, b, c, d):
                t -= lr * t.grad
                t.grad = None
    return [t.item() for t in (a, b, c, d)]


@pytest.mark.parametrize("index", [1, 2, 6])
def test_final_coefficients_match_the_tutorials_own_script(index):
    want = _tutorial_autograd(0, 1e-6, 2000)
    got = _losses("sin", index).level.coefficients()
    assert got == pytest.approx(want, rel=1e-5, abs=1e-6)
    assert got[1] == pytest.approx(0.8372, abs=1e-3)  # y ≈ 0.86 x - 0.09 x³ fits sin on [-π, π]


def test_the_optim_level_fits_sin_better_than_plain_sgd():
    sgd, rms = _losses("sin", 4), _losses("sin", 5)
    assert rms.losses[-1] < sgd.losses[-1] < sgd.losses[0]


def _graph_size(loss: torch.Tensor) -> int:
    seen, todo = set(), [loss.grad_fn]
    while todo:
        fn = todo.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        todo.extend(f for f, _ in fn.next_functions)
    return len(seen)


@pytest.mark.parametrize("net", ["sin", "relu"])
def test_dynamic_net_builds_graphs_of_different_sizes(net):
    rng = random.Random(0)
    if net == "sin":
        model, x = ex.DynamicNet(rng), torch.linspace(-1, 1, 10)
    else:
        model, x = ex.relu.DynamicNet(20, 8, 3, rng), torch.randn(4, 20)
    sizes = {_graph_size(model(x).sum()) for _ in range(40)}
    assert len(sizes) == (3 if net == "sin" else 4)  # orders 3-5; middle_linear used 0-3 times


def test_a_too_large_learning_rate_stops_at_the_first_non_finite_loss():
    run = _losses("sin", 2, lr=0.5)
    assert run.diverged_at is not None and not math.isfinite(run.losses[-1])
    assert all(math.isfinite(v) for v in run.losses[:-1])
    assert run.log()[-2].startswith(f"Stopped at step {run.diverged_at}:")


@pytest.mark.parametrize(
    "bad",
    [
        {"iterations": 0},
        {"iterations": 10**9},
        {"lr": float("nan")},
        {"lr": 5.0},
        {"lr": -1e-3},
        {"dtype": "int8"},
        {"index": 12},
        {"problem": "chess"},
    ],
)
def test_absurd_settings_are_refused_before_anything_is_built(bad):
    cfg = ex.ExampleConfig(**{**ex.default_config("sin", 1).__dict__, **bad})
    with pytest.raises(ExampleError) as err:
        ex.ExampleRun(cfg)
    assert err.value.key.startswith("err.examples.") and err.value.message("zh") != str(err.value)


def test_the_relu_net_is_capped_lower_than_the_polynomial():
    ex.check_config(ex.default_config("sin", 7, iterations=30_000))
    with pytest.raises(ExampleError):
        ex.check_config(ex.default_config("relu", 7, iterations=30_000))


def test_a_run_resumes_slice_by_slice_to_the_same_losses():
    whole = _losses("sin", 7, iterations=300)
    parts = ex.ExampleRun(ex.default_config("sin", 7, iterations=300))
    while not parts.done:
        parts.advance(max_steps=37, max_seconds=60)
    assert parts.losses == whole.losses


def test_numpy_next_to_torch_is_measured():
    facts = ex.numpy_next_to_torch()
    assert facts["numpy_default"] == "float64" and facts["torch_default"] == "float32"
    assert facts["from_numpy_sees_change"] is True and facts["tensor_sees_change"] is False
    assert "requires grad" in facts["numpy_on_grad"]
    assert all(row["difference"] < 1e-12 for row in facts["operations"])


def test_every_level_can_be_timed():
    rows = ex.time_levels("sin", "cpu", iterations=5, warmup=1)
    assert [r[0] for r in rows] == [lv.key for lv in ex.LEVELS["sin"]]
    assert all(r[1] == "cpu" and r[2] > 0 for r in rows)


def test_the_loss_figure_summarises_long_runs():
    run = _losses("sin", 1, iterations=5000)
    fig = ex.make_loss_figure([("long", run.losses)], x_title="i", y_title="loss")
    xs, ys = fig.data[0].x, fig.data[0].y
    assert len(xs) <= ex.figures.MAX_POINTS + 1 and xs[-1] == 4999
    assert all(ys[k] == run.losses[t] for k, t in enumerate(xs))
    assert fig.layout.yaxis.type == "log"


def test_the_fit_figure_draws_the_fitted_polynomial():
    run = _losses("sin", 1)
    xs, ys = ex.fitted_curve(run)
    a, b, c, d = run.level.coefficients()
    assert ys[0] == pytest.approx(a + b * xs[0] + c * xs[0] ** 2 + d * xs[0] ** 3)
    assert max(abs(y - math.sin(x)) for x, y in zip(xs, ys, strict=True)) < 0.25  # a cubic, at ±π
