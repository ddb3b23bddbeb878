"""Shared pieces every chapter uses: errors, limits, devices, seeds and the safe evaluator."""

from __future__ import annotations

