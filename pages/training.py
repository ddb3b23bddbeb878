"""Chapter 6: Training. The tutorial's loop, live, resumable; one step in slow motion; results."""

from __future__ import annotations

import time
import uuid
from dataclasses import replace

import pandas as pd
import streamlit as st
import torch

from playground import layers as md
from playground import save_load as ck
from playground import training as trn
from playground.data.datasets import DATASETS, data_root, dataset_title, is_available
from playground.plots.heatmap import make_tensor_figure
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.server.runs import RUNS
from playground.server.slots import SLOTS
from playground.training import transfer as tl
from playground.training.figures import make_compare_figure as compare_fig
from playground.training.figures import make_confusion_figure as confusion_fig
from playground.training.figures import make_curves_figure as curves_fig
from playground.training.figures import selected_cell
from playground.ui import lazy_tabs, page, session_id, shared_dataset, show_code, show_error, tr

cfg = page()
st.title(tr("nav.training"))
st.write(tr("train.intro"))
state = st.session_state
Q = {"bind": "query-params"}  # a teacher's address bar carries the whole setup
# Read once: a closed tab's session state may be gone before a `finally` runs.
SESSION = state.setdefault("train_session", uuid.uuid4().hex)
state.setdefault("runs", [])


def setup() -> tuple[trn.TrainConfig, str, int | None, list[md.LayerSpec]]:
    names = [k for k in DATASETS if k == "offline" or is_available(k, data_root(), True)]
    c = st.columns(4)
    titles = {"format_func": lambda k: dataset_title(k, cfg.lang)}
    dataset = c[0].selectbox(tr("data.dataset"), names, key="tr_data", **Q, **titles)
    sub = {"key": "tr_subset", "help": tr("train.subset_help"), **Q}
    subset = c[1].number_input(tr("train.subset"), 0, 60_000, 10_000, 1_000, **sub)
    built = "model_specs" in state
    use_builder = built and c[2].toggle(tr("train.use_builder"), True, key="tr_builder")
    fmt = {"format_func": {k: tr(f"layers.preset.{k}") for k in md.PRESETS}.__getitem__}
    preset = c[3].selectbox(tr("layers.preset"), list(md.PRESETS), key="tr_preset", **Q, **fmt)
    specs = state["model_specs"] if use_builder else md.PRESETS[preset]
    c = st.columns(4)
    help_loss = {"help": tr("train.loss_help"), **Q}
    loss = c[0].selectbox(tr("train.loss"), trn.LOSSES, key="tr_loss", **help_loss)
    opt = c[1].selectbox(tr("train.optimizer"), trn.OPTIMIZERS, key="tr_opt", **Q)
    lr = c[2].select_slider("learning_rate", trn.LEARNING_RATES, 1e-3, key="tr_lr", **Q)
    batch = c[3].select_slider("batch_size", trn.BATCH_SIZES, 64, key="tr_bs", **Q)
    c = st.columns(4)
    epochs = c[0].number_input("epochs", 1, 50, 5, key="tr_epochs", **Q)
    momentum = c[1].number_input(
        "momentum", 0.0, 0.99, 0.0, 0.1, key="tr_mom", **Q, disabled=opt != "SGD"
    )
    nesterov = c[2].toggle("nesterov", False, key="tr_nesterov", **Q, disabled=opt != "SGD")
    decay = c[3].number_input("weight_decay", 0.0, 0.1, 0.0, 1e-4, format="%g", key="tr_wd", **Q)
    config = trn.TrainConfig(lr, batch, int(epochs), loss, opt, momentum, nesterov, decay, cfg.seed)
    return config, dataset, int(subset) or None, specs


config, dataset, subset, specs = setup()


def datasets() -> tuple:
    return shared_dataset(dataset, True), shared_dataset(dataset, False)


def shape_of(name: str) -> tuple[int, ...]:
    return tuple(shared_dataset(name, True).images.shape[1:])


def new_trainer() -> trn.Trainer | None:
    try:
        train, test = datasets()
        t = trn.Trainer(
            specs, shape_of(dataset), train, test, config, device=cfg.device, subset=subset,
            data_parallel=state.get("tr_dp", False),
        )  # fmt: skip
        RUNS.track(session_id(), t)  # freed if this session leaves for good
        return t
    except (ValueError, md.ModelError) as err:
        show_error(err)
        return None


def _set(training: bool, reset: bool = False) -> None:
    state["training"] = training
    if reset:
        state.pop("trainer", None)


b = st.columns([1, 1, 1, 3])
if getattr(state.get("trainer"), "released", False):  # freed while this session was away
    state.pop("trainer")
trainer: trn.Trainer | None = state.get("trainer")
label = tr("train.resume") if trainer and not trainer.done else tr("train.train")
b[0].button(label, on_click=_set, args=(True,), type="primary", icon=":material/play_arrow:")
b[1].button(tr("train.stop"), on_click=_set, args=(False,), icon=":material/stop:")
b[2].button(tr("train.reset"), on_click=_set, args=(False, True), icon=":material/restart_alt:")
if cfg.device.type == "cuda" and torch.cuda.device_count() > 1:  # a real choice only then
    b[3].toggle(tr("train.data_parallel", n=torch.cuda.device_count()), key="tr_dp", **Q)
