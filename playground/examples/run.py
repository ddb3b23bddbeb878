"""Running a level in slices: its losses, its log as the script prints it, and a stop on NaN."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from playground.core.device import synchronize
from playground.core.errors import ExampleError
from playground.examples.levels import DTYPES, LEVELS, MAX_ITERATIONS, ExampleConfig
from playground.examples.polynomial import SIN_LEVELS, sin_data
from playground.examples.relu import RELU_LEVELS

__all__ = [
    "MAX_RELU_ITERATIONS",
    "ExampleRun",
    "check_config",
    "fitted_curve",
    "sin_targets",
    "time_levels",
]

MAX_RELU_ITERATIONS = 5_000  # about 40 MFLOP an iteration: a budget on a shared server
MAX_LR = 1.0


def check_config(cfg: ExampleConfig) -> None:
    """Refuse settings that make no sense or cost too much, before anything is built."""
    if cfg.problem not in LEVELS or not 0 <= cfg.index < len(LEVELS[cfg.problem]):
        raise ExampleError("err.examples.unknown_level", problem=cfg.problem, index=cfg.index)
    cap = MAX_RELU_ITERATIONS if cfg.problem == "relu" else MAX_ITERATIONS
    if not 1 <= cfg.iterations <= cap:
        raise ExampleError("err.examples.iterations", iterations=cfg.iterations, cap=cap)
    if not (math.isfinite(cfg.lr) and 0 < cfg.lr <= MAX_LR):
        raise ExampleError("err.examples.lr", lr=cfg.lr, cap=MAX_LR)
    if cfg.dtype not in DTYPES:
        raise ExampleError("err.examples.dtype", dtype=cfg.dtype)


def _make(cfg: ExampleConfig) -> Any:
    """The level object whose ``step()`` is one iteration of that level's script."""
    return {"sin": SIN_LEVELS, "relu": RELU_LEVELS}[cfg.problem][cfg.index](cfg)


@dataclass
class ExampleRun:
    """One level's run, resumable slice by slice; ``losses[t]`` is the loss at iteration t."""

    cfg: ExampleConfig
    level: Any = None
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    diverged_at: int | None = None

    def __post_init__(self) -> None:
        check_config(self.cfg)
        if self.level is None:
            self.level = _make(self.cfg)

    @property
    def done(self) -> bool:
        return len(self.losses) >= self.cfg.iterations or self.diverged_at is not None

    @property
    def diverged(self) -> ExampleError | None:
        """Why the run stopped early, when its loss stopped being finite."""
        if self.diverged_at is None:
            return None
        return ExampleError("err.examples.diverged", step=self.diverged_at, lr=self.cfg.lr)

    @property
    def progress(self) -> float:
        return len(self.losses) / self.cfg.iterations

    def advance(self, *, max_seconds: float = 0.5, max_steps: int | None = None) -> int:
        """Iterate until ``max_seconds`` pass (or ``max_steps``); returns the steps taken."""
        start, steps = time.perf_counter(), 0
        while not self.done:
            loss = self.level.step()
            self.losses.append(loss)
            steps += 1
            if not math.isfinite(loss):
                self.diverged_at = len(self.losses) - 1
            if time.perf_counter() - start >= max_seconds or (max_steps and steps >= max_steps):
                break
        synchronize(self.cfg.device if self.cfg.index else "cpu")
        self.seconds += time.perf_counter() - start
        return steps

    def log(self) -> list[str]:
        """The lines the script prints, so far."""
        every = self.cfg.level.print_every
        lines = [f"{t} {v}" for t, v in enumerate(self.losses) if t % every == every - 1]
        if self.diverged_at is not None:
            v = self.losses[self.diverged_at]
            lines.append(
                f"Stopped at step {self.diverged_at}: the loss is {v}. Lower the learning rate."
            )
        if self.done:
            lines.append(self.level.result())
        return lines


def fitted_curve(run: ExampleRun, points: int = 200) -> tuple[list[float], list[float]]:
    """x and the level's current prediction on [-π, π], for the sin problem's figure."""
    lv, cfg = run.level, run.cfg
    x = torch.linspace(-math.pi, math.pi, points, dtype=torch.float64)
    with torch.no_grad():
        if cfg.level.key == "function":
            a, b, c, d = lv.coefficients()
            z = c + d * x
            y = a + b * 0.5 * (5 * z**3 - 3 * z)
        elif cfg.level.key == "dynamic":
            a, b, c, d, e = lv.coefficients()
            y = a + b * x + c * x**2 + d * x**3 + e * x**4  # the order-4 pass, one of three
        else:
            a, b, c, d = lv.coefficients()
            y = a + b * x + c * x**2 + d * x**3
    return x.tolist(), y.tolist()


def time_levels(
    problem: str, device: str, *, iterations: int = 200, warmup: int = 20, seed: int = 0
) -> list[tuple[str, str, float]]:
    """(level, device, ms per iteration) for every level, measured after a warm-up.

    NumPy always runs on the CPU; on CUDA each timing ends with ``synchronize``.
    """
    rows = []
    for index, lv in enumerate(LEVELS[problem]):
        on = "cpu" if index == 0 else device
        cfg = ExampleConfig(problem, index, lv.lr, warmup + iterations, seed, "float32", on)
        level = _make(cfg)
        for _ in range(warmup):
            level.step()
        synchronize(on)
        start = time.perf_counter()
        for _ in range(iterations):
            level.step()
        synchronize(on)
        rows.append((lv.key, on, 1000 * (time.perf_counter() - start) / iterations))
    return rows


def sin_targets(points: int = 200) -> tuple[list[float], list[float]]:
    x, y = sin_data("cpu", torch.float64)
    idx = np.linspace(0, len(x) - 1, points).astype(int)
    return x[idx].tolist(), y[idx].tolist()
