"""Running a level in slices: its losses, its log as the script prints it, and a stop on NaN."""

from __future__ import annotations

import copy
import math
import threading
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
from playground.server.store import library_versions, tensor_bytes
from playground.server.work import held_elsewhere, if_free, shared_run

__all__ = [
    "MAX_RELU_ITERATIONS",
    "ExampleRun",
    "check_config",
    "example_key",
    "fitted_curve",
    "shared_example",
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


@dataclass(eq=False)
class ExampleRun:
    """One level's run, resumable slice by slice; ``losses[t]`` is the loss at iteration t.

    It follows the server's run protocol (:class:`playground.server.SliceRun`): a class
    shares one run per config, advanced by one thread at a time.
    """

    cfg: ExampleConfig
    level: Any = None
    losses: list[float] = field(default_factory=list)
    seconds: float = 0.0
    diverged_at: int | None = None
    shared_key: Any = None
    released: bool = False
    # OpenMP's thread count is per calling thread and changes the last bits: every thread
    # that advances this run uses the count of the thread that made it.
    threads: int = field(default_factory=torch.get_num_threads)
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

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

    @property
    def busy(self) -> bool:
        """Whether another thread is advancing this run right now."""
        return held_elsewhere(self._lock)

    def run(self, *, max_seconds: float = 0.5) -> int:
        """:meth:`advance`, or 0 at once while another thread advances this run."""

        def advance() -> int:
            torch.set_num_threads(self.threads)
            return self.advance(max_seconds=max_seconds)

        return if_free(self._lock, advance)

    def advance(self, *, max_seconds: float = 0.5, max_steps: int | None = None) -> int:
        """Iterate until ``max_seconds`` pass (or ``max_steps``); returns the steps taken."""
        start, steps = time.perf_counter(), 0
        with self._lock:
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

    def fork(self) -> ExampleRun:
        """A private copy at this very position (parameters, optimizer, RNGs, losses)."""
        with self._lock:
            # The last prediction is kept with its graph, which deepcopy refuses: a plain copy.
            memo = {
                id(v): v.detach().clone()
                for v in vars(self.level).values()
                if isinstance(v, torch.Tensor) and v.grad_fn is not None
            }
            return ExampleRun(
                self.cfg, copy.deepcopy(self.level, memo), list(self.losses), self.seconds,
                self.diverged_at, threads=self.threads,
            )  # fmt: skip

    def release(self) -> None:
        with self._lock:
            self.level, self.released = None, True

    def nbytes(self) -> int:
        """The tensors and arrays the level holds (its data and parameters)."""
        if self.released:
            return 0
        parts = list(vars(self.level).values())
        arrays = sum(p.nbytes for p in parts if isinstance(p, np.ndarray))
        return tensor_bytes(parts) + arrays

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


def example_key(cfg: ExampleConfig) -> tuple[Any, ...]:
    """Everything that determines a level's numbers: the config (seed, dtype and device too)
    and the library versions."""
    return "examples", cfg, library_versions()


def shared_example(cfg: ExampleConfig) -> ExampleRun:
    """The class's run of ``cfg``: thirty students on one link compute one run."""
    check_config(cfg)  # a refused config is never a key
    return shared_run(example_key(cfg), lambda: ExampleRun(cfg))


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
