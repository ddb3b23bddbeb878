"""Plotly figures for broadcasting and joins: operands, the result, and where cells come from."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go
import torch

from playground.broadcasting.rules import BroadcastExplanation
from playground.core.config import limits
from playground.core.i18n import t as translate
from playground.plots.heatmap import (
    as_2d,
    heatmap_trace,
    panel_figure,
    row_domains,
    slice_indices,
    summary_note,
)
from playground.plots.style import PALETTE

RESULT_COLOUR = "#9C755F"  # not an operand's colour, even with six operands
MAX_BLOCKS = 6  # leading-dim slices drawn per operand


def _grid(shape: Sequence[int]) -> tuple[int, int]:
    shape = tuple(shape) or (1,)
    return (1, shape[-1]) if len(shape) == 1 else (shape[-2], shape[-1])


def _real_cells(shape: Sequence[int], block: tuple[int, ...], rows: int, cols: int) -> torch.Tensor:
    """1 where ``shape`` really holds the cell, 0.3 where broadcasting stretches a size-1 dim."""
    z = torch.full((rows, cols), 0.3, dtype=torch.float64)
    if all(i < size for i, size in zip(block, shape[: len(block)], strict=True)):
        r, c = _grid(shape)
        z[: min(r, rows), : min(c, cols)] = 1.0
    return z


def make_broadcast_figure(ex: BroadcastExplanation, *, lang: str = "en") -> go.Figure:
    """Each operand stretched to the result: real cells dark, stretched copies pale.

    Every dimension shows: a 3-D or 4-D result is drawn as one block of rows per
    leading index ``[i]`` (or ``[i, j]``), separated by a gap, so a size-1 leading dim
    is pale in every block but the first. The result has its own colour.
    A grid over the drawing cap is drawn as its top-left corner, which says so.
    """
    target = ex.result or tuple(max(s) for s in zip(*ex.padded, strict=True))
    blocks, total = slice_indices(target, MAX_BLOCKS)  # [()] below three dims
    full_rows, full_cols = _grid(target)
    side = math.isqrt(limits().max_draw_cells // len(blocks))
    rows, cols = min(full_rows, side), min(full_cols, side)
    notes = []
    if (rows, cols) != (full_rows, full_cols):
        grid = f"{full_rows:,} × {full_cols:,}"
        notes.append(translate("plot.grid_corner", lang, rows=rows, cols=cols, grid=grid))
    if len(blocks) < total:
        notes.append(translate("plot.slices_first", lang, n=len(blocks), total=total))
    n = len(ex.shapes) + (1 if ex.result else 0)
    titles = [translate("plot.operand", lang, k=k, shape=tuple(s)) for k, s in enumerate(ex.shapes)]
    if ex.result:
        titles.append(translate("plot.result", lang, shape=ex.result))
    colours = [PALETTE[k % len(PALETTE)] for k in range(len(ex.shapes))] + [RESULT_COLOUR]
    looks = [[[0, "#FFFFFF"], [0.3, "#C6DBEF"], [1, c]] for c in colours]
    panels = [_stacked([_real_cells(p, b, rows, cols) for b in blocks]) for p in ex.padded]
    if ex.result:
        panels.append(_stacked([torch.ones(rows, cols, dtype=torch.float64) for _ in blocks]))
    traces = [
        heatmap_trace(z, k, text=False, colorscale=looks[k - 1], zmin=0, zmax=1, xgap=2, ygap=2,
                 hoverinfo="skip", hovertemplate=None)
        for k, z in enumerate(panels, start=1)
    ]  # fmt: skip
    fig = panel_figure(
        traces, domains=row_domains(n), titles=titles, note=" ".join(notes),
        height=min(160 + 30 * len(panels[0]), 560),
    )  # fmt: skip
    if blocks != [()]:  # label each block's rows with its leading index
        ticks = _block_ticks(blocks, rows)
        for k in range(1, n + 1):
            fig.layout[f"yaxis{'' if k == 1 else k}"].update(tickmode="array", **ticks)
    return fig


def _stacked(blocks: list[torch.Tensor]) -> torch.Tensor:
    """Blocks one above the other with an empty (NaN) row between them."""
    gap = torch.full((1, blocks[0].shape[1]), float("nan"), dtype=torch.float64)
    parts = [part for b in blocks for part in (b, gap)][:-1]
    return torch.cat(parts)


def _block_ticks(blocks: list[tuple[int, ...]], rows: int) -> dict[str, list]:
    """``[i] 0``, ``1``, … down the rows, or only ``[i]`` at each block when rows are many."""
    every = rows * len(blocks) <= 24
    vals, text = [], []
    for b, index in enumerate(blocks):
        top = b * (rows + 1)
        label = "[" + ", ".join(map(str, index)) + "]"
        for r in range(rows if every else 1):
            vals.append(top + r)
            text.append(f"{label} {r}" if r == 0 and every else (str(r) if every else label))
    return {"tickvals": vals, "ticktext": text}


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
        z = as_2d(panel)
        traces.append(
            heatmap_trace(
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
    return panel_figure(
        traces,
        domains=row_domains(len(panels), 0.04),
        titles=titles,
        title=title,
        height=min(160 + 36 * as_2d(panels[0]).shape[0], 460),
        note=summary_note(panels[0], lang=lang),
    )
