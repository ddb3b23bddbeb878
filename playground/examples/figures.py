"""Plotly figures for the Examples chapter: loss curves on a log axis, and the fit."""

from __future__ import annotations

import math
from collections.abc import Sequence

import plotly.graph_objects as go

from playground.plots.style import HIGHLIGHT, PALETTE

__all__ = ["MAX_POINTS", "make_fit_figure", "make_loss_figure", "make_scatter_figure"]

MAX_POINTS = 600  # per curve: a 30,000-step run is drawn from a strided sample


def _sampled(values: Sequence[float]) -> tuple[list[int], list[float]]:
    stride = max(1, math.ceil(len(values) / MAX_POINTS))
    steps = list(range(0, len(values), stride))
    if steps and steps[-1] != len(values) - 1:
        steps.append(len(values) - 1)
    return steps, [values[t] if math.isfinite(values[t]) else None for t in steps]  # type: ignore[misc]


def make_loss_figure(
    curves: Sequence[tuple[str, Sequence[float]]], *, x_title: str, y_title: str
) -> go.Figure:
    """One line per run, loss against iteration, on a log axis (losses span many decades)."""
    traces = []
    for k, (name, losses) in enumerate(curves):
        steps, values = _sampled(losses)
        color = PALETTE[k % len(PALETTE)]
        traces.append(
            {"type": "scatter", "mode": "lines", "x": steps, "y": values, "name": name,
             "line": {"color": color, "width": 2}}
        )  # fmt: skip
    return go.Figure(
        {
            "data": traces,
            "layout": {
                "height": 340,
                "margin": {"l": 60, "r": 10, "t": 30, "b": 40},
                "xaxis": {"title": {"text": x_title}},
                "yaxis": {
                    "title": {"text": y_title},
                    "type": "log",
                    "dtick": 1,
                    "exponentformat": "power",
                },
                "legend": {"orientation": "h", "y": 1.12},
            },
        }
    )


def make_fit_figure(
    target: tuple[Sequence[float], Sequence[float]],
    fit: tuple[Sequence[float], Sequence[float]],
    *,
    target_name: str,
    fit_name: str,
) -> go.Figure:
    """``sin(x)`` and the polynomial the level has fitted so far."""
    return go.Figure(
        {
            "data": [
                {"type": "scatter", "mode": "lines", "x": list(target[0]), "y": list(target[1]),
                 "name": target_name, "line": {"color": PALETTE[0], "width": 3}},
                {"type": "scatter", "mode": "lines", "x": list(fit[0]), "y": list(fit[1]),
                 "name": fit_name, "line": {"color": HIGHLIGHT, "width": 2, "dash": "dash"}},
            ],
            "layout": {
                "height": 340,
                "margin": {"l": 40, "r": 10, "t": 30, "b": 40},
                "xaxis": {"title": {"text": "x"}},
                "yaxis": {"range": [-1.6, 1.6]},
                "legend": {"orientation": "h", "y": 1.12},
            },
        }
    )  # fmt: skip


def make_scatter_figure(
    targets: Sequence[float], predictions: Sequence[float], *, x_title: str, y_title: str
) -> go.Figure:
    """Predictions against targets: a good fit lies on the diagonal."""
    lo = min([*targets, *predictions, 0.0])
    hi = max([*targets, *predictions, 0.0])
    return go.Figure(
        {
            "data": [
                {"type": "scatter", "mode": "lines", "x": [lo, hi], "y": [lo, hi],
                 "line": {"color": "#BBBBBB", "dash": "dot"}, "showlegend": False, "hoverinfo": "skip"},
                {"type": "scatter", "mode": "markers", "x": list(targets), "y": list(predictions),
                 "marker": {"color": HIGHLIGHT, "size": 4, "opacity": 0.6}, "showlegend": False},
            ],
            "layout": {
                "height": 340,
                "margin": {"l": 50, "r": 10, "t": 30, "b": 40},
                "xaxis": {"title": {"text": x_title}},
                "yaxis": {"title": {"text": y_title}},
            },
        }
    )  # fmt: skip
