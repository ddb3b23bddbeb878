"""Figures for the Model layers page: inside each layer, weights, activations, probabilities."""

from __future__ import annotations

import copy
from collections.abc import Callable

import plotly.graph_objects as go
import torch
from torch import nn

from playground.core.i18n import t
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure

__all__ = [
    "ACTIVATIONS",
    "activation_curves",
    "inside_layer",
    "make_activation_figure",
    "make_weight_histograms",
    "module_to_demo",
    "probabilities",
]

MAX_SIDE = 48  # largest matrix side drawn cell by cell

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "ReLU": nn.ReLU,
    "LeakyReLU": lambda: nn.LeakyReLU(0.1),
    "Sigmoid": nn.Sigmoid,
    "Tanh": nn.Tanh,
    "GELU": nn.GELU,
}


def activation_curves(name: str, lo: float = -4, hi: float = 4, n: int = 161) -> tuple:
    """x, f(x) and f'(x), the derivative computed by autograd (``backward`` of the sum)."""
    x = torch.linspace(lo, hi, n, requires_grad=True)
    y = ACTIVATIONS[name]()(x)
    y.sum().backward()
    assert x.grad is not None
    return x.detach(), y.detach(), x.grad.detach()


def make_activation_figure(names: list[str]) -> go.Figure:
    traces = []
    palette = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756"]
    for k, name in enumerate(names):
        x, y, dy = activation_curves(name)
        color = palette[k % len(palette)]
        traces.append(
            {
                "type": "scatter",
                "x": x.tolist(),
                "y": y.tolist(),
                "name": name,
                "line": {"color": color, "width": 2.5},
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": x.tolist(),
                "y": dy.tolist(),
                "name": f"{name}′ (autograd)",
                "line": {"color": color, "width": 1.5, "dash": "dot"},
            }
        )
    return go.Figure(
        {
            "data": traces,
            "layout": {
                "height": 360,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "plot_bgcolor": "white",
                "xaxis": {"title": {"text": "x"}, "zeroline": True, "gridcolor": "#eee"},
                "yaxis": {"gridcolor": "#eee", "zeroline": True},
            },
        }
    )


def make_weight_histograms(model: nn.Module, bins: int = 40, *, lang: str = "en") -> go.Figure:
    """One histogram per weight tensor, counted on the server with ``torch.histc``."""
    traces = []
    for name, p in model.named_parameters():
        if not name.endswith("weight") or p.dim() < 2:
            continue
        w = p.detach().to("cpu", torch.float64).reshape(-1)
        lo, hi = w.min().item(), w.max().item()
        counts = torch.histc(w, bins=bins, min=lo, max=hi if hi > lo else lo + 1)
        width = (hi - lo) / bins if hi > lo else 1 / bins
        centres = [lo + width * (k + 0.5) for k in range(bins)]
        traces.append(
            {
                "type": "bar",
                "x": centres,
                "y": (counts / counts.sum()).tolist(),
                "name": name,
                "opacity": 0.6,
            }
        )
    return go.Figure(
        {
            "data": traces,
            "layout": {
                "barmode": "overlay",
                "height": 320,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "plot_bgcolor": "white",
                "xaxis": {"title": {"text": t("fig.weight_value", lang)}},
                "yaxis": {"title": {"text": t("fig.fraction", lang)}, "gridcolor": "#eee"},
            },
        }
    )


def _as_images(maps: torch.Tensor) -> torch.Tensor:
    """(k, H, W) floats to (k, 1, H, W) uint8, each map scaled to its own range."""
    maps = maps.detach().to("cpu", torch.float32)
    lo = maps.amin(dim=(1, 2), keepdim=True)
    hi = maps.amax(dim=(1, 2), keepdim=True)
    scaled = (maps - lo) / (hi - lo).clamp_min(1e-12)
    return (scaled * 255).round().to(torch.uint8).unsqueeze(1)


def _vector(v: torch.Tensor, limit: int = 512, *, lang: str = "en") -> go.Figure:
    """A long vector as bars: index on x, value on y."""
    v = v.detach().reshape(-1)[:limit].to("cpu", torch.float64)
    return make_bar_figure(
        list(range(len(v))), v.tolist(), x_title=t("fig.index", lang), height=220
    )


def _crop(t: torch.Tensor) -> torch.Tensor:
    return t[:MAX_SIDE, :MAX_SIDE] if t.dim() == 2 else t[:MAX_SIDE]


