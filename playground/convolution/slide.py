"""One ``nn.Conv2d`` filter sliding over one grey image: every window, product and sum.

The output comes from a real ``nn.Conv2d`` whose weight is the chosen kernel. Each cell the
page explains is read back from the padded input exactly as the convolution reads it, and
the whole output is checked against ``F.conv2d`` and against ``F.unfold`` (the windows as
columns, times the flattened kernel).
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass, field
from typing import Any, cast

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from playground.core.errors import PlaygroundError

__all__ = [
    "Cell",
    "ConvError",
    "KERNELS",
    "MAX_DILATION",
    "MAX_KERNEL",
    "MAX_PADDING",
    "MAX_STRIDE",
    "PADDING_MODES",
    "Slide",
    "SlideConfig",
    "kernel_text",
    "output_size",
    "parse_kernel",
    "same_pads",
    "slide",
]

MAX_KERNEL = 7
MAX_STRIDE = 4
MAX_DILATION = 4
MAX_PADDING = 6
MAX_KERNEL_TEXT = 600  # characters: a 7 × 7 kernel of long decimals fits
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")

# The classic 3 × 3 image kernels; "blur" is the box blur (each weight 1/9).
KERNELS: dict[str, tuple[tuple[float, ...], ...]] = {
    "identity": ((0, 0, 0), (0, 1, 0), (0, 0, 0)),
    "blur": tuple(tuple(1 / 9 for _ in range(3)) for _ in range(3)),
    "edge": ((-1, -1, -1), (-1, 8, -1), (-1, -1, -1)),
    "sharpen": ((0, -1, 0), (-1, 5, -1), (0, -1, 0)),
    "sobel_x": ((-1, 0, 1), (-2, 0, 2), (-1, 0, 1)),
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


class ConvError(PlaygroundError):
    """A kernel or a setting the convolution refuses, with what to change."""


def _number(text: str, row: int) -> float:
    """A decimal or a simple fraction (``1/9``); never evaluated as code."""
    top, slash, bottom = text.partition("/")
    if not _NUMBER.match(top) or (slash and not _NUMBER.match(bottom)):
        raise ConvError("err.conv.kernel_number", text=text, row=row)
    if slash and float(bottom) == 0:
        raise ConvError("err.conv.kernel_number", text=text, row=row)
    value = float(top) / float(bottom) if slash else float(top)
    if not math.isfinite(value) or abs(value) > 1e6:
        raise ConvError("err.conv.kernel_number", text=text, row=row)
    return value


def parse_kernel(text: str) -> tuple[tuple[float, ...], ...]:
    """Rows split by ``;`` or new lines, numbers by commas or spaces: a square k × k kernel."""
    if len(text) > MAX_KERNEL_TEXT:
        raise ConvError("err.conv.kernel_long", limit=MAX_KERNEL_TEXT)
    rows = [r for r in re.split(r"[;\n]", text.strip().strip("[]")) if r.strip(" []")]
    cells = [[c for c in re.split(r"[,\s]+", r.strip(" []")) if c] for r in rows]
    k = len(cells)
    if not 1 <= k <= MAX_KERNEL:
        raise ConvError("err.conv.kernel_size", rows=k, max=MAX_KERNEL)
    kernel = tuple(tuple(_number(c, i + 1) for c in r) for i, r in enumerate(cells))
    if any(len(r) != k for r in kernel):
        raise ConvError("err.conv.kernel_square", rows=k, lengths=", ".join(str(len(r)) for r in kernel))  # fmt: skip
    return kernel


def kernel_text(kernel: tuple[tuple[float, ...], ...]) -> str:
    """The kernel as the page's text box shows it (``1/9`` stays readable as 0.1111)."""
    return "; ".join(", ".join(f"{v:.4g}" for v in row) for row in kernel)


def output_size(size: int, k: int, stride: int, pad_total: int, dilation: int) -> int:
    """``⌊(H + 2p − d(k − 1) − 1)/s⌋ + 1`` with ``pad_total`` = 2p (or the two sides of "same")."""
    return (size + pad_total - dilation * (k - 1) - 1) // stride + 1


def same_pads(k: int, dilation: int) -> tuple[int, int]:
    """(before, after) for ``padding="same"``: PyTorch puts the odd one after."""
    total = dilation * (k - 1)
    return total // 2, total - total // 2


