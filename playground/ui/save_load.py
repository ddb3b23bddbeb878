"""The Save & load page's untrained model, built once per server for each architecture and seed.

A class on the teacher's link opens the page with the same layers and seed: building the
tutorial's MLP (670,000 weights, each drawn at random) in every session was about a fifth of
the page's server time under a herd. The model is shared and read-only; a section that changes
a module (``eval()``, an export) works on :func:`own_model`.
"""

from __future__ import annotations

import copy

from torch import nn

from playground import layers as md
from playground.layers.specs import LayerSpec
from playground.ui.shared import class_resource

__all__ = ["SHARED_MAX_PARAMS", "fresh_model", "own_model"]

# Larger models are built per run, as before: sixteen of them must fit in a small container.
SHARED_MAX_PARAMS = 2_000_000


@class_resource(max_entries=16, by_repr=(LayerSpec,))
def _shared_model(specs: tuple[LayerSpec, ...], seed: int) -> nn.Module:
    return md.build_model(specs, seed=seed)


def fresh_model(specs: tuple[LayerSpec, ...], seed: int, params: int) -> nn.Module:
    """``build_model(specs, seed=seed)``: the class's one copy when it has at most
    :data:`SHARED_MAX_PARAMS` parameters (never change it: take :func:`own_model`)."""
    if params <= SHARED_MAX_PARAMS:
        return _shared_model(specs, seed)
    return md.build_model(specs, seed=seed)


def own_model(model: nn.Module, *, shared: bool) -> nn.Module:
    """A module this session may change: a copy of the class's ``shared`` one (equal in every
    weight, buffer and mode), else ``model`` itself, which is already the session's own."""
    return copy.deepcopy(model) if shared else model
