"""Plotly figures for the Tensors chapter: blocks, storage against a view, matmul cell by cell."""

from __future__ import annotations

import plotly.graph_objects as go
import torch

from playground.core.i18n import t
from playground.plots.heatmap import _as_2d, _boxes, _figure, _heatmap, _row, summary_note
from playground.plots.style import _GREYS


def make_storage_figure(
    base: torch.Tensor, offsets: torch.Tensor, *, title: str = "", lang: str = "en"
) -> go.Figure:
    """Top: the flat storage. Bottom: the view, each cell labelled with the storage slot it reads.

    Big tensors show the first cells of each, as :func:`make_tensor_figure` does.
    """
    flat = base.detach().reshape(-1) if base.is_contiguous() else base.detach().flatten()
    storage = _as_2d(flat)
    view = _as_2d(offsets)
    return _figure(
        [_heatmap(storage, 1, colorscale=_GREYS), _heatmap(view, 2)],
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
        traces.append(_heatmap(_as_2d(m), k))
        shapes += _boxes(_as_2d(mask), k)
    return _figure(
        traces,
        domains=_row(3, 0.06),
        titles=["A", "B", "C = A @ B"],
        shapes=shapes,
        height=min(180 + 40 * max(a.shape[0], b.shape[0]), 500),
        note=summary_note(c if c.numel() > a.numel() else a, lang=lang),
    )
