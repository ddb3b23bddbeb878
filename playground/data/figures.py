"""Which samples land in which batch, epoch by epoch, as a Plotly figure."""

from __future__ import annotations

import plotly.graph_objects as go

from playground.core.i18n import t
from playground.plots.style import PALETTE


def make_assignment_figure(epochs: list[list[list[int]]], n: int, *, lang: str = "en") -> go.Figure:
    """A grid: one row per epoch, one column per sample index, coloured by its batch number."""
    z = []
    for batches in epochs:
        row: list[int | None] = [None] * n
        for b, idx in enumerate(batches):
            for i in idx:
                row[i] = b
        z.append(row)
    n_batches = max((len(batches) for batches in epochs), default=1)
    return go.Figure(
        {
            "data": [
                {
                    "type": "heatmap",
                    "z": z,
                    # Batch numbers are names, not amounts: one distinct colour each.
                    "colorscale": _qualitative(n_batches),
                    "zmin": -0.5,
                    "zmax": n_batches - 0.5,
                    "xgap": 1,
                    "ygap": 3,
                    "colorbar": {"title": {"text": t("fig.batch", lang)}, "dtick": 1},
                    "hovertemplate": t("fig.batch_hover", lang),
                }
            ],
            "layout": {
                "height": 200,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": t("fig.sample_index", lang)}},
                "yaxis": {
                    "title": {"text": t("fig.epoch", lang)},
                    "tickvals": list(range(len(epochs))),
                    "autorange": "reversed",
                },
            },
        }
    )


QUALITATIVE = [*PALETTE, "#FF9DA6", "#9D755D", "#BAB0AC", "#EECA3B"]


def _qualitative(n: int) -> list[list[float | str]]:
    """A stepped colour scale: batch ``k`` of ``n`` gets colour ``k`` (cycling), no gradient."""
    scale: list[list[float | str]] = []
    for k in range(n):
        colour = QUALITATIVE[k % len(QUALITATIVE)]
        scale += [[k / n, colour], [(k + 1) / n, colour]]
    return scale
