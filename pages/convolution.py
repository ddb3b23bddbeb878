"""Convolution & pooling: a real nn.Conv2d slides over an image, every number checkable."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground import convolution as cv
from playground import ui
from playground.convolution.figures import (
    make_channels_figure,
    make_groups_figure,
    make_maps_figure,
    make_pool_figure,
    make_receptive_figure,
)
from playground.core.errors import PlaygroundError
from playground.ui import bound, lazy_tabs, page, show_code, show_error, tr
from playground.ui import state as shared
from playground.ui.convolution import (
    cell_picker,
    kernel_settings,
    pick_image,
    slide_for,
    slide_view,
    stack_layer,
    take_clicked_cell,
)

cfg = page()
ui.chapter_intro("nav.convolution", "cv.intro")


@st.fragment
def slide_section() -> None:
    pixels = pick_image(cfg.seed)
    conv = kernel_settings()
    if pixels is None or conv is None:
        return
    key, h = pixels.numpy().tobytes(), pixels.shape[0]
    try:
        s = slide_for(key, h, conv)
    except PlaygroundError as err:
        show_error(err)
        return
    before, after = s.pads
    st.markdown(tr("cv.formula", h=h, p2=before + after, d=conv.dilation, k=conv.k,
                   s=conv.stride, out=s.out_shape[0]))  # fmt: skip
    row, col = cell_picker(*s.out_shape, key="cv_cell")
    cell, figure = slide_view(key, h, conv, row, col, cfg.lang)
    ui.chart(figure, key="cv_slide_fig")
    sums = tr("cv.cell_sum", row=row, col=col, total=f"{cell.total:.4f}", bias=f"{cell.bias:.4f}",
              sum=f"{cell.total + cell.bias:.4f}", value=f"{cell.value:.4f}")  # fmt: skip
    checks = tr("cv.checks", f=f"{s.diff_functional:.1e}", u=f"{s.diff_unfold:.1e}")
    st.markdown(f"{sums}\n\n{checks}")  # one element: each costs the server per student
    if s.out_shape[0] * s.out_shape[1] > 256:
        st.caption(tr("cv.no_play", cells=s.out_shape[0] * s.out_shape[1]))
    show_code(cv.slide_code(pixels, conv, row, col))


@st.fragment
def channels_section() -> None:
    c = st.columns(4)
    c_in = int(
        bound(c[0].number_input, tr("cv.arg.in_channels"), 1, cv.MAX_CHANNELS, 3, 1, key="cv_in")
    )
    c_out = int(
        bound(c[1].number_input, tr("cv.arg.out_channels"), 1, cv.MAX_CHANNELS, 4, 1, key="cv_out")
    )
    k = int(bound(c[2].select_slider, tr("cv.arg.kernel_size"), list(range(1, 8)), 3, key="cv_k"))
    divisors = [g for g in range(1, min(c_in, c_out) + 1) if c_in % g == 0 and c_out % g == 0]
    groups = bound(c[3].selectbox, tr("cv.arg.groups"), divisors, key="cv_groups", format_func=str)
    c = st.columns(3)
    size = int(bound(c[0].select_slider, tr("cv.size"), list(range(4, 33)), 8, key="cv_size"))
    bias = bound(c[1].toggle, tr("cv.arg.bias"), True, key="cv_cbias")
    o = int(bound(c[2].number_input, tr("cv.out_channel"), 0, c_out - 1, 0, 1, key="cv_o"))
    try:
        ch = cv.channels(cv.ChannelsConfig(c_in, c_out, k, groups, size, bias, cfg.seed))
    except PlaygroundError as err:
        show_error(err)
        return
    rows = [("nn.Conv2d", str(ch.weight_shape), ch.conv_params),
            ("nn.Linear", f"({ch.output[0].numel() * c_out:,}, {c_in * size * size:,})", ch.linear_params)]  # fmt: skip
    st.dataframe(pd.DataFrame(rows, columns=[tr("cv.layer"), tr("cv.weight_shape"), tr("cv.params")]), hide_index=True)  # fmt: skip
    st.markdown(tr("cv.sharing", conv=f"{ch.conv_params:,}", linear=f"{ch.linear_params:,}",
                   ratio=f"{ch.linear_params / ch.conv_params:,.0f}"))  # fmt: skip
    if ch.depthwise:
        st.info(tr("cv.depthwise", c=c_in), icon=":material/info:")
    per_channel, _, diff = ch.rebuild(o)
    st.markdown(
        tr("cv.sums_over", o=o, ins=", ".join(map(str, ch.sums_over[o])), diff=f"{diff:.1e}")
    )
    ui.chart(make_channels_figure(ch, o, per_channel, lang=cfg.lang), key="cv_ch_fig")
    ui.chart(make_groups_figure(ch, lang=cfg.lang), key="cv_groups_fig")
    show_code(cv.channels_code(ch.cfg, o))


@st.fragment
def pooling_section() -> None:
    c = st.columns(5)
    kind = bound(c[0].selectbox, tr("cv.pool"), list(cv.POOLS), key="cv_pool",
                 format_func=lambda k: tr(f"cv.pool.{k}"))  # fmt: skip
    n = int(bound(c[1].select_slider, tr("cv.size"), list(range(2, 17)), 6, key="cv_psize"))
    k = int(bound(c[2].select_slider, tr("cv.arg.kernel_size"), list(range(1, n + 1)), min(2, n), key="cv_pk"))  # fmt: skip
    s = int(
        bound(
            c[3].select_slider, tr("cv.arg.stride"), list(range(1, n + 1)), min(2, n), key="cv_ps"
        )
    )
    if kind == "adaptive_avg":
        size = int(bound(c[4].select_slider, tr("cv.arg.output_size"), list(range(1, n + 1)), min(2, n), key="cv_pout"))  # fmt: skip
        pad = 0
    else:
        size, pad = 2, int(bound(c[4].select_slider, tr("cv.arg.padding"), list(range(k // 2 + 1)), 0, key="cv_ppad"))  # fmt: skip
    try:
        p = cv.pool(cv.PoolConfig(kind, k, s, pad, size, n, cfg.seed))
    except PlaygroundError as err:
        show_error(err)
        return
    row, col = cell_picker(*p.output.shape, key="cv_pcell")
    if (won := p.winner(row, col)) is not None:
        st.markdown(
            tr("cv.winner", row=row, col=col, value=f"{p.output[row, col].item():g}", at=won)
        )
    else:
        st.markdown(tr("cv.average", row=row, col=col, value=f"{p.output[row, col].item():.4f}"))
    st.markdown(tr(f"cv.grad.{'max' if kind == 'max' else 'avg'}", total=f"{p.grad.sum().item():g}",
                   upstream=f"{p.upstream.sum().item():g}"))  # fmt: skip
    ui.chart(make_pool_figure(p, row, col, lang=cfg.lang), key="cv_pool_fig")
    show_code(cv.pool_code(p.cfg, row, col))


@st.fragment
def receptive_section() -> None:
    if (pixels := pick_image(cfg.seed)) is None:
        return
    c = st.columns(3)
    layers = (stack_layer(c[0], "conv1", "conv", 3, 1), stack_layer(c[1], "pool", "max", 2, 2),
              stack_layer(c[2], "conv2", "conv", 3, 1))  # fmt: skip
    image = pixels.float() / 255
    try:
        sizes = cv.StackConfig(*layers).sizes(*image.shape)
        take_clicked_cell("cv_rf_fig", "cv_rf")  # before the pickers draw
        row, col = cell_picker(*sizes[-1], key="cv_rf")
        r = cv.receptive(image, cv.StackConfig(*layers, row, col))
    except PlaygroundError as err:
        show_error(err)
        return
    st.caption(tr("cv.sizes", sizes=" → ".join(f"{h}×{w}" for h, w in sizes)))
    (r0, r1), (c0, c1) = r.formula
    box = r.box or ((0, -1), (0, -1))
    st.markdown(tr("cv.reached", n=int(r.mask.sum()), r0=box[0][0], r1=box[0][1], c0=box[1][0], c1=box[1][1]))  # fmt: skip
    st.markdown(tr("cv.by_formula", r0=r0, r1=r1, c0=c0, c1=c1, n=r.formula_pixels))
    if layers[1].kind == "max":
        st.info(tr("cv.max_subset", n=int(r.mask.sum()), total=r.formula_pixels), icon=":material/info:")  # fmt: skip
    elif not cv.gapless(r.cfg):
        st.info(tr("cv.gaps"), icon=":material/info:")
    st.caption(tr("cv.click_hint"))
    ui.chart(make_receptive_figure(r, image, lang=cfg.lang), key="cv_rf_fig", on_select="rerun",
             selection_mode="points")  # fmt: skip
    show_code(cv.receptive_code(pixels, r.cfg))


@st.fragment
def trained_section() -> None:
    t = shared.trainer()
    filters = cv.first_filters(t.model) if t is not None else None
    if t is None or filters is None or t.input_shape[0] != 1:
        st.info(tr("cv.train_first"), icon=":material/school:")
        st.page_link(ui.page_of("pages/training.py"), label=tr("cv.train_link"), icon=":material/trending_down:",
                     query_params={"tr_preset": "lenet", "tr_builder": "false"})  # fmt: skip
        return
    if t.busy or not t.done:
        st.info(tr("cv.still_training"), icon=":material/hourglass_top:")
        return
    k = filters.shape[-1]
    st.markdown(tr("cv.filters", n=len(filters), k=k, epochs=t.epoch))
    ui.chart(make_maps_figure(filters, [str(i) for i in range(len(filters))]), key="cv_filters")
    test = t.x_test
    i = int(bound(st.number_input, tr("cv.index"), 0, len(test) - 1, 0, 1, key="cv_map_index"))
    for name, kind, maps in cv.feature_maps(t.model, test[i : i + 1].reshape(1, *t.input_shape)):
        st.caption(tr("cv.maps", name=name, layer=kind, shape=tuple(maps.shape[1:])))
        ui.chart(make_maps_figure(maps[0, :8], [str(c) for c in range(min(8, maps.shape[1]))]),
                 key=f"cv_maps_{name}")  # fmt: skip


lazy_tabs(
    "cv_tab",
    [
        ("tab.slide", slide_section),
        ("tab.channels", channels_section),
        ("tab.pooling", pooling_section),
        ("tab.receptive", receptive_section),
        ("tab.trained", trained_section),
    ],
)
ui.check_yourself("convolution")
