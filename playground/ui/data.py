"""The Data page's figures over a whole dataset, drawn once per server for each dataset.

A class opening the teacher's link browses the same split with the same seed: the pixel
histogram (a ``bincount`` over every pixel, ~120 ms for 60,000 images), the class counts and
the sample grid are computed once and every session draws those very figures (read-only).
``key`` names the dataset's numbers: its identity (a built-in's name or an upload's hash)
and the split.
"""

from __future__ import annotations

import functools
from typing import Any

from playground.core.i18n import LANGUAGES
from playground.data import loading as ld
from playground.data.datasets import ImageDataset
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.plots.wire import SharedFigure
from playground.ui.i18n import class_names
from playground.ui.shared import class_resource

__all__ = [
    "browse_figures",
    "one_sample",
    "overview_figures",
    "sample_grid",
    "sample_seed",
    "warm_browse",
]


@class_resource(max_entries=16)
def overview_figures(
    key: tuple[str, bool], names: tuple[str, ...], _ds: ImageDataset
) -> tuple[Any, Any]:
    """(images per class, the histogram of every pixel value)."""
    classes = make_bar_figure(list(names), _ds.class_counts().tolist())
    centres, hist = ld.pixel_histogram(_ds.images)
    return SharedFigure(classes), SharedFigure(make_bar_figure(centres, hist, height=220))


@class_resource(max_entries=64)
def sample_grid(
    key: tuple[str, bool], idx: tuple[int, ...], labels: tuple[str, ...], _ds: ImageDataset
) -> Any:
    return SharedFigure(make_grid_figure(_ds.images[list(idx)], list(labels)))


@class_resource(max_entries=256)
def one_sample(key: tuple[str, bool], i: int, _ds: ImageDataset) -> Any:
    """Sample ``i`` as a heatmap of its pixels (the channel mean)."""
    return SharedFigure(make_tensor_figure(_ds[i][0].float().mean(0), square=True))


def sample_seed(seed: int, shuffle: int = 0) -> int:
    """The seed of Browse's nine samples: the sidebar's seed, then each "New samples" press."""
    return seed * 1000 + shuffle


@functools.lru_cache(maxsize=256)
def _indices(n: int, seed: int) -> tuple[int, ...]:
    return tuple(ld.sample_indices(n, 9, seed))  # a randperm of every index: not per session


def browse_figures(
    key: tuple[str, bool], ds: ImageDataset, seed: int, lang: str
) -> tuple[tuple[int, ...], Any, Any, Any]:
    """The Browse tab for a sample seed: its 9 indices, their grid, the images per class and
    the pixel histogram, every figure made once per server."""
    idx = _indices(len(ds), seed)
    names = class_names(ds.classes, lang)
    labels = tuple(names[int(ds.targets[i])] for i in idx)
    return idx, sample_grid(key, idx, labels, ds), *overview_figures(key, tuple(names), ds)


def warm_browse(key: tuple[str, bool], ds: ImageDataset, seed: int) -> None:
    """Make what a class opening Data first sees, in every language, before anyone asks: a
    hundred sessions waiting on its first drawing slow that drawing down by as many."""
    for lang in LANGUAGES:
        idx, *_ = browse_figures(key, ds, seed, lang)
        one_sample(key, idx[0], ds)