@dataclass(frozen=True)
class SlideConfig:
    kernel: tuple[tuple[float, ...], ...] = KERNELS["edge"]
    bias: float = 0.0
    stride: int = 1
    padding: int | str = 0  # an int, or "same"
    padding_mode: str = "zeros"
    dilation: int = 1

    def __post_init__(self) -> None:
        k = len(self.kernel)
        if not 1 <= k <= MAX_KERNEL or any(len(r) != k for r in self.kernel):
            raise ConvError("err.conv.kernel_size", rows=k, max=MAX_KERNEL)
        if not all(math.isfinite(v) and abs(v) <= 1e6 for r in self.kernel for v in r):
            raise ConvError("err.conv.kernel_number", text="…", row=1)
        if not (math.isfinite(self.bias) and abs(self.bias) <= 1e6):
            raise ConvError("err.conv.bias")
        if not 1 <= self.stride <= MAX_STRIDE or not 1 <= self.dilation <= MAX_DILATION:
            raise ConvError("err.conv.stride_dilation", max_s=MAX_STRIDE, max_d=MAX_DILATION)
        if self.padding_mode not in PADDING_MODES:
            raise ConvError("err.conv.padding_mode", mode=self.padding_mode)
        if self.padding == "same":
            if self.stride != 1:
                raise ConvError("err.conv.same_stride", stride=self.stride)
        elif not (isinstance(self.padding, int) and 0 <= self.padding <= MAX_PADDING):
            raise ConvError("err.conv.padding", max=MAX_PADDING)

    @property
    def k(self) -> int:
        return len(self.kernel)

    def pads(self) -> tuple[int, int]:
        """(before, after) on each side, rows and columns alike."""
        if self.padding == "same":
            return same_pads(self.k, self.dilation)
        p = int(self.padding)
        return p, p

    def weight(self) -> torch.Tensor:
        return torch.tensor(self.kernel, dtype=torch.float32)

    def layer(self) -> nn.Conv2d:
        """The real layer, its weight the kernel and its bias the bias."""
        conv = nn.Conv2d(1, 1, self.k, stride=self.stride, padding=self.padding,
                         dilation=self.dilation, padding_mode=cast(Any, self.padding_mode))  # fmt: skip
        assert conv.bias is not None
        with torch.no_grad():
            conv.weight.copy_(self.weight().view(1, 1, self.k, self.k))
            conv.bias.fill_(self.bias)
        return conv


@dataclass(frozen=True)
class Cell:
    """Output cell (row, col): the window it reads, the products with the kernel, their sum."""

    row: int
    col: int
    window: torch.Tensor  # (k, k), from the padded input
    rows: tuple[int, ...]  # the padded input rows and columns the window covers
    cols: tuple[int, ...]
    products: torch.Tensor
    total: float  # sum of the products
    bias: float
    value: float  # the nn.Conv2d output at (row, col)


@dataclass(frozen=True)
class Slide:
    cfg: SlideConfig
    image: torch.Tensor  # (H, W) float32 in [0, 1]
    padded: torch.Tensor  # what the kernel slides over, (H + before + after, ...)
    output: torch.Tensor  # (H_out, W_out), from nn.Conv2d
    # the largest difference of the output from F.conv2d and from F.unfold
    diff_functional: float
    diff_unfold: float
    pads: tuple[int, int] = field(default=(0, 0))

    @property
    def out_shape(self) -> tuple[int, int]:
        return tuple(self.output.shape)  # type: ignore[return-value]

    def cell(self, row: int, col: int) -> Cell:
        c = self.cfg
        rows = tuple(row * c.stride + c.dilation * a for a in range(c.k))
        cols = tuple(col * c.stride + c.dilation * b for b in range(c.k))
        window = self.padded[list(rows)][:, list(cols)]
        products = window * c.weight()
        total = products.sum().item()
        return Cell(row, col, window, rows, cols, products, total, c.bias,
                    self.output[row, col].item())  # fmt: skip


def _padded(image: torch.Tensor, cfg: SlideConfig) -> torch.Tensor:
    """The input as the layer sees it: padded by ``padding_mode`` (zeros: ``F.pad``'s constant)."""
    before, after = cfg.pads()
    if before == after == 0:
        return image
    mode = "constant" if cfg.padding_mode == "zeros" else cfg.padding_mode
    try:
        return F.pad(image[None, None], (before, after, before, after), mode=mode)[0, 0]
    except (RuntimeError, NotImplementedError) as err:  # reflect: padding ≥ the image's size
        raise ConvError("err.conv.pad_refused", mode=cfg.padding_mode,
                        torch_message=str(err).splitlines()[0]) from None  # fmt: skip


def slide(image: torch.Tensor, cfg: SlideConfig) -> Slide:
    """``image`` (H, W, values in [0, 1]) through ``cfg.layer()``, each step checkable."""
    h, w = image.shape
    before, after = cfg.pads()
    out_h = output_size(h, cfg.k, cfg.stride, before + after, cfg.dilation)
    out_w = output_size(w, cfg.k, cfg.stride, before + after, cfg.dilation)
    if out_h < 1 or out_w < 1:
        raise ConvError("err.conv.too_small", h=h, w=w, k=cfg.k, d=cfg.dilation,
                        span=cfg.dilation * (cfg.k - 1) + 1, p=before + after)  # fmt: skip
    padded = _padded(image, cfg)
    with torch.no_grad():
        try:
            with warnings.catch_warnings():  # "same" with an even kernel pads a copy: expected
                warnings.simplefilter("ignore", UserWarning)
                output = cfg.layer()(image[None, None])[0, 0]
        except RuntimeError as err:
            raise ConvError("err.conv.pad_refused", mode=cfg.padding_mode,
                            torch_message=str(err).splitlines()[0]) from None  # fmt: skip
        weight = cfg.weight().view(1, 1, cfg.k, cfg.k)
        functional = F.conv2d(padded[None, None], weight, torch.tensor([cfg.bias]),
                              stride=cfg.stride, dilation=cfg.dilation)[0, 0]  # fmt: skip
        cols = F.unfold(padded[None, None], cfg.k, dilation=cfg.dilation, stride=cfg.stride)
        unfolded = (weight.view(1, -1) @ cols[0] + cfg.bias).view(out_h, out_w)
    return Slide(
        cfg, image, padded, output,
        diff_functional=(output - functional).abs().max().item(),
        diff_unfold=(output - unfolded).abs().max().item(),
        pads=(before, after),
    )  # fmt: skip
