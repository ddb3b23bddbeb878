"""What the page proves beside each run: levels 1–3 agree, hand gradients equal autograd's,
the custom Function's ``backward`` passes ``gradcheck``, and NumPy sits next to PyTorch."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from playground.examples.levels import ExampleConfig
from playground.examples.polynomial import AutogradLevel, LegendrePolynomial3, NumpyLevel
from playground.examples.relu import MyReLU
from playground.examples.run import ExampleRun

__all__ = [
    "Agreement",
    "FunctionCheck",
    "agreement",
    "check_function",
    "gradient_rows",
    "numpy_next_to_torch",
]

MAX_AGREEMENT_STEPS = 2000


@dataclass(frozen=True)
class Agreement:
    """Losses of levels 1, 2 and 3 from one start, step by step."""

    losses: tuple[list[float], list[float], list[float]]
    max_abs: float  # largest |loss difference| between any two levels at one step
    max_rel: float

    @property
    def steps(self) -> int:
        return min(len(v) for v in self.losses)


def agreement(cfg: ExampleConfig) -> Agreement:
    """Run levels 1–3 of the sin problem with ``cfg``'s settings (at most 2,000 steps)."""
    steps = min(cfg.iterations, MAX_AGREEMENT_STEPS)
    runs = []
    for index in range(3):
        run = ExampleRun(
            ExampleConfig("sin", index, cfg.lr, steps, cfg.seed, cfg.dtype, cfg.device)
        )
        run.advance(max_seconds=math.inf)
        runs.append(run.losses)
    n = min(len(r) for r in runs)
    arr = np.array([r[:n] for r in runs], dtype=np.float64)
    finite = np.isfinite(arr).all(axis=0)
    arr = arr[:, finite]
    gap = arr.max(axis=0) - arr.min(axis=0) if arr.size else np.zeros(0)
    scale = np.maximum(np.abs(arr).max(axis=0), 1e-300) if arr.size else np.ones(0)
    return Agreement(
        (runs[0], runs[1], runs[2]),
        float(gap.max()) if gap.size else 0.0,
        float((gap / scale).max()) if gap.size else 0.0,
    )


def gradient_rows(cfg: ExampleConfig) -> list[dict[str, object]]:
    """Level 1's hand-written gradients next to level 3's ``.grad``, at the first step."""
    hand = NumpyLevel(ExampleConfig("sin", 0, cfg.lr, 1, cfg.seed, "float64", "cpu"))
    auto = AutogradLevel(ExampleConfig("sin", 2, cfg.lr, 1, cfg.seed, "float64", cfg.device))
    hand.step()
    auto.step()
    return [
        {
            "parameter": k,
            "hand": hand.grads[k],
            "autograd": auto.grads[k],
            "difference": abs(hand.grads[k] - auto.grads[k]),
        }
        for k in "abcd"
    ]


@dataclass(frozen=True)
class FunctionCheck:
    name: str
    passed: bool
    max_error: float  # largest |analytical - numerical| derivative on the checked points
    points: int


def check_function(problem: str, *, seed: int = 0, points: int = 16) -> FunctionCheck:
    """``torch.autograd.gradcheck`` of the level-4 Function in float64, and its worst error."""
    fn = LegendrePolynomial3 if problem == "sin" else MyReLU
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(points, dtype=torch.float64, generator=g)
    if fn is MyReLU:  # keep the points away from the kink at 0, where no derivative exists
        x = x + torch.sign(x) * 0.1
    x.requires_grad_()
    passed = torch.autograd.gradcheck(fn.apply, (x,), eps=1e-6, atol=1e-5, raise_exception=False)
    (grad,) = torch.autograd.grad(fn.apply(x).sum(), x)
    eps = 1e-6
    with torch.no_grad():
        numerical = (fn.apply(x + eps) - fn.apply(x - eps)) / (2 * eps)
    return FunctionCheck(fn.__name__, bool(passed), (grad - numerical).abs().max().item(), points)


def numpy_next_to_torch() -> dict[str, object]:
    """Facts measured live: default dtypes, what shares memory, and what ``.numpy()`` needs."""
    facts: dict[str, object] = {
        "numpy_default": str(np.array([1.0]).dtype),
        "torch_default": str(torch.tensor([1.0]).dtype).replace("torch.", ""),
    }
    array = np.zeros(3)
    shared, copied = torch.from_numpy(array), torch.tensor(array)
    array[0] = 7.0
    facts["from_numpy_sees_change"] = shared[0].item() == 7.0
    facts["tensor_sees_change"] = copied[0].item() == 7.0
    w = torch.ones(2, requires_grad=True)
    try:
        w.numpy()
        facts["numpy_on_grad"] = ""
    except RuntimeError as err:
        facts["numpy_on_grad"] = str(err).splitlines()[0]
    if torch.cuda.is_available():
        try:
            torch.zeros(1, device="cuda").numpy()
            facts["numpy_on_cuda"] = ""
        except TypeError as err:
            facts["numpy_on_cuda"] = str(err).splitlines()[0]
    x = np.linspace(-math.pi, math.pi, 5)
    t = torch.from_numpy(x)
    pairs = [
        ("np.linspace(-pi, pi, 5)", "torch.linspace(-pi, pi, 5)", x, torch.linspace(-math.pi, math.pi, 5, dtype=torch.float64)),
        ("np.sin(x)", "torch.sin(x)", np.sin(x), torch.sin(t)),
        ("np.square(x).sum()", "x.pow(2).sum()", np.square(x).sum(), t.pow(2).sum()),
        ("np.maximum(x, 0)", "x.clamp(min=0)", np.maximum(x, 0), t.clamp(min=0)),
        ("x.reshape(5, 1).dot(x.reshape(1, 5))", "x.reshape(5, 1).mm(x.reshape(1, 5))", x.reshape(5, 1).dot(x.reshape(1, 5)), t.reshape(5, 1).mm(t.reshape(1, 5))),
        ("x.copy()", "x.clone()", x.copy(), t.clone()),
    ]  # fmt: skip
    facts["operations"] = [
        {"numpy": a, "torch": b, "difference": float(np.abs(np.asarray(u) - v.numpy()).max())}
        for a, b, u, v in pairs
    ]
    return facts
