"""Cost of building the multi-panel figures: make_subplots (the first version) vs one layout dict.

Both builders draw the same A @ B = C picture (three heatmaps, one row, one
column and one cell outlined) and are timed side by side in this run.

Run: python benchmarks/bench_figures.py [--repeats 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import torch
from plotly.subplots import make_subplots

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground.broadcasting.figures import make_broadcast_figure
from playground.broadcasting.rules import explain_broadcast
from playground.tensors.figures import make_matmul_figure


def matmul_with_subplots(a, b, c, i, j) -> go.Figure:
    """The first version: make_subplots, add_trace per panel, add_shape per outlined cell."""
    fig = make_subplots(rows=1, cols=3, subplot_titles=("A", "B", "C = A @ B"))
    for k, m in enumerate((a, b, c), start=1):
        fig.add_trace(go.Heatmap(z=m.tolist(), colorscale="Blues", showscale=False), row=1, col=k)
    masks = (
        [(i, x) for x in range(a.shape[1])],
        [(y, j) for y in range(b.shape[0])],
        [(i, j)],
    )
    for k, cells in enumerate(masks, start=1):
        for r, col in cells:
            fig.add_shape(
                type="rect", x0=col - 0.5, x1=col + 0.5, y0=r - 0.5, y1=r + 0.5, row=1, col=k
            )
    fig.update_yaxes(autorange="reversed")
    return fig


def timed(fn, repeats: int) -> list[float]:
    fn()  # warm-up
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(4, 5, generator=g), torch.randn(5, 3, generator=g)
    c = a @ b
    old = timed(lambda: matmul_with_subplots(a, b, c, 1, 2), args.repeats)
    new = timed(lambda: make_matmul_figure(a, b, c, 1, 2), args.repeats)
    bc = timed(lambda: make_broadcast_figure(explain_broadcast((2, 3, 1), (3, 4))), args.repeats)
    print(f"{'builder':34s} {'p50 ms':>8s}")
    print(f"{'matmul, make_subplots':34s} {statistics.median(old) * 1e3:8.1f}")
    print(f"{'matmul, one layout dict':34s} {statistics.median(new) * 1e3:8.1f}")
    print(f"{'broadcast, one layout dict':34s} {statistics.median(bc) * 1e3:8.1f}")
    print(
        f"speed-up (make_subplots / dict): {statistics.median(old) / statistics.median(new):.1f}x"
    )


if __name__ == "__main__":
    main()
