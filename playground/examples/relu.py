"""The older tutorial's variant: a two-layer ReLU net on random data, at eight levels.

``N, D_in, H, D_out = 64, 1000, 100, 10``: a batch of 64 random inputs, 1,000 features, a
hidden layer of 100 and 10 outputs, fitted to random targets by the sum of squared errors.
Each class is one iteration of the matching script in :mod:`playground.examples.code`.
"""

from __future__ import annotations

import math
import random
from typing import Any

import numpy as np
import torch

from playground.core.rng import seeded
from playground.examples.levels import ExampleConfig
from playground.examples.polynomial import grad_of

__all__ = ["D_IN", "D_OUT", "H", "N", "RELU_LEVELS", "MyReLU"]

N, D_IN, H, D_OUT = 64, 1000, 100, 10


def _dtype(cfg: ExampleConfig) -> torch.dtype:
    return torch.float64 if cfg.dtype == "float64" else torch.float32


class _Base:
    last = math.nan
    y: Any
    y_pred: Any

    def result(self) -> str:
        return f"Result: loss = {self.last}"

    def prediction(self) -> tuple[list[float], list[float]]:
        """Targets and predictions of the last forward pass, flattened, for a scatter."""
        y = np.asarray(self.y.cpu() if isinstance(self.y, torch.Tensor) else self.y)
        p = self.y_pred
        p = np.asarray(p.detach().cpu() if isinstance(p, torch.Tensor) else p)
        return y.ravel().tolist(), p.ravel().tolist()


class NumpyLevel(_Base):
    """Level 1: NumPy, forward and backward by hand."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr = cfg.lr
        rs = np.random.RandomState(cfg.seed)  # np.random.seed(seed) in the script
        self.x, self.y = rs.randn(N, D_IN), rs.randn(N, D_OUT)
        self.w1, self.w2 = rs.randn(D_IN, H), rs.randn(H, D_OUT)

    def step(self) -> float:
        h = self.x.dot(self.w1)
        h_relu = np.maximum(h, 0)
        self.y_pred = y_pred = h_relu.dot(self.w2)
        loss = float(np.square(y_pred - self.y).sum())
        self.last = loss
        if not math.isfinite(loss):
            return loss
        grad_y_pred = 2.0 * (y_pred - self.y)
        grad_w2 = h_relu.T.dot(grad_y_pred)
        grad_h_relu = grad_y_pred.dot(self.w2.T)
        grad_h = grad_h_relu.copy()
        grad_h[h < 0] = 0
        grad_w1 = self.x.T.dot(grad_h)
        self.w1 -= self.lr * grad_w1
        self.w2 -= self.lr * grad_w2
        return loss


class TensorLevel(_Base):
    """Level 2: the same with torch tensors, on the chosen device."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr, dtype = cfg.lr, _dtype(cfg)
        with seeded(cfg.seed):  # drawn on the CPU, so every device starts alike
            x, y, w1, w2 = (torch.randn(*s) for s in ((N, D_IN), (N, D_OUT), (D_IN, H), (H, D_OUT)))
        self.x, self.y = x.to(cfg.device, dtype), y.to(cfg.device, dtype)
        self.w1, self.w2 = w1.to(cfg.device, dtype), w2.to(cfg.device, dtype)

    def step(self) -> float:
        h = self.x.mm(self.w1)
        h_relu = h.clamp(min=0)
        self.y_pred = y_pred = h_relu.mm(self.w2)
        loss = (y_pred - self.y).pow(2).sum().item()
        self.last = loss
        if not math.isfinite(loss):
            return loss
        grad_y_pred = 2.0 * (y_pred - self.y)
        grad_w2 = h_relu.t().mm(grad_y_pred)
        grad_h_relu = grad_y_pred.mm(self.w2.t())
        grad_h = grad_h_relu.clone()
        grad_h[h < 0] = 0
        grad_w1 = self.x.t().mm(grad_h)
        self.w1 -= self.lr * grad_w1
        self.w2 -= self.lr * grad_w2
        return loss


class AutogradLevel(TensorLevel):
    """Level 3: ``requires_grad=True`` on the weights, and ``loss.backward()``."""

    def __init__(self, cfg: ExampleConfig) -> None:
        super().__init__(cfg)
        self.w1.requires_grad_()
        self.w2.requires_grad_()

    def forward(self) -> torch.Tensor:
        return self.x.mm(self.w1).clamp(min=0).mm(self.w2)

    def step(self) -> float:
        self.y_pred = y_pred = self.forward()
        loss = (y_pred - self.y).pow(2).sum()
        self.last = value = loss.item()
        if not math.isfinite(value):
            return value
        loss.backward()
        with torch.no_grad():
            for w in (self.w1, self.w2):
                w -= self.lr * grad_of(w)
                w.grad = None
        return value


