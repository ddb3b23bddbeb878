"""Compare mode: two or three runs that differ in one setting."""

from __future__ import annotations

from typing import Any

from playground.core.errors import TrainingError
from playground.training.config import COMPARE_FIELDS, TrainConfig


def compare_configs(base: TrainConfig, field_name: str, values: list[Any]) -> list[TrainConfig]:
    """Two or three runs that differ from ``base`` in one setting, for the compare mode."""
    if field_name not in COMPARE_FIELDS:
        raise TrainingError("err.training.compare_learning_rate", field_name=field_name)
    values = list(dict.fromkeys(values))
    if not 2 <= len(values) <= 3:
        raise TrainingError("err.training.pick_two_three")
    from dataclasses import replace

    return [replace(base, **{field_name: v}) for v in values]
