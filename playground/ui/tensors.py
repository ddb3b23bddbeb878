"""The Tensors page's Create result, made once per server for each form and shared.

A class opening the teacher's link creates the same tensor with the same seed: its heatmap and
its attribute rows are made once and every session draws those very objects (read-only).
"""

from __future__ import annotations

from dataclasses import dataclass

from playground import tensors as tns
from playground.plots.heatmap import make_tensor_figure
from playground.plots.wire import SharedFigure
from playground.ui.shared import class_resource

__all__ = ["Created", "created"]


@dataclass(frozen=True)
class Created:
    figure: SharedFigure
    rows: tuple[tuple[str, str], ...]  # (attribute, value), as the table shows them


@class_resource(max_entries=128, by_repr=(tns.TensorSpec,))
def created(spec: tns.TensorSpec, device: str, seed: int, lang: str) -> Created:
    """Raises what :func:`tns.create` raises (a refusal is not kept)."""
    t = tns.create(spec, device=device, seed=seed)
    a = tns.attributes(t)
    rows = (
        ("shape / size()", str(tuple(a.shape))),
        ("dtype", a.dtype),
        ("device", a.device),
        ("stride()", str(a.stride)),
        ("is_contiguous()", str(a.is_contiguous)),
        ("numel()", f"{a.numel:,}"),
        ("element_size()", str(a.element_size)),
        ("nbytes", f"{a.nbytes:,}"),
        ("requires_grad", str(a.requires_grad)),
    )
    return Created(SharedFigure(make_tensor_figure(t.detach(), lang=lang)), rows)
