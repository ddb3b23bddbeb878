"""The Training page's controls, each declared once (:class:`~playground.core.controls.Control`).

The page draws its widgets from these, the URL binding and Reset read their defaults, Resume
writes a saved run's config back through them, and a loaded checkpoint is checked against
them. The defaults are the tutorial's, from :class:`TrainConfig` itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from playground.core.controls import Control
from playground.training.config import BATCH_SIZES, LEARNING_RATES, LOSSES, OPTIMIZERS, TrainConfig

__all__ = ["CONTROLS", "MAX_EPOCHS", "MAX_SUBSET", "config_from", "values_of"]

MAX_EPOCHS = 50  # the epochs box, and "Continue for N more epochs", go this far
MAX_SUBSET = 60_000
_TUTORIAL = TrainConfig()

CONTROLS: dict[str, Control] = {
    c.field: c
    for c in (
        Control("tr_loss", "loss", _TUTORIAL.loss, options=LOSSES),
        Control("tr_opt", "optimizer", _TUTORIAL.optimizer, options=OPTIMIZERS),
        Control("tr_lr", "learning_rate", _TUTORIAL.learning_rate, options=LEARNING_RATES),
        Control("tr_bs", "batch_size", _TUTORIAL.batch_size, options=BATCH_SIZES),
        Control("tr_epochs", "epochs", _TUTORIAL.epochs, low=1, high=MAX_EPOCHS, step=1),
        Control("tr_mom", "momentum", _TUTORIAL.momentum, low=0.0, high=0.99, step=0.1),
        Control("tr_nesterov", "nesterov", _TUTORIAL.nesterov),
        Control("tr_wd", "weight_decay", _TUTORIAL.weight_decay, low=0.0, high=0.1, step=1e-4),
        Control("tr_subset", "subset", 0, low=0, high=MAX_SUBSET, step=1000),  # 0: all
    )
}


def config_from(chosen: Mapping[str, Any], seed: int) -> TrainConfig:
    """The run the widgets describe: each ``TrainConfig`` field from its control's value,
    refused unless the control allows it (a widget never gives such a value; a caller might)."""
    names = {f.name for f in fields(TrainConfig)} - {"seed"}
    values = {name: chosen[name] for name in names}
    bad = [f"{k}={v!r}" for k, v in values.items() if not CONTROLS[k].allows(v)]
    if bad:
        raise ValueError(f"not offered: {', '.join(bad)}")
    return TrainConfig(**values | {"epochs": int(values["epochs"])}, seed=seed)


def values_of(cfg: TrainConfig, subset: int) -> dict[str, Any]:
    """The widget values that describe ``cfg`` (for Resume): only the ones each control allows."""
    raw = {c.key: getattr(cfg, c.field, None) for c in CONTROLS.values()} | {"tr_subset": subset}
    return {c.key: raw[c.key] for c in CONTROLS.values() if c.allows(raw[c.key])}
