"""Show the code: each tab's settings as a complete script that prints the page's numbers.

The image travels as its uint8 pixels (what the page convolves, after Pillow's resize), so a
learner's copy needs no file, no dataset and no ``playground``.
"""

from __future__ import annotations

import torch

from playground.convolution.channels import ChannelsConfig
from playground.convolution.pooling import PoolConfig, pool_layer_code
from playground.convolution.receptive import Layer, StackConfig
from playground.convolution.slide import SlideConfig, output_size
from playground.core.device import threads_code

__all__ = ["channels_code", "pixels_code", "pool_code", "receptive_code", "slide_code"]


def pixels_code(pixels: torch.Tensor) -> str:
    """``image``, from the uint8 pixels written out row by row."""
    h, w = pixels.shape
    rows = "\n".join(f"    {row}," for row in pixels.tolist())
    return (
        f"# The image the page uses: {h} × {w} grey pixels, 0 (black) to 255 (white)\n"
        f"pixels = torch.tensor([\n{rows}\n], dtype=torch.uint8)\n"
        "image = pixels.float() / 255  # values in [0, 1], as ToTensor gives them\n"
    )


def _conv_args(cfg: SlideConfig) -> str:
    padding = '"same"' if cfg.padding == "same" else str(cfg.padding)
    return (f"1, 1, {cfg.k}, stride={cfg.stride}, padding={padding}, dilation={cfg.dilation}, "
            f'padding_mode="{cfg.padding_mode}"')  # fmt: skip


def slide_code(pixels: torch.Tensor, cfg: SlideConfig, row: int, col: int) -> str:
    before, after = cfg.pads()
    mode = "constant" if cfg.padding_mode == "zeros" else cfg.padding_mode
    h = pixels.shape[0]
    kernel = [list(r) for r in cfg.kernel]
    return f"""\
import torch
import torch.nn.functional as F
from torch import nn

{threads_code()}
{pixels_code(pixels)}
conv = nn.Conv2d({_conv_args(cfg)})
with torch.no_grad():  # the kernel becomes the layer's weight
    conv.weight.copy_(torch.tensor({kernel}).view(1, 1, {cfg.k}, {cfg.k}))
    conv.bias.fill_({cfg.bias!r})

out = conv(image[None, None])[0, 0].detach()  # (N, C, H, W) in, the one map out
# floor((H + 2p - d(k - 1) - 1) / s) + 1 = floor(({h} + {before + after} - {cfg.dilation}*{cfg.k - 1} - 1) / {cfg.stride}) + 1
print("output shape:", tuple(out.shape))
print(out.round(decimals=4))

# Output cell ({row}, {col}): the window of the padded input, times the kernel, summed, plus the bias
padded = F.pad(image[None, None], ({before}, {after}, {before}, {after}), mode="{mode}")[0, 0]
rows = [{row} * {cfg.stride} + {cfg.dilation} * a for a in range({cfg.k})]
cols = [{col} * {cfg.stride} + {cfg.dilation} * b for b in range({cfg.k})]
window = padded[rows][:, cols]
products = window * conv.weight[0, 0].detach()
print("window:", window.round(decimals=4))
print("products:", products.round(decimals=4))
total = products.sum().item()
print(f"sum {{total:.4f}} + bias {{conv.bias.item():.4f}} = {{total + conv.bias.item():.4f}}; the layer gives {{out[{row}, {col}].item():.4f}}")

# The same output two more ways: F.conv2d on the padded input, and F.unfold's windows
with torch.no_grad():
    by_function = F.conv2d(padded[None, None], conv.weight, conv.bias, stride={cfg.stride}, dilation={cfg.dilation})[0, 0]
    windows = F.unfold(padded[None, None], {cfg.k}, dilation={cfg.dilation}, stride={cfg.stride})  # one column per window
    by_unfold = (conv.weight.view(1, -1) @ windows[0] + conv.bias).view_as(out)
print("F.conv2d agrees:", torch.allclose(out, by_function, atol=1e-5))
print("F.unfold agrees:", torch.allclose(out, by_unfold, atol=1e-5))
"""


