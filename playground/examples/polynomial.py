"""Fit ``y = sin(x)`` on ``[-π, π]`` with a third-order polynomial, at eight levels.

Each class here is one iteration of the matching script in :mod:`playground.examples.code`,
line for line: the tests run the scripts and compare their printed losses with these.
Levels 1–3 and 7 start from the same four numbers (``torch.randn(())`` four times after
``torch.manual_seed(seed)``, on the CPU in float32), so their losses can be compared step
by step.
"""

from __future__ import annotations

import math
import random
from typing import Any, cast

import numpy as np
import torch

from playground.core.rng import seeded
from playground.examples.levels import ExampleConfig

__all__ = [
    "N_POINTS",
    "DynamicNet",
    "LegendrePolynomial3",
    "SIN_LEVELS",
    "Polynomial3",
    "sin_data",
    "start_values",
]

N_POINTS = 2000


def sin_data(device: torch.device | str = "cpu", dtype: torch.dtype = torch.float32):
    """The tutorial's 2,000 points: ``x = linspace(-π, π)``, ``y = sin(x)``."""
    x = torch.linspace(-math.pi, math.pi, N_POINTS, device=device, dtype=dtype)
    return x, torch.sin(x)


def start_values(seed: int) -> list[float]:
    """a, b, c, d as every comparable level draws them: on the CPU, in float32."""
    g = torch.Generator().manual_seed(seed)
    return [torch.randn((), generator=g).item() for _ in range(4)]


def grad_of(t: torch.Tensor) -> torch.Tensor:
    """``t.grad`` after ``backward()`` (None only before the first one)."""
    assert t.grad is not None, "backward() has not reached this tensor"
    return t.grad


def cubic_result(coefficients: list[float]) -> str:
    """The line the scripts end with, in the tutorial's form."""
    a, b, c, d = coefficients
    return f"Result: y = {a} + {b} x + {c} x^2 + {d} x^3"


def _dtype(cfg: ExampleConfig) -> torch.dtype:
    return torch.float64 if cfg.dtype == "float64" else torch.float32


class NumpyLevel:
    """Level 1: NumPy, with the gradients written out by hand."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr = cfg.lr
        self.x = np.linspace(-math.pi, math.pi, N_POINTS)
        self.y = np.sin(self.x)
        self.a, self.b, self.c, self.d = start_values(cfg.seed)
        self.grads: dict[str, float] = {}

    def step(self) -> float:
        x, y = self.x, self.y
        y_pred = self.a + self.b * x + self.c * x**2 + self.d * x**3
        loss = float(np.square(y_pred - y).sum())
        if not math.isfinite(loss):
            return loss
        grad_y_pred = 2.0 * (y_pred - y)
        self.grads = {
            "a": float(grad_y_pred.sum()),
            "b": float((grad_y_pred * x).sum()),
            "c": float((grad_y_pred * x**2).sum()),
            "d": float((grad_y_pred * x**3).sum()),
        }
        self.a -= self.lr * self.grads["a"]
        self.b -= self.lr * self.grads["b"]
        self.c -= self.lr * self.grads["c"]
        self.d -= self.lr * self.grads["d"]
        return loss

    def coefficients(self) -> list[float]:
        return [self.a, self.b, self.c, self.d]

    def result(self) -> str:
        return cubic_result(self.coefficients())


class TensorLevel:
    """Level 2: the same code with torch tensors, on the chosen device."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr, dtype = cfg.lr, _dtype(cfg)
        self.x, self.y = sin_data(cfg.device, dtype)
        with seeded(cfg.seed):  # torch.manual_seed(seed) in the script
            self.a, self.b, self.c, self.d = (
                torch.randn(()).to(cfg.device, dtype) for _ in range(4)
            )

    def step(self) -> float:
        x, y = self.x, self.y
        y_pred = self.a + self.b * x + self.c * x**2 + self.d * x**3
        loss = (y_pred - y).pow(2).sum().item()
        if not math.isfinite(loss):
            return loss
        grad_y_pred = 2.0 * (y_pred - y)
        grad_a = grad_y_pred.sum()
        grad_b = (grad_y_pred * x).sum()
        grad_c = (grad_y_pred * x**2).sum()
        grad_d = (grad_y_pred * x**3).sum()
        self.a -= self.lr * grad_a
        self.b -= self.lr * grad_b
        self.c -= self.lr * grad_c
        self.d -= self.lr * grad_d
        return loss

    def coefficients(self) -> list[float]:
        return [t.item() for t in (self.a, self.b, self.c, self.d)]

    def result(self) -> str:
        return cubic_result(self.coefficients())


class AutogradLevel(TensorLevel):
    """Level 3: ``requires_grad=True`` and ``loss.backward()`` replace the hand-written grads."""

    def __init__(self, cfg: ExampleConfig) -> None:
        super().__init__(cfg)
        self.a, self.b, self.c, self.d = (t.requires_grad_() for t in self.coefficients_t())
        self.grads: dict[str, float] = {}

    def coefficients_t(self) -> tuple[torch.Tensor, ...]:
        return (self.a, self.b, self.c, self.d)

    def step(self) -> float:
        x, y = self.x, self.y
        y_pred = self.a + self.b * x + self.c * x**2 + self.d * x**3
        loss = (y_pred - y).pow(2).sum()
        value = loss.item()
        if not math.isfinite(value):
            return value
        loss.backward()
        self.grads = {
            k: grad_of(t).item() for k, t in zip("abcd", self.coefficients_t(), strict=True)
        }
        with torch.no_grad():
            for t in self.coefficients_t():
                t -= self.lr * grad_of(t)
                t.grad = None
        return value


