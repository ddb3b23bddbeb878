"""Chapter 2: Broadcasting, cat & stack. The rules step by step, checked against real PyTorch."""

from __future__ import annotations

import streamlit as st
import torch

from playground import broadcasting as shp
from playground import ui
from playground.broadcasting.figures import make_join_figure
from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.core.shapes import short
from playground.ui import bound, lazy_tabs, localized, page, show_code, show_error, tr
from playground.ui.broadcasting import broadcast_figure

cfg = page()
ui.chapter_intro("nav.broadcasting", "bc.intro")


def read_shapes(label: str, default: str, key: str) -> list[tuple[int, ...]] | None:
    text = bound(st.text_input, label, default, key=key)
    try:
        return shp.parse_shapes(text)
    except PlaygroundError as err:
        show_error(err)
        return None


@st.fragment
def broadcast_section() -> None:
    shapes = read_shapes(tr("bc.shapes"), "(3, 1), (1, 4)", "b_shapes")
    if not shapes:
        return
    ex = shp.explain_broadcast(*shapes)
    st.caption(tr("bc.pad", padded=", ".join(str(p) for p in ex.padded)))
    rows = [
        (
            s.dim,
            " , ".join(map(str, s.sizes)),
            tr(f"bc.rule.{s.rule}"),
            "✗" if s.result is None else s.result,
        )
        for s in ex.steps
    ]
    cols = [tr("bc.step_dim"), tr("bc.step_sizes"), tr("bc.step_rule"), tr("bc.step_result")]
    st.dataframe(ui.arrow_table(rows, cols), hide_index=True)
    if ex.error:
        st.error(localized(ex.error), icon=":material/error:")
        try:
            torch.broadcast_shapes(*shapes)
        except RuntimeError as err:
            st.caption(tr("cat.torch_says", message=str(err).splitlines()[0]))
    else:
        st.success(tr("bc.result", shape=ex.result), icon=":material/check_circle:")
    ui.chart(broadcast_figure(tuple(map(tuple, shapes)), cfg.lang), key="bc_fig")
    stretched = [k for k, p in enumerate(ex.padded) if p != ex.result]
    if ex.result is not None and not stretched:
        st.caption(tr("bc.nothing_stretched", shape=ex.result))
    elif ex.result is not None:  # the first operand broadcasting really stretches
        st.caption(tr("bc.expand"))
        k = stretched[0]
        rows, refused = shp.expand_and_repeat(ex.padded[k], ex.result, name=f"t{k}")
        for r in rows:
            st.markdown(
                tr(
                    "bc.expand_row",
                    op=Code(r.op),
                    shape=r.shape,
                    stride=r.stride,
                    bytes=f"{r.nbytes:,}",
                    shares=r.shares,
                )
            )
        if refused:
            show_error(refused)
    show_code(shp.broadcast_code(shapes))


def join_section(op: str) -> None:
    shapes = read_shapes(
        tr("cat.shapes"), "(3, 4), (3, 2)" if op == "cat" else "(2, 3), (2, 3)", f"{op}_shapes"
    )
    if not shapes:
        return
    ndim = len(shapes[0]) + (op == "stack")
    dims = list(range(-ndim, ndim)) or [0]
    dim = bound(
        st.select_slider,
        tr("cat.dim"),
        dims,
        value=1 if op == "cat" and ndim > 1 else 0,
        key=f"{op}_dim",
    )
    ex = (shp.explain_cat if op == "cat" else shp.explain_stack)(shapes, dim)
    if ex.error:
        st.error(localized(ex.error), icon=":material/error:")
        message = shp.join_error(op, shapes, dim)
        if message:
            st.caption(tr("cat.torch_says", message=message))
        return
    st.success(tr("cat.result", op=op, dim=dim, shape=ex.result), icon=":material/check_circle:")
    try:
        sources = shp.join_sources(ex)
        stacked = shp.checked_join(ex, shapes, dim) if op == "stack" else None
    except PlaygroundError as err:
        show_error(err)
        return
    ui.chart(make_join_figure(sources, lang=cfg.lang), key=f"{op}_fig")
    if stacked is not None:
        same = torch.equal(
            stacked, torch.cat([t.unsqueeze(dim) for t in shp.join_inputs(shapes)], dim=dim)
        )
        st.markdown(tr("stack.same", same=same))
        cat = shp.explain_cat(shapes, 0)
        st.markdown(tr("stack.compare", cat=cat.result or localized(cat.error), stack=ex.result))
    show_code((shp.cat_code if op == "cat" else shp.stack_code)(shapes, dim))


@st.fragment
def cat_section() -> None:
    join_section("cat")
    shapes = shp.cat_examples()
    st.caption(
        tr("cat.examples", cat1=tuple(shapes[0]), cat0=tuple(shapes[1]), stack=tuple(shapes[2]))
    )
    st.code(shp.CAT_EXAMPLES, language="python", wrap_lines=True)


@st.fragment
def stack_section() -> None:
    join_section("stack")


@st.fragment
def split_section() -> None:
    c = st.columns(4)
    shape_text = bound(c[0].text_input, tr("split.shape"), "(6, 4)", key="sp_shape")
    try:
        shape = shp.parse_shapes(shape_text)[0]
        if not shape:
            raise PlaygroundError("err.split.needs_dim")
    except PlaygroundError as err:
        show_error(err)
        return
    dim = bound(c[1].select_slider, tr("cat.dim"), list(range(len(shape))), key="sp_dim")
    size = bound(
        c[2].number_input,
        tr("split.size"),
        1,
        max(shape[dim], 1),
        min(4, max(shape[dim], 1)),
        key="sp_size",
    )
    chunks = bound(
        c[3].number_input,
        tr("split.chunks"),
        1,
        max(shape[dim], 1),
        min(3, max(shape[dim], 1)),
        key="sp_chunks",
    )
    try:
        r = shp.split_tensor(shape, size=int(size), chunks=int(chunks), dim=dim)
    except PlaygroundError as err:
        show_error(err)
        return
    st.markdown(tr("split.pieces", size=size, dim=dim, shapes=short(list(r.pieces))))
    st.markdown(tr("split.parts", chunks=chunks, dim=dim, shapes=short(list(r.parts))))
    ui.chart(make_join_figure(r.sources, lang=cfg.lang), key="sp_fig")
    st.markdown(tr("split.inverse", dim=dim, same=r.inverse))
    show_code(shp.split_code(shape, split_size=int(size), chunks=int(chunks), dim=dim))


lazy_tabs(
    "b_tab",
    [
        ("tab.broadcast", broadcast_section),
        ("tab.cat", cat_section),
        ("tab.stack", stack_section),
        ("tab.split", split_section),
    ],
)
ui.check_yourself("broadcasting")
