"""The chapter's figures: the sliding window (with Plotly frames to play it), channels and
groups, pooling and its gradient, the receptive field, and a trained CNN's filters."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import torch

from playground.convolution.channels import Channels
from playground.convolution.pooling import Pool
from playground.convolution.receptive import Receptive
from playground.convolution.slide import Cell, Slide
from playground.core.i18n import t as translate
from playground.plots.heatmap import cell_boxes, heatmap_trace, panel_figure, row_domains
from playground.plots.images import make_grid_figure
from playground.plots.style import GREYS, HIGHLIGHT

__all__ = [
    "MAX_FRAMES",
    "make_channels_figure",
    "make_groups_figure",
    "make_maps_figure",
    "make_pool_figure",
    "make_receptive_figure",
    "make_slide_figure",
]

MAX_FRAMES = 256  # output cells a played slide animates; a bigger output steps by the slider
MAX_TEXT_CELLS = 100  # a panel writes its numbers in the cells up to 10 × 10; bigger ones on hover


def _one(shape: torch.Size, row: int, col: int) -> torch.Tensor:
    mask = torch.zeros(shape, dtype=torch.bool)
    mask[row, col] = True
    return mask


def _image_box(s: Slide) -> list[dict]:
    """A dashed frame around the real image inside the padded input."""
    before = s.pads[0]
    h, w = s.image.shape
    if s.pads == (0, 0):
        return []
    return [{"type": "rect", "x0": before - 0.5, "x1": before + w - 0.5, "y0": before - 0.5,
             "y1": before + h - 0.5, "xref": "x", "yref": "y",
             "line": {"color": "#555", "width": 2, "dash": "dash"}}]  # fmt: skip


def _outline(rows: tuple[int, ...], cols: tuple[int, ...]) -> dict:
    """A rectangle around the cells a window spans, as a line trace: frames then move it
    without a layout per frame (a ``go.Layout`` per frame was most of the figure's time)."""
    x0, x1, y0, y1 = cols[0] - 0.5, cols[-1] + 0.5, rows[0] - 0.5, rows[-1] + 0.5
    return {"type": "scatter", "x": [x0, x1, x1, x0, x0], "y": [y0, y0, y1, y1, y0]}


def _taps(cell: Cell) -> dict:
    """The input cells a dilated kernel reads, as markers (a rectangle would hide the gaps)."""
    xs = [c for _ in cell.rows for c in cell.cols]
    ys = [r for r in cell.rows for _ in cell.cols]
    return {"type": "scatter", "x": xs, "y": ys}


def make_slide_figure(s: Slide, cell: Cell, *, lang: str = "en") -> go.Figure:
    """Padded input with the window, kernel, products, output with the cell; frames to play.

    Play runs in the browser, frame by frame: the server sends the figure once. A frame holds
    only what moves (the products, the two outlines, a dilated window's taps): Plotly
    validates every frame on the server."""
    titles = [translate(f"conv.fig.{k}", lang) for k in ("input", "kernel", "products", "output")]
    readable = {"text": False} if s.output.numel() > MAX_TEXT_CELLS else {}  # else hover
    taps = {**_taps(cell), "xaxis": "x", "yaxis": "y", "mode": "markers", "hoverinfo": "skip",
            "showlegend": False, "visible": s.cfg.dilation > 1,  # else the rectangle says it all
            "marker": {"symbol": "circle-open", "size": 9, "color": HIGHLIGHT, "line": {"width": 2}}}  # fmt: skip
    traces = [
        heatmap_trace(
            s.padded,
            1,
            colorscale=GREYS,
            reversescale=True,
            text=s.padded.numel() <= MAX_TEXT_CELLS,
        ),
        heatmap_trace(s.cfg.weight(), 2),
        heatmap_trace(cell.products, 3),
        heatmap_trace(s.output, 4, **readable),
        taps,
    ]
    line = {"mode": "lines", "hoverinfo": "skip", "showlegend": False,
            "line": {"color": HIGHLIGHT, "width": 3}}  # fmt: skip
    traces += [{**_outline(cell.rows, cell.cols), **line, "xaxis": "x", "yaxis": "y"},
               {**_outline((cell.row,), (cell.col,)), **line, "xaxis": "x4", "yaxis": "y4"}]  # fmt: skip
    fig = panel_figure(traces, domains=row_domains(4), titles=titles, square=True,
                       shapes=_image_box(s), height=380)  # fmt: skip
    h_out, w_out = s.output.shape
    if h_out * w_out > MAX_FRAMES:
        return fig
    frames, steps = [], []
    for n in range(h_out * w_out):
        c = s.cell(*divmod(n, w_out))
        name = f"{c.row},{c.col}"
        products = c.products.double().round(decimals=4).tolist()
        data: list[dict] = [{"type": "heatmap", "z": products, "text": [[f"{v:.3g}" for v in row] for row in products]}]  # fmt: skip
        data += [_outline(c.rows, c.cols), _outline((c.row,), (c.col,))]
        if s.cfg.dilation > 1:
            data.append(_taps(c))
        frames.append({"name": name, "data": data, "traces": [2, 5, 6, 4][: len(data)]})
        steps.append({"label": f"({c.row}, {c.col})", "method": "animate",
                      "args": [[name], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}}]})  # fmt: skip
    play = {
        "frame": {"duration": 250, "redraw": True},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    pause = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}
    fig.frames = frames
    fig.update_layout(
        updatemenus=[{"type": "buttons", "direction": "left", "x": 0, "y": -0.05, "xanchor": "left",
                      "buttons": [{"label": translate("conv.play", lang), "method": "animate", "args": [None, play]},
                                  {"label": translate("conv.pause", lang), "method": "animate", "args": [[None], pause]}]}],
        sliders=[{"steps": steps, "x": 0.18, "len": 0.82, "y": -0.02, "pad": {"t": 0},
                  "currentvalue": {"prefix": translate("conv.fig.cell", lang) + " "},
                  "active": cell.row * w_out + cell.col}],
        margin={"b": 90},
    )  # fmt: skip
    return fig


