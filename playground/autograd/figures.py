"""Plotly pictures for the Autograd page: the backward graph and gradient descent by hand."""

from __future__ import annotations

import math
from collections import Counter

import plotly.graph_objects as go
import torch

from playground.autograd.graph import Graph, layered_layout
from playground.core.i18n import t

__all__ = ["make_descent_figure", "make_graph_figure", "summarize"]

COLORS = {"output": "#EE4C2C", "op": "#4C78A8", "leaf": "#54A24B"}


def summarize(t: torch.Tensor | None, *, limit: int = 8) -> str:
    """A short text for a hover box: the values if few, else the shape and range."""
    if t is None:
        return "—"
    t = t.detach().to("cpu")
    if t.numel() <= limit:
        values = ", ".join(f"{v:.4g}" for v in t.reshape(-1).tolist())
        return f"[{values}]" if t.dim() else values
    f = t.to(torch.float64)
    return f"mean {f.mean().item():.4g}, min {f.min().item():.4g}, max {f.max().item():.4g}"


def _shape(shape: tuple[int, ...] | None) -> str:
    return "" if shape is None else str(tuple(shape))


def _op_label(op: str) -> str:
    """``SqueezeBackward4`` on two lines (``Squeeze`` / ``Backward4``): on one line it runs
    into the next node's label on a narrow screen."""
    head, sep, tail = op.partition("Backward")
    return f"{head}<br>{sep}{tail}" if sep and head else op


def make_graph_figure(
    graph: Graph,
    node_grads: dict[int, torch.Tensor] | None = None,
    *,
    title: str = "",
    height: int | None = None,
    lang: str = "en",
) -> go.Figure:
    """The graph, output on top: arrows follow ``next_functions`` (the way backward runs).

    Op nodes are blue, the output red, leaves (``AccumulateGrad``) green. Each
    edge is labelled with the shape of the tensor that flows along it; hovering
    a node shows its forward value and, after backward, its gradient.
    """
    node_grads = node_grads or {}
    pos = layered_layout(graph)
    depth = max((p[1] for p in pos.values()), default=0)
    width = max(Counter(p[1] for p in pos.values()).values(), default=1)

    traces: list[dict] = []
    annotations: list[dict] = []
    counts = Counter((e.source, e.target) for e in graph.edges)
    for (src, dst), count in counts.items():
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        edge = next(e for e in graph.edges if e.source == src and e.target == dst)
        shape = edge.shape
        if shape is None and dst in node_grads:  # an op's output that only autograd saw
            shape = tuple(node_grads[dst].shape)
        annotations.append(
            {
                "x": x1,
                "y": -y1,
                "ax": x0,
                "ay": -y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 2,
                "arrowsize": 1.2,
                "arrowwidth": 1.5,
                "arrowcolor": "#888",
                "standoff": 14,
                "startstandoff": 14,
                "text": "",
            }
        )
        label = _shape(shape) + (f" ×{count}" if count > 1 else "")
        if label:
            annotations.append(
                {
                    "x": (x0 + x1) / 2,
                    "y": -(y0 + y1) / 2,
                    "xref": "x",
                    "yref": "y",
                    "text": label,
                    "showarrow": False,
                    "font": {"size": 11, "color": "#555"},
                    "bgcolor": "rgba(255,255,255,0.85)",
                }
            )
    for kind in ("output", "op", "leaf"):
        members = [n for n in graph.nodes if n.kind == kind]
        if not members:
            continue
        hover = []
        for n in members:
            lines = [f"<b>{n.op}</b>"]
            if n.tensor_name:
                lines.append(f"tensor: {n.tensor_name}")
            shape = n.shape or (tuple(node_grads[n.id].shape) if n.id in node_grads else None)
            if shape is not None:
                lines.append(f"shape: {_shape(shape)}")
            if n.value is not None:
                lines.append(f"value: {summarize(n.value)}")
            elif n.kind != "leaf":
                lines.append("value: inside one torch call, not a Python tensor")
            if n.id in node_grads:
                lines.append(f"grad: {summarize(node_grads[n.id])}")
            hover.append("<br>".join(lines))
        text = [
            n.label
            if n.kind == "leaf"
            else _op_label(n.op) + (f"<br>= {n.tensor_name}" if n.tensor_name else "")
            for n in members
        ]
        traces.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "x": [pos[n.id][0] for n in members],
                "y": [-pos[n.id][1] for n in members],
                "text": text,
                "textposition": "middle right",
                "textfont": {"size": 13, "color": "#222"},
                "hovertext": hover,
                "hoverinfo": "text",
                "name": t(f"fig.{kind}", lang),
                "marker": {
                    "size": 20 if kind != "leaf" else 22,
                    "symbol": "square" if kind == "leaf" else "circle",
                    "color": COLORS[kind],
                    "line": {"width": 1.5, "color": "white"},
                },
            }
        )
    span = max(width - 1, 1) / 2
    layout = {
        "height": height or min(140 + 90 * (depth + 1), 900),
        "margin": {"l": 10, "r": 10, "t": 40 if title else 36, "b": 10},  # toolbar above
        "plot_bgcolor": "white",
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.02, "yanchor": "top"},
        "xaxis": {"visible": False, "range": [-span - 0.6, span + 1.6]},
        "yaxis": {"visible": False, "range": [-depth - 0.5, 0.5]},
        "annotations": annotations,
        "hoverlabel": {"align": "left"},
    }
    if title:
        layout["title"] = {"text": title}
    return go.Figure({"data": traces, "layout": layout})


