"""The offline dataset: ten classes of shapes, drawn with torch from a seed.

This module imports only torch, because its source is also the generator that the
page's scripts carry inline: a learner's copy makes the same tensors with no files
and no network.

It is designed to behave as FashionMNIST does in the tutorial (SGD, lr 1e-3, batch 64):
60,000 training and 10,000 test images of 28×28 grey pixels; objects centred with a little
jitter, so class means differ as much as FashionMNIST's do and the first epoch already
learns; and a faint transposed shape of another class on every image, so that it keeps
improving for several epochs instead of reaching 100 % at once.
"""

from __future__ import annotations

import torch

CLASSES = (
    "disc",
    "ring",
    "frame",
    "horizontal bar",
    "plus",
    "cross",
    "triangle",
    "vertical bar",
    "half disc",
    "four dots",
)


def shape_mask(label: int, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Where shape ``label`` has ink, on coordinates ``x, y`` in about [-1, 1]."""
    r = (x**2 + y**2).sqrt()
    ax, ay = x.abs(), y.abs()
    masks = (
        lambda: r < 0.85,
        lambda: (r - 0.7).abs() < 0.2,
        lambda: (torch.maximum(ax, ay) - 0.7).abs() < 0.17,
        lambda: (ay < 0.3) & (ax < 0.95),
        lambda: (torch.minimum(ax, ay) < 0.22) & (torch.maximum(ax, ay) < 0.95),
        lambda: (((x - y).abs() < 0.3) | ((x + y).abs() < 0.3)) & (r < 1.0),
        lambda: (y < 0.65) & (y > 1.8 * ax - 0.95),
        lambda: (ax < 0.3) & (ay < 0.95),
        lambda: (r < 0.85) & (y < 0),
        lambda: ((ax - 0.5) ** 2 + (ay - 0.5) ** 2).sqrt() < 0.3,
    )
    return masks[label]()


def make_offline(
    train: bool = True, seed: int = 0, n: int | None = None, size: int = 28
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(images, labels)``: uint8 ``(n, 1, size, size)`` and int64 ``(n,)``, balanced."""
    n = n if n is not None else (60_000 if train else 10_000)
    g = torch.Generator().manual_seed(2 * seed + (0 if train else 1))
    labels = torch.randperm(n, generator=g) % len(CLASSES)
    ghosts = (labels + torch.randint(1, len(CLASSES), (n,), generator=g)) % len(CLASSES)
    grid = torch.linspace(-1, 1, size)
    yy, xx = torch.meshgrid(grid, grid, indexing="ij")
    images = torch.empty(n, 1, size, size, dtype=torch.uint8)
    for start in range(0, n, 5000):  # in chunks, so memory stays small
        k = min(5000, n - start)
        p = torch.rand(k, 5, 1, 1, generator=g)
        scale = 0.8 + 0.15 * p[:, 0]  # of the half width
        cx, cy = 0.08 * (2 * p[:, 1] - 1), 0.08 * (2 * p[:, 2] - 1)
        angle = 0.15 * (2 * p[:, 3] - 1)  # radians
        x0, y0 = (xx - cx) / scale, (yy - cy) / scale
        x = x0 * angle.cos() + y0 * angle.sin()
        y = y0 * angle.cos() - x0 * angle.sin()
        ink = torch.zeros(k, size, size)
        ghost = torch.zeros(k, size, size)
        for c in range(len(CLASSES)):
            mine = labels[start : start + k] == c
            ink[mine] = shape_mask(c, x[mine], y[mine]).float()
            other = ghosts[start : start + k] == c
            ghost[other] = shape_mask(c, y[other], x[other]).float()
        faint = 0.9 * torch.rand(k, 1, 1, generator=g)
        img = torch.maximum(ink, ghost * faint) + 0.1 * p[:, 4]
        img += 0.05 * torch.randn(k, size, size, generator=g)
        images[start : start + k, 0] = (img.clamp(0, 1) * 255).round().to(torch.uint8)
    return images, labels
