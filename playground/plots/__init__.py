"""Plotly building blocks the chapters share: the palette, heatmaps, image grids and bars, and
the wire form of a figure every session draws."""

from __future__ import annotations

from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.plots.style import HIGHLIGHT, PALETTE, SCALE
from playground.plots.wire import SharedFigure

__all__ = [
    "HIGHLIGHT",
    "PALETTE",
    "SCALE",
    "SharedFigure",
    "make_bar_figure",
    "make_grid_figure",
    "make_tensor_figure",
]