def make_channels_figure(ch: Channels, o: int, per_channel: list[torch.Tensor], *, lang: str = "en") -> go.Figure:  # fmt: skip
    """Output channel ``o``: each input channel's convolution with its slice of the weight,
    then their sum plus the bias, which is the layer's output channel."""
    shown = per_channel[:4]
    channels = ch.sums_over[o][:4]
    traces = [heatmap_trace(t, k + 1, text=False) for k, t in enumerate(shown)]
    traces.append(heatmap_trace(ch.output[o], len(shown) + 1, text=False))
    titles = [translate("conv.fig.per_channel", lang, c=c, o=o) for c in channels]
    titles.append(translate("conv.fig.sum", lang, o=o))
    note = ""
    if len(per_channel) > len(shown):
        note = translate("conv.fig.more_channels", lang, shown=len(shown), n=len(per_channel))
    return panel_figure(traces, domains=row_domains(len(traces)), titles=titles, square=True,
                        height=300, note=note)  # fmt: skip


def make_groups_figure(ch: Channels, *, lang: str = "en") -> go.Figure:
    """Which input channels each output channel reads: a (C_out, C_in) grid of 0 and 1."""
    c = ch.cfg
    grid = torch.zeros(c.out_channels, c.in_channels)
    for o, ins in enumerate(ch.sums_over):
        grid[o, list(ins)] = 1
    trace = heatmap_trace(grid, 1, text=False, zmin=0, zmax=1,
                          hovertemplate=translate("conv.fig.groups_hover", lang) + "<extra></extra>")  # fmt: skip
    return panel_figure([trace], titles=[translate("conv.fig.groups", lang, g=c.groups)], square=True,
                        height=min(160 + 18 * c.out_channels, 600))  # fmt: skip


