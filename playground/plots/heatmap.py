"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``.

Multi-panel figures are laid out as one plain layout dict (axis domains, title
annotations, shapes) and validated once by ``go.Figure``. ``make_subplots`` and
repeated ``add_shape``/``update_*`` calls re-validate the whole figure each time,
which cost 50-90 ms per figure with Plotly 7; see benchmarks/bench_figures.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import torch

from playground.core.config import limits
from playground.core.i18n import t as translate
from playground.plots.style import HIGHLIGHT, MAX_CELLS_WITH_TEXT, SCALE


def _drawn_grid(t: torch.Tensor) -> tuple[int, int, int, int]:
    """(rows, cols) of ``t`` as a 2-D grid and the (rows, cols) corner that gets drawn."""
    rows = 1 if t.dim() <= 1 else math.prod(t.shape[:-1])
    cols = t.shape[-1] if t.dim() else 1
    cap = limits().max_draw_cells
    if rows * cols <= cap:
        return rows, cols, rows, cols
    side = math.isqrt(cap)
    keep_rows = min(rows, side)
    return rows, cols, keep_rows, min(cols, cap // keep_rows)


def _as_2d(t: torch.Tensor) -> torch.Tensor:
    """``t`` as a 2-D float64 grid on the CPU (leading dims flattened), at most the drawing cap.

    A big tensor gives its top-left corner, picked by indexing before any copy,
    so a (4096, 4096) tensor costs a 64 x 64 copy, not a 16M-cell figure.
    """
    t = t.detach()
    rows, cols, keep_rows, keep_cols = _drawn_grid(t)
    if t.dim() <= 1:
        return t.reshape(1, -1)[:, :keep_cols].to("cpu", torch.float64)
    if (keep_rows, keep_cols) == (rows, cols):
        return t.reshape(rows, cols).to("cpu", torch.float64)
    flat = torch.arange(keep_rows, device=t.device)
    index = []
    for size in reversed(t.shape[:-1]):  # row number -> index into each leading dim
        index.append(flat % size)
        flat = flat // size
    return t[..., :keep_cols][tuple(reversed(index))].to("cpu", torch.float64)


def summary_note(t: torch.Tensor, *, lang: str = "en") -> str:
    """Empty for a tensor drawn whole; else which corner is drawn, with the full shape and stats."""
    rows, cols, keep_rows, keep_cols = _drawn_grid(t)
    if (keep_rows, keep_cols) == (rows, cols):
        return ""
    t = t.detach()
    if t.is_complex():
        t = t.abs()
    return translate(
        "plot.summary",
        lang,
        rows=keep_rows,
        cols=keep_cols,
        shape=tuple(t.shape),
        grid=f"{rows:,} × {cols:,}",
        min=f"{float(t.min()):.4g}",
        max=f"{float(t.max()):.4g}",
        mean=f"{float(t.mean() if t.is_floating_point() else t.sum() / t.numel()):.4g}",
    )


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
    note: str = "",
) -> go.Figure:
    """One figure from trace dicts and a panel per (x domain, y domain), matrix-style axes.

    ``note`` (from :func:`summary_note`) is written under the panels.
    """
    layout: dict = {
        "height": height,
        "plot_bgcolor": "white",
        "shapes": list(shapes),
        "annotations": [],
    }
    for k, (xdom, ydom) in enumerate(domains, start=1):
        rows, cols = _panel_size(traces, k)
        common = {"showgrid": False, "zeroline": False}
        # Every index labelled on small panels; Plotly's own spacing on big ones.
        xtick = {"dtick": 1} if cols <= _TICK_EVERY else {}
        ytick = {"dtick": 1} if rows <= _TICK_EVERY else {}
        layout[_name("x", k)] = {
            **common,
            **xtick,
            "domain": xdom,
            "anchor": _ref("y", k),
            "side": "top",
        }
        layout[_name("y", k)] = {
            **common,
            **ytick,
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
    layout["margin"] = {"l": 10, "r": 10, "t": top, "b": 60 if note else 10}
    if note:
        layout["annotations"].append(
            {
                "text": _two_lines(note),
                "x": 0,
                "y": 0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "yshift": -8,
                "showarrow": False,
                "font": {"size": 12, "color": "#555"},
            }
        )
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": traces, "layout": layout})


_TICK_EVERY = 24


def _panel_size(traces: list[dict], panel: int) -> tuple[int, int]:
    """(rows, cols) of the heatmap drawn in ``panel``, from its ``z``."""
    for trace in traces:
        if trace.get("xaxis") == _ref("x", panel) and trace.get("z"):
            return len(trace["z"]), len(trace["z"][0])
    return 0, 0


def _two_lines(note: str) -> str:
    """Break after the first sentence: Plotly annotations do not wrap by themselves."""
    for end in ("。", ". "):
        if end in note:
            head, tail = note.split(end, 1)
            return f"{head}{end.strip()}<br>{tail}"
    return note


def _row(n: int, gap: float = 0.05) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    width = (1 - gap * (n - 1)) / n
    return [((k * (width + gap), k * (width + gap) + width), (0, 1)) for k in range(n)]


def make_tensor_figure(
    t: torch.Tensor,
    *,
    selected: torch.Tensor | None = None,
    title: str = "",
    lang: str = "en",
) -> go.Figure:
    """A tensor as a heatmap with its values; ``selected`` cells are outlined.

    Leading dims are flattened into rows; a tensor over the drawing cap shows its
    top-left corner and says so, with its full shape, min, max and mean.
    """
    z = _as_2d(t)
    shapes = _boxes(_as_2d(selected)) if selected is not None else []
    return _figure(
        [_heatmap(z)],
        title=title,
        height=min(120 + 40 * z.shape[0], 520),
        shapes=shapes,
        note=summary_note(t, lang=lang),
    )
