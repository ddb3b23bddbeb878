"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``.

Multi-panel figures are laid out as one plain layout dict (axis domains, title
annotations, shapes) and validated once by ``go.Figure``. ``make_subplots`` and
repeated ``add_shape``/``update_*`` calls re-validate the whole figure each time,
which cost 50-90 ms per figure with Plotly 7; see benchmarks/bench_figures.py.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import Any

import plotly.graph_objects as go
import torch

from playground.core.config import limits
from playground.core.i18n import t as translate
from playground.plots.style import HIGHLIGHT, MAX_CELLS_WITH_TEXT, SCALE


def _drawn_grid(t: torch.Tensor, cap: int | None = None) -> tuple[int, int, int, int]:
    """(rows, cols) of ``t`` as a 2-D grid and the (rows, cols) corner that gets drawn."""
    rows = 1 if t.dim() <= 1 else math.prod(t.shape[:-1])
    cols = t.shape[-1] if t.dim() else 1
    cap = cap or limits().max_draw_cells
    if rows * cols <= cap:
        return rows, cols, rows, cols
    side = math.isqrt(cap)
    keep_rows = min(rows, side)
    return rows, cols, keep_rows, min(cols, cap // keep_rows)


def as_2d(t: torch.Tensor, cap: int | None = None) -> torch.Tensor:
    """``t`` as a 2-D float64 grid on the CPU (leading dims flattened), at most the drawing cap.

    A big tensor gives its top-left corner, picked by indexing before any copy,
    so a (4096, 4096) tensor costs a 64 x 64 copy, not a 16M-cell figure.
    """
    t = t.detach()
    rows, cols, keep_rows, keep_cols = _drawn_grid(t, cap)
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


def summary_note(t: torch.Tensor, *, lang: str = "en", cap: int | None = None) -> str:
    """Empty for a tensor drawn whole; else which corner is drawn, with the full shape and stats."""
    rows, cols, keep_rows, keep_cols = _drawn_grid(t, cap)
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


def _corner_note(t: torch.Tensor, corner: tuple[int, ...], lang: str) -> str:
    values = t.abs() if t.is_complex() else t
    return translate(
        "plot.summary", lang, rows=corner[0], cols=corner[1], grid=f"{t.shape[-2]:,} × {t.shape[-1]:,}",
        shape=tuple(t.shape), min=f"{float(values.min()):.4g}", max=f"{float(values.max()):.4g}",
        mean=f"{float(values.double().mean()):.4g}",
    )  # fmt: skip


def heatmap_trace(z: torch.Tensor, panel: int = 1, *, text: bool = True, **kw: object) -> dict:
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


def cell_boxes(cells: torch.Tensor, panel: int = 1) -> list[dict]:
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


def panel_figure(
    traces: list[dict],
    *,
    domains: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (((0, 1), (0, 1)),),
    titles: Sequence[str] = (),
    title: str = "",
    height: int | None = None,
    shapes: Sequence[dict] = (),
    note: str = "",
    square: bool = False,
    tick_every: int = 24,
) -> go.Figure:
    """One figure from trace dicts and a panel per (x domain, y domain), matrix-style axes.

    ``note`` (from :func:`summary_note`) is written under the panels; ``square`` keeps
    every cell square, so a (1, 4) slice looks like a row and a (4, 1) one like a column.
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
        # Every index labelled on small panels; a few on big ones, never over each other.
        few = {"nticks": 4} if square else {}
        xtick = {"dtick": 1} if cols <= tick_every else few
        ytick = {"dtick": 1} if rows <= tick_every else few
        # Exactly the cells: a square panel shrinks its domain, never widens its range.
        xrange = {"range": [-0.5, cols - 0.5]} if cols else {}
        yrange = {"range": [rows - 0.5, -0.5]} if rows else {"autorange": "reversed"}
        layout[_name("x", k)] = {
            **common,
            **xtick,
            **xrange,
            "domain": xdom,
            "anchor": _ref("y", k),
            "side": "top",
            "constrain": "domain",
        }
        layout[_name("y", k)] = {
            **common,
            **ytick,
            **yrange,
            "domain": ydom,
            "anchor": _ref("x", k),
            "constrain": "domain",
            **({"scaleanchor": _ref("x", k)} if square else {}),
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
        top += 80  # panel titles sit above the column ticks and below Plotly's toolbar
    lines = _lines(note).count("<br>") + 1 if note else 0
    layout["margin"] = {"l": 10, "r": 10, "t": top, "b": 20 + 20 * lines if note else 10}
    if note:
        layout["annotations"].append(
            {
                "text": _lines(note),
                "x": 0,
                "y": 0,
                "xref": "paper",
                "yref": "paper",
                "xanchor": "left",
                "yanchor": "top",
                "align": "left",
                "yshift": -8,
                "showarrow": False,
                "font": {"size": 12, "color": "#555"},
            }
        )
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": traces, "layout": layout})


def _panel_size(traces: list[dict], panel: int) -> tuple[int, int]:
    """(rows, cols) of the heatmap drawn in ``panel``, from its ``z``."""
    for trace in traces:
        if trace.get("xaxis") == _ref("x", panel) and trace.get("z"):
            return len(trace["z"]), len(trace["z"][0])
    return 0, 0


def _lines(note: str, width: int = 50) -> str:
    """A line per sentence, long ones wrapped: Plotly annotations do not wrap by themselves."""
    for end in ("。", ". "):
        note = note.replace(end, end.strip() + "\n")
    out = []
    for sentence in note.strip().splitlines():
        wide = any(ord(c) >= 0x2E80 for c in sentence)  # CJK characters are twice as wide
        w = width // 2 if wide else width
        if " " in sentence.strip():
            out += textwrap.wrap(sentence, w)
        else:
            out += [sentence[k : k + w] for k in range(0, len(sentence), w)]
    return "<br>".join(out)


def row_domains(n: int, gap: float = 0.05) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    width = (1 - gap * (n - 1)) / n
    return [((k * (width + gap), k * (width + gap) + width), (0, 1)) for k in range(n)]


def make_tensor_figure(
    t: torch.Tensor,
    *,
    selected: torch.Tensor | None = None,
    title: str = "",
    lang: str = "en",
    square: bool = False,
) -> go.Figure:
    """A tensor as a heatmap with its values; ``selected`` cells are outlined; ``square``
    keeps the cells square, as an image's pixels are.

    A 3-D or bigger tensor is drawn as labelled 2-D slices (see :func:`make_slices_figure`).
    A tensor over the drawing cap shows its top-left corner and says so, with its full
    shape, min, max and mean.
    """
    if t.numel() == 0:
        return make_empty_figure(t, title=title, lang=lang)
    if t.dim() >= 3:
        return make_slices_figure(t, selected=selected, title=title, lang=lang)
    z = as_2d(t)
    shapes = cell_boxes(as_2d(selected)) if selected is not None else []
    return panel_figure(
        [heatmap_trace(z)],
        title=title,
        height=min(120 + 40 * z.shape[0], 520),
        shapes=shapes,
        note=summary_note(t, lang=lang),
        square=square,
    )


MAX_PANELS, PANELS_PER_ROW = 24, 6


def slice_indices(
    shape: Sequence[int], limit: int = MAX_PANELS
) -> tuple[list[tuple[int, ...]], int]:
    """The first ``limit`` indices into the leading dims (all but the last two), in row-major
    order, one panel each; and how many exist."""
    lead = tuple(shape[:-2])
    total = math.prod(lead)
    drawn = []
    for flat in range(min(total, limit)):
        index = []
        for size in reversed(lead):
            index.append(flat % size)
            flat //= size
        drawn.append(tuple(reversed(index)))
    return drawn, total


def make_slices_figure(
    t: torch.Tensor,
    *,
    selected: torch.Tensor | None = None,
    title: str = "",
    lang: str = "en",
) -> go.Figure:
    """A 3-D or 4-D (or bigger) tensor as one heatmap per 2-D slice ``t[i]`` / ``t[i, j]``.

    Each panel is titled with its index, rows are dim -2 and columns dim -1, and every
    panel shares one colour scale. A (3, 1, 4) tensor is three 1 × 4 panels, not a 3 × 4 grid.
    4-D tensors put dim 0 down and dim 1 across, as a batch of channels is usually shown.
    """
    t = t.detach()
    indices, total = slice_indices(t.shape)
    cols = min(t.shape[-3], PANELS_PER_ROW)
    rows = math.ceil(len(indices) / cols)
    cap = max(1, limits().max_draw_cells // len(indices))
    panels = [as_2d(t[i], cap=cap) for i in indices]
    lo = min(float(p.min()) for p in panels)
    hi = max(float(p.max()) for p in panels)
    traces, shapes = [], []
    text = sum(p.numel() for p in panels) <= MAX_CELLS_WITH_TEXT  # values, if they stay legible
    for k, (index, z) in enumerate(zip(indices, panels, strict=True), start=1):
        at = ", ".join(map(str, index))
        traces.append(
            heatmap_trace(
                z,
                k,
                text=text,
                zmin=lo,
                zmax=hi,
                hovertemplate=f"[{at}, %{{y}}, %{{x}}] = %{{z}}<extra></extra>",
            )
        )
        if selected is not None:
            shapes += cell_boxes(as_2d(selected[index], cap=cap), k)
    h, w = t.shape[-2:]
    note = translate(
        "plot.slices",
        lang,
        index=", ".join("ijkl"[: t.dim() - 2]),
        row=t.dim() - 2,
        col=t.dim() - 1,
    )
    if total > len(indices):
        note += " " + translate("plot.slices_first", lang, n=len(indices), total=total)
    if panels[0].shape != (h, w):  # each panel is a corner of its slice
        note += " " + _corner_note(t, panels[0].shape, lang)
    panel_rows = min(len(panels[0]), 12)
    return panel_figure(
        traces,
        domains=_grid(rows, cols),
        titles=[f"[{', '.join(map(str, i))}]" for i in indices],
        title=title,
        height=min(90 + rows * (60 + 40 * panel_rows) + 20 * _lines(note).count("<br>"), 900),
        shapes=shapes,
        note=note,
        square=True,
        tick_every=max(2, 24 // cols),  # the panels of a row share the width
    )


def _grid(
    rows: int, cols: int, gap: float = 0.04
) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Panel domains, left to right and top to bottom, with room for each panel's title."""
    vgap = 0.12 if rows > 1 else 0.0
    height = (1 - vgap * (rows - 1)) / rows
    out = []
    for r in range(rows):
        top = 1 - r * (height + vgap)
        for x in row_domains(cols, gap):
            out.append((x[0], (max(0.0, top - height), min(1.0, top))))
    return out


def make_empty_figure(t: torch.Tensor, *, title: str = "", lang: str = "en") -> go.Figure:
    """A size-0 tensor: legal, and worth seeing; the picture says it is empty and why."""
    zero = [d for d, n in enumerate(t.shape) if n == 0]
    text = translate("plot.empty", lang, shape=tuple(t.shape), dims=", ".join(map(str, zero)))
    layout = {
        "height": 140,
        "margin": {"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
        "xaxis": {"visible": False},
        "yaxis": {"visible": False},
        "plot_bgcolor": "white",
        "annotations": [
            {"text": _lines(text, 70), "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
             "showarrow": False, "font": {"size": 14, "color": "#555"}}
        ],
        "shapes": [
            {"type": "rect", "xref": "paper", "yref": "paper", "x0": 0.02, "x1": 0.98,
             "y0": 0.05, "y1": 0.95, "line": {"color": "#BBB", "dash": "dash"}}
        ],
    }  # fmt: skip
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": [], "layout": layout})
