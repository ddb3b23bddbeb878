"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``.

Multi-panel figures are laid out as one plain layout dict (axis domains, title
annotations, shapes) and validated once by ``go.Figure``. ``make_subplots`` and
repeated ``add_shape``/``update_*`` calls re-validate the whole figure each time,
which cost 50-90 ms per figure with Plotly 7; see benchmarks/bench_figures.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import torch

from playground.plots.style import HIGHLIGHT, MAX_CELLS_WITH_TEXT, SCALE


def _as_2d(t: torch.Tensor) -> torch.Tensor:
    t = t.detach().to("cpu", torch.float64)
    return t.reshape(1, -1) if t.dim() <= 1 else t.reshape(-1, t.shape[-1])


def _heatmap(z: torch.Tensor, panel: int = 1, *, text: bool = True, **kw: object) -> dict:
    small = z.numel() <= MAX_CELLS_WITH_TEXT
    trace: dict[str, Any] = {
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
