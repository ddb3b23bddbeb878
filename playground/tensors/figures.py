"""Plotly figures for the Tensors chapter: blocks, storage against a view, matmul cell by cell."""

from __future__ import annotations

import plotly.graph_objects as go
import torch

from playground.core.i18n import t
from playground.plots.heatmap import (
    as_2d,
    cell_boxes,
    heatmap_trace,
    panel_figure,
    row_domains,
    summary_note,
)
from playground.plots.style import GREYS


def make_storage_figure(
    base: torch.Tensor, offsets: torch.Tensor, *, title: str = "", lang: str = "en"
) -> go.Figure:
    """Top: the flat storage. Bottom: the view, each cell labelled with the storage slot it reads.

    Big tensors show the first cells of each, as :func:`make_tensor_figure` does.
    """
    flat = base.detach().reshape(-1) if base.is_contiguous() else base.detach().flatten()
    storage = as_2d(flat)
    view = as_2d(offsets)
    return panel_figure(
        [heatmap_trace(storage, 1, colorscale=GREYS), heatmap_trace(view, 2)],
        domains=[((0, 1), (0.78, 1)), ((0, 1), (0, 0.62))],
        titles=[t("fig.storage", lang), t("fig.view_slots", lang)],
        title=title,
        height=min(240 + 40 * view.shape[0], 580),
        note=summary_note(offsets, lang=lang),
    )


def make_matmul_figure(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, i: int, j: int, *, lang: str = "en"
) -> go.Figure:
    """A @ B = C, with row i of A, column j of B and cell (i, j) of C outlined."""
    rows = torch.zeros(a.shape, dtype=torch.bool)
    rows[i] = True
    cols = torch.zeros(b.shape, dtype=torch.bool)
    cols[:, j] = True
    cell = torch.zeros(c.shape, dtype=torch.bool)
    cell[i, j] = True
    traces, shapes = [], []
    for k, (m, mask) in enumerate(((a, rows), (b, cols), (c, cell)), start=1):
        traces.append(heatmap_trace(as_2d(m), k))
        shapes += cell_boxes(as_2d(mask), k)
    return panel_figure(
        traces,
        domains=row_domains(3, 0.06),
        titles=["A", "B", "C = A @ B"],
        shapes=shapes,
        height=min(180 + 40 * max(a.shape[0], b.shape[0]), 500),
        note=summary_note(c if c.numel() > a.numel() else a, lang=lang),
    )
