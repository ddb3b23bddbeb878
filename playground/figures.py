"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

from playground.shapes import BroadcastExplanation

__all__ = [
    "make_blocks_figure",
    "make_broadcast_figure",
    "make_join_figure",
    "make_matmul_figure",
    "make_storage_figure",
    "make_tensor_figure",
]

SCALE = "Blues"
HIGHLIGHT = "#EE4C2C"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2"]
MAX_CELLS_WITH_TEXT = 400


def _as_2d(t: torch.Tensor) -> torch.Tensor:
    t = t.detach().to("cpu")
    if t.dtype in (torch.bool,) or not t.is_floating_point():
        t = t.to(torch.float64)
    t = t.to(torch.float64)
    return t.reshape(1, -1) if t.dim() <= 1 else t.reshape(-1, t.shape[-1])


def _text(z: torch.Tensor) -> list[list[str]] | None:
    if z.numel() > MAX_CELLS_WITH_TEXT:
        return None
    return [[f"{v:.3g}" for v in row] for row in z.tolist()]


def _layout(fig: go.Figure, *, title: str = "", height: int | None = None) -> go.Figure:
    fig.update_layout(
        title=title or None,
        margin={
            "l": 10,
            "r": 10,
            "t": 70 if fig.layout.annotations else (40 if title else 10),
            "b": 10,
        },
        height=height,
        plot_bgcolor="white",
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, dtick=1)
    fig.update_xaxes(showgrid=False, zeroline=False, side="top", dtick=1)
    return fig


def _heatmap(z: torch.Tensor, **kw: object) -> go.Heatmap:
    return go.Heatmap(
        z=z.tolist(),
        text=_text(z),
        texttemplate="%{text}" if z.numel() <= MAX_CELLS_WITH_TEXT else None,
        colorscale=kw.pop("colorscale", SCALE),
        showscale=kw.pop("showscale", False),
        xgap=1,
        ygap=1,
        hovertemplate="[%{y}, %{x}] = %{z}<extra></extra>",
        **kw,
    )


def _outline(
    fig: go.Figure, cells: torch.Tensor, *, row: int | None = None, col: int | None = None
) -> None:
    """Draw a box around every True cell of a 2-D bool mask."""
    for r, c in cells.nonzero().tolist()[:MAX_CELLS_WITH_TEXT]:
        fig.add_shape(
            type="rect",
            x0=c - 0.5,
            x1=c + 0.5,
            y0=r - 0.5,
            y1=r + 0.5,
            line={"color": HIGHLIGHT, "width": 3},
            row=row,
            col=col,
        )


def make_tensor_figure(
    t: torch.Tensor, *, selected: torch.Tensor | None = None, title: str = ""
) -> go.Figure:
    """A 0-, 1- or 2-D tensor as a heatmap with its values; ``selected`` cells are outlined."""
    z = _as_2d(t)
    fig = go.Figure(_heatmap(z))
    if selected is not None:
        _outline(fig, selected.detach().to("cpu").reshape(z.shape))
    return _layout(fig, title=title, height=min(120 + 40 * z.shape[0], 520))


