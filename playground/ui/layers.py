"""The Model layers page's model, checked, built and traced once per server for each setting.

A class opening the teacher's link asks for the same model with the same seed: every session
gets the one traced model. It is shared and read-only: a section that would change it (the
``Module.to`` demo) works on its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground import layers as md
from playground.data.datasets import OFFLINE_CLASSES
from playground.layers.models import LayerSpec
from playground.ui.shared import class_resource
from playground.ui.state import shared_dataset

__all__ = ["Traced", "checked", "traced"]


@dataclass(frozen=True)
class Traced:
    model: nn.Module  # in eval mode; never changed after it is built
    x: torch.Tensor  # the three inputs
    labels: list[str] | None  # their classes, for the offline samples
    rows: list[md.TraceRow]
    outputs: list[torch.Tensor]


@class_resource(max_entries=64, by_repr=(LayerSpec,))
def checked(specs: tuple[LayerSpec, ...], shape: tuple[int, ...]) -> md.ModelCheck:
    """:func:`check_model` for a batch of 3; a refusal (BudgetError) is raised, not stored."""
    return md.check_model(list(specs), shape, batch=3)


@class_resource(max_entries=32, by_repr=(LayerSpec,))
def traced(
    specs: tuple[LayerSpec, ...], shape: tuple[int, ...], seed: int, device: str, samples: bool
) -> Traced:
    """The seeded model and its trace on three offline samples (``samples``, for the shapes
    that take them) or the tutorial's ``torch.rand``. Call after :func:`checked` passed."""
    model = md.build_model(list(specs), seed=seed, device=device).eval()
    if samples:
        ds = shared_dataset("offline")
        x = md.pad_to(ds.images[:3].float() / 255, shape)
        labels: list[str] | None = [OFFLINE_CLASSES[int(t)] for t in ds.targets[:3]]
    else:
        x, labels = torch.rand(3, *shape, generator=torch.Generator().manual_seed(seed)), None
    with torch.no_grad():
        rows, outputs = md.trace(model, x.to(device))
    return Traced(model, x, labels, rows, outputs)
