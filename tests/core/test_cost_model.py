"""The budget's work estimate bounds the real cost: every op family timed on small real
inputs, side by side with a calibrating elementwise add, and none is underestimated 10x.

A ratio of two timings taken in the same run, not a time limit: it fails only when an
estimate is far too low (pooling counted as one op per output was 3,969x too low).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import torch
import torch.nn.functional as F  # noqa: N812 (PyTorch's own spelling)

from playground.core.budget import measure

pytestmark = pytest.mark.slow
MAX_UNDERESTIMATE = 10.0


def _x(*shape: int) -> torch.Tensor:
    return torch.rand(*shape, generator=torch.Generator().manual_seed(0))


def _pool_backward(pool: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], None]:
    def run(x: torch.Tensor) -> None:
        x = x.detach().requires_grad_(True)
        pool(x).sum().backward()

    return run


CASES: dict[str, tuple[Callable[..., object], tuple[torch.Tensor, ...]]] = {
    "add": (lambda a: a + 1, (_x(512, 512),)),
    "sum": (lambda a: a.sum(), (_x(1024, 1024),)),
    "mean(dim)": (lambda a: a.mean(dim=0), (_x(1024, 1024),)),
    "matmul": (lambda a, b: a @ b, (_x(256, 256), _x(256, 256))),
    "conv2d": (lambda x, w: F.conv2d(x, w), (_x(1, 8, 64, 64), _x(8, 8, 5, 5))),
    "max_pool2d(15, 1)": (lambda x: F.max_pool2d(x, 15, 1), (_x(1, 1, 200, 200),)),
    "avg_pool2d(15, 1)": (lambda x: F.avg_pool2d(x, 15, 1), (_x(1, 1, 200, 200),)),
    "max_pool2d(2)": (lambda x: F.max_pool2d(x, 2), (_x(3, 8, 256, 256),)),
    "max_pool2d backward": (_pool_backward(lambda x: F.max_pool2d(x, 9, 1)), (_x(1, 1, 200, 200),)),
    "avg_pool2d backward": (_pool_backward(lambda x: F.avg_pool2d(x, 9, 1)), (_x(1, 1, 200, 200),)),
    "adaptive_avg_pool2d(1)": (lambda x: F.adaptive_avg_pool2d(x, 1), (_x(4, 8, 256, 256),)),
    "adaptive_max_pool2d(3)": (lambda x: F.adaptive_max_pool2d(x, 3), (_x(4, 8, 256, 256),)),
    "sort": (lambda a: a.sort(), (_x(1 << 20),)),
    "argsort": (lambda a: a.argsort(), (_x(1 << 20),)),
    "topk": (lambda a: a.topk(10), (_x(1 << 20),)),
    "cumsum": (lambda a: a.cumsum(0), (_x(1 << 20),)),
    "cumprod": (lambda a: a.cumprod(0), (_x(1 << 20),)),
    "cdist": (lambda a, b: torch.cdist(a, b), (_x(256, 128), _x(256, 128))),
    "unfold": (lambda x: F.unfold(x, 7), (_x(1, 4, 128, 128),)),
    "interpolate bicubic": (lambda x: F.interpolate(x, scale_factor=4, mode="bicubic"), (_x(1, 1, 128, 128),)),
    "interpolate bilinear": (lambda x: F.interpolate(x, scale_factor=4, mode="bilinear"), (_x(1, 3, 128, 128),)),
    "softmax": (lambda a: a.softmax(dim=1), (_x(1024, 1024),)),
    "cross_entropy": (lambda a, t: F.cross_entropy(a, t), (_x(4096, 100), torch.randint(0, 100, (4096,)))),
    "index_select": (lambda a, i: a.index_select(0, i), (_x(1024, 256), torch.randint(0, 1024, (4096,)))),
    "gather": (lambda a, i: a.gather(1, i), (_x(1024, 256), torch.randint(0, 256, (1024, 256)))),
    "flip": (lambda a: a.flip(0), (_x(1024, 1024),)),
    "roll": (lambda a: a.roll(3, 0), (_x(1024, 1024),)),
    "norm": (lambda a: a.norm(), (_x(1024, 1024),)),
    "embedding_bag": (lambda w, i: F.embedding_bag(i, w), (_x(1000, 64), torch.randint(0, 1000, (512, 32)))),
}  # fmt: skip


def _seconds(fn: Callable[..., object], args: tuple[torch.Tensor, ...], repeat: int = 5) -> float:
    fn(*args)  # warm-up
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn(*args)
        best = min(best, time.perf_counter() - start)
    return best


@pytest.fixture(scope="module")
def seconds_per_op() -> float:
    """Seconds per estimated element operation of a plain elementwise add, on this machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        a = _x(2048, 2048)
        return _seconds(lambda t: t + 1, (a,), 9) / measure(lambda t: t + 1, a).cost.flops
    finally:
        torch.set_num_threads(threads)


@pytest.mark.parametrize("name", list(CASES))
def test_the_estimate_bounds_the_real_work(name, seconds_per_op):
    fn, args = CASES[name]
    estimate = measure(fn, *args).cost.flops
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        real = _seconds(fn, args) / seconds_per_op  # the work, in elementwise adds
    finally:
        torch.set_num_threads(threads)
    assert estimate > 0
    assert real / estimate <= MAX_UNDERESTIMATE, (
        f"{name}: real {real:.3g} vs estimate {estimate:.3g}"
    )


def test_pooling_counts_its_window():
    """MaxPool2d(63, 1) on 1200 x 1200 (17 s of CPU) is far over budget now, as it should be."""
    x = torch.empty(1, 1, 1200, 1200)
    flops = measure(lambda t: F.max_pool2d(t, 63, 1), x).cost.flops
    assert flops >= 1138 * 1138 * 63 * 63
