"""Chapter 6: Training. The tutorial's loop, live, resumable; one step in slow motion; results."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st
import torch

from playground import layers as md
from playground import training as trn
from playground import ui
from playground.data.datasets import DATASETS, dataset_title
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.training import transfer as tl
from playground.training.controls import CONTROLS as C
from playground.training.controls import config_from
from playground.training.figures import make_compare_figure as compare_fig
from playground.training.figures import make_confusion_figure as confusion_fig
from playground.training.figures import selected_cell
from playground.ui import bound, class_names, lazy_tabs, page, show_code, show_error, table, tr
from playground.ui import state as shared
from playground.ui.panel import RunPanel, RunWords, asked, follow, in_slot
from playground.ui.runs import (
    RESUMED,
    TRAINING,
    continue_controls,
    reset_training,
    set_training,
    stop_training,
)
from playground.ui.training import curves, pipeline_lab, transfer_study

cfg = page()
ui.chapter_intro("nav.training", "train.intro")
runs: list[tuple[str, trn.History]] = ui.Slot("runs").setdefault([])  # finished, to compare
DATA_PARALLEL, TRANSFER, DRAWS = ui.Slot("tr_dp", False), ui.Slot("transfer"), ui.Slot("draws", 0)
CELL, CELL_ACTUAL, CELL_PRED = ui.Slot("tr_cm_cell"), ui.Slot("tr_a", 0), ui.Slot("tr_p", 1)
CONFUSION, COMPARED = ui.Slot("tr_cm"), ui.Slot[list[str]]("tr_cmp")
if (refused := shared.model_from_link()) is not None:  # a link may carry the built model
    show_error(refused)


def setup() -> tuple[trn.TrainConfig, str, int | None, list[md.LayerSpec]]:
    disk = shared.on_disk()
    names = [k for k in DATASETS if disk.has(k, train=True)]
    c = ui.row(vertical_alignment="bottom")
    names += [shared.UPLOADED] if shared.uploaded() is not None else []  # the Data page's zip
    own = tr("data.tab.upload")
    titles = {"format_func": lambda k: own if k == shared.UPLOADED else dataset_title(k, cfg.lang)}
    dataset = bound(c.selectbox, tr("data.dataset"), names, key="tr_data", **titles)
    subset = ui.control(
        c.number_input, C["subset"], tr("train.subset"), help=tr("train.subset_help")
    )
    use_builder = shared.has_built_model() and bound(
        c.toggle, tr("train.use_builder"), True, key="tr_builder"
    )
    fmt = {"format_func": {k: tr(f"layers.preset.{k}") for k in md.TRAINABLE}.__getitem__}
    preset = bound(c.selectbox, tr("layers.preset"), list(md.TRAINABLE), key="tr_preset",
                   disabled=bool(use_builder), **fmt)  # fmt: skip
    if use_builder:  # the built model travels in this page's link too
        shared.link_model(*shared.built_model())
    specs = shared.built_model()[0] if use_builder else md.PRESETS[preset]
    c = ui.row()
    chosen = {  # each control's range, default and URL key are declared in training/controls.py
        "loss": ui.control(c.selectbox, C["loss"], tr("train.loss"), help=tr("train.loss_help")),
        "optimizer": (opt := ui.control(c.selectbox, C["optimizer"], tr("train.optimizer"))),
        "learning_rate": ui.control(c.select_slider, C["learning_rate"], "learning_rate"),
        "batch_size": ui.control(c.select_slider, C["batch_size"], "batch_size"),
    }
    c, sgd_only = ui.row(vertical_alignment="bottom"), {"disabled": opt != "SGD"}
    chosen["epochs"] = ui.control(c.number_input, C["epochs"], "epochs")
    chosen["momentum"] = ui.control(c.number_input, C["momentum"], "momentum", **sgd_only)
    chosen["nesterov"] = ui.control(c.toggle, C["nesterov"], "nesterov", **sgd_only)
    chosen["weight_decay"] = ui.control(
        c.number_input, C["weight_decay"], "weight_decay", format="%g"
    )
    return config_from(chosen, cfg.seed), dataset, int(subset) or None, specs


config, dataset, subset, specs = setup()


def datasets() -> tuple:
    return shared.training_data(dataset)


def shape_of(name: str) -> tuple[int, ...]:
    return tuple(shared.training_data(name)[0].images.shape[1:])


def run_key(c: trn.TrainConfig) -> trn.RunKey:
    n = min(len(train := datasets()[0]), subset or len(train))
    return trn.run_key(specs, shape_of(dataset), shared.dataset_identity(dataset), c, n,
                       device=cfg.device, data_parallel=DATA_PARALLEL.get())  # fmt: skip


def new_trainer(c: trn.TrainConfig, *, private: bool = False) -> trn.Trainer:
    """Every run of this page starts here: the class's shared run for these settings (or a
    private one), registered so the janitor frees it once nobody holds it."""

    def make() -> trn.Trainer:
        return trn.Trainer(
            specs, shape_of(dataset), *datasets(), c, device=cfg.device, subset=subset,
            data_parallel=DATA_PARALLEL.get(), dataset=dataset,
        )  # fmt: skip

    return shared.track(make() if private else trn.shared_trainer(run_key(c), make))


if RESUMED.pop() is not None:
    st.success(tr("save.resumed"), icon=":material/restore:")
WORDS = RunWords("train.start", "train.again", "train.resume", "train.progress",
                 "train.progress_stopped", "train.progress_done", "train.shared", "train.shared_help")  # fmt: skip
panel = RunPanel[trn.Trainer]("tr", WORDS, TRAINING)
trainer = shared.trainer()
beside = panel.buttons(panel.state(trainer), on_run=set_training, on_stop=stop_training,
                       on_reset=reset_training)  # fmt: skip
if cfg.device.type == "cuda" and torch.cuda.device_count() > 1:  # a real choice only then
    bound(beside.toggle, tr("train.data_parallel", n=torch.cuda.device_count()), key=DATA_PARALLEL.key)  # fmt: skip
if trainer is not None and trainer.cfg != config:
    beside.caption(tr("train.changed"))
continue_controls()
panel.places()


def draw(t: trn.Trainer) -> None:
    rate, left = trn.speed(t)
    panel.show(t, t.history.log, rate=rate, left=left, epoch=min(t.epoch + 1, t.cfg.epochs))
    draws = DRAWS.set(DRAWS.get() + 1)
    ui.chart(curves(t, cfg.lang), key=f"tr_curves_{draws}", into=panel.body)


def train_now() -> None:
    t = shared.trainer()
    if t is None or t.done:  # "Train again": the run for the current settings
        t = shared.set_trainer(new_trainer(config))
    panel.follow(t, draw)
    if t.done and id(t.history) not in {id(h) for _, h in runs}:
        runs.append((f"#{len(runs) + 1} {t.cfg.label()}", t.history))


if TRAINING.get():
    try:  # the class's run for these settings, or this session's own stopped one
        ticket = run_key(config) if trainer is None or trainer.done else trainer.shared_key
        panel.go(ticket, train_now, free=shared.clear_trainer, current=shared.trainer)
    except ValueError as err:  # settings the budget refuses: said once, below the buttons
        TRAINING.set(False)
        show_error(err)
if trainer is not None:
    draw(trainer)
    st.caption(tr("train.pipeline", name=trn.pipeline_label(trainer.pipeline, cfg.lang)))
    panel.footer(trainer, diverged=trainer.diverged)
show_code(trn.training_code(config, specs, dataset, subset, device=cfg.device,
                            data_parallel=DATA_PARALLEL.get()))  # fmt: skip


def slow_section() -> None:
    st.markdown(tr("train.slow_intro"))
    if not st.button(tr("train.step"), icon=":material/slow_motion_video:"):
        return
    try:
        t = shared.trainer() or shared.set_trainer(new_trainer(config, private=True))
        if t.shared_key is not None:  # one step in slow motion changes the run: this one's own
            t = shared.set_trainer(t.fork())
    except ValueError as err:
        show_error(err)
        return
    s = trn.slow_step(t)
    st.markdown(f"**1. {tr('train.s_forward')}**")
    table(s.forward_table())
    st.markdown(f"**2. {tr('train.s_loss')}** `loss = {s.loss:.6f}`")
    st.markdown(
        f"**3. backward()** — {tr('train.s_backward')}; **4. step()** — {tr('train.s_step')}"
    )
    c = st.columns(2)
    with c[0]:
        table(pd.DataFrame({"‖grad‖": s.grad_norms, "max |Δ| (step)": s.changes}), hide_index=False)
    c[1].caption(f"{s.grad_example[0]}.grad")
    ui.chart(make_tensor_figure(s.grad_example[1][:32, :32]), key="tr_grad", into=c[1])
    if s.sgd_check is not None:
        st.success(tr("train.sgd_check", diff=s.sgd_check), icon=":material/check_circle:")
    st.markdown(f"**5. zero_grad()** — {tr('train.s_zero', ok=all(s.grads_after_zero.values()))}")


def results_section() -> None:
    t = shared.trainer()
    if t is None or not t.history.test_accuracy:
        st.info(tr("train.no_results"), icon=":material/info:")
        return
    t = trn.steady(t)  # never read a model another session is training mid-step
    r, names = trn.results(t), class_names(t.classes)
    c = st.columns(2)
    ui.chart(
        make_bar_figure(names, r.per_class, y_title=tr("fig.accuracy")), key="tr_pc", into=c[0]
    )
    if (cell := selected_cell(CONFUSION.get(), names)) and cell != CELL.get():
        ui.Slot.set_many((CELL, cell), (CELL_ACTUAL, cell[0]), (CELL_PRED, cell[1]))  # below
    fig = confusion_fig(r.matrix, names, (CELL_ACTUAL.get(), CELL_PRED.get()), lang=cfg.lang)
    ui.chart(fig, key=CONFUSION.key, on_select="rerun", selection_mode="points", into=c[1])
    c = st.columns(2)
    fmt = {"format_func": names.__getitem__}
    a = bound(c[0].selectbox, tr("train.actual"), range(len(names)), key=CELL_ACTUAL.key, **fmt)
    p = bound(c[1].selectbox, tr("train.predicted"), range(len(names)), 1, key=CELL_PRED.key, **fmt)
    st.caption(tr("train.cell", n=int(r.matrix[a, p]), actual=names[a], predicted=names[p]))
    if len(idx := r.cell(t.y_test, a, p)):
        ui.chart(make_grid_figure(trn.images_of(t, idx), cols=8), key="tr_cell")
    wrong = r.mistakes(t.y_test)
    labels = [
        tr("train.p_a", p=names[r.predicted[i]], a=names[t.y_test[i]]) for i in wrong.tolist()
    ]
    st.caption(tr("train.mistakes"))
    ui.chart(make_grid_figure(trn.images_of(t, wrong), labels, cols=4), key="tr_wrong")


def compare_section() -> None:
    st.markdown(tr("train.cmp_intro"))
    c = st.columns([1, 3])
    field = bound(
        c[0].selectbox, tr("train.cmp_field"), list(trn.COMPARE_FIELDS), key="tr_cmp_field"
    )
    options = trn.COMPARE_FIELDS[field]
    default = {"learning_rate": [0.1, 1e-2, 1e-3], "optimizer": ["SGD", "Adam"]}
    values = bound(c[1].multiselect, tr("train.cmp_values"), options,
                   default.get(field, [32, 64, 128]), max_selections=3, key=f"tr_cmp_{field}")  # fmt: skip
    pressed = st.button(tr("train.cmp_run"), icon=":material/stacked_line_chart:", key="tr_cmp_go")
    if asked(pressed, "tr_cmp"):  # each setting is the class's run of it: trained once
        status = st.empty()
        work = lambda: run_compare(trn.compare_configs(config, field, values), status)  # noqa: E731
        in_slot(work, free=shared.clear_trainer, into=status)
    if not (finished := dict(runs)):  # an empty multiselect is drawn disabled, unreadable
        st.caption(tr("train.compare_none"))
        return
    chosen = st.multiselect(
        tr("train.compare"), list(finished), list(finished)[-3:], key=COMPARED.key
    )
    if chosen:
        ui.chart(compare_fig([(k, finished[k]) for k in chosen], lang=cfg.lang), key="tr_cmp_fig")


def run_compare(configs: list[trn.TrainConfig], bar: Any) -> None:
    chosen: list[str] = []
    for k, c in enumerate(configs):
        t = new_trainer(c)  # the class's run for c: trained once however many compare it
        follow(t, lambda t, k=k, c=c: bar.progress((k + t.progress) / len(configs), c.label()))
        name = f"#{len(runs) + 1} {c.label()}" + (" ✗ NaN" if t.diverged else "")
        runs.append((name, t.history))
        chosen.append(name)
    bar.progress(1.0, tr("train.cmp_done", n=len(configs)))
    COMPARED.set(chosen)  # the multiselect below shows exactly this comparison


def transfer_section() -> None:
    st.markdown(tr("train.tl_intro"))
    c = st.columns(4)
    opt = bound(c[0].selectbox, tr("train.optimizer"), trn.OPTIMIZERS, 1, key="tl_opt")
    src_epochs = bound(c[1].number_input, tr("train.tl_source_epochs"), 1, 10, 3, key="tl_src")
    epochs = bound(c[2].number_input, tr("train.tl_epochs"), 1, 10, 3, key="tl_epochs")
    n = bound(c[3].number_input, tr("train.tl_subset"), 50, 30_000, 1000, 50, key="tl_n")
    upload = ui.uploader(tr("train.tl_upload"), ["safetensors", "pth", "pt"], key="tl_up")
    tl_cfg = replace(config, optimizer=opt, epochs=int(epochs))

    if asked(st.button(tr("train.tl_run"), icon=":material/call_split:", type="primary"), "tl"):
        try:  # the class's study for these settings and source: trained once
            study = transfer_study(
                specs, shape_of(dataset), datasets(), shared.dataset_identity(dataset), tl_cfg,
                int(src_epochs), int(n), upload, cfg.device, cfg.lang, free=shared.clear_trainer,
            )  # fmt: skip
            TRANSFER.set(study or TRANSFER.get())
        except ValueError as err:  # the Data page's upload is gone
            show_error(err)
    if report := TRANSFER.get():
        if report.source_accuracy is not None:
            st.caption(tr("train.tl_source", acc=100 * report.source_accuracy))
        st.dataframe(pd.DataFrame(tl.report_rows(report, cfg.lang)), hide_index=True)
        ui.chart(compare_fig(tl.curves(report, cfg.lang), lang=cfg.lang), key="tl_fig")
        st.caption(tr("train.tl_note"))
    show_code(tl.transfer_code(tl_cfg, specs, dataset, int(src_epochs), int(n), device=cfg.device))


def lab_section() -> None:
    st.markdown(tr("train.lab_intro"))
    if asked(st.button(tr("train.lab_run"), icon=":material/speed:"), "lab"):  # waits its turn
        lab = pipeline_lab(datasets()[0], specs, shared.dataset_identity(dataset), cfg.device, cfg.lang)  # fmt: skip
        if lab is not None:
            table(lab)
    st.caption(tr("train.lab_note"))
    st.caption(tr("train.multi_gpu", n=torch.cuda.device_count()))


sections = [slow_section, results_section, compare_section, transfer_section, lab_section]
lazy_tabs("tr_tab", [(f"train.tab.{f.__name__.removesuffix('_section')}", f) for f in sections])
ui.check_yourself("training")
