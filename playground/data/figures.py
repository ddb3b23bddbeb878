"""Which samples land in which batch, epoch by epoch, as a Plotly figure."""

from __future__ import annotations

import plotly.graph_objects as go


def make_assignment_figure(epochs: list[list[list[int]]], n: int) -> go.Figure:
    """A grid: one row per epoch, one column per sample index, coloured by its batch number."""
    z = []
    for batches in epochs:
        row: list[int | None] = [None] * n
        for b, idx in enumerate(batches):
            for i in idx:
                row[i] = b
        z.append(row)
    return go.Figure(
        {
            "data": [
                {
                    "type": "heatmap",
                    "z": z,
                    "colorscale": "Turbo",
                    "xgap": 1,
                    "ygap": 3,
                    "colorbar": {"title": {"text": "batch"}},
                    "hovertemplate": "epoch %{y}, sample %{x}: batch %{z}<extra></extra>",
                }
            ],
            "layout": {
                "height": 200,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": "sample index"}},
                "yaxis": {
                    "title": {"text": "epoch"},
                    "tickvals": list(range(len(epochs))),
                    "autorange": "reversed",
                },
            },
        }
    )