def make_blocks_figure(t: torch.Tensor, *, title: str = "") -> go.Figure:
    """A 3-D tensor as a block of cubes (dim 0 is depth), coloured by value."""
    t = t.detach().to("cpu", torch.float64)[:12, :12, :12]
    d, h, w = t.shape
    idx = torch.cartesian_prod(torch.arange(d), torch.arange(h), torch.arange(w))
    values = t.reshape(-1)
    fig = go.Figure(
        go.Scatter3d(
            x=idx[:, 2].tolist(),
            y=idx[:, 0].tolist(),
            z=(h - 1 - idx[:, 1]).tolist(),
            mode="markers",
            marker={
                "symbol": "square",
                "size": 14,
                "color": values.tolist(),
                "colorscale": SCALE,
                "opacity": 0.85,
                "line": {"width": 1, "color": "#333"},
            },
            text=[
                f"[{a}, {b}, {c}] = {v:.3g}"
                for (a, b, c), v in zip(idx.tolist(), values.tolist(), strict=True)
            ],
            hoverinfo="text",
        )
    )
    fig.update_layout(
        title=title or None,
        height=420,
        margin={"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
        scene={
            "xaxis_title": "dim 2",
            "yaxis_title": "dim 0",
            "zaxis_title": "dim 1",
            "aspectmode": "data",
        },
    )
    return fig


def make_storage_figure(base: torch.Tensor, offsets: torch.Tensor, *, title: str = "") -> go.Figure:
    """Top: the flat storage. Bottom: the view, each cell labelled with the storage slot it reads."""
    storage = _as_2d(
        base.detach().reshape(-1)
        if base.is_contiguous()
        else base.detach().contiguous().reshape(-1)
    )
    view = _as_2d(offsets)
    fig = make_subplots(
        rows=2,
        cols=1,
        row_heights=[0.25, 0.75],
        vertical_spacing=0.12,
        subplot_titles=("storage (memory order)", "the view: storage slot of each element"),
    )
    fig.add_trace(_heatmap(storage, colorscale="Greys"), row=1, col=1)
    fig.add_trace(_heatmap(view, colorscale=SCALE), row=2, col=1)
    return _layout(fig, title=title, height=min(220 + 40 * view.shape[0], 560))


def make_matmul_figure(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, i: int, j: int
) -> go.Figure:
    """A @ B = C, with row i of A, column j of B and cell (i, j) of C outlined."""
    fig = make_subplots(
        rows=1, cols=3, subplot_titles=("A", "B", "C = A @ B"), horizontal_spacing=0.06
    )
    for k, m in enumerate((a, b, c), start=1):
        fig.add_trace(_heatmap(_as_2d(m)), row=1, col=k)
    rows = torch.zeros(a.shape, dtype=torch.bool)
    rows[i] = True
    cols = torch.zeros(b.shape, dtype=torch.bool)
    cols[:, j] = True
    cell = torch.zeros(c.shape, dtype=torch.bool)
    cell[i, j] = True
    for k, mask in enumerate((rows, cols, cell), start=1):
        _outline(fig, mask, row=1, col=k)
    return _layout(fig, height=min(160 + 40 * max(a.shape[0], b.shape[0]), 480))


def _grid(shape: Sequence[int]) -> tuple[int, int]:
    shape = tuple(shape) or (1,)
    return (1, shape[-1]) if len(shape) == 1 else (shape[-2], shape[-1])


def make_broadcast_figure(ex: BroadcastExplanation) -> go.Figure:
    """Each operand's last two dims stretched to the result grid: real cells dark, stretched copies pale."""
    target = ex.result or tuple(max(s) for s in zip(*ex.padded, strict=True))
    rows, cols = _grid(target)
    n = len(ex.shapes) + (1 if ex.result else 0)
    titles = [f"operand {k}: {tuple(s)}" for k, s in enumerate(ex.shapes)]
    if ex.result:
        titles.append(f"result: {ex.result}")
    fig = make_subplots(rows=1, cols=n, subplot_titles=titles, horizontal_spacing=0.05)
    for k, shape in enumerate(ex.padded, start=1):
        r, c = _grid(shape)
        z = torch.full((rows, cols), 0.3, dtype=torch.float64)
        z[: min(r, rows), : min(c, cols)] = 1.0  # the cells that really exist in memory
        fig.add_trace(
            go.Heatmap(
                z=z.tolist(),
                colorscale=[[0, "#FFFFFF"], [0.3, "#C6DBEF"], [1, PALETTE[(k - 1) % 6]]],
                zmin=0,
                zmax=1,
                showscale=False,
                xgap=2,
                ygap=2,
                hoverinfo="skip",
            ),
            row=1,
            col=k,
        )
    if ex.result:
        z = torch.ones((rows, cols), dtype=torch.float64)
        fig.add_trace(
            go.Heatmap(
                z=z.tolist(),
                colorscale=[[0, "#54A24B"], [1, "#54A24B"]],
                showscale=False,
                xgap=2,
                ygap=2,
                hoverinfo="skip",
            ),
            row=1,
            col=n,
        )
    return _layout(fig, height=min(140 + 36 * rows, 420))


def make_join_figure(source: torch.Tensor, *, title: str = "") -> go.Figure:
    """The joined result, each cell coloured by which input tensor it came from.

    ``source`` holds the input index of every element; 3-D results are drawn as
    one panel per index of dim 0.
    """
    source = source.detach().to("cpu")
    panels = [source] if source.dim() <= 2 else [source[k] for k in range(min(source.shape[0], 6))]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        horizontal_spacing=0.04,
        subplot_titles=[f"[{k}]" for k in range(len(panels))] if len(panels) > 1 else None,
    )
    n_inputs = int(source.max().item()) + 1 if source.numel() else 1
    scale = (
        [[k / max(n_inputs - 1, 1), PALETTE[k % 6]] for k in range(n_inputs)]
        if n_inputs > 1
        else [[0, PALETTE[0]], [1, PALETTE[0]]]
    )
    for k, panel in enumerate(panels, start=1):
        z = _as_2d(panel)
        fig.add_trace(
            go.Heatmap(
                z=z.tolist(),
                text=[[f"t{int(v)}" for v in row] for row in z.tolist()],
                texttemplate="%{text}",
                colorscale=scale,
                zmin=0,
                zmax=max(n_inputs - 1, 1),
                showscale=False,
                xgap=2,
                ygap=2,
                hoverinfo="skip",
            ),
            row=1,
            col=k,
        )
    return _layout(fig, title=title, height=min(140 + 36 * _as_2d(panels[0]).shape[0], 440))
