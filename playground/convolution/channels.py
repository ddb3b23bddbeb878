"""Several input channels and filters: what each output channel sums over, and ``groups``.

A ``nn.Conv2d(in, out, k, groups=g)`` has a weight of shape ``(out, in/g, k, k)``: output
channel ``o`` belongs to group ``o // (out/g)`` and sums a ``k × k`` convolution over each
input channel of that group, plus its bias. The page rebuilds one output channel that way,
channel by channel with ``F.conv2d``, and shows it equals the layer's. Weight sharing is
measured: the parameters of a ``nn.Linear`` with the same input and output sizes are counted
on the ``meta`` device, where no weight is allocated.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from playground.convolution.slide import ConvError, output_size
from playground.core.rng import seeded

__all__ = [
    "Channels",
    "ChannelsConfig",
    "MAX_CHANNELS",
    "MAX_SIZE",
    "channels",
    "layer_of",
]

MAX_CHANNELS = 64
MAX_SIZE = 32  # the random input's height and width


@dataclass(frozen=True)
class ChannelsConfig:
    in_channels: int = 3
    out_channels: int = 4
    kernel_size: int = 3
    groups: int = 1
    size: int = 8
    bias: bool = True
    seed: int = 0

    def __post_init__(self) -> None:
        if not (1 <= self.in_channels <= MAX_CHANNELS and 1 <= self.out_channels <= MAX_CHANNELS):
            raise ConvError("err.conv.channels", max=MAX_CHANNELS)
        if not 1 <= self.kernel_size <= min(7, self.size) or not 1 <= self.size <= MAX_SIZE:
            raise ConvError("err.conv.channel_sizes", k=self.kernel_size, size=self.size,
                            max_size=MAX_SIZE)  # fmt: skip
        if self.groups < 1 or self.in_channels % self.groups or self.out_channels % self.groups:
            raise ConvError("err.conv.groups", groups=self.groups, c_in=self.in_channels,
                            c_out=self.out_channels)  # fmt: skip


@dataclass(frozen=True)
class Channels:
    cfg: ChannelsConfig
    weight_shape: tuple[int, ...]
    conv_params: int
    linear_params: int  # nn.Linear(in·H·W, out·H_out·W_out), counted on meta
    input: torch.Tensor  # (C_in, H, W)
    output: torch.Tensor  # (C_out, H_out, W_out), from the layer
    sums_over: tuple[tuple[int, ...], ...]  # per output channel, its input channels

    @property
    def depthwise(self) -> bool:
        c = self.cfg
        return c.groups == c.in_channels == c.out_channels

    def rebuild(self, o: int) -> tuple[list[torch.Tensor], float, float]:
        """Output channel ``o`` by hand: one ``F.conv2d`` per input channel it sums over,
        their sum plus the bias; and its largest difference from the layer's output."""
        layer = self.layer()  # the same weights again, from the seed
        per_channel = []
        for slot, c in enumerate(self.sums_over[o]):
            w = layer.weight[o, slot][None, None]
            per_channel.append(F.conv2d(self.input[c][None, None], w)[0, 0].detach())
        bias = layer.bias[o].item() if layer.bias is not None else 0.0
        total = torch.stack(per_channel).sum(0) + bias
        return per_channel, bias, (total - self.output[o]).abs().max().item()

    def layer(self) -> nn.Conv2d:
        return layer_of(self.cfg)


def layer_of(c: ChannelsConfig) -> nn.Conv2d:
    """The layer, the same weights each time: drawn as after ``torch.manual_seed(seed)``, on
    a forked generator (the server's global one is every session's)."""
    with seeded(c.seed):
        return nn.Conv2d(c.in_channels, c.out_channels, c.kernel_size, groups=c.groups, bias=c.bias)


def channels(cfg: ChannelsConfig) -> Channels:
    g = torch.Generator().manual_seed(cfg.seed + 1)
    x = torch.rand(cfg.in_channels, cfg.size, cfg.size, generator=g)
    layer = layer_of(cfg)
    with torch.no_grad():
        out = layer(x[None])[0]
    out_hw = output_size(cfg.size, cfg.kernel_size, 1, 0, 1)
    with torch.device("meta"):  # a dense layer of this size may not fit: count it, never build it
        dense = nn.Linear(cfg.in_channels * cfg.size**2, cfg.out_channels * out_hw**2)
    per_group_in, per_group_out = cfg.in_channels // cfg.groups, cfg.out_channels // cfg.groups
    sums_over = tuple(
        tuple(range((o // per_group_out) * per_group_in, (o // per_group_out + 1) * per_group_in))
        for o in range(cfg.out_channels)
    )
    return Channels(
        cfg,
        weight_shape=tuple(layer.weight.shape),
        conv_params=sum(p.numel() for p in layer.parameters()),
        linear_params=sum(p.numel() for p in dense.parameters()),
        input=x,
        output=out,
        sums_over=sums_over,
    )
