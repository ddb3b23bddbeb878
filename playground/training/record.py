"""What a saved training run holds, checked field by field before any of it is used.

A checkpoint comes from an upload, so every field is hostile until proven plain: the
layers, the config, the curves. A field of the wrong type or range is named in the error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

import torch

from playground.core.errors import TrainingError
from playground.core.rng import MAX_SEED
from playground.core.shapes import short
from playground.layers.specs import LayerSpec
from playground.training.config import TrainConfig
from playground.training.controls import CONTROLS


@dataclass
class History:
    train_steps: list[int] = field(default_factory=list)  # samples seen when logged
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


def whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


_MAX_POINTS = 100_000


def checked_history(raw: object) -> History:
    """A saved ``History``: exactly its fields, each a bounded list of numbers (or strings)."""
    names = [f.name for f in fields(History)]
    if not isinstance(raw, dict) or not set(raw) <= set(names):
        bad = sorted(set(raw) - set(names)) if isinstance(raw, dict) else raw
        raise TrainingError("err.training.checkpoint_settings", err=f"history={short(bad)}")
    for name, values in raw.items():
        kind = str if name == "log" else (int | float)
        if (
            not isinstance(values, list)
            or len(values) > _MAX_POINTS
            or not all(isinstance(v, kind) and not isinstance(v, bool) for v in values)
            or kind is str
            and any(len(v) > 1000 for v in values)
        ):
            raise TrainingError("err.training.checkpoint_settings", err=f"history.{name}")
    return History(**{k: list(v) for k, v in raw.items()})


def specs_from_checkpoint(
    ckpt: dict[str, Any],
) -> tuple[list[LayerSpec], tuple[int, ...], TrainConfig]:
    """The layers, input shape and config a training checkpoint was saved with."""
    try:
        specs = [LayerSpec(kind, tuple((k, v) for k, v in args)) for kind, args in ckpt["specs"]]
        cfg = TrainConfig(**ckpt["config"])
        shape = tuple(int(d) for d in ckpt["input_shape"])
    except (KeyError, TypeError, ValueError) as err:
        raise TrainingError("err.training.checkpoint_cannot_resumed", err=err) from None
    if bad := _unusable(cfg):
        raise TrainingError("err.training.checkpoint_settings", err=", ".join(bad))
    return specs, shape, cfg


def _unusable(cfg: TrainConfig) -> list[str]:
    """``name=value`` for each setting the Training page's controls do not offer (the same
    declarations the page draws), and a seed out of the sidebar's range."""
    bad = [
        f"{c.field}={short(getattr(cfg, c.field))}"
        for c in CONTROLS.values()
        if hasattr(cfg, c.field) and not c.allows(getattr(cfg, c.field))
    ]
    if not (
        isinstance(cfg.seed, int) and not isinstance(cfg.seed, bool) and 0 <= cfg.seed <= MAX_SEED
    ):
        bad.append(f"seed={short(cfg.seed)}")
    return bad


def checked_position(
    ckpt: dict[str, Any], epochs: int, batches_per_epoch: int, n: int
) -> tuple[int, int, torch.Tensor | None, History, float]:
    """Every field of a saved position, by type and range, before any is used: a hostile
    file names the field it got wrong instead of crashing the page later."""

    def refuse(name: str, value: object) -> TrainingError:
        return TrainingError("err.training.checkpoint_settings", err=f"{name}={short(value)}")

    epoch, batch = ckpt.get("epoch"), ckpt.get("batch", 0)
    if not (isinstance(epoch, int) and whole(epoch) and 0 <= epoch <= epochs):
        raise refuse("epoch", epoch)
    if not (isinstance(batch, int) and whole(batch) and 0 <= batch <= batches_per_epoch):
        raise refuse("batch", batch)
    order = ckpt.get("order")
    if order is not None and not (
        isinstance(order, torch.Tensor)
        and order.dtype == torch.int64
        and order.shape == (n,)
        and torch.equal(order.sort().values, torch.arange(n))
    ):
        raise refuse("order", order)
    if not isinstance(ckpt.get("generator_state"), torch.Tensor):
        raise refuse("generator_state", ckpt.get("generator_state"))
    seconds = ckpt.get("seconds", 0.0)
    if not isinstance(seconds, int | float) or not 0 <= seconds < 1e7:
        raise refuse("seconds", seconds)
    return epoch, batch, order, checked_history(ckpt.get("history", {})), seconds
