"""The receptive field of one output cell of conv → pool → conv, found by autograd.

The input pixels an output cell depends on are exactly those where the gradient of that
cell is not zero. The convolutions' weights are all ``1/k²`` (positive, so no two paths
cancel) and there is no activation, so with average pooling autograd finds the whole field
the formula predicts. Max pooling passes the gradient to each window's winner only: the
pixels that reach the cell *for this image* are a subset of the field.

The formula, layer by layer from the output back: a cell range ``[lo, hi]`` of a layer with
kernel ``k``, stride ``s``, padding ``p`` and dilation ``d`` reads input rows
``[lo·s − p, hi·s − p + d(k − 1)]``.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.convolution.slide import ConvError, output_size

__all__ = [
    "Layer",
    "Receptive",
    "StackConfig",
    "field_formula",
    "gapless",
    "receptive",
    "stack_layers",
]


@dataclass(frozen=True)
class Layer:
    kind: str  # "conv", "max" or "avg"
    k: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1


@dataclass(frozen=True)
class StackConfig:
    conv1: Layer = Layer("conv", 3)
    pool: Layer = Layer("max", 2, 2)
    conv2: Layer = Layer("conv", 3)
    row: int = 0  # the output cell
    col: int = 0

    @property
    def layers(self) -> tuple[Layer, ...]:
        return (self.conv1, self.pool, self.conv2)

    def __post_init__(self) -> None:
        for layer in self.layers:
            bad = not (1 <= layer.k <= 7 and 1 <= layer.stride <= 4 and 1 <= layer.dilation <= 3)
            bad = bad or (layer.kind == "avg" and layer.dilation != 1)  # AvgPool2d has none
            if bad or not 0 <= layer.padding <= layer.k // 2 or layer.kind not in ("conv", "max", "avg"):  # fmt: skip
                raise ConvError("err.conv.stack_layer")

    def sizes(self, h: int, w: int) -> list[tuple[int, int]]:
        """(H, W) after each layer, the input's first."""
        out = [(h, w)]
        for layer in self.layers:
            h, w = (output_size(n, layer.k, layer.stride, 2 * layer.padding, layer.dilation)
                    for n in (h, w))  # fmt: skip
            if h < 1 or w < 1:
                raise ConvError("err.conv.stack_small", h=out[0][0], w=out[0][1])
            out.append((h, w))
        return out


def stack_layers(cfg: StackConfig) -> nn.Sequential:
    mods: list[nn.Module] = []
    for layer in cfg.layers:
        if layer.kind == "conv":
            conv = nn.Conv2d(1, 1, layer.k, layer.stride, layer.padding, layer.dilation, bias=False)
            nn.init.constant_(conv.weight, 1 / layer.k**2)
            mods.append(conv)
        elif layer.kind == "max":
            mods.append(nn.MaxPool2d(layer.k, layer.stride, layer.padding, layer.dilation))
        else:
            mods.append(nn.AvgPool2d(layer.k, layer.stride, layer.padding))
    return nn.Sequential(*mods)


def field_formula(cfg: StackConfig, h: int, w: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """((first row, last row), (first col, last col)) of the field. Each layer's range is
    clipped to that layer's input: what falls in its padding reaches nothing further back."""
    sizes = cfg.sizes(h, w)
    spans = []
    for axis, start in enumerate((cfg.row, cfg.col)):
        lo = hi = start
        for layer, size in zip(reversed(cfg.layers), reversed(sizes[:-1]), strict=True):
            lo = max(lo * layer.stride - layer.padding, 0)
            hi = min(hi * layer.stride - layer.padding + layer.dilation * (layer.k - 1), size[axis] - 1)  # fmt: skip
        spans.append((lo, hi))
    return spans[0], spans[1]


def gapless(cfg: StackConfig) -> bool:
    """Whether the field is a full rectangle: no layer's stride skips inputs and none dilates."""
    return all(layer.dilation == 1 and layer.stride <= layer.k for layer in cfg.layers)


@dataclass(frozen=True)
class Receptive:
    cfg: StackConfig
    sizes: list[tuple[int, int]]
    grad: torch.Tensor  # d output[row, col] / d input, (H, W)
    mask: torch.Tensor  # grad != 0
    formula: tuple[tuple[int, int], tuple[int, int]]
    value: float  # the output cell
    output: torch.Tensor  # the stack's whole output, (H_out, W_out)

    @property
    def box(self) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """The rows and columns autograd reached: the smallest box around the mask."""
        rows, cols = self.mask.nonzero(as_tuple=True)
        if rows.numel() == 0:
            return None
        return (int(rows.min()), int(rows.max())), (int(cols.min()), int(cols.max()))

    @property
    def formula_pixels(self) -> int:
        (r0, r1), (c0, c1) = self.formula
        return (r1 - r0 + 1) * (c1 - c0 + 1)


def receptive(image: torch.Tensor, cfg: StackConfig) -> Receptive:
    """``image`` (H, W) through the stack; the gradient of output cell (row, col)."""
    h, w = image.shape
    sizes = cfg.sizes(h, w)
    out_h, out_w = sizes[-1]
    if not (0 <= cfg.row < out_h and 0 <= cfg.col < out_w):
        raise ConvError("err.conv.cell_outside", row=cfg.row, col=cfg.col, h=out_h, w=out_w)
    x = image.detach().clone()[None, None].requires_grad_()
    out = stack_layers(cfg)(x)[0, 0]
    out[cfg.row, cfg.col].backward()
    assert x.grad is not None
    grad = x.grad[0, 0]
    return Receptive(cfg, sizes, grad, grad != 0, field_formula(cfg, h, w),
                     out[cfg.row, cfg.col].item(), out.detach())  # fmt: skip
