"""Convolution & pooling inputs from strangers: typed kernels, settings out of range, images."""

from __future__ import annotations

from collections.abc import Callable

import torch

from playground import convolution as cv
from tests.hostile import files


def _kernel(text: str) -> Callable[[], object]:
    return lambda: cv.slide(torch.rand(14, 14), cv.SlideConfig(cv.parse_kernel(text))).out_shape


def _slide(side: int = 14, **settings: object) -> Callable[[], object]:
    return lambda: cv.slide(torch.rand(side, side), cv.SlideConfig(**settings)).out_shape  # type: ignore[arg-type]


def _upload(data: bytes) -> Callable[[], object]:
    return lambda: tuple(cv.upload_pixels(data, 28).shape)


def WARMUP() -> None:  # noqa: N802
    cv.slide(torch.rand(14, 14), cv.SlideConfig())


SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "code as a kernel": (_kernel("__import__('os').system('id')"), "err.conv.kernel_number"),
    "a huge number": (_kernel("1e308 1e308; 1e308 1e308"), "err.conv.kernel_number"),
    "a 100 × 100 kernel": (
        _kernel("; ".join([" ".join(["1"] * 100)] * 100)),
        "err.conv.kernel_long",
    ),
    "a ragged kernel": (_kernel("1 2 3; 4 5"), "err.conv.kernel_square"),
    "division by zero": (_kernel("1/0"), "err.conv.kernel_number"),
    "Markdown in a kernel": (_kernel("[x](http://evil) 1; 2 3"), "err.conv.kernel_number"),
    "same padding with stride 3": (_slide(stride=3, padding="same"), "err.conv.same_stride"),
    "reflect padding wider than the image": (
        _slide(4, padding=5, padding_mode="reflect"),
        "err.conv.pad_refused",
    ),
    "a dilated 7 × 7 kernel on 8 pixels": (
        _slide(8, kernel=((1.0,) * 7,) * 7, dilation=4),
        "err.conv.too_small",
    ),
    "negative stride": (_slide(stride=-1), "err.conv.stride_dilation"),
    "groups that do not divide": (lambda: cv.ChannelsConfig(3, 4, groups=2), "err.conv.groups"),
    "a million channels": (lambda: cv.ChannelsConfig(10**6, 10**6), "err.conv.channels"),
    "pooling padding over half the window": (
        lambda: cv.PoolConfig(kernel_size=2, padding=2),
        "err.conv.pool_padding",
    ),
    "a cell outside the output": (
        lambda: cv.receptive(torch.rand(8, 8), cv.StackConfig(row=99)),
        "err.conv.cell_outside",
    ),
    "an EPS picture": (_upload(files.EPS), "err.image.not_raster"),
    "a 30000 × 30000 PNG header": (_upload(files.png_header(30000, 30000)), "err.image.bomb"),
    "a good PNG": (_upload(files.png((100, 60))), None),
    "the default slide": (_slide(), None),
}
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