def make_descent_figure(
    path: list[tuple[float, float]],
    losses: list[float],
    grid_w: torch.Tensor,
    grid_b: torch.Tensor,
    surface: torch.Tensor,
    *,
    best: tuple[float, float] | None = None,
    lang: str = "en",
) -> go.Figure:
    """Left: the loss surface over (w, b) with the path gradient descent took. Right: the loss."""
    finite = [(w, b) for w, b in path if math.isfinite(w) and math.isfinite(b)]
    traces: list[dict] = [
        {
            "type": "contour",
            "x": grid_w.tolist(),
            "y": grid_b.tolist(),
            "z": surface.T.tolist(),
            "colorscale": "Blues",
            "reversescale": True,
            "showscale": False,
            "contours": {"coloring": "heatmap", "showlabels": True},
            "ncontours": 18,
            "hovertemplate": "w=%{x:.3g}, b=%{y:.3g}<br>loss=%{z:.4g}<extra></extra>",
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "x": [p[0] for p in finite],
            "y": [p[1] for p in finite],
            "line": {"color": "#EE4C2C", "width": 2},
            "marker": {"size": 5},
            "name": t("fig.path", lang),
            "xaxis": "x",
            "yaxis": "y",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": list(range(len(losses))),
            "y": losses,
            "line": {"color": "#4C78A8", "width": 2},
            "name": t("fig.loss", lang),
            "xaxis": "x2",
            "yaxis": "y2",
        },
    ]
    if best is not None:
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": [best[0]],
                "y": [best[1]],
                "marker": {"symbol": "star", "size": 14, "color": "#54A24B"},
                "name": t("fig.lsq", lang),
                "xaxis": "x",
                "yaxis": "y",
            }
        )
    positive = all(v > 0 for v in losses) and losses
    layout = {
        "height": 420,
        "margin": {"l": 10, "r": 10, "t": 50, "b": 10},
        "plot_bgcolor": "white",
        "legend": {"orientation": "h", "y": 1.02, "yanchor": "bottom"},
        "xaxis": {"domain": [0, 0.55], "title": {"text": "w"}, "anchor": "y"},
        "yaxis": {"title": {"text": "b"}, "anchor": "x"},
        "xaxis2": {"domain": [0.65, 1], "title": {"text": t("fig.step", lang)}, "anchor": "y2"},
        "yaxis2": {
            "title": {"text": t("fig.loss", lang)},
            "anchor": "x2",
            "type": "log" if positive else "linear",
            # One labelled tick per power of ten (1e-2, 1e-1, …), never 2 5 2 5 in between.
            **(
                {"dtick": 1, "exponentformat": "power", "minor": {"showgrid": False}}
                if positive
                else {}
            ),
            "gridcolor": "#eee",
        },
    }
    return go.Figure({"data": traces, "layout": layout})
