"""Each level's complete script, and its diff against the level before.

The scripts are ``string.Template`` texts: ``$lr``, ``$iterations``, ``$seed``, ``$dtype``,
``$device``, ``$every`` and ``$last`` come from the page, ``$threads`` from the server (the page
runs with its thread count; a fresh Python would use every core, and another count sums in
another order: the ReLU levels' last digits). Each runs in a fresh Python with
only NumPy (level 1) or torch installed and prints the numbers the page shows.
"""

from __future__ import annotations

import difflib
from string import Template

from playground.core.device import threads_code
from playground.examples.levels import ExampleConfig
from playground.examples.polynomial import start_values
from playground.examples.scripts_relu import RELU
from playground.examples.scripts_sin import SIN

__all__ = ["diff_code", "example_code"]

SCRIPTS = {"sin": SIN, "relu": RELU}


def example_code(cfg: ExampleConfig) -> str:
    """The level's script for these settings."""
    template = SCRIPTS[cfg.problem][cfg.level.key]
    every = cfg.level.print_every
    dtype = "torch.float64" if cfg.dtype == "float64" else "torch.float32"
    start = ", ".join(repr(v) for v in start_values(cfg.seed))
    return Template(template).substitute(
        lr=repr(cfg.lr), iterations=cfg.iterations, seed=cfg.seed, dtype=dtype,
        device=cfg.device, every=every, last=every - 1, start=start, threads=threads_code(),
    )  # fmt: skip


def diff_code(previous: str, current: str) -> str:
    """A unified diff, previous level to this one, for a ``diff`` code block."""
    lines = difflib.unified_diff(
        previous.splitlines(),
        current.splitlines(),
        "previous level",
        "this level",
        lineterm="",
        n=2,
    )
    return "\n".join(lines)
