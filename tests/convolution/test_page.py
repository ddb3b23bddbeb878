"""AppTest: every tab of Convolution & pooling renders in both languages, states PyTorch's
numbers, and turns hostile input and links into messages."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import torch

from playground import convolution as cv
from playground.convolution.figures import MAX_FRAMES, make_slide_figure
from tests.apptest import interact, open_page, texts

PAGE = "pages/convolution.py"
TABS = ("slide", "channels", "pooling", "receptive", "trained")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("tab", TABS)
def test_every_tab_renders_in_both_languages(tab, lang):
    at = open_page(PAGE, lang=lang, query={"cv_tab": tab})
    assert not at.exception and not at.error, [e.value for e in at.error]
    if tab != "trained":
        assert at.get("plotly_chart") and any(c.language == "python" for c in at.code)


def test_the_slide_tab_states_the_layers_numbers():
    at = open_page(PAGE, query={"cv_tab": "slide"})
    pixels = cv.resized(cv.offline_pixels(4, 0), 14)
    s = cv.slide(pixels.float() / 255, cv.SlideConfig())
    cell = s.cell(2, 3)
    body = texts(at)
    assert "= **12**" in body  # ⌊(14 + 0 − 1·(3 − 1) − 1)/1⌋ + 1
    assert f"the products sum to {cell.total:.4f}" in body and f"{cell.value:.4f}" in body
    interact(at, "selectbox", "cv_pad", "same")
    assert "= **14**" in texts(at)


def test_the_offline_picture_is_resized_once_per_server_and_shared():
    from playground.ui.convolution import _offline_image

    first = _offline_image(label=2, seed=0, side=20)
    assert _offline_image(label=2, seed=0, side=20) is first  # the next session's
    assert torch.equal(first, cv.resized(cv.offline_pixels(2, 0), 20))
    assert not torch.equal(_offline_image(label=3, seed=0, side=20), first)
    assert _offline_image(label=2, seed=1, side=20) is not first  # another seed, another set


def test_a_typed_kernel_and_hostile_text_give_messages():
    at = open_page(PAGE, query={"cv_tab": "slide", "cv_kernel": "custom"})
    interact(at, "text_input", "cv_typed", "0 0 0; 0 2 0; 0 0 0")
    assert "the products sum to" in texts(at)
    for bad, words in [("__import__('os').system('id')", "not a number"), ("1 2; 3", "square")]:
        interact(at, "text_input", "cv_typed", bad)
        assert words in texts(at) and not at.exception


@pytest.mark.parametrize(
    "query",
    [{"cv_stride": "3", "cv_pad": "same"}, {"cv_side": "9999"}, {"cv_dil": "4", "cv_side": "8",
      "cv_kernel": "custom", "cv_typed": "; ".join(["1 1 1 1 1 1 1"] * 7)},
     {"cv_pad": "6", "cv_mode": "reflect", "cv_side": "8"}, {"cv_cell_row": "1e9"},
     {"cv_tab": "pooling", "cv_pk": "99", "cv_ppad": "-3"}, {"cv_tab": "channels", "cv_in": "100000"},
     {"cv_tab": "receptive", "cv_side": "8", "cv_conv1_k": "7", "cv_conv2_k": "7"}],
)  # fmt: skip
def test_hostile_links_keep_the_session_alive(query):
    at = open_page(PAGE, query={"cv_tab": "slide", **query})
    assert not at.exception, [e.value for e in at.exception]


def test_same_padding_with_a_stride_is_explained():
    at = open_page(PAGE, query={"cv_tab": "slide"})
    interact(at, "selectbox", "cv_pad", "same")
    interact(at, "select_slider", "cv_stride", 2)
    assert "needs stride 1" in texts(at)


def test_channels_tab_compares_with_a_dense_layer_in_chinese():
    at = open_page(PAGE, lang="zh", query={"cv_tab": "channels"})
    ch = cv.channels(cv.ChannelsConfig())
    body = texts(at)
    assert f"{ch.conv_params:,}" in body and f"{ch.linear_params:,}" in body and "权重共享" in body


def test_pooling_tab_names_the_winner():
    at = open_page(PAGE, query={"cv_tab": "pooling"})
    p = cv.pool(cv.PoolConfig())
    row, col = min(2, p.output.shape[0] - 1), min(3, p.output.shape[1] - 1)
    assert f"from input cell {p.winner(row, col)}" in texts(at)


def test_receptive_tab_compares_autograd_with_the_formula():
    at = open_page(PAGE, query={"cv_tab": "receptive", "cv_pool_kind": "avg", "cv_side": "28"})
    body = texts(at)
    image = cv.resized(cv.offline_pixels(4, 0), 28).float() / 255
    r = cv.receptive(image, cv.StackConfig(pool=cv.Layer("avg", 2, 2), row=2, col=3))
    assert f"nonzero on **{int(r.mask.sum())}** input pixels" in body
    assert f"{r.formula_pixels} pixels (the dashed box)" in body


def test_the_trained_tab_sends_a_learner_to_train_first():
    at = open_page(PAGE, query={"cv_tab": "trained"})
    assert "Train a CNN on the Training page" in texts(at)


def test_the_slide_figure_plays_in_the_browser_and_is_valid_plotly():
    s = cv.slide(torch.rand(14, 14), cv.SlideConfig())
    fig = make_slide_figure(s, s.cell(0, 0))
    assert len(fig.frames) == 144 and fig.layout.sliders[0].steps[5].label == "(0, 5)"
    go.Figure(fig.to_dict())  # every frame passes Plotly's validation
    last, cell = fig.frames[-1], s.cell(11, 11)
    assert torch.allclose(
        torch.tensor(last.data[0].z, dtype=torch.float32), cell.products, atol=1e-4
    )
    assert list(last.data[2].x[:2]) == [10.5, 11.5]  # the output cell's outline moved to (11, 11)
    assert list(last.data[1].y[:3]) == [10.5, 10.5, 13.5]  # the window spans input rows 11..13
    big = cv.slide(torch.rand(28, 28), cv.SlideConfig())  # 26 × 26 > MAX_FRAMES
    assert 26 * 26 > MAX_FRAMES and not make_slide_figure(big, big.cell(0, 0)).frames


@pytest.mark.slow  # trains a LeNet for an epoch on 1,000 images (3 s)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_trained_tab_shows_a_trained_lenets_filters_and_feature_maps(lang):
    at = open_page("pages/training.py", lang=lang, tr_subset=1000, tr_epochs=1, tr_preset="lenet")
    next(b for b in at.button if b.label in ("Train", "开始训练")).click().run()
    trainer = at.session_state["trainer"]
    assert trainer.done
    at.session_state["cv_tab"] = {"en": "Inside a trained CNN", "zh": "训练好的卷积网络内部"}[lang]
    at.switch_page(PAGE).run()
    assert not at.exception and not at.error
    charts = at.get("plotly_chart")
    first = next(m for m in trainer.model.modules() if isinstance(m, torch.nn.Conv2d))
    assert len(charts) >= 3  # the filters, then a map per layer with a spatial output
    assert f"{first.out_channels}" in texts(at)
