"""Chapter 3: Autograd. The real grad_fn graph, backward, a numerical check, and the rules live."""

from __future__ import annotations

import streamlit as st

from playground import autograd as ag
from playground import ui
from playground.autograd.figures import make_descent_figure, make_graph_figure, summarize
from playground.core.errors import PlaygroundError
from playground.plots.heatmap import make_tensor_figure
from playground.ui import Slot, bound, lazy_tabs, ntr, page, printed, show_code, show_error, tr
from playground.ui.autograd import GraphView, gradient_check, graph_view
from playground.ui.panel import in_slot

cfg = page()
ui.chapter_intro("nav.autograd", "ag.intro")


STARTS = [*ag.PRESETS, "custom"]  # "custom": what the learner typed
# the start picked, the program typed, and the (program, seed) whose check was asked for
PRESET, PROGRAM, CHECKED = (Slot(k) for k in ("ag_preset", "ag_program", "ag_checked"))


def _load_preset() -> None:
    if (preset := PRESET.get()) in ag.PRESETS:  # "your program" keeps it
        PROGRAM.set(ag.PRESETS[preset])


@st.fragment
def graph_section() -> None:
    c = ui.row(vertical_alignment="bottom")
    typed = PROGRAM.get() if PROGRAM.is_set() else st.query_params.get(PROGRAM.key)
    if typed is not None and typed not in ag.PRESETS.values():
        PRESET.set("custom")  # "Start from" says "your program"
    preset = bound(c.selectbox, tr("ag.preset"), STARTS, key=PRESET.key, on_change=_load_preset,
                   format_func={k: tr(f"ag.preset.{k}") for k in STARTS}.__getitem__)  # fmt: skip
    preset = preset if preset in ag.PRESETS else next(iter(ag.PRESETS))
    run_backward = bound(c.toggle, tr("ag.backward"), value=True, key="ag_backward")
    if PROGRAM.key not in st.query_params:  # a shared link carries its own program
        PROGRAM.setdefault(ag.PRESETS[preset])
    program = bound(st.text_area, tr("ag.program"), key=PROGRAM.key, height=200,
                    help=tr("ag.program_help"), reset_to=ag.PRESETS[preset])  # fmt: skip
    try:  # one computation a server for each program, seed and device: a class shares it
        view = graph_view(program, cfg.seed, str(cfg.device), bool(run_backward), cfg.lang)
    except PlaygroundError as err:
        show_error(err)
        return
    ui.chart(view.figure, key="ag_g")
    graph = view.graph
    n_leaves = sum(n.kind == "leaf" for n in graph.nodes)
    ops, skipped = len(graph.nodes) - n_leaves, graph.skipped_inputs
    caption = tr("ag.graph_caption", ops=ops, leaves=n_leaves)
    st.caption(f"{caption} {ntr('ag.skipped', skipped)}" if skipped else caption)
    show_code(view.code)
    if view.result is None:
        return
    if view.result.vector is not None:
        st.info(tr("ag.nonscalar", n=view.output_numel), icon=":material/info:")
    grads_and_check(program, view)


def grads_and_check(program: str, view: GraphView) -> None:
    result, statements, flops = view.result, view.statements, view.flops
    if result is None or not result.grads:
        st.warning(tr("ag.no_leaves"), icon=":material/warning:")
        return
    left, right = st.columns([3, 2])
    with left:
        st.subheader(tr("ag.grads"))
        for name, grad in result.grads.items():
            st.markdown(f"`{name}.grad` · {tr('ag.grad_shape', shape=tuple(grad.shape))}")
            ui.chart(view.grad_figures[name], key=f"ag_grad_{name}")
    with right:
        st.subheader(tr("ag.check"))
        n = sum(g.numel() for g in result.grads.values())
        key, heavy = (program, cfg.seed), ag.check_on_request(statements, n, flops)
        if heavy and CHECKED.get() != key:
            label = ntr("ag.check_run", ag.check_cost(statements, n))
            if not st.button(label, icon=":material/calculate:"):
                return
            CHECKED.set(key)
        checks: list[tuple[ag.GradCheck, tuple[tuple[str, str], ...]]] = []  # heavy: queued
        in_slot(lambda: checks.append(gradient_check(program, cfg.seed)), queued=heavy)
        for check, rows in checks:
            st.metric(tr("ag.check_metric"), f"{check.max_abs_diff:.2e}")
            st.caption(tr("ag.check_caption", checked=check.checked, total=check.total))
            if check.ok:
                st.success(tr("ag.check_ok"), icon=":material/check_circle:")
            else:
                st.warning(tr("ag.check_bad"), icon=":material/warning:")
            ui.table([{"leaf": n, "max |diff|": d} for n, d in rows])


def concept(title: str, text: str | None = None) -> None:
    st.subheader(tr(title))
    if text:
        st.markdown(tr(text))


