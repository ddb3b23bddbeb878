"""Seeds: every compute function draws from its own ``torch.Generator``, never the global one.

A local generator keeps sessions independent on a shared server: one student's seed never
moves another student's random numbers.
"""

from __future__ import annotations

import torch

__all__ = ["generator"]


def generator(seed: int, device: torch.device | str = "cpu") -> torch.Generator:
    """A generator on ``device`` seeded like ``torch.manual_seed(seed)`` seeds that device."""
    device = torch.device(device)
    if device.type == "cpu":
        return torch.Generator().manual_seed(seed)
    return torch.Generator(device=device).manual_seed(seed)
