"""Shared pieces every chapter uses: errors, limits, devices, seeds, translations, typed code.

``errors`` (``PlaygroundError`` and its kinds), ``config`` (every ``PLAYGROUND_*`` limit),
``device``, ``rng``, ``i18n`` (the gettext catalogs) and ``expr`` (the safe evaluator).
"""

from __future__ import annotations

from playground.core.config import Limits, env_int, limits
from playground.core.errors import PlaygroundError
from playground.core.expr import evaluate
from playground.core.i18n import LANGUAGES, nt, t
from playground.core.rng import generator

__all__ = [
    "LANGUAGES",
    "Limits",
    "PlaygroundError",
    "env_int",
    "evaluate",
    "generator",
    "limits",
    "nt",
    "t",
]
