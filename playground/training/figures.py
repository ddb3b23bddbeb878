"""Figures for the Training page: live curves, run comparison, confusion matrix, per-class accuracy."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go
import torch

from playground.core.i18n import t
from playground.plots.style import HIGHLIGHT
from playground.training.loop import History

__all__ = ["make_compare_figure", "make_confusion_figure", "make_curves_figure"]

PALETTE = ["#EE4C2C", "#4C78A8", "#54A24B", "#B279A2", "#F58518", "#72B7B2"]


def make_curves_figure(history: History, samples_per_epoch: int, *, lang: str = "en") -> go.Figure:
    """Left: the train loss at each logged step (x in epochs). Right: test loss and accuracy per epoch."""
    epochs = list(range(1, len(history.test_loss) + 1))
    x = [s / samples_per_epoch for s in history.train_steps]
    traces = [
        {
            "type": "scatter",
            "x": x,
            "y": history.train_loss,
            "name": t("fig.train_loss", lang),
            "line": {"color": PALETTE[1]},
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": epochs,
            "y": history.test_loss,
            "name": t("fig.test_loss", lang),
            "mode": "lines+markers",
            "line": {"color": PALETTE[0]},
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "x": epochs,
            "y": [100 * a for a in history.test_accuracy],
            "name": t("fig.test_accuracy", lang),
            "mode": "lines+markers",
            "line": {"color": PALETTE[2]},
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    layout = {
        "height": 320,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.12},
        "xaxis": {
            "domain": [0, 0.55],
            "title": {"text": t("fig.epoch", lang)},
            "anchor": "y",
            "gridcolor": "#eee",
        },
        "yaxis": {"title": {"text": t("fig.loss", lang)}, "anchor": "x", "gridcolor": "#eee"},
        "xaxis2": {
            "domain": [0.65, 1],
            "title": {"text": t("fig.epoch", lang)},
            "anchor": "y2",
            "dtick": 1,
            # before the first test: epoch 1's place, not an autoscaled -1 to 6
            **({} if epochs else {"range": [0.5, 1.5]}),
        },
        "yaxis2": {
            "title": {"text": t("fig.accuracy", lang)},
            "anchor": "x2",
            "range": [0, 100],
            "gridcolor": "#eee",
        },
        "uirevision": "keep",  # redraws while training keep the user's zoom
    }
    return go.Figure({"data": traces, "layout": layout})


def make_compare_figure(runs: list[tuple[str, History]], *, lang: str = "en") -> go.Figure:
    """Several runs overlaid: train loss as it fell (left), test accuracy per epoch (right)."""
    traces = []
    for k, (label, h) in enumerate(runs):
        color = PALETTE[k % len(PALETTE)]
        traces += [
            {
                "type": "scatter",
                "mode": "lines",
                "x": h.train_steps,
                "y": h.train_loss,
                "name": label,
                "legendgroup": label,
                "line": {"color": color, "width": 1.5},
            },
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": list(range(1, len(h.test_accuracy) + 1)),
                "y": [100 * a for a in h.test_accuracy],
                "name": label,
                "legendgroup": label,
                "showlegend": False,
                "line": {"color": color},
                "xaxis": "x2",
                "yaxis": "y2",
            },
        ]
    return go.Figure(
        {
            "data": traces,
            "layout": {
                "height": 340,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "plot_bgcolor": "white",
                "xaxis": {"domain": [0, 0.55], "title": {"text": t("fig.samples_seen", lang)}},
                "yaxis": {"title": {"text": t("fig.train_loss", lang)}, "gridcolor": "#eee"},
                "xaxis2": {
                    "domain": [0.65, 1],
                    "title": {"text": t("fig.epoch", lang)},
                    "dtick": 1,
                },
                "yaxis2": {
                    "anchor": "x2",
                    "title": {"text": t("fig.test_accuracy", lang)},
                    "gridcolor": "#eee",
                },
                "legend": {"orientation": "h", "y": -0.3},
            },
        }
    )


def make_confusion_figure(
    matrix: torch.Tensor,
    classes: list[str],
    selected: tuple[int, int] | None = None,
    *,
    lang: str = "en",
) -> go.Figure:
    """Actual × predicted counts; ``selected`` (actual, predicted) is outlined."""
    z, n = matrix.tolist(), len(classes)
    return go.Figure(
        {
            "data": [
                {
                    "type": "heatmap",
                    "z": z,
                    "x": list(classes),
                    "y": list(classes),
                    "text": z,
                    "texttemplate": "%{text}",
                    "colorscale": "Blues",
                    "showscale": False,
                    "hoverinfo": "skip",
                },
                {  # one invisible marker per cell: Plotly selects scatter points, not heatmap cells
                    "type": "scatter",
                    "mode": "markers",
                    "x": [c for _ in classes for c in classes],
                    "y": [c for c in classes for _ in classes],
                    "customdata": [[a, p] for a in range(n) for p in range(n)],
                    "text": [v for row in z for v in row],
                    "marker": {"symbol": "square", "size": 28, "color": "rgba(0,0,0,0)"},
                    "hovertemplate": t("fig.cell_hover", lang),
                    "showlegend": False,
                },
            ],
            "layout": {
                "height": 460,
                "clickmode": "event+select",
                "shapes": [
                    {
                        "type": "rect",
                        "x0": p - 0.5,
                        "x1": p + 0.5,
                        "y0": a - 0.5,
                        "y1": a + 0.5,
                        "line": {"color": HIGHLIGHT, "width": 3},
                    }
                    for a, p in ([selected] if selected is not None else [])
                ],
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": t("fig.predicted", lang)}, "side": "bottom"},
                "yaxis": {"title": {"text": t("fig.actual", lang)}, "autorange": "reversed"},
            },
        }
    )


def selected_cell(selection: Any, classes: list[str]) -> tuple[int, int] | None:
    """(actual, predicted) of the confusion-matrix cell clicked, from Streamlit's selection state."""
    try:
        point = selection["selection"]["points"][0]
    except (KeyError, IndexError, TypeError):
        return None
    data = point.get("customdata")
    if isinstance(data, list | tuple) and len(data) == 2:
        return int(data[0]), int(data[1])
    if point.get("y") in classes and point.get("x") in classes:
        return classes.index(point["y"]), classes.index(point["x"])
    return None
