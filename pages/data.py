"""Placeholder until its chapter issue lands: says what is coming."""

from __future__ import annotations

from playground.ui import coming_soon

coming_soon("nav.data", "plan.data", "Datasets & DataLoaders")