def make_pool_figure(p: Pool, row: int, col: int, *, lang: str = "en") -> go.Figure:
    """Input with the chosen window (and its winner), output with the cell, the input's grad."""
    c = p.cfg
    shapes = cell_boxes(_one(p.output.shape, row, col), panel=2)
    if c.kind != "adaptive_avg":
        r0, c0 = row * c.stride - c.padding, col * c.stride - c.padding
        r1, c1 = r0 + c.kernel_size - 1, c0 + c.kernel_size - 1
        shapes.append({"type": "rect", "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5,
                       "xref": "x", "yref": "y", "line": {"color": HIGHLIGHT, "width": 3}})  # fmt: skip
    if (won := p.winner(row, col)) is not None:
        shapes.append({"type": "circle", "x0": won[1] - 0.4, "x1": won[1] + 0.4, "y0": won[0] - 0.4,
                       "y1": won[0] + 0.4, "xref": "x", "yref": "y", "line": {"color": "#111", "width": 3}})  # fmt: skip
    traces = [heatmap_trace(p.input, 1), heatmap_trace(p.output, 2), heatmap_trace(p.grad, 3)]
    titles = [translate(f"conv.fig.pool_{k}", lang) for k in ("input", "output", "grad")]
    return panel_figure(traces, domains=row_domains(3), titles=titles, square=True,
                        shapes=shapes, height=360)  # fmt: skip


def make_receptive_figure(r: Receptive, image: torch.Tensor, *, lang: str = "en") -> go.Figure:
    """The image with autograd's pixels and the formula's rectangle; the gradient; the output,
    whose cells are points to click (a heatmap sends no click: a marker over each cell does)."""
    reached = torch.where(r.mask, 1.0, float("nan"))
    (r0, r1), (c0, c1) = r.formula
    rect = {"type": "rect", "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5,
            "xref": "x", "yref": "y", "line": {"color": "#111", "width": 2, "dash": "dash"}}  # fmt: skip
    h, w = r.output.shape
    cells = {"type": "scatter", "mode": "markers", "xaxis": "x3", "yaxis": "y3", "showlegend": False,
             "x": [c for _ in range(h) for c in range(w)], "y": [q for q in range(h) for _ in range(w)],
             "marker": {"size": 14, "symbol": "square", "color": "rgba(0,0,0,0)"},
             "hovertemplate": translate("conv.fig.click_cell", lang) + "<extra></extra>"}  # fmt: skip
    traces: list[dict[str, Any]] = [
        heatmap_trace(image, 1, text=False, colorscale=GREYS, reversescale=True),
        heatmap_trace(
            reached,
            1,
            text=False,
            colorscale=[[0, HIGHLIGHT], [1, HIGHLIGHT]],
            opacity=0.45,
            hoverinfo="skip",
        ),  # fmt: skip
        heatmap_trace(r.grad.abs(), 2, text=False),
        heatmap_trace(r.output, 3, text=False),
        cells,
    ]
    box = {**_outline((r.cfg.row,), (r.cfg.col,)), "xref": "x3", "yref": "y3"}
    chosen = {"type": "path", "path": "M" + " L".join(f"{x},{y}" for x, y in zip(box["x"], box["y"], strict=True)) + " Z",
              "xref": "x3", "yref": "y3", "line": {"color": HIGHLIGHT, "width": 3}}  # fmt: skip
    titles = [translate(f"conv.fig.{k}", lang) for k in ("field", "field_grad", "field_output")]
    return panel_figure(traces, domains=row_domains(3), titles=titles, square=True,
                        shapes=[rect, chosen], height=420)  # fmt: skip


def _unit(t: torch.Tensor) -> torch.Tensor:
    """Each map scaled to [0, 1] on its own, as filter pictures are drawn."""
    flat = t.flatten(1)
    lo, hi = flat.min(1, keepdim=True).values, flat.max(1, keepdim=True).values
    return ((flat - lo) / (hi - lo).clamp_min(1e-12)).view_as(t)


def make_maps_figure(maps: torch.Tensor, labels: list[str], *, cols: int = 8) -> go.Figure:
    """A grid of single-channel maps (filters or feature maps), each scaled on its own."""
    return make_grid_figure(_unit(maps.detach().float().cpu()).unsqueeze(1), labels, cols=cols)
