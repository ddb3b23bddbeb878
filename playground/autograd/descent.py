"""Gradient descent by hand: fitting a line with ``w -= lr * w.grad`` under ``no_grad``.

The path, the loss curve and the loss surface, with divergence detected at the step where
the loss stops being finite or blows up.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from playground.autograd.concepts import _gen, grad_of

# -- gradient descent by hand ------------------------------------------------------------
TRUE_W, TRUE_B = 2.0, -1.0
LEARNING_RATES = (0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.6, 0.9, 1.0, 1.2, 1.5, 2.0, 5.0)
START = (-2.0, 2.0)


def line_data(seed: int, n: int = 12) -> tuple[torch.Tensor, torch.Tensor]:
    g = _gen(seed)
    x = torch.linspace(-1, 1, n)
    y = TRUE_W * x + TRUE_B + 0.3 * torch.randn(n, generator=g)
    return x, y


@dataclass
class DescentResult:
    path: list[tuple[float, float]]  # (w, b) before each step, then the final values
    losses: list[float]
    diverged_at: int | None  # the step whose loss was no longer finite or blew up
    best: tuple[float, float]  # the least-squares solution, from torch.linalg.lstsq
    optimum_loss: float = math.nan  # the loss at ``best``

    @property
    def final_loss(self) -> float:
        return self.losses[-1] if self.losses else math.nan

    @property
    def overshoots(self) -> bool:
        """Too big an lr that has not (yet) diverged: the loss stays far above the optimum
        and no longer falls, because each step jumps across the valley (lr 1.0 here: ~100x)."""
        if self.diverged_at is not None or len(self.losses) < 10:
            return False
        recent = self.losses[-10]
        return self.final_loss > 10 * self.optimum_loss and self.final_loss >= 0.99 * recent


def fit_line(lr: float, steps: int, seed: int) -> DescentResult:
    """Fit ``y = w·x + b`` by hand: backward, ``w -= lr * w.grad`` under ``no_grad``, zero.

    Stops at the first loss that is not finite or is a million times the first:
    that is divergence, reported instead of plotted.
    """
    x, y = line_data(seed)
    w = torch.tensor(START[0], requires_grad=True)
    b = torch.tensor(START[1], requires_grad=True)
    path: list[tuple[float, float]] = []
    losses: list[float] = []
    diverged: int | None = None
    for step in range(steps):
        loss = ((w * x + b - y) ** 2).mean()
        value = loss.item()
        if not math.isfinite(value) or (losses and value > 1e6 * losses[0]):
            diverged = step
            break
        path.append((w.item(), b.item()))
        losses.append(value)
        loss.backward()
        with torch.no_grad():
            w -= lr * grad_of(w)
            b -= lr * grad_of(b)
        grad_of(w).zero_()
        grad_of(b).zero_()
    else:
        path.append((w.item(), b.item()))
    design = torch.stack([x, torch.ones_like(x)], dim=1)
    solution = torch.linalg.lstsq(design, y.unsqueeze(1)).solution.squeeze(1)
    optimum = ((design @ solution - y) ** 2).mean().item()
    best = (solution[0].item(), solution[1].item())
    return DescentResult(path, losses, diverged, best, optimum)


def loss_surface(
    seed: int, path: list[tuple[float, float]], best: tuple[float, float], n: int = 60
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The MSE on a (w, b) grid around the path and the minimum, by broadcasting."""
    x, y = line_data(seed)
    ws = [p[0] for p in path if math.isfinite(p[0])][:200] + [best[0], START[0]]
    bs = [p[1] for p in path if math.isfinite(p[1])][:200] + [best[1], START[1]]
    pad_w = max(max(ws) - min(ws), 1.0) * 0.25
    pad_b = max(max(bs) - min(bs), 1.0) * 0.25
    span_w = (max(min(ws) - pad_w, -1e4), min(max(ws) + pad_w, 1e4))
    span_b = (max(min(bs) - pad_b, -1e4), min(max(bs) + pad_b, 1e4))
    gw = torch.linspace(*span_w, n)
    gb = torch.linspace(*span_b, n)
    pred = gw[:, None, None] * x + gb[None, :, None]  # (n, n, points)
    surface = ((pred - y) ** 2).mean(dim=-1)
    return gw, gb, surface


def descent_code(lr: float, steps: int, seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
x = torch.linspace(-1, 1, 12)
y = {TRUE_W} * x + {TRUE_B} + 0.3 * torch.randn(12)
w = torch.tensor({START[0]}, requires_grad=True)
b = torch.tensor({START[1]}, requires_grad=True)
lr = {lr!r}
losses = []
for step in range({steps}):
    loss = ((w * x + b - y) ** 2).mean()
    if not torch.isfinite(loss) or (losses and loss.item() > 1e6 * losses[0]):
        print(f"diverged at step {{step}}: lower the learning rate")
        break
    losses.append(loss.item())
    loss.backward()
    with torch.no_grad():  # the update itself must not be recorded in the graph
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad.zero_()
    b.grad.zero_()
print(w.item(), b.item(), losses[-1])
"""