def inside_layer(
    layer: nn.Module, x: torch.Tensor, y: torch.Tensor, *, lang: str = "en"
) -> list[tuple[str, go.Figure]]:
    """What one layer did to sample 0 of the batch, as (caption, figure) pairs."""
    x0, y0 = x[0].detach().cpu(), y[0].detach().cpu()
    if isinstance(layer, nn.Flatten):
        first = x0 if x0.dim() == 2 else x0[0] if x0.dim() == 3 else x0.reshape(1, -1)
        return [
            (t("inside.flatten_in", lang, shape=tuple(x0.shape)), make_tensor_figure(_crop(first))),
            (t("inside.flatten_out", lang, n=y0.numel()), _vector(y0, 1024, lang=lang)),
        ]
    if isinstance(layer, nn.Linear):
        w = layer.weight.detach().cpu()
        return [
            (t("inside.linear_in", lang, n=x0.numel()), _vector(x0, 1024, lang=lang)),
            (
                t(
                    "inside.linear_w",
                    lang,
                    shape=tuple(w.shape),
                    rows=min(MAX_SIDE, w.shape[0]),
                    cols=min(MAX_SIDE, w.shape[1]),
                ),
                make_tensor_figure(_crop(w)),
            ),
            (t("inside.linear_out", lang, n=y0.numel()), _vector(y0, 1024, lang=lang)),
        ]
    if isinstance(layer, nn.Conv2d):
        kernels = layer.weight.detach().cpu()[:, 0]
        return [
            (
                t("inside.kernels", lang, n=kernels.shape[0], shape=tuple(kernels.shape[1:])),
                make_grid_figure(_as_images(kernels), cols=8, height=240),
            ),
            (
                t("inside.maps", lang, n=y0.shape[0], shape=tuple(y0.shape[1:])),
                make_grid_figure(_as_images(y0[:32]), cols=8),
            ),
        ]
    if isinstance(layer, nn.MaxPool2d | nn.AvgPool2d):
        return [
            (
                t("inside.before", lang, shape=tuple(x0.shape)),
                make_grid_figure(_as_images(x0[:8]), cols=8, height=200),
            ),
            (
                t("inside.after", lang, shape=tuple(y0.shape)),
                make_grid_figure(_as_images(y0[:8]), cols=8, height=200),
            ),
        ]
    if isinstance(layer, nn.ReLU | nn.LeakyReLU | nn.GELU | nn.Sigmoid | nn.Tanh):
        before, after = x0.reshape(-1)[:2000], y0.reshape(-1)[:2000]
        fig = go.Figure(
            {
                "data": [
                    {
                        "type": "scattergl",
                        "mode": "markers",
                        "x": before.tolist(),
                        "y": after.tolist(),
                        "marker": {"size": 4, "color": "#4C78A8"},
                    }
                ],
                "layout": {
                    "height": 320,
                    "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                    "xaxis": {"title": {"text": t("fig.before", lang)}},
                    "yaxis": {"title": {"text": t("fig.after", lang)}},
                    "plot_bgcolor": "white",
                },
            }
        )
        return [(t("inside.activation", lang, layer=type(layer).__name__), fig)]
    return [
        (
            t("inside.output", lang, shape=tuple(y0.shape)),
            make_tensor_figure(_crop(y0.reshape(y0.shape[0], -1) if y0.dim() > 1 else y0)),
        )
    ]


def probabilities(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The tutorial's ``pred_probab = nn.Softmax(dim=1)(logits)`` and ``y_pred = pred_probab.argmax(1)``."""
    pred_probab = nn.Softmax(dim=1)(logits.detach().cpu())
    return pred_probab, pred_probab.argmax(1)


def make_probability_figure(
    probs: torch.Tensor, classes: list[str], *, lang: str = "en"
) -> go.Figure:
    return make_bar_figure(classes, probs.tolist(), y_title=t("fig.probability", lang), height=260)


def module_to_demo(model: nn.Module) -> dict[str, str]:
    """``Module.to`` changes the module in place and returns it; ``Tensor.to`` returns a copy."""
    t = torch.ones(2)
    if next(model.parameters(), None) is None:  # MaxPool2d alone: show it on a Linear
        model = nn.Linear(2, 2)
    model = copy.deepcopy(model)  # the page's model is shared by the class: never changed
    moved = model.to(torch.float64)
    result = {
        "model.to(torch.float64) is model": str(moved is model),
        "param dtype after model.to": str(next(model.parameters()).dtype),
        "t.to(torch.float64) is t": str(t.to(torch.float64) is t),
        "t.dtype after t.to": str(t.dtype),
    }
    return result


SOFTMAX_CODE = """logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
"""
