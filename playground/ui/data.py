"""The Data page's figures over a whole dataset, drawn once per server for each dataset.

A class opening the teacher's link browses the same split with the same seed: the pixel
histogram (a ``bincount`` over every pixel, ~120 ms for 60,000 images), the class counts and
the sample grid are computed once and every session draws those very figures (read-only).
``key`` names the dataset's numbers: its identity (a built-in's name or an upload's hash)
and the split.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from playground.data import loading as ld
from playground.data.datasets import ImageDataset
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.plots.wire import SharedFigure

__all__ = ["one_sample", "overview_figures", "sample_grid"]


@st.cache_resource(max_entries=16, show_spinner=False)
def overview_figures(
    key: tuple[str, bool], names: tuple[str, ...], _ds: ImageDataset
) -> tuple[Any, Any]:
    """(images per class, the histogram of every pixel value)."""
    classes = make_bar_figure(list(names), _ds.class_counts().tolist())
    centres, hist = ld.pixel_histogram(_ds.images)
    return SharedFigure(classes), SharedFigure(make_bar_figure(centres, hist, height=220))


@st.cache_resource(max_entries=64, show_spinner=False)
def sample_grid(
    key: tuple[str, bool], idx: tuple[int, ...], labels: tuple[str, ...], _ds: ImageDataset
) -> Any:
    return SharedFigure(make_grid_figure(_ds.images[list(idx)], list(labels)))


@st.cache_resource(max_entries=256, show_spinner=False)
def one_sample(key: tuple[str, bool], i: int, _ds: ImageDataset) -> Any:
    """Sample ``i`` as a heatmap of its pixels (the channel mean)."""
    return SharedFigure(make_tensor_figure(_ds[i][0].float().mean(0), square=True))