class MyReLU(torch.autograd.Function):
    """The older tutorial's custom Function: ReLU with its own ``backward``."""

    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


class FunctionLevel(AutogradLevel):
    """Level 4: ``MyReLU.apply`` in place of ``clamp(min=0)``."""

    def forward(self) -> torch.Tensor:
        relu = MyReLU.apply
        return relu(self.x.mm(self.w1)).mm(self.w2)


class NnLevel(_Base):
    """Level 5: ``nn.Sequential(Linear, ReLU, Linear)`` and ``nn.MSELoss(reduction="sum")``."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.lr, dtype = cfg.lr, _dtype(cfg)
        with seeded(cfg.seed):
            x, y = torch.randn(N, D_IN), torch.randn(N, D_OUT)
            self.model = self._build()
        self.x, self.y = x.to(cfg.device, dtype), y.to(cfg.device, dtype)
        self.model.to(cfg.device, dtype)
        self.loss_fn = torch.nn.MSELoss(reduction="sum")
        self.optimizer = self._optimizer(cfg.lr)

    def _build(self) -> torch.nn.Module:
        return torch.nn.Sequential(
            torch.nn.Linear(D_IN, H), torch.nn.ReLU(), torch.nn.Linear(H, D_OUT)
        )

    def _optimizer(self, lr: float) -> torch.optim.Optimizer | None:
        return None

    def step(self) -> float:
        self.y_pred = y_pred = self.model(self.x)
        loss = self.loss_fn(y_pred, self.y)
        self.last = value = loss.item()
        if not math.isfinite(value):
            return value
        if self.optimizer is None:  # level 5: the update by hand
            self.model.zero_grad()
            loss.backward()
            with torch.no_grad():
                for param in self.model.parameters():
                    param.sub_(self.lr * grad_of(param))  # param -= lr * param.grad
        else:
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        return value


class OptimLevel(NnLevel):
    """Level 6: ``torch.optim.Adam`` does the update."""

    def _optimizer(self, lr: float) -> torch.optim.Optimizer:
        return torch.optim.Adam(self.model.parameters(), lr=lr)


class TwoLayerNet(torch.nn.Module):
    """The tutorial's custom Module."""

    def __init__(self, D_in: int, H: int, D_out: int) -> None:  # noqa: N803 - the tutorial's names
        super().__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h_relu = self.linear1(x).clamp(min=0)
        return self.linear2(h_relu)


class ModuleLevel(NnLevel):
    """Level 7: ``TwoLayerNet(nn.Module)`` trained by ``optim.SGD``."""

    def _build(self) -> torch.nn.Module:
        return TwoLayerNet(D_IN, H, D_OUT)

    def _optimizer(self, lr: float) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.model.parameters(), lr=lr)


class DynamicNet(torch.nn.Module):
    """The tutorial's weight sharing: ``middle_linear`` is reused 0 to 3 times per forward."""

    def __init__(self, D_in: int, H: int, D_out: int, rng: random.Random | None = None) -> None:  # noqa: N803
        super().__init__()
        self.input_linear = torch.nn.Linear(D_in, H)
        self.middle_linear = torch.nn.Linear(H, H)
        self.output_linear = torch.nn.Linear(H, D_out)
        self.rng = rng or random.Random()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(self.rng.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        return self.output_linear(h_relu)


class DynamicLevel(NnLevel):
    """Level 8: ``DynamicNet``, SGD with momentum."""

    def __init__(self, cfg: ExampleConfig) -> None:
        self.rng = random.Random(cfg.seed)  # random.seed(seed) in the script
        super().__init__(cfg)

    def _build(self) -> torch.nn.Module:
        return DynamicNet(D_IN, H, D_OUT, self.rng)

    def _optimizer(self, lr: float) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.model.parameters(), lr=lr, momentum=0.9)


RELU_LEVELS = (
    NumpyLevel,
    TensorLevel,
    AutogradLevel,
    FunctionLevel,
    NnLevel,
    OptimLevel,
    ModuleLevel,
    DynamicLevel,
)
