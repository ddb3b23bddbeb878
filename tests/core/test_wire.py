"""A figure every session draws is encoded once, and the browser still gets the same chart."""

from __future__ import annotations

import json

import plotly.io as pio
import plotly.tools
import pytest
import torch

from playground import convolution as cv
from playground.convolution.figures import make_slide_figure
from playground.plots import SharedFigure, make_bar_figure, make_tensor_figure
from playground.plots.describe import describe


def _as_streamlit_sends(fig) -> str:
    """The spec ``st.plotly_chart`` (Streamlit 1.67) puts in its message, by its own steps."""
    figure = plotly.tools.return_figure_from_figure_or_data(fig, validate_figure=True)
    return pio.to_json(figure, validate=False)


def _slide() -> object:
    s = cv.slide(cv.resized(cv.offline_pixels(4, 0), 14).float() / 255, cv.SlideConfig())
    return make_slide_figure(s, s.cell(2, 3), lang="zh")


@pytest.mark.parametrize(
    "make",
    [
        lambda: make_tensor_figure(torch.arange(24.0).reshape(2, 3, 4) - 7.5),
        lambda: make_bar_figure(["猫", "<b>dog</b>", "bird"], [3, 9, 1], height=220),
        _slide,  # heatmaps, scatter, annotations, a slider and animation frames
    ],
    ids=["slices", "bars", "slide"],
)
def test_the_wire_form_sends_the_figures_own_spec(make):
    fig = make()
    shared = SharedFigure(fig)
    sent = json.loads(_as_streamlit_sends(shared.wire))
    assert sent == json.loads(_as_streamlit_sends(fig))
    assert sent["data"] and all("uid" not in trace for trace in sent["data"])
    assert shared.alts == {"en": describe(fig, "en"), "zh": describe(fig, "zh")}


def test_drawing_it_again_sends_the_same_bytes_and_copies_nothing():
    shared = SharedFigure(_slide())
    first = _as_streamlit_sends(shared.wire)
    assert _as_streamlit_sends(shared.wire) == first
    assert shared.wire.to_dict() is shared.wire.to_dict()  # no per-draw deep copy
    assert "frames" in json.loads(first) and len(json.loads(first)["frames"]) > 1


def test_the_figures_size_stays_readable_for_streamlits_content_width():
    shared = SharedFigure(make_bar_figure(["a", "b"], [1, 2], height=220))
    assert shared.wire.to_dict()["layout"]["height"] == 220
