"""A chart's text alternative reads the figure's own numbers, in the page's language."""

from __future__ import annotations

import torch

from playground.plots.describe import describe
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure


def test_a_heatmap_is_described_by_its_size_and_its_range():
    fig = make_tensor_figure(torch.arange(12.0).reshape(3, 4) - 5)
    assert describe(fig) == "Heatmap of 3 × 4 cells, values from -5 to 6."
    assert describe(fig, "zh") == "热力图，3 × 4 个格子，数值从 -5 到 6。"


def test_slices_are_counted_and_share_one_range():
    t = torch.arange(24.0).reshape(2, 3, 4)
    text = describe(make_tensor_figure(t))
    assert text.startswith("2 panels, one per slice.") and "3 × 4 cells" in text
    assert "from 0 to 23" in text


def test_a_bar_chart_names_its_highest_bar_and_a_title_comes_first():
    fig = make_bar_figure(["cat", "dog", "bird"], [3, 9, 1])
    assert describe(fig) == "Bar chart with 3 bars; the highest is dog at 9."
    fig.update_layout(title="Classes")
    assert describe(fig).startswith("Classes. Bar chart")


def test_lines_give_first_last_and_extremes_and_many_series_are_counted():
    import plotly.graph_objects as go

    fig = go.Figure(
        [go.Scatter(y=[2.3, 0.4, 0.9], mode="lines", name=f"run {k}") for k in range(5)]
    )
    text = describe(fig)
    assert "Line “run 0”: 3 points, from 2.3 to 0.9 (lowest 0.4, highest 2.3)." in text
    assert text.endswith("And 2 more series.")


def test_non_finite_values_and_empty_figures_are_said_plainly():
    import plotly.graph_objects as go

    fig = make_tensor_figure(torch.tensor([[float("nan"), 1.0], [2.0, float("inf")]]))
    assert "from 1 to 2" in describe(fig)
    assert describe(go.Figure()) == "An empty chart."
