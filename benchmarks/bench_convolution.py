"""Convolution & pooling: server time per interaction against the 300 ms budget.

Each interaction is what the page computes for one change of a widget: the engine's result,
its figure, and the JSON Streamlit sends (``plotly.io.to_json``). It is timed on one torch
thread, as the app runs, at the default sizes and over a sweep of settings; the slide is
timed with its Plotly frames (Play runs in the browser: the server sends them once).
Run: python -m benchmarks.bench_convolution
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

import plotly.io as pio
import torch

from playground import convolution as cv
from playground.convolution.figures import (
    make_channels_figure,
    make_groups_figure,
    make_pool_figure,
    make_receptive_figure,
    make_slide_figure,
)

BUDGET_MS = 300


def _send(*figures) -> int:
    return sum(len(pio.to_json(f.to_dict(), validate=False)) for f in figures)


def _slide(side: int, cfg: cv.SlideConfig) -> Callable[[], int]:
    pixels = cv.resized(cv.offline_pixels(4, 0), side)

    def run() -> int:
        s = cv.slide(pixels.float() / 255, cfg)
        row, col = s.out_shape[0] // 2, s.out_shape[1] // 2
        cv.slide_code(pixels, cfg, row, col)
        return _send(make_slide_figure(s, s.cell(row, col)))

    return run


def _channels(cfg: cv.ChannelsConfig) -> Callable[[], int]:
    def run() -> int:
        ch = cv.channels(cfg)
        per_channel, _, _ = ch.rebuild(cfg.out_channels - 1)
        cv.channels_code(cfg, 0)
        return _send(make_channels_figure(ch, cfg.out_channels - 1, per_channel), make_groups_figure(ch))  # fmt: skip

    return run


def _pool(cfg: cv.PoolConfig) -> Callable[[], int]:
    def run() -> int:
        p = cv.pool(cfg)
        return _send(make_pool_figure(p, 0, 0))

    return run


def _receptive(side: int, cfg: cv.StackConfig) -> Callable[[], int]:
    image = cv.resized(cv.offline_pixels(4, 0), side).float() / 255

    def run() -> int:
        return _send(make_receptive_figure(cv.receptive(image, cfg), image))

    return run


CASES: dict[str, Callable[[], int]] = {
    "slide, default (14 × 14, 3 × 3 edges, 144 frames)": _slide(14, cv.SlideConfig()),
    "slide, 14 × 14 'same' reflect, dilation 2": _slide(
        14, cv.SlideConfig(padding="same", padding_mode="reflect", dilation=2)
    ),  # fmt: skip
    "slide, 8 × 8, 7 × 7 kernel padded 6": _slide(
        8, cv.SlideConfig(tuple((1.0,) * 7 for _ in range(7)), padding=6)
    ),  # fmt: skip
    "slide, 28 × 28 (676 cells: no frames)": _slide(28, cv.SlideConfig()),
    "slide, 28 × 28 padded 6 (38 × 38 input, 1,444 cells)": _slide(28, cv.SlideConfig(padding=6)),
    "channels, default (3 → 4, 8 × 8)": _channels(cv.ChannelsConfig()),
    "channels, 64 → 64 on 32 × 32": _channels(cv.ChannelsConfig(64, 64, 7, 1, 32)),
    "channels, depthwise 64 on 32 × 32": _channels(cv.ChannelsConfig(64, 64, 3, 64, 32)),
    "pooling, default (max 2, 6 × 6)": _pool(cv.PoolConfig()),
    "pooling, max 3 stride 1 on 16 × 16": _pool(cv.PoolConfig("max", 3, 1, 1, 2, 16)),
    "pooling, adaptive on 16 × 16": _pool(cv.PoolConfig("adaptive_avg", output_size=7, size=16)),
    "receptive field, default (14 × 14)": _receptive(14, cv.StackConfig(row=2, col=3)),
    "receptive field, 28 × 28, 7 × 7 kernels": _receptive(
        28, cv.StackConfig(cv.Layer("conv", 7), cv.Layer("avg", 2, 2), cv.Layer("conv", 7))
    ),  # fmt: skip
}


def main() -> None:
    torch.set_num_threads(1)
    print(f"{'interaction':58} {'median ms':>10} {'worst ms':>9} {'of budget':>9} {'sent KB':>8}")
    worst_all = 0.0
    for name, run in CASES.items():
        run()  # warm: imports and first allocations
        times, sent = [], 0
        for _ in range(7):
            start = time.perf_counter()
            sent = run()
            times.append((time.perf_counter() - start) * 1e3)
        worst = max(times)
        worst_all = max(worst_all, worst)
        print(f"{name:58} {statistics.median(times):10.1f} {worst:9.1f} {worst / BUDGET_MS:9.2f} {sent / 1024:8.0f}")  # fmt: skip
    print(f"\nworst interaction: {worst_all:.0f} ms, {worst_all / BUDGET_MS:.2f} of the {BUDGET_MS} ms budget")  # fmt: skip


if __name__ == "__main__":
    main()
