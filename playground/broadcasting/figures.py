"""Plotly figures for broadcasting and joins: operands, the result, and where cells come from."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
import torch

from playground.broadcasting.rules import BroadcastExplanation
from playground.core.config import limits
from playground.core.i18n import t as translate
from playground.plots.heatmap import _as_2d, _figure, _heatmap, _row, summary_note
from playground.plots.style import PALETTE


def _grid(shape: Sequence[int]) -> tuple[int, int]:
    shape = tuple(shape) or (1,)
    return (1, shape[-1]) if len(shape) == 1 else (shape[-2], shape[-1])


def make_broadcast_figure(ex: BroadcastExplanation, *, lang: str = "en") -> go.Figure:
    """Each operand's last two dims stretched to the result grid: real cells dark, stretched copies pale.

    A grid over the drawing cap is drawn as its top-left corner, which says so.
    """
    target = ex.result or tuple(max(s) for s in zip(*ex.padded, strict=True))
    full_rows, full_cols = _grid(target)
    side = math.isqrt(limits().max_draw_cells)
    rows, cols = min(full_rows, side), min(full_cols, side)
    note = ""
    if (rows, cols) != (full_rows, full_cols):
        note = translate(
            "plot.grid_corner", lang, rows=rows, cols=cols, grid=f"{full_rows:,} × {full_cols:,}"
        )
    n = len(ex.shapes) + (1 if ex.result else 0)
    titles = [f"operand {k}: {tuple(s)}" for k, s in enumerate(ex.shapes)]
    if ex.result:
        titles.append(f"result: {ex.result}")
    traces = []
    for k, shape in enumerate(ex.padded, start=1):
        r, c = _grid(shape)
        z = torch.full((rows, cols), 0.3, dtype=torch.float64)
        z[: min(r, rows), : min(c, cols)] = 1.0  # the cells that really exist in memory
        traces.append(
            _heatmap(
                z,
                k,
                text=False,
                colorscale=[[0, "#FFFFFF"], [0.3, "#C6DBEF"], [1, PALETTE[(k - 1) % 6]]],
                zmin=0,
                zmax=1,
                xgap=2,
                ygap=2,
                hoverinfo="skip",
                hovertemplate=None,
            )
        )
    if ex.result:
        traces.append(
            _heatmap(
                torch.ones((rows, cols), dtype=torch.float64),
                n,
                text=False,
                colorscale=[[0, "#54A24B"], [1, "#54A24B"]],
                xgap=2,
                ygap=2,
                hoverinfo="skip",
                hovertemplate=None,
            )
        )
    return _figure(
        traces, domains=_row(n), titles=titles, height=min(160 + 36 * rows, 440), note=note
    )


def make_join_figure(source: torch.Tensor, *, title: str = "", lang: str = "en") -> go.Figure:
    """The joined result, each cell coloured by which input tensor it came from.

    ``source`` holds the input index of every element; 3-D results are drawn as
    one panel per index of dim 0.
    """
    source = source.detach().to("cpu")
    panels = [source] if source.dim() <= 2 else [source[k] for k in range(min(source.shape[0], 6))]
    n_inputs = int(source.max().item()) + 1 if source.numel() else 1
    scale = (
        [[k / max(n_inputs - 1, 1), PALETTE[k % 6]] for k in range(n_inputs)]
        if n_inputs > 1
        else [[0, PALETTE[0]], [1, PALETTE[0]]]
    )
    traces = []
    for k, panel in enumerate(panels, start=1):
        z = _as_2d(panel)
        traces.append(
            _heatmap(
                z,
                k,
                text=False,
                colorscale=scale,
                zmin=0,
                zmax=max(n_inputs - 1, 1),
                xgap=2,
                ygap=2,
                hoverinfo="skip",
                hovertemplate=None,
            )
        )
        traces[-1]["text"] = [[f"t{int(v)}" for v in row] for row in traces[-1]["z"]]
        traces[-1]["texttemplate"] = "%{text}"
    titles = [f"[{k}]" for k in range(len(panels))] if len(panels) > 1 else []
    return _figure(
        traces,
        domains=_row(len(panels), 0.04),
        titles=titles,
        title=title,
        height=min(160 + 36 * _as_2d(panels[0]).shape[0], 460),
        note=summary_note(panels[0], lang=lang),
    )
