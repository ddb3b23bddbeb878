"""The levels of "Learning PyTorch with Examples": one problem, solved again and again.

Each level replaces hand-written work with a PyTorch abstraction: tensors, autograd, a
custom ``autograd.Function``, ``nn``, ``optim``, a custom ``nn.Module``, and finally control
flow with weight sharing. Two problems are offered: the current tutorial's third-order
polynomial fit of ``sin(x)``, and the older tutorial's two-layer ReLU net on random data.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DTYPES",
    "LEVELS",
    "MAX_ITERATIONS",
    "PROBLEMS",
    "ExampleConfig",
    "Level",
    "default_config",
    "level",
]

PROBLEMS = ("sin", "relu")
DTYPES = ("float32", "float64")
MAX_ITERATIONS = 30_000  # the tutorial's DynamicNet run, the longest


@dataclass(frozen=True)
class Level:
    """One level: its key, the tutorial's learning rate and iterations, how often it prints."""

    key: str
    lr: float
    iterations: int
    print_every: int = 100


# The tutorial's own learning rates and iteration counts, level by level.
LEVELS: dict[str, tuple[Level, ...]] = {
    "sin": (
        Level("numpy", 1e-6, 2000),
        Level("tensors", 1e-6, 2000),
        Level("autograd", 1e-6, 2000),
        Level("function", 5e-6, 2000),
        Level("nn", 1e-6, 2000),
        Level("optim", 1e-3, 2000),
        Level("module", 1e-6, 2000),
        Level("dynamic", 1e-8, 30_000, 2000),
    ),
    "relu": (
        Level("numpy", 1e-6, 500, 50),
        Level("tensors", 1e-6, 500, 50),
        Level("autograd", 1e-6, 500, 50),
        Level("function", 1e-6, 500, 50),
        Level("nn", 1e-4, 500, 50),
        Level("optim", 1e-4, 500, 50),
        Level("module", 1e-4, 500, 50),
        Level("dynamic", 1e-4, 500, 50),
    ),
}


def level(problem: str, index: int) -> Level:
    return LEVELS[problem][index]


@dataclass(frozen=True)
class ExampleConfig:
    """Everything one run depends on: the problem, the level (0-based) and its settings."""

    problem: str = "sin"
    index: int = 0
    lr: float = 1e-6
    iterations: int = 2000
    seed: int = 0
    dtype: str = "float32"
    device: str = "cpu"

    @property
    def level(self) -> Level:
        return LEVELS[self.problem][self.index]


def default_config(problem: str, index: int, **overrides: object) -> ExampleConfig:
    """A level's config with the tutorial's learning rate and iteration count."""
    lv = LEVELS[problem][index]
    values: dict[str, object] = {"lr": lv.lr, "iterations": lv.iterations, **overrides}
    return ExampleConfig(problem, index, **values)  # type: ignore[arg-type]
