"""Seeds: every compute function draws from its own ``torch.Generator``, never the global one.

A local generator keeps sessions independent on a shared server: one student's seed never
moves another student's random numbers.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

import torch

__all__ = ["MAX_SEED", "generator", "seed_global", "seeded"]

MAX_SEED = 2**31 - 2  # the sidebar's seed box, and what Resume accepts from a checkpoint

_LOCK = threading.Lock()  # seeding the global RNG must not interleave between sessions


def generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A generator on ``device`` seeded like ``torch.manual_seed(seed)`` seeds that device."""
    device = torch.device(device)
    if device.type == "cpu":
        return torch.Generator().manual_seed(seed)
    return torch.Generator(device=device).manual_seed(seed)


def seed_global(seed: int) -> None:
    """``torch.manual_seed(seed)`` without its cost on a CUDA build whose CUDA is not started:
    there it queues the seed with ``traceback.format_stack()`` under a process-wide lock,
    which was over half of every page run's CPU on a server with deep Streamlit stacks. The
    CUDA generators are seeded when CUDA runs; the app's CUDA work uses its own generators."""
    torch.random.default_generator.manual_seed(seed)
    if torch.cuda.is_initialized():
        torch.cuda.manual_seed_all(seed)


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """``torch.manual_seed(seed)`` for code that draws from the global RNG (``nn.Linear``'s
    init, ``torch.randn(())`` as the tutorials write it), without disturbing anyone else's."""
    with _LOCK, torch.random.fork_rng(devices=[]):
        seed_global(seed)
        yield