class LegendrePolynomial3(torch.autograd.Function):
    """The tutorial's custom Function: ``P3(x) = ½(5x³ - 3x)``, and ``P3'(x) = 1.5(5x² - 1)``."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return 0.5 * (5 * input**3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input**2 - 1)


class FunctionLevel:
    """Level 4: ``y = a + b·P3(c + d·x)`` with the custom Function's own ``backward``."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr, dtype = cfg.lr, _dtype(cfg)
        self.x, self.y = sin_data(cfg.device, dtype)
        full: dict[str, Any] = {"device": cfg.device, "dtype": dtype, "requires_grad": True}
        self.a = torch.full((), 0.0, **full)
        self.b = torch.full((), -1.0, **full)
        self.c = torch.full((), 0.0, **full)
        self.d = torch.full((), 0.3, **full)

    def step(self) -> float:
        P3 = LegendrePolynomial3.apply  # noqa: N806 - the tutorial's name
        y_pred = self.a + self.b * P3(self.c + self.d * self.x)
        loss = (y_pred - self.y).pow(2).sum()
        value = loss.item()
        if not math.isfinite(value):
            return value
        loss.backward()
        with torch.no_grad():
            for t in (self.a, self.b, self.c, self.d):
                t -= self.lr * grad_of(t)
                t.grad = None
        return value

    def coefficients(self) -> list[float]:
        return [t.item() for t in (self.a, self.b, self.c, self.d)]

    def result(self) -> str:
        a, b, c, d = self.coefficients()
        return f"Result: y = {a} + {b} * P3({c} + {d} x)"


class NnLevel:
    """Level 5: ``nn.Sequential(nn.Linear(3, 1), nn.Flatten(0, 1))`` and ``nn.MSELoss``."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr, dtype = cfg.lr, _dtype(cfg)
        x, self.y = sin_data(cfg.device, dtype)
        p = torch.tensor([1, 2, 3], device=cfg.device)
        self.xx = x.unsqueeze(-1).pow(p)  # (2000, 3): x, x², x³
        with seeded(cfg.seed):
            self.model = torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0, 1))
        self.model.to(cfg.device, dtype)
        self.loss_fn = torch.nn.MSELoss(reduction="sum")

    def _forward_loss(self) -> torch.Tensor:
        return self.loss_fn(self.model(self.xx), self.y)

    def step(self) -> float:
        loss = self._forward_loss()
        value = loss.item()
        if not math.isfinite(value):
            return value
        self.model.zero_grad()
        loss.backward()
        with torch.no_grad():
            for param in self.model.parameters():
                param.sub_(self.lr * grad_of(param))  # param -= lr * param.grad
        return value

    def coefficients(self) -> list[float]:
        linear = cast(torch.nn.Linear, self.model[0])
        return [linear.bias.item(), *(linear.weight[:, k].item() for k in range(3))]

    def result(self) -> str:
        return cubic_result(self.coefficients())


class OptimLevel(NnLevel):
    """Level 6: the same model, and ``torch.optim.RMSprop`` does the update."""

    def __init__(self, cfg: ExampleConfig) -> None:
        super().__init__(cfg)
        self.optimizer = torch.optim.RMSprop(self.model.parameters(), lr=cfg.lr)

    def step(self) -> float:
        loss = self._forward_loss()
        value = loss.item()
        if not math.isfinite(value):
            return value
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return value


class Polynomial3(torch.nn.Module):
    """The tutorial's custom Module: four ``nn.Parameter`` scalars."""

    def __init__(self) -> None:
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.a + self.b * x + self.c * x**2 + self.d * x**3

    def string(self) -> str:
        return (
            f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3"
        )


class ModuleLevel:
    """Level 7: ``Polynomial3(nn.Module)``, ``MSELoss`` and ``optim.SGD``."""

    def __init__(self, cfg: ExampleConfig) -> None:
        dtype = _dtype(cfg)
        self.x, self.y = sin_data(cfg.device, dtype)
        with seeded(cfg.seed):
            self.model = self._build().to(cfg.device, dtype)
        self.criterion = torch.nn.MSELoss(reduction="sum")
        self.optimizer = self._optimizer(cfg.lr)

    def _build(self) -> torch.nn.Module:
        return Polynomial3()

    def _optimizer(self, lr: float) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.model.parameters(), lr=lr)

    def step(self) -> float:
        y_pred = self.model(self.x)
        loss = self.criterion(y_pred, self.y)
        value = loss.item()
        if not math.isfinite(value):
            return value
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return value

    def coefficients(self) -> list[float]:
        return [getattr(self.model, k).item() for k in "abcd"]

    def result(self) -> str:
        return f"Result: {self.model.string()}"  # type: ignore[operator]


class DynamicNet(torch.nn.Module):
    """The tutorial's control flow and weight sharing: ``e`` serves x⁴ and maybe x⁵."""

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))
        self.rng = rng or random.Random()  # the script uses the random module itself

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.a + self.b * x + self.c * x**2 + self.d * x**3
        for exp in range(4, self.rng.randint(4, 6)):
            y = y + self.e * x**exp
        return y

    def string(self) -> str:
        return (
            f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
            f"{self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?"
        )


class DynamicLevel(ModuleLevel):
    """Level 8: ``DynamicNet``, SGD with momentum; each forward builds a new graph."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.rng = random.Random(cfg.seed)  # this session's own, as random.seed(seed) in the script
        super().__init__(cfg)

    def _build(self) -> torch.nn.Module:
        return DynamicNet(self.rng)

    def _optimizer(self, lr: float) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.9)

    def coefficients(self) -> list[float]:
        return [getattr(self.model, k).item() for k in "abcde"]


SIN_LEVELS = (
    NumpyLevel,
    TensorLevel,
    AutogradLevel,
    FunctionLevel,
    NnLevel,
    OptimLevel,
    ModuleLevel,
    DynamicLevel,
)
