"""A control declared once: its key (also its name in the URL), its default, and the values it
allows. The widget, the URL binding, Reset, Resume and the checks on a loaded checkpoint all
read the declaration, so a range lives in one place (``playground/training/controls.py``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = ["Control"]


@dataclass(frozen=True)
class Control:
    """``options`` for a choice; ``low``/``high``/``step`` for a number; neither for a switch.
    ``field`` names what it sets (a ``TrainConfig`` field)."""

    key: str
    field: str
    default: Any
    options: tuple[Any, ...] | None = None
    low: float | None = None
    high: float | None = None
    step: float | None = None

    def allows(self, value: object) -> bool:
        """Whether ``value`` is one this control offers (a bool is never a number)."""
        if isinstance(value, bool) or isinstance(self.default, bool):
            return isinstance(value, bool) and isinstance(self.default, bool)
        if self.options is not None:
            return value in self.options
        if not isinstance(value, int | float):
            return False
        if isinstance(self.default, int) and not float(value).is_integer():
            return False
        return math.isfinite(value) and self.low <= value <= self.high  # type: ignore[operator]
