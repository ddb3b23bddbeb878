"""Image grids and bar charts, shared by Data, Training and Save & load.

A grid is one PNG per figure (Pillow), not a heatmap per image, so it stays small.
"""

from __future__ import annotations

import base64
import html
import io
import math

import plotly.graph_objects as go
import torch
import torch.nn.functional as F  # noqa: N812 - the tutorial's own alias
from PIL import Image

PALETTE = "#4C78A8"
MAX_GRID_SIDE = 160  # pixels per image in a grid: a 1290-pixel map is shown area-averaged


def _fit(images: torch.Tensor) -> torch.Tensor:
    """Images larger than ``MAX_GRID_SIDE`` shrunk by area averaging: one PNG of eight
    3870-pixel squares took seconds to encode and megabytes to send."""
    side = max(images.shape[-2:])
    if side <= MAX_GRID_SIDE:
        return images
    size = [max(1, d * MAX_GRID_SIDE // side) for d in images.shape[-2:]]
    small = F.interpolate(images.float(), size=size, mode="area")
    return small.round().clamp(0, 255).to(torch.uint8)


# -- figures -----------------------------------------------------------------------------
def _png(
    images: torch.Tensor, cols: int, pad: int = 2, zoom: int = 3, pad_y: int = 2
) -> tuple[str, int, int]:
    n, c, h, w = images.shape
    rows = math.ceil(n / cols)
    canvas = torch.full(
        (c, rows * (h + pad_y) + pad, cols * (w + pad) + pad), 255, dtype=torch.uint8
    )
    for k in range(n):
        r, q = divmod(k, cols)
        y, x = pad + r * (h + pad_y), pad + q * (w + pad)
        canvas[:, y : y + h, x : x + w] = images[k]
    mode = "L" if c == 1 else "RGB"
    img = Image.fromarray(canvas.permute(1, 2, 0).squeeze(-1).numpy(), mode=mode)
    img = img.resize((img.width * zoom, img.height * zoom), Image.Resampling.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return (
        "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(),
        img.width,
        img.height,
    )


def make_grid_figure(
    images: torch.Tensor,
    labels: list[str] | None = None,
    *,
    cols: int = 3,
    height: int | None = None,
) -> go.Figure:
    """Images in a grid (one PNG, so 64 images cost one picture), labels under each cell."""
    images = images.detach().to("cpu")
    if images.is_floating_point():
        images = (images.clamp(0, 1) * 255).round().to(torch.uint8)
    images = _fit(images)
    n, _, h, w = images.shape
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    zoom, pad = (3 if max(h, w) <= 64 else 1), 2
    lines = max((label.count("\n") + 1 for label in labels or []), default=0)
    pad_y = 2 + 6 * lines if labels else pad  # room for each label's lines under its image
    source, width, tall = _png(images, cols, pad, zoom, pad_y)
    annotations = []
    for k, label in enumerate(labels or []):
        r, q = divmod(k, cols)
        annotations.append(
            {
                "x": (pad + q * (w + pad) + w / 2) * zoom,
                "y": (pad + r * (h + pad_y) + h) * zoom,
                # Plotly renders <a>, <b>, <br>: escape the text, then break its lines.
                "text": "<br>".join(html.escape(line, quote=False) for line in label.split("\n")),
                "showarrow": False,
                "yanchor": "top",
                "font": {"size": 10 if lines > 1 else 11, "color": "#222"},
            }
        )
    layout = {
        "images": [
            {
                "source": source,
                "xref": "x",
                "yref": "y",
                "x": 0,
                "y": 0,
                "sizex": width,
                "sizey": tall,
                "layer": "below",
                "sizing": "stretch",
            }
        ],
        "xaxis": {"visible": False, "range": [0, width]},
        "yaxis": {"visible": False, "range": [tall, 0], "scaleanchor": "x"},
        "annotations": annotations,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": height or min(120 + rows * 110, 720),
        "plot_bgcolor": "white",
    }
    return go.Figure({"data": [], "layout": layout})


def _plain(value: object) -> object:
    """A category label shown as text: Plotly would render tags in it."""
    return html.escape(value, quote=False) if isinstance(value, str) else value


def make_bar_figure(
    x: list, y: list, *, x_title: str = "", y_title: str = "", height: int = 280
) -> go.Figure:
    return go.Figure(
        {
            "data": [
                {"type": "bar", "x": [_plain(v) for v in x], "y": y, "marker": {"color": PALETTE}}
            ],
            "layout": {
                "height": height,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": x_title}},
                "yaxis": {"title": {"text": y_title}, "gridcolor": "#eee"},
                "plot_bgcolor": "white",
                "bargap": 0.05,
            },
        }
    )
