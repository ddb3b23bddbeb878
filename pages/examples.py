"""Chapter 8: Learning PyTorch with Examples. One problem at eight levels, each beside the last."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground import examples as ex
from playground import ui
from playground.server.work import own_copy
from playground.ui import Slot, bound, lazy_tabs, page, show_code, state, tr
from playground.ui.panel import RunPanel, RunWords, asked, shared_job

cfg = page()
ui.chapter_intro("nav.examples", "ex.intro")
KEYS = [lv.key for lv in ex.LEVELS["sin"]]  # the URL carries the level's name
RUNS = Slot[dict[tuple[str, int], ex.ExampleRun]]("ex_runs")  # this session's runs, by level
LEVEL, RUNNING, DRAWS = Slot("ex_level", KEYS[0]), Slot("ex_running", False), Slot("ex_draws", 0)
AGREE = Slot[tuple]("ex_agree")  # (config, the levels' agreement) last computed
TIMES = Slot[tuple]("ex_times")  # (problem, device, the levels' timings) last measured
runs = RUNS.setdefault({})
for gone in [k for k, r in runs.items() if r.released]:
    del runs[gone]  # the janitor freed it while the tab was away
LABELS = {k: tr(f"ex.level.{key}") for k, key in enumerate(KEYS)}


def _move(delta: int) -> None:
    k = KEYS.index(LEVEL.get()) + delta
    LEVEL.set(KEYS[min(max(k, 0), len(KEYS) - 1)])


c = ui.row(vertical_alignment="bottom")
fmt_problem = {"format_func": {p: tr(f"ex.problem.{p}") for p in ex.PROBLEMS}.__getitem__}
problem = bound(c.selectbox, tr("ex.problem"), ex.PROBLEMS, key="ex_problem", **fmt_problem)
fmt_level = {
    "format_func": {key: f"{k + 1}. {LABELS[k]}" for k, key in enumerate(KEYS)}.__getitem__
}
index = KEYS.index(bound(c.selectbox, tr("ex.level"), KEYS, key=LEVEL.key, **fmt_level))
c.button(
    tr("ex.prev"), on_click=_move, args=(-1,), disabled=index == 0, icon=":material/arrow_back:"
)
c.button(tr("ex.next"), on_click=_move, args=(1,), disabled=index == len(LABELS) - 1, icon=":material/arrow_forward:")  # fmt: skip
level = ex.LEVELS[problem][index]
cap = ex.MAX_RELU_ITERATIONS if problem == "relu" else ex.MAX_ITERATIONS
c = ui.row()
lr = bound(
    c.number_input, "learning_rate", 1e-10, 1.0, level.lr, format="%g",
    key=f"ex_lr_{problem}_{index}", help=tr("ex.lr_help"),
)  # fmt: skip
iterations = bound(
    c.number_input, tr("ex.iterations"), 1, cap, level.iterations, 100,
    key=f"ex_it_{problem}_{index}",
)  # fmt: skip
dtype = bound(c.selectbox, "dtype", ex.DTYPES, key="ex_dtype", help=tr("ex.dtype_help"))
device = "cpu" if index == 0 else str(cfg.device)
config = ex.ExampleConfig(problem, index, float(lr), int(iterations), cfg.seed, dtype, device)
st.info(tr(f"ex.why.{problem}.{level.key}"), icon=":material/lightbulb:")
if index == 0 and cfg.device.type != "cpu":
    st.caption(tr("ex.numpy_cpu"))
if level.key == "dynamic":
    st.page_link(ui.page_of("pages/autograd.py"), label=tr("ex.dynamic_link"), icon=":material/account_tree:",
                 query_params={"ag_tab": "concepts"})  # fmt: skip


def _resumable(run: ex.ExampleRun | None) -> bool:
    return run is not None and not run.done and run.cfg == config


def _run() -> None:
    RUNNING.set(True)
    if not _resumable(runs.get((problem, index))):
        runs.pop((problem, index), None)  # a fresh run; a stopped one with these settings goes on


def _stop() -> None:
    RUNNING.set(False)
    run = runs.get((problem, index))
    if run is not None and (own := own_copy(run)) is not run:
        runs[(problem, index)] = state.track(own)  # Stop: the class's run is left alone


WORDS = RunWords("ex.start", "ex.again", "ex.resume", "ex.progress", "ex.progress_stopped",
                 "ex.progress_done", "ex.shared", "ex.shared_help")  # fmt: skip
panel = RunPanel[ex.ExampleRun]("ex", WORDS, RUNNING, log_lines=12)
held = runs.get((problem, index))
panel.buttons(panel.state(held, resumable=_resumable(held)), on_run=_run, on_stop=_stop)
panel.places()


def draw(run: ex.ExampleRun) -> None:
    t, n = len(run.losses), run.cfg.iterations
    panel.show(run, run.log(), t=t, n=n, rate=t / max(run.seconds, 1e-9))
    draws = DRAWS.set(DRAWS.get() + 1)  # each redraw is a new element
    with panel.body.container():
        left, right = st.columns(2)
        mine = [
            (f"{k + 1}. {LABELS[k]}", r.losses)
            for (p, k), r in sorted(runs.items())
            if p == problem
        ]
        axes = {"x_title": tr("ex.chart.iteration"), "y_title": tr("ex.chart.loss")}
        ui.chart(ex.make_loss_figure(mine, **axes), key=f"ex_loss_{draws}", into=left)
        if problem == "sin":
            fig = ex.make_fit_figure(ex.sin_targets(), ex.fitted_curve(run),
                                     target_name="sin(x)", fit_name=tr("ex.chart.fit"))  # fmt: skip
        else:
            fig = ex.make_scatter_figure(*run.level.prediction(), x_title=tr("ex.chart.target"),
                                         y_title=tr("ex.chart.prediction"))  # fmt: skip
        ui.chart(fig, key=f"ex_fit_{draws}", into=right)


def run_now() -> None:
    if (run := runs.get((problem, index))) is None:  # the class's run of these settings
        run = runs[(problem, index)] = state.track(ex.shared_example(config))
    panel.follow(run, draw)


if RUNNING.get():
    ticket = ex.example_key(config) if held is None else held.shared_key
    held_now = lambda: runs.get((problem, index))  # noqa: E731
    panel.go(ticket, run_now, free=lambda: runs.pop((problem, index), None), current=held_now)
if (current := runs.get((problem, index))) is not None:
    draw(current)
    panel.footer(current, diverged=current.diverged)
    if current.diverged is None and current.cfg != config:
        st.caption(tr("ex.changed"))
code = ex.example_code(config)
show_code(code)


def diff_section() -> None:
    if index == 0:
        st.caption(tr("ex.diff_first"))
        return
    before = ex.example_code(ex.ExampleConfig(problem, index - 1, config.lr, config.iterations, cfg.seed, dtype, device))  # fmt: skip
    st.caption(tr("ex.diff_caption", before=LABELS[index - 1], after=LABELS[index]))
    st.code(ex.diff_code(before, code), language="diff", wrap_lines=True)


def agree_section() -> None:
    st.markdown(tr("ex.agree_intro"))
    if problem != "sin":
        st.caption(tr("ex.agree_relu"))
        return
    if st.button(tr("ex.agree_run"), icon=":material/compare_arrows:"):
        with st.spinner(tr("ex.working")):
            AGREE.set((config, ex.agreement(config)))
    if (kept := AGREE.get()) and kept[0] == config:
        a = kept[1]
        c = st.columns(3)
        c[0].metric(tr("ex.agree_steps"), f"{a.steps:,}")
        c[1].metric(tr("ex.agree_abs"), f"{a.max_abs:.3g}")
        c[2].metric(tr("ex.agree_rel"), f"{a.max_rel:.3g}")
        curves = [(f"{k + 1}. {LABELS[k]}", a.losses[k]) for k in range(3)]
        axes = {"x_title": tr("ex.chart.iteration"), "y_title": tr("ex.chart.loss")}
        ui.chart(ex.make_loss_figure(curves, **axes), key="ex_agree")
        st.caption(tr("ex.agree_note", dtype=dtype))
    st.markdown(tr("ex.grad_intro"))
    cols = {k: tr(f"ex.col.{k}") for k in ("parameter", "hand", "autograd", "difference")}
    sci = {cols["difference"]: st.column_config.NumberColumn(format="%.2e")}
    st.dataframe(
        pd.DataFrame(ex.gradient_rows(config)).rename(columns=cols),
        hide_index=True,
        column_config=sci,
    )


def gradcheck_section() -> None:
    check = ex.check_function(problem, seed=cfg.seed)
    st.markdown(tr("ex.gc_intro", name=check.name, n=check.points))
    key = "ex.gc_pass" if check.passed else "ex.gc_fail"
    (st.success if check.passed else st.error)(tr(key, name=check.name, err=check.max_error))


def time_levels() -> None:  # a class pressing at once shares one measurement
    key = ("time_levels", problem, str(cfg.device))
    work = lambda _: ex.time_levels(problem, str(cfg.device))  # noqa: E731
    if rows := shared_job(key, work, keep=False, label=lambda _: tr("ex.working")):
        TIMES.set((problem, str(cfg.device), rows))


def timing_section() -> None:
    st.markdown(tr("ex.time_intro"))
    if asked(st.button(tr("ex.time_run"), icon=":material/timer:"), "ex_time"):
        time_levels()  # timings share the training queue
    if (kept := TIMES.get()) and kept[:2] == (problem, str(cfg.device)):
        rows = kept[2]
        base = rows[0][2]
        table = pd.DataFrame(
            [(f"{k + 1}. {LABELS[k]}", d, round(ms, 4), round(base / ms, 2)) for k, (_, d, ms) in enumerate(rows)],
            columns=[tr("ex.col.level"), tr("ex.col.device"), tr("ex.col.ms"), tr("ex.col.vs_numpy")],
        )  # fmt: skip
        st.dataframe(table, hide_index=True)
    st.caption(tr("ex.time_note"))


def numpy_section() -> None:
    facts = ex.numpy_next_to_torch()
    st.markdown(tr("ex.np_dtypes", numpy=facts["numpy_default"], torch=facts["torch_default"]))
    st.markdown(tr("ex.np_shares", shared=facts["from_numpy_sees_change"], copied=facts["tensor_sees_change"]))  # fmt: skip
    st.markdown(tr("ex.np_grad"))
    st.code(str(facts["numpy_on_grad"]), language="text", wrap_lines=True)
    st.markdown(tr("ex.np_cuda") if "numpy_on_cuda" in facts else tr("ex.np_cuda_none"))
    if "numpy_on_cuda" in facts:
        st.code(str(facts["numpy_on_cuda"]), language="text", wrap_lines=True)
    cols = {k: tr(f"ex.col.{k}") for k in ("numpy", "torch", "difference")}
    st.dataframe(pd.DataFrame(facts["operations"]).rename(columns=cols), hide_index=True)


sections = [diff_section, agree_section, gradcheck_section, timing_section, numpy_section]
lazy_tabs("ex_tab", [(f"ex.tab.{f.__name__.removesuffix('_section')}", f) for f in sections])
ui.check_yourself("examples")
