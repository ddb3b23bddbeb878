"""Pooling on a small grid: which input won each max window, averages, and the gradient.

The input is a shuffled ``arange`` (every value once, so each window has one winner). The
output and ``return_indices`` come from the real ``nn.MaxPool2d``; the gradient from
``output.backward(upstream)``, where the upstream gradient numbers the output cells 1, 2, 3…
so the page can show where each one was routed: to its window's winner for max pooling (and
summed where overlapping windows share a winner), spread evenly over the window for average
pooling.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.convolution.slide import ConvError

__all__ = ["MAX_POOL_SIZE", "POOLS", "Pool", "PoolConfig", "pool", "pool_layer", "pool_layer_code"]

POOLS = ("max", "avg", "adaptive_avg")
MAX_POOL_SIZE = 16


@dataclass(frozen=True)
class PoolConfig:
    kind: str = "max"
    kernel_size: int = 2
    stride: int = 2
    padding: int = 0
    output_size: int = 2  # AdaptiveAvgPool2d's
    size: int = 6
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in POOLS:
            raise ConvError("err.conv.pool_kind", kind=self.kind)
        if not 2 <= self.size <= MAX_POOL_SIZE:
            raise ConvError("err.conv.pool_size", max=MAX_POOL_SIZE)
        if not (1 <= self.kernel_size <= self.size and 1 <= self.stride <= self.size):
            raise ConvError("err.conv.pool_window", k=self.kernel_size, size=self.size)
        if not 0 <= self.padding <= self.kernel_size // 2:
            # PyTorch's own rule: padding at most half the window
            raise ConvError("err.conv.pool_padding", p=self.padding, k=self.kernel_size)
        if not 1 <= self.output_size <= self.size:
            raise ConvError("err.conv.pool_output", size=self.size)


def pool_layer(cfg: PoolConfig) -> nn.Module:
    if cfg.kind == "max":
        return nn.MaxPool2d(cfg.kernel_size, cfg.stride, cfg.padding, return_indices=True)
    if cfg.kind == "avg":
        return nn.AvgPool2d(cfg.kernel_size, cfg.stride, cfg.padding)
    return nn.AdaptiveAvgPool2d(cfg.output_size)


def pool_layer_code(cfg: PoolConfig) -> str:
    if cfg.kind == "max":
        return f"nn.MaxPool2d({cfg.kernel_size}, stride={cfg.stride}, padding={cfg.padding}, return_indices=True)"  # fmt: skip
    if cfg.kind == "avg":
        return f"nn.AvgPool2d({cfg.kernel_size}, stride={cfg.stride}, padding={cfg.padding})"
    return f"nn.AdaptiveAvgPool2d({cfg.output_size})"


@dataclass(frozen=True)
class Pool:
    cfg: PoolConfig
    input: torch.Tensor  # (size, size): 0 … size² − 1, shuffled
    output: torch.Tensor
    indices: torch.Tensor | None  # max pooling: each winner's flat index into the input
    upstream: torch.Tensor  # the gradient fed into output.backward: 1, 2, 3, …
    grad: torch.Tensor  # the input's .grad

    def winner(self, row: int, col: int) -> tuple[int, int] | None:
        """(row, col) in the input of the value that output cell (row, col) kept."""
        if self.indices is None:
            return None
        flat = int(self.indices[row, col])
        return divmod(flat, self.input.shape[1])


def pool(cfg: PoolConfig) -> Pool:
    g = torch.Generator().manual_seed(cfg.seed)
    n = cfg.size
    x = torch.randperm(n * n, generator=g).float().view(1, 1, n, n).requires_grad_()
    try:
        result = pool_layer(cfg)(x)
    except RuntimeError as err:  # e.g. a window that leaves no output
        raise ConvError("err.conv.pool_refused", torch_message=str(err).splitlines()[0]) from None
    out, indices = result if isinstance(result, tuple) else (result, None)
    upstream = torch.arange(1, out.numel() + 1, dtype=torch.float32).view_as(out)
    out.backward(upstream)
    assert x.grad is not None
    return Pool(
        cfg,
        input=x.detach()[0, 0],
        output=out.detach()[0, 0],
        indices=None if indices is None else indices[0, 0],
        upstream=upstream[0, 0],
        grad=x.grad[0, 0],
    )