if trainer is not None and trainer.cfg != config:
    b[3].caption(tr("train.changed"))
progress, chart, log_box = st.empty(), st.empty(), st.empty()


def draw(t: trn.Trainer) -> None:
    rate, left = trn.speed(t)
    epoch = min(t.epoch + 1, t.cfg.epochs)
    progress.progress(t.progress, tr("train.progress", rate=rate, left=left, epoch=epoch))
    state["draws"] = state.get("draws", 0) + 1  # each redraw is a new element
    chart.plotly_chart(curves_fig(t.history, t.n), key=f"tr_curves_{state['draws']}")
    log_box.code("\n".join(t.history.log[-14:]) or "…", "text")


if state.get("training"):
    if trainer is None or trainer.done and trainer.cfg != config:
        trainer = state["trainer"] = new_trainer()
    place = SLOTS.try_acquire(SESSION) if trainer else 0
    if place:
        st.info(tr("train.queue", place=place), icon=":material/hourglass_top:")
        time.sleep(1.0)  # poll for a free slot
        st.rerun()
    elif trainer:
        try:
            while not trainer.done and state.get("training"):
                trainer.run(max_seconds=0.75)  # Stop lands within ~0.75 s of a click
                draw(trainer)
        except torch.cuda.OutOfMemoryError:
            trainer = state["trainer"] = None  # drop the run so its GPU memory comes back
            torch.cuda.empty_cache()
            st.error(tr("train.oom"), icon=":material/memory:")
        finally:
            SLOTS.release(SESSION)
        state["training"] = False
        if (
            trainer
            and trainer.done
            and id(trainer.history) not in {id(h) for _, h in state["runs"]}
        ):
            state["runs"].append(
                (f"#{len(state['runs']) + 1} {trainer.cfg.label()}", trainer.history)
            )
if trainer is not None:
    draw(trainer)
    st.caption(tr("train.pipeline", name=trainer.pipeline))
    if trainer.diverged:
        st.error(trainer.diverged, icon=":material/trending_up:")
show_code(trn.training_code(config, md.model_code(specs), dataset, subset))


def slow_section() -> None:
    st.write(tr("train.slow_intro"))
    if not st.button(tr("train.step"), icon=":material/slow_motion_video:"):
        return
    t = state.get("trainer") or new_trainer()
    if t is None:
        return
    state["trainer"] = t
    s = trn.slow_step(t)
    st.markdown(f"**1. {tr('train.s_forward')}**")
    st.dataframe(s.forward_table(), hide_index=True)
    st.markdown(f"**2. {tr('train.s_loss')}** `loss = {s.loss:.6f}`")
    st.markdown(
        f"**3. backward()** — {tr('train.s_backward')}; **4. step()** — {tr('train.s_step')}"
    )
    c = st.columns(2)
    c[0].dataframe(pd.DataFrame({"‖grad‖": s.grad_norms, "max |Δ| (step)": s.changes}))
    c[1].caption(f"{s.grad_example[0]}.grad")
    c[1].plotly_chart(make_tensor_figure(s.grad_example[1][:32, :32]), key="tr_grad")
    if s.sgd_check is not None:
        st.success(tr("train.sgd_check", diff=s.sgd_check), icon=":material/check_circle:")
    st.markdown(f"**5. zero_grad()** — {tr('train.s_zero', ok=all(s.grads_after_zero.values()))}")


def results_section() -> None:
    t = state.get("trainer")
    if t is None or not t.history.test_accuracy:
        st.info(tr("train.no_results"), icon=":material/info:")
        return
    r, names = trn.results(t), list(t.classes)
    c = st.columns(2)
    c[0].plotly_chart(make_bar_figure(names, r.per_class, y_title="accuracy %"), key="tr_pc")
    if (cell := selected_cell(state.get("tr_cm"), names)) and cell != state.get("tr_cm_cell"):
        state["tr_cm_cell"] = state["tr_a"], state["tr_p"] = cell  # a click picks the cell below
    fig = confusion_fig(r.matrix, names, (state.get("tr_a", 0), state.get("tr_p", 1)))
    c[1].plotly_chart(fig, key="tr_cm", on_select="rerun", selection_mode="points")
    c = st.columns(2)
    fmt = {"format_func": names.__getitem__}
    a = c[0].selectbox(tr("train.actual"), range(len(names)), key="tr_a", **fmt)
    p = c[1].selectbox(tr("train.predicted"), range(len(names)), 1, key="tr_p", **fmt)
    st.caption(tr("train.cell", n=int(r.matrix[a, p]), actual=names[a], predicted=names[p]))
    if len(idx := r.cell(t.y_test, a, p)):
        st.plotly_chart(make_grid_figure(trn.images_of(t, idx), cols=8), key="tr_cell")
    wrong = r.mistakes(t.y_test)
    labels = [f'P: "{names[r.predicted[i]]}", A: "{names[t.y_test[i]]}"' for i in wrong.tolist()]
    st.caption(tr("train.mistakes"))
    st.plotly_chart(make_grid_figure(trn.images_of(t, wrong), labels, cols=4), key="tr_wrong")


