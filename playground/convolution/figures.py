"""The chapter's figures: the sliding window (with Plotly frames to play it), channels and
groups, pooling and its gradient, the receptive field, and a trained CNN's filters."""

from __future__ import annotations

from typing import Any

import numpy as np
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


def _window_mask(shape: torch.Size, cell: Cell) -> torch.Tensor:
    mask = torch.zeros(shape, dtype=torch.bool)
    for r in cell.rows:
        mask[r, list(cell.cols)] = True
    return mask


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


def _box(rows: tuple[int, ...], cols: tuple[int, ...], panel: int) -> list[dict]:
    """One rectangle around a window; a box per cell when dilation leaves holes in it."""
    axes = {"xref": "x" if panel == 1 else f"x{panel}", "yref": "y" if panel == 1 else f"y{panel}"}
    line = {"color": HIGHLIGHT, "width": 3}
    if rows == tuple(range(rows[0], rows[-1] + 1)):
        return [{"type": "rect", "x0": cols[0] - 0.5, "x1": cols[-1] + 0.5, "y0": rows[0] - 0.5,
                 "y1": rows[-1] + 0.5, "line": line, **axes}]  # fmt: skip
    return [{"type": "rect", "x0": c - 0.5, "x1": c + 0.5, "y0": r - 0.5, "y1": r + 0.5,
             "line": line, **axes} for r in rows for c in cols]  # fmt: skip


def _cell_shapes(s: Slide, cell: Cell) -> list[dict]:
    return [*_image_box(s), *_box(cell.rows, cell.cols, 1), *_box((cell.row,), (cell.col,), 4)]


def _revealed(s: Slide, upto: int) -> np.ndarray:
    """The output with the cells after ``upto`` (row-major) not computed yet (NaN: blank).
    NumPy, not lists: Plotly validates a NumPy array at once, a list number by number."""
    flat = s.output.double().flatten().numpy().round(3)
    flat[upto + 1 :] = np.nan
    return flat.reshape(s.output.shape)


def make_slide_figure(s: Slide, cell: Cell, *, lang: str = "en") -> go.Figure:
    """Padded input with the window, kernel, products, output with the cell; frames to play.

    Play runs in the browser, frame by frame: the server sends the figure once."""
    titles = [translate(f"conv.fig.{k}", lang) for k in ("input", "kernel", "products", "output")]
    readable = {"text": False} if s.output.numel() > MAX_TEXT_CELLS else {}  # else hover
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
    ]
    fig = panel_figure(traces, domains=row_domains(4), titles=titles, square=True,
                       shapes=_cell_shapes(s, cell), height=380)  # fmt: skip
    h_out, w_out = s.output.shape
    if h_out * w_out > MAX_FRAMES:
        return fig
    frames, steps = [], []
    for n in range(h_out * w_out):
        c = s.cell(*divmod(n, w_out))
        name = f"{c.row},{c.col}"
        # only what changes, and lean: Plotly validates every frame (full traces took 1.8 s)
        products = {"type": "heatmap", "z": c.products.double().numpy(),
                    "text": [[f"{v:.3g}" for v in row] for row in c.products.tolist()]}  # fmt: skip
        output = {"type": "heatmap", "z": _revealed(s, n)}
        frames.append({"name": name, "data": [products, output], "traces": [2, 3],
                       "layout": {"shapes": _cell_shapes(s, c)}})  # fmt: skip
        steps.append({"label": f"({c.row}, {c.col})", "method": "animate",
                      "args": [[name], {"mode": "immediate", "frame": {"duration": 0, "redraw": True}}]})  # fmt: skip
    play = {"frame": {"duration": 250, "redraw": True}, "fromcurrent": True, "mode": "immediate"}
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
    """The image with autograd's pixels and the formula's rectangle; the gradient; the output."""
    reached = torch.where(r.mask, 1.0, float("nan"))
    (r0, r1), (c0, c1) = r.formula
    rect = {"type": "rect", "x0": c0 - 0.5, "x1": c1 + 0.5, "y0": r0 - 0.5, "y1": r1 + 0.5,
            "xref": "x", "yref": "y", "line": {"color": "#111", "width": 2, "dash": "dash"}}  # fmt: skip
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
    ]
    titles = [translate("conv.fig.field", lang), translate("conv.fig.field_grad", lang)]
    return panel_figure(traces, domains=row_domains(2), titles=titles, square=True,
                        shapes=[rect], height=420)  # fmt: skip


def _unit(t: torch.Tensor) -> torch.Tensor:
    """Each map scaled to [0, 1] on its own, as filter pictures are drawn."""
    flat = t.flatten(1)
    lo, hi = flat.min(1, keepdim=True).values, flat.max(1, keepdim=True).values
    return ((flat - lo) / (hi - lo).clamp_min(1e-12)).view_as(t)


def make_maps_figure(maps: torch.Tensor, labels: list[str], *, cols: int = 8) -> go.Figure:
    """A grid of single-channel maps (filters or feature maps), each scaled on its own."""
    return make_grid_figure(_unit(maps.detach().float().cpu()).unsqueeze(1), labels, cols=cols)
