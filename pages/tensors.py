"""Chapter 1: Tensors. Create, see memory, index, view, compute, in-place, NumPy and devices."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from playground import tensors as tns
from playground import ui
from playground.core.device import available_devices
from playground.core.errors import PlaygroundError
from playground.core.expr import canonical_expression
from playground.core.i18n import Code
from playground.plots.heatmap import make_tensor_figure
from playground.tensors.figures import make_matmul_figure, make_storage_figure
from playground.ui import bound, lazy_tabs, page, show_code, show_error, tr
from playground.ui.tensors import created

cfg = page()
ui.chapter_intro("nav.tensors", "tensors.intro")


@st.fragment
def create_section() -> None:
    c = ui.row(vertical_alignment="bottom")
    creator = bound(c.selectbox, tr("create.creator"), tns.CREATORS, key="t_creator")
    labels = {d: tr("create.inferred") if d == tns.INFERRED else d for d in tns.CREATE_DTYPES}
    dtype = bound(c.selectbox, tr("create.dtype"), list(labels), key="t_dtype",
                  format_func=labels.__getitem__)  # fmt: skip
    if creator in ("tensor", "from_numpy"):
        data = bound(c.text_input, tr("create.data"), "[[1, 2, 3], [4, 5, 6]]", key="t_data")
        shape = "(2, 3)"
    else:
        shape = bound(c.text_input, tr("create.shape"), "(3, 4)", key="t_shape")
        data = "[]"
    grad = bound(c.checkbox, tr("create.grad"), key="t_grad")
    like = (
        bound(c.selectbox, tr("create.like_dtype"), tns.DTYPE_NAMES[4:], key="t_like")
        if creator.endswith("_like")
        else "int64"
    )
    fill = (
        bound(c.number_input, tr("create.fill"), value=7.0, key="t_fill")
        if creator == "full"
        else 7.0
    )
    spec = tns.TensorSpec(creator, data, shape, dtype, grad, fill, like)
    if creator == "rand_like":
        st.info(tr("create.rand_like_note"), icon=":material/lightbulb:")
    if creator == "empty":
        st.caption(tr("create.empty_note"))
    try:  # one tensor a server for each form, seed and device: a class shares it
        made = created(spec, str(cfg.device), cfg.seed, cfg.lang)
    except PlaygroundError as err:
        show_error(err)
        return
    left, right = st.columns([3, 1])
    ui.chart(made.figure, key="create_fig", into=left)
    # A static table wraps its cells: torch.float32 is never cut in a narrow column.
    right.table(ui.arrow_table(made.rows, [tr("attr.name"), tr("attr.value")]), hide_index=True)
    show_code(tns.creation_code(spec, device=str(cfg.device), seed=cfg.seed))


@st.fragment
def index_section() -> None:
    c = st.columns([3, 2, 1])
    data = bound(
        c[0].text_input,
        tr("create.data"),
        "[[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]",
        key="t_idata",
    )
    index = bound(
        c[1].text_input, tr("index.input"), "[:, 1]", key="t_index", help=tr("index.help")
    )
    value = bound(c[2].number_input, tr("index.value"), value=0.0, key="t_ivalue")
    try:
        index = tns.index_text(index)  # canonical: what is shown is what runs
        t = tns.create(tns.TensorSpec("tensor", data), device=cfg.device)
        r = tns.index_tensor(t, index, value=value)
    except PlaygroundError as err:
        show_error(err)
        return
    cols = st.columns(3)
    cols[0].caption(tr("index.selected"))
    ui.chart(make_tensor_figure(t, selected=r.selected, lang=cfg.lang), key="idx_t", into=cols[0])
    cols[1].caption(tr("index.result", index=index, shape=tuple(r.result.shape)))
    ui.chart(make_tensor_figure(r.result, lang=cfg.lang), key="idx_r", into=cols[1])
    cols[2].caption(tr("index.assigned", index=index, value=value))
    ui.chart(
        make_tensor_figure(r.assigned, selected=r.selected, lang=cfg.lang),
        key="idx_a",
        into=cols[2],
    )
    show_code(tns.index_code(data, index, value))


VIEW_OPS = [
    "t.view(4, 3)",
    "t.view(-1, 2)",
    "t.reshape(2, 6)",
    "t.permute(1, 0)",
    "t.T",
    "t.transpose(0, 1)",
    "t.unsqueeze(0)",
    "t.unsqueeze(0).squeeze(0)",
    "t.flatten()",
    "t.T.view(-1)",
    "t.T.contiguous().view(-1)",
    "t.T.reshape(-1)",
]


@st.fragment
def views_section() -> None:
    c = st.columns([1, 2])
    shape = bound(c[0].text_input, tr("views.shape"), "(3, 4)", key="t_vshape")
    op = bound(c[1].selectbox, tr("views.op"), VIEW_OPS, key="t_view", accept_new_options=True)
    try:
        t = tns.create(tns.TensorSpec("arange", shape=shape), device="cpu")
        op = canonical_expression(op)  # what is shown is what runs, without a comment
    except PlaygroundError as err:
        show_error(err)
        return
    shape = str(tuple(t.shape))
    v = tns.view_result(t, op)
    if v.error:
        show_error(v.error)
        if "view" in op and "contiguous" in (v.error.torch_message or ""):
            st.info(tr("views.explain_view"), icon=":material/lightbulb:")
        return
    m = st.columns(4)
    m[0].metric("shape", str(tuple(v.result.shape)))
    m[1].metric(tr("views.stride"), str(v.result.stride()))
    m[2].metric(tr("views.contiguous"), str(v.result.is_contiguous()))
    m[3].metric(tr("views.shares"), str(v.shares_storage))
    for call, size, numel, known in tns.inferred_sizes(t, op):
        st.caption(tr("views.minus_one", call=Code(call), value=size, numel=numel, known=known))
    if v.storage_offsets is not None:
        ui.chart(make_storage_figure(t, v.storage_offsets, lang=cfg.lang), key="views_fig")
    elif v.shares_storage:
        st.info(tr("views.no_map", slots=f"{tns.MAX_STORAGE_MAP:,}"), icon=":material/info:")
        ui.chart(make_tensor_figure(v.result, lang=cfg.lang), key="views_copy")
    else:
        st.info(tr("views.copy"))
        ui.chart(make_tensor_figure(v.result, lang=cfg.lang), key="views_copy")
    show_code(tns.view_code(shape, op))


@st.fragment
def arithmetic_section() -> None:
    st.caption(tr("arith.sizes"))
    c = st.columns(5)
    n, k, m = (
        bound(c[q].slider, name, 1, 6, d, key=f"t_{name}")
        for q, (name, d) in enumerate([("n", 2), ("k", 3), ("m", 2)])
    )
    # A 1-row A has only row 0: no slider (Streamlit refuses min == max).
    i = bound(c[3].slider, "i", 0, n - 1, 0, key="t_i") if n > 1 else 0
    j = bound(c[4].slider, "j", 0, m - 1, 0, key="t_j") if m > 1 else 0
    g = torch.Generator().manual_seed(cfg.seed)
    a = torch.randint(0, 5, (n, k), generator=g).float().to(cfg.device)
    b = torch.randint(0, 5, (k, m), generator=g).float().to(cfg.device)
    prod, pairs = tns.matmul_cell(a, b, i, j)
    ui.chart(make_matmul_figure(a.cpu(), b.cpu(), prod.cpu(), i, j), key="mm_fig")
    terms = " + ".join(f"{x:g}·{y:g}" for x, y in pairs)
    st.markdown(tr("arith.formula", i=i, j=j, terms=terms, value=f"{prod[i, j].item():g}"))
    st.caption(tr("arith.elementwise"))
    ui.chart(make_tensor_figure((a * a).cpu()), key="mul_fig")
    st.subheader(tr("arith.reduce"))
    r = st.columns(3)
    op = bound(r[0].selectbox, tr("arith.op"), ["sum", "mean", "max", "min", "argmax"], key="t_rop")
    dim = bound(r[1].selectbox, tr("arith.dim"), [None, 0, 1, -1], key="t_rdim")
    keep = bound(r[2].checkbox, tr("arith.keepdim"), key="t_rkeep")
    st.code(f"{tns.reduce(a, op, dim=dim, keepdim=keep)}", language="text", wrap_lines=True)
    st.markdown(f"{tr('arith.item')} `a.sum().item() = {a.sum().item():g}`")
    st.markdown(tr("arith.item_error"))
    try:
        a.item()
    except RuntimeError as err:
        st.code(str(err), language="text", wrap_lines=True)
    show_code(
        tns.arithmetic_code(n=n, k=k, m=m, i=i, j=j, op=op, dim=dim, keepdim=keep, seed=cfg.seed)
    )


@st.fragment
def inplace_section() -> None:
    op = (
        bound(
            st.segmented_control,
            tr("inplace.op"),
            ["add_", "copy_", "t_"],
            default="add_",
            key="t_inplace",
        )
        or "add_"
    )
    demo = tns.inplace_demo(op, seed=cfg.seed)
    c = st.columns(2)
    c[0].caption(tr("inplace.before"))
    ui.chart(make_tensor_figure(demo.before), key="ip_b", into=c[0])
    c[1].caption(tr("inplace.after", same=demo.same_data_ptr))
    ui.chart(make_tensor_figure(demo.after), key="ip_a", into=c[1])
    st.markdown(tr("inplace.autograd"))
    st.code(tns.autograd_inplace_error(), language="text", wrap_lines=True)
    show_code(tns.INPLACE_AUTOGRAD_CODE)


@st.fragment
def numpy_section() -> None:
    st.markdown(tr("numpy.intro"))
    bridge = tns.numpy_bridge(device=cfg.device)
    st.markdown(tr("numpy.after"))
    st.code(f"t: {bridge.tensor}\nn: {bridge.array}", language="text", wrap_lines=True)
    rows = [(op, shares) for op, shares in bridge.shares.items()]
    st.dataframe(pd.DataFrame(rows, columns=[tr("numpy.op"), tr("numpy.shares")]), hide_index=True)
    show_code(tns.NUMPY_BRIDGE_CODE)


@st.fragment
def devices_section() -> None:
    moved = torch.ones(3).to(cfg.device)
    st.markdown(tr("devices.moved", device=f"'{cfg.device}'", result=moved.device))
    n = bound(
        st.select_slider, tr("devices.n"), [64, 128, 256, 512, 1024, 2048], value=256, key="t_dn"
    )
    st.caption(tr("devices.note"))
    if len(available_devices()) == 1:
        st.caption(tr("devices.cpu_only"))
    if st.button(tr("devices.run"), icon=":material/timer:"):
        rows = []
        for d in available_devices():
            compute, copy = tns.time_matmul(n, d.name)
            rows.append(
                (d.label, f"{compute * 1e3:.2f}", "—" if copy is None else f"{copy * 1e3:.2f}")
            )
        st.dataframe(
            pd.DataFrame(
                rows, columns=[tr("devices.device"), tr("devices.matmul"), tr("devices.copy")]
            ),
            hide_index=True,
        )
    show_code(tns.matmul_timing_code(n, str(cfg.device)))


lazy_tabs(
    "t_tab",
    [
        ("tab.create", create_section),
        ("tab.index", index_section),
        ("tab.views", views_section),
        ("tab.arith", arithmetic_section),
        ("tab.inplace", inplace_section),
        ("tab.numpy", numpy_section),
        ("tab.devices", devices_section),
    ],
)
ui.check_yourself("tensors")