def channels_code(cfg: ChannelsConfig, o: int) -> str:
    out_hw = output_size(cfg.size, cfg.kernel_size, 1, 0, 1)
    per_in, per_out = cfg.in_channels // cfg.groups, cfg.out_channels // cfg.groups
    return f"""\
import torch
import torch.nn.functional as F
from torch import nn

{threads_code()}
torch.manual_seed({cfg.seed})
conv = nn.Conv2d({cfg.in_channels}, {cfg.out_channels}, {cfg.kernel_size}, groups={cfg.groups}, bias={cfg.bias})
x = torch.rand({cfg.in_channels}, {cfg.size}, {cfg.size}, generator=torch.Generator().manual_seed({cfg.seed + 1}))
with torch.no_grad():
    out = conv(x[None])[0]  # ({cfg.out_channels}, {out_hw}, {out_hw})

print("weight shape:", tuple(conv.weight.shape))  # (out, in / groups, k, k)
print("conv parameters:", sum(p.numel() for p in conv.parameters()))
with torch.device("meta"):  # counted, never allocated
    dense = nn.Linear({cfg.in_channels} * {cfg.size} * {cfg.size}, {cfg.out_channels} * {out_hw} * {out_hw})
print("nn.Linear with the same input and output sizes:", sum(p.numel() for p in dense.parameters()))

# Output channel {o} by hand: its group's input channels, each with its slice of the weight
group = {o} // {per_out}
inputs = range(group * {per_in}, (group + 1) * {per_in})
with torch.no_grad():
    by_hand = sum(F.conv2d(x[c][None, None], conv.weight[{o}, i][None, None])[0, 0] for i, c in enumerate(inputs))
    {"by_hand = by_hand + conv.bias[" + str(o) + "]" if cfg.bias else "pass  # no bias"}
print("output channel {o} sums input channels", list(inputs))
print("the same as the layer's:", torch.allclose(by_hand, out[{o}], atol=1e-5))
"""


def pool_code(cfg: PoolConfig, row: int, col: int) -> str:
    n = cfg.size
    unpack = "out, indices = pool(x)" if cfg.kind == "max" else "out = pool(x)"
    winner = ""
    if cfg.kind == "max":
        winner = f"""\
print("indices:", indices[0, 0])  # each winner's place in the flattened {n} × {n} input
flat = indices[0, 0, {row}, {col}].item()
print("cell ({row}, {col}) keeps", out[0, 0, {row}, {col}].item(), "from input cell", divmod(flat, {n}))
"""
    return f"""\
import torch
from torch import nn

# {n} × {n} values 0 … {n * n - 1}, shuffled: every window has one winner
g = torch.Generator().manual_seed({cfg.seed})
x = torch.randperm({n * n}, generator=g).float().view(1, 1, {n}, {n}).requires_grad_()
pool = {pool_layer_code(cfg)}
{unpack}
print("output:", out[0, 0].detach())
{winner}
# The gradient: number the output cells 1, 2, 3, ... and see where each one goes
upstream = torch.arange(1, out.numel() + 1, dtype=torch.float32).view_as(out)
out.backward(upstream)
print("x.grad:", x.grad[0, 0])
"""


def _layer_code(layer: Layer) -> str:
    if layer.kind == "conv":
        return f"nn.Conv2d(1, 1, {layer.k}, stride={layer.stride}, padding={layer.padding}, dilation={layer.dilation}, bias=False)"  # fmt: skip
    if layer.kind == "max":
        return f"nn.MaxPool2d({layer.k}, stride={layer.stride}, padding={layer.padding}, dilation={layer.dilation})"  # fmt: skip
    return f"nn.AvgPool2d({layer.k}, stride={layer.stride}, padding={layer.padding})"


def receptive_code(pixels: torch.Tensor, cfg: StackConfig) -> str:
    layers = ",\n    ".join(_layer_code(layer) for layer in cfg.layers)
    return f"""\
import torch
from torch import nn

{threads_code()}
{pixels_code(pixels)}
stack = nn.Sequential(
    {layers},
)
for layer in stack:
    if isinstance(layer, nn.Conv2d):  # all weights 1/k²: positive, so no two paths cancel
        nn.init.constant_(layer.weight, 1 / layer.kernel_size[0] ** 2)

x = image[None, None].clone().requires_grad_()
out = stack(x)[0, 0]
print("output shape:", tuple(out.shape))
out[{cfg.row}, {cfg.col}].backward()  # d out[{cfg.row}, {cfg.col}] / d every input pixel
reached = x.grad[0, 0] != 0  # the pixels this output cell depends on
rows, cols = reached.nonzero(as_tuple=True)
print("pixels reached:", int(reached.sum()))
print("rows", rows.min().item(), "to", rows.max().item(), "| columns", cols.min().item(), "to", cols.max().item())
"""
