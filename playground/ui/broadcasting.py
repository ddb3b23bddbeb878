"""The Broadcasting page's figure, drawn once per server for each list of shapes and shared."""

from __future__ import annotations

from playground import broadcasting as shp
from playground.broadcasting.figures import make_broadcast_figure
from playground.plots.wire import SharedFigure
from playground.ui.shared import class_resource

__all__ = ["broadcast_figure"]


@class_resource(max_entries=128)
def broadcast_figure(shapes: tuple[tuple[int, ...], ...], lang: str) -> SharedFigure:
    return SharedFigure(make_broadcast_figure(shp.explain_broadcast(*shapes), lang=lang))
