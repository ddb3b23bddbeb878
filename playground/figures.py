"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``.

Multi-panel figures are laid out as one plain layout dict (axis domains, title
annotations, shapes) and validated once by ``go.Figure``. ``make_subplots`` and
repeated ``add_shape``/``update_*`` calls re-validate the whole figure each time,
which cost 50-90 ms per figure with Plotly 7; see benchmarks/bench_figures.py.
"""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go
import torch

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
# Plotly's own "Blues" and "Greys", spelled out so a trace dict needs no lookup.
_GREYS = [[0, "rgb(255,255,255)"], [1, "rgb(0,0,0)"]]


def _as_2d(t: torch.Tensor) -> torch.Tensor:
    t = t.detach().to("cpu", torch.float64)
    return t.reshape(1, -1) if t.dim() <= 1 else t.reshape(-1, t.shape[-1])


def _heatmap(z: torch.Tensor, panel: int = 1, *, text: bool = True, **kw: object) -> dict:
    small = z.numel() <= MAX_CELLS_WITH_TEXT
    trace = {
        "type": "heatmap",
        "z": z.tolist(),
        "colorscale": SCALE,
        "showscale": False,
        "xgap": 1,
        "ygap": 1,
        "hovertemplate": "[%{y}, %{x}] = %{z}<extra></extra>",
        "xaxis": _ref("x", panel),
        "yaxis": _ref("y", panel),
    }
    if text and small:
        trace["text"] = [[f"{v:.3g}" for v in row] for row in trace["z"]]
        trace["texttemplate"] = "%{text}"
    trace.update(kw)
    return trace


def _ref(axis: str, panel: int) -> str:
    return axis if panel == 1 else f"{axis}{panel}"


def _name(axis: str, panel: int) -> str:
    return f"{axis}axis" if panel == 1 else f"{axis}axis{panel}"


def _boxes(cells: torch.Tensor, panel: int = 1) -> list[dict]:
    """A rectangle around every True cell of a 2-D bool mask."""
    return [
        {
            "type": "rect",
            "x0": c - 0.5,
            "x1": c + 0.5,
            "y0": r - 0.5,
            "y1": r + 0.5,
            "xref": _ref("x", panel),
            "yref": _ref("y", panel),
            "line": {"color": HIGHLIGHT, "width": 3},
        }
        for r, c in cells.nonzero().tolist()[:MAX_CELLS_WITH_TEXT]
    ]


def _figure(
    traces: list[dict],
    *,
    domains: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (((0, 1), (0, 1)),),
    titles: Sequence[str] = (),
    title: str = "",
    height: int | None = None,
    shapes: Sequence[dict] = (),
) -> go.Figure:
    """One figure from trace dicts and a panel per (x domain, y domain), matrix-style axes."""
    layout: dict = {
        "height": height,
        "plot_bgcolor": "white",
        "shapes": list(shapes),
        "annotations": [],
    }
    for k, (xdom, ydom) in enumerate(domains, start=1):
        common = {"showgrid": False, "zeroline": False, "dtick": 1}
        layout[_name("x", k)] = {**common, "domain": xdom, "anchor": _ref("y", k), "side": "top"}
        layout[_name("y", k)] = {
            **common,
            "domain": ydom,
            "anchor": _ref("x", k),
            "autorange": "reversed",
        }
        if k <= len(titles) and titles[k - 1]:
            layout["annotations"].append(
                {
                    "text": titles[k - 1],
                    "x": (xdom[0] + xdom[1]) / 2,
                    "y": ydom[1],
                    "xref": "paper",
                    "yref": "paper",
                    "xanchor": "center",
                    "yanchor": "bottom",
                    "yshift": 28,
                    "showarrow": False,
                    "font": {"size": 14},
                }
            )
    top = 40 if title else 10
    if layout["annotations"]:
        top += 55
    layout["margin"] = {"l": 10, "r": 10, "t": top, "b": 10}
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": traces, "layout": layout})


def _row(n: int, gap: float = 0.05) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    width = (1 - gap * (n - 1)) / n
    return [((k * (width + gap), k * (width + gap) + width), (0, 1)) for k in range(n)]


def make_tensor_figure(
    t: torch.Tensor, *, selected: torch.Tensor | None = None, title: str = ""
) -> go.Figure:
    """A 0-, 1- or 2-D tensor as a heatmap with its values; ``selected`` cells are outlined."""
    z = _as_2d(t)
    shapes = _boxes(selected.detach().to("cpu").reshape(z.shape)) if selected is not None else []
    return _figure(
        [_heatmap(z)], title=title, height=min(120 + 40 * z.shape[0], 520), shapes=shapes
    )


def make_blocks_figure(t: torch.Tensor, *, title: str = "") -> go.Figure:
    """A 3-D tensor as a block of cubes (dim 0 is depth), coloured by value."""
    t = t.detach().to("cpu", torch.float64)[:12, :12, :12]
    d, h, w = t.shape
    idx = torch.cartesian_prod(torch.arange(d), torch.arange(h), torch.arange(w)).reshape(-1, 3)
    values = t.reshape(-1).tolist()
    trace = {
        "type": "scatter3d",
        "x": idx[:, 2].tolist(),
        "y": idx[:, 0].tolist(),
        "z": (h - 1 - idx[:, 1]).tolist(),
        "mode": "markers",
        "marker": {
            "symbol": "square",
            "size": 14,
            "color": values,
            "colorscale": SCALE,
            "opacity": 0.85,
            "line": {"width": 1, "color": "#333"},
        },
        "text": [
            f"[{a}, {b}, {c}] = {v:.3g}" for (a, b, c), v in zip(idx.tolist(), values, strict=True)
        ],
        "hoverinfo": "text",
    }
    layout = {
        "height": 420,
        "margin": {"l": 0, "r": 0, "t": 30 if title else 0, "b": 0},
        "scene": {
            "xaxis": {"title": {"text": "dim 2"}},
            "yaxis": {"title": {"text": "dim 0"}},
            "zaxis": {"title": {"text": "dim 1"}},
            "aspectmode": "data",
        },
    }
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": [trace], "layout": layout})


def make_storage_figure(base: torch.Tensor, offsets: torch.Tensor, *, title: str = "") -> go.Figure:
    """Top: the flat storage. Bottom: the view, each cell labelled with the storage slot it reads."""
    storage = _as_2d(base.detach().contiguous().reshape(-1))
    view = _as_2d(offsets)
    return _figure(
        [_heatmap(storage, 1, colorscale=_GREYS), _heatmap(view, 2)],
        domains=[((0, 1), (0.78, 1)), ((0, 1), (0, 0.62))],
        titles=["storage (memory order)", "the view: storage slot of each element"],
        title=title,
        height=min(240 + 40 * view.shape[0], 580),
    )


def make_matmul_figure(
    a: torch.Tensor, b: torch.Tensor, c: torch.Tensor, i: int, j: int
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
        shapes += _boxes(mask, k)
    return _figure(
        traces,
        domains=_row(3, 0.06),
        titles=["A", "B", "C = A @ B"],
        shapes=shapes,
        height=min(180 + 40 * max(a.shape[0], b.shape[0]), 500),
    )


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
    return _figure(traces, domains=_row(n), titles=titles, height=min(160 + 36 * rows, 440))


def make_join_figure(source: torch.Tensor, *, title: str = "") -> go.Figure:
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
    )