@st.fragment
def concepts_section() -> None:
    seed = cfg.seed
    concept("ag.flags", "ag.flags_text")
    ui.table([r.__dict__ for r in ag.flags_demo(seed)])
    show_code(ag.flags_code(seed))

    concept("ag.leaf", "ag.leaf_text")
    leaf = ag.leaf_grad_demo(seed)
    printed(f"w.grad = {leaf.w_grad}\ny.grad = {leaf.y_grad_before}\n\n{leaf.warning}")
    st.markdown(tr("ag.leaf_retained"))
    printed(f"y.grad = {leaf.y_grad_retained}")
    show_code(ag.leaf_grad_code(seed))

    concept("ag.accumulate", "ag.accumulate_text")
    acc = ag.accumulate_demo(seed)
    steps = {"ag.first": acc.first, "ag.second": acc.second, "ag.zeroed": acc.zeroed}
    for col, (key, value) in zip(st.columns(3), steps.items(), strict=True):
        col.caption(tr(key))
        col.code(summarize(value), "text", wrap_lines=True)
    show_code(ag.accumulate_code(seed))

    concept("ag.retain")
    rg = ag.retain_graph_demo(seed)
    printed(rg.error)
    st.markdown(tr("ag.retain_text"))
    printed(f"w.grad = {rg.with_retain}")
    show_code(ag.retain_graph_code(seed))

    concept("ag.nograd", "ag.nograd_text")
    ui.table([ag.no_grad_demo(seed).__dict__])
    show_code(ag.no_grad_code(seed))


@st.fragment
def jacobian_section() -> None:
    seed = cfg.seed
    concept("ag.vjp", "ag.vjp_text")
    v = ag.vjp_demo(seed)
    cols = st.columns([2, 1, 1])
    ui.chart(make_tensor_figure(v.jacobian, title="J = ∂y/∂x"), key="ag_jac", into=cols[0])
    ui.chart(make_tensor_figure(v.jtv, title="Jᵀv"), key="ag_jtv", into=cols[1])
    ui.chart(make_tensor_figure(v.x_grad, title="x.grad"), key="ag_xg", into=cols[2])
    st.caption(tr("ag.vjp_diff", diff=v.max_abs_diff, n=v.doublings))
    show_code(ag.vjp_code(seed))

    concept("ag.dynamic", "ag.dynamic_text")
    scales = (1.0, bound(st.select_slider, tr("ag.scale"), ag.SCALES, value=100.0, key="ag_scale"))
    cols = st.columns(2)
    for k, (col, scale) in enumerate(zip(cols, scales, strict=True)):
        x, y, n = ag.dynamic_program(seed, scale)
        col.markdown(tr("ag.run_ops", scale=scale, n=n))
        graph = ag.graph_of(y, {"x": x})
        ui.chart(make_graph_figure(graph, lang=cfg.lang), key=f"ag_dyn{k}", into=col)
    show_code(ag.dynamic_graph_code(seed, scales))


@st.fragment
def descent_section() -> None:
    st.markdown(tr("ag.gd_text"))
    c = st.columns(2)
    lr = bound(c[0].select_slider, tr("ag.lr"), ag.LEARNING_RATES, value=0.1, key="ag_lr")
    steps = bound(c[1].slider, tr("ag.steps"), 5, 300, 60, key="ag_steps")
    fit = ag.fit_line(lr, steps, cfg.seed)
    if fit.diverged_at is not None:
        st.error(tr("ag.diverged", step=fit.diverged_at, lr=lr), icon=":material/trending_up:")
    elif fit.overshoots:
        ratio = fit.final_loss / fit.optimum_loss
        st.warning(tr("ag.overshoots", lr=lr, steps=steps, ratio=ratio), icon=":material/swap_vert:")  # fmt: skip
    gw, gb, surface = ag.loss_surface(cfg.seed, fit.path, fit.best)
    fig = make_descent_figure(fit.path, fit.losses, gw, gb, surface, best=fit.best, lang=cfg.lang)
    ui.chart(fig, key="ag_gd")
    m = st.columns(3)
    m[0].metric(tr("ag.final"), "{:.3f}, {:.3f}".format(*fit.path[-1]))
    m[1].metric(tr("ag.best"), "{:.3f}, {:.3f}".format(*fit.best))
    m[2].metric(tr("ag.final_loss"), f"{fit.final_loss:.4g}")
    show_code(ag.descent_code(lr, steps, cfg.seed))


def concepts() -> None:
    concepts_section()
    jacobian_section()


sections = [("ag.tab.graph", graph_section), ("ag.tab.concepts", concepts)]
lazy_tabs("ag_tab", [*sections, ("ag.tab.descent", descent_section)])
ui.check_yourself("autograd")