def with_slot(work) -> None:
    """Run ``work`` in one of the server's training slots, or say where this session waits."""
    if place := SLOTS.try_acquire(SESSION):
        st.info(tr("train.queue_click", place=place), icon=":material/hourglass_top:")
        return
    try:
        work()
    except torch.cuda.OutOfMemoryError:
        torch.cuda.empty_cache()
        st.error(tr("train.oom"), icon=":material/memory:")
    except (ValueError, md.ModelError, ck.CheckpointError) as err:
        show_error(err)
    finally:
        SLOTS.release(SESSION)


def compare_section() -> None:
    st.write(tr("train.cmp_intro"))
    c = st.columns([1, 3])
    field = c[0].selectbox(tr("train.cmp_field"), list(trn.COMPARE_FIELDS), key="tr_cmp_field", **Q)
    options = trn.COMPARE_FIELDS[field]
    default = {"learning_rate": [0.1, 1e-2, 1e-3], "optimizer": ["SGD", "Adam"]}
    values = c[1].multiselect(
        tr("train.cmp_values"), options, default.get(field, [32, 64, 128]), max_selections=3
    )
    if st.button(tr("train.cmp_run"), icon=":material/stacked_line_chart:", key="tr_cmp_go"):
        with_slot(lambda: run_compare(trn.compare_configs(config, field, values)))
    runs = dict(state["runs"])
    chosen = st.multiselect(tr("train.compare"), list(runs), list(runs)[-3:], key="tr_cmp")
    if chosen:
        st.plotly_chart(compare_fig([(k, runs[k]) for k in chosen]), key="tr_cmp_fig")


def run_compare(configs: list[trn.TrainConfig]) -> None:
    bar, chosen = st.progress(0.0), []
    for k, c in enumerate(configs):
        t = trn.Trainer(specs, shape_of(dataset), *datasets(), c, device=cfg.device, subset=subset)
        while not t.done:
            t.run(max_seconds=0.75)
            bar.progress((k + t.progress) / len(configs), c.label())
        name = f"#{len(state['runs']) + 1} {c.label()}" + (" ✗ NaN" if t.diverged else "")
        state["runs"].append((name, t.history))
        chosen.append(name)
    state["tr_cmp"] = chosen  # the multiselect below shows exactly this comparison


def transfer_section() -> None:
    st.write(tr("train.tl_intro"))
    c = st.columns(4)
    opt = c[0].selectbox(tr("train.optimizer"), trn.OPTIMIZERS, 1, key="tl_opt", **Q)
    src_epochs = c[1].number_input(tr("train.tl_source_epochs"), 1, 10, 3, key="tl_src", **Q)
    epochs = c[2].number_input(tr("train.tl_epochs"), 1, 10, 3, key="tl_epochs", **Q)
    n = c[3].number_input(tr("train.tl_subset"), 50, 30_000, 1000, 50, key="tl_n", **Q)
    upload = st.file_uploader(tr("train.tl_upload"), ["safetensors", "pth", "pt"], key="tl_up")
    tl_cfg = replace(config, optimizer=opt, epochs=int(epochs))

    def work() -> None:
        source = ck.read_state_dict(upload.getvalue(), upload.name) if upload else None
        bar = st.progress(0.0)
        state["transfer"] = tl.run_transfer(
            specs, shape_of(dataset), *datasets(), tl_cfg, source_epochs=int(src_epochs),
            target_subset=int(n), source_state=source, device=cfg.device,
            progress=lambda name, f: bar.progress(f, tl.label(name, cfg.lang)),
        )  # fmt: skip

    if st.button(tr("train.tl_run"), icon=":material/call_split:", type="primary"):
        with_slot(work)
    if report := state.get("transfer"):
        if report.source_accuracy is not None:
            st.caption(tr("train.tl_source", acc=100 * report.source_accuracy))
        st.dataframe(pd.DataFrame(tl.report_rows(report, cfg.lang)), hide_index=True)
        st.plotly_chart(compare_fig(tl.curves(report, cfg.lang)), key="tl_fig")
        st.caption(tr("train.tl_note"))
    show_code(tl.transfer_code(tl_cfg, specs, dataset, int(src_epochs), int(n)))


def lab_section() -> None:
    st.write(tr("train.lab_intro"))
    if st.button(tr("train.lab_run"), icon=":material/speed:"):
        times = trn.pipeline_times(shared_dataset(dataset), specs, device=cfg.device)
        st.dataframe(trn.pipeline_table(times), hide_index=True)
    st.caption(tr("train.lab_note"))
    st.caption(tr("train.multi_gpu", n=torch.cuda.device_count()))


lazy_tabs(
    "tr_tab",
    [
        ("train.tab.slow", slow_section),
        ("train.tab.results", results_section),
        ("train.tab.compare", compare_section),
        ("train.tab.transfer", transfer_section),
        ("train.tab.lab", lab_section),
    ],
)
