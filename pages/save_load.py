"""Chapter 7: Save & load. state_dict, safe checkpoints, resume, eval mode and inference."""

from __future__ import annotations

import pandas as pd
import streamlit as st
import torch

from playground import layers as md
from playground import save_load as ck
from playground import ui
from playground.core.errors import CheckpointError, PlaygroundError, UnsafeCheckpointError
from playground.layers.figures import probabilities
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.training.shared import steady
from playground.ui import (
    bound,
    class_names,
    lazy_tabs,
    localized,
    page,
    shared_dataset,
    show_code,
    show_error,
    table,
    tr,
)
from playground.ui import state as shared
from playground.ui.layers import checked
from playground.ui.runs import open_resumed_run, resume_controls
from playground.ui.save_load import SHARED_MAX_PARAMS, fresh_model, own_model

cfg = page()
open_resumed_run()
ui.chapter_intro("nav.save_load", "save.intro")
PREPARED = ui.Slot[tuple]("s_prepared")  # (what was saved, its bytes): built once per click
LOADED = ui.Slot[torch.nn.Module]("loaded_model")  # the model a loaded file went into
if (trainer := shared.trainer()) is not None:
    trainer = steady(trainer)  # a run the class is training: its weights as of now, untorn
    model, specs, shape = trainer.model, trainer.specs, trainer.input_shape
    st.caption(tr("save.from_training", label=trainer.cfg.label(), epoch=trainer.epoch))
else:
    specs, shape = shared.built_model()
    st.caption(tr("save.fresh"))
# One rule for a model that does not fit its input: the Layers page's message and fix, here too.
try:
    check = checked(tuple(specs), tuple(shape)) if trainer is None else None  # a server's
except PlaygroundError as err:  # over the budget: nothing is built
    show_error(err)
    st.stop()
if trainer is None:  # the class's one untrained model when small: sections take own_model
    model = fresh_model(tuple(specs), cfg.seed, check.params)
class_model = trainer is None and check.params <= SHARED_MAX_PARAMS
if check is not None and not check.ok:
    shared.show_misfit(check, here=False)
fits = check is None or check.ok

MAX_REPORT_LINES = 12


def explorer_section() -> None:
    rows = ck.state_dict_rows(model)
    table([{**r, "kind": tr(f"save.kind.{r['kind']}")} for r in rows])
    total = sum(r["bytes"] for r in rows)
    st.caption(tr("save.sd_total", n=len(rows), mb=total / 2**20))
    st.info(tr("save.sd_note"), icon=":material/info:")
    if trainer is not None:
        groups, buffers = ck.optimizer_rows(trainer.optimizer)
        st.subheader(tr("save.optimizer"))
        table(groups)
        table(buffers)
    show_code(ck.explorer_code(specs, cfg.seed))


FORMATS = ("safetensors", "pth", "checkpoint", "whole", "onnx")
IMAGE_TYPES = ["png", "jpg", "jpeg", "bmp", "gif", "webp"]  # the raster formats decoded here


def save_section() -> None:
    fmt_name = {"format_func": lambda k: tr(f"save.fmt.{k}")}
    fmt = bound(st.radio, tr("save.format"), FORMATS, key="s_fmt", horizontal=True, **fmt_name)
    st.caption(tr(f"save.why.{fmt}"))
    if fmt == "checkpoint" and trainer is None or fmt == "onnx" and not ck.onnx_available():
        st.info(
            tr("save.need_training" if fmt == "checkpoint" else "save.onnx_missing"),
            icon=":material/info:",
        )
        return
    if not fits:
        st.caption(tr("save.misfit_save"))
    if fmt == "whole":  # said before the file is taken, not after an upload fails
        st.warning(tr("save.whole_refused"), icon=":material/gpp_maybe:")
    # The file belongs to this format and this state of the model; it stays after a download.
    run = trainer and (id(trainer), trainer.epoch, trainer.batch)
    stamp = (fmt, str(specs), tuple(shape), cfg.seed, run)
    if st.button(tr("save.prepare"), icon=":material/save:"):
        net = own_model(model, shared=class_model)
        PREPARED.set((stamp, ck.save_bytes(fmt, net, trainer, tuple(shape))))
    if (ready := PREPARED.get()) and ready[0] == stamp:
        name, data = ck.FILE_NAMES[fmt], ready[1]
        label = tr("save.download", name=name, size=ck.file_size(len(data)))
        st.download_button(
            label, data, file_name=name, icon=":material/download:", on_click="ignore"
        )
    show_code(ck.save_code(fmt, specs, cfg.seed))


def load_section() -> None:
    file = ui.uploader(tr("save.upload"), ["pth", "pt", "ckpt", "safetensors"], key="s_file")
    strict = bound(st.toggle, tr("save.strict"), True, key="s_strict")
    if file is None:
        show_code(ck.load_code(specs, cfg.seed))
        return
    try:
        obj = ck.read_checkpoint(file.getvalue(), file.name)
        sd = ck.state_dict_of(obj)
    except UnsafeCheckpointError as err:
        st.error(localized(err), icon=":material/gpp_bad:")
        return
    except CheckpointError as err:
        show_error(err)
        return
    target = md.build_model(specs, seed=cfg.seed)
    report = ck.load_into(target, sd, strict=strict)
    if lines := report.lines():  # one box, however many keys differ (a file may name 10,000)
        shown = [f"- {localized(line)}" for line in lines[:MAX_REPORT_LINES]]
        if len(lines) > MAX_REPORT_LINES:
            shown.append(f"- {tr('save.more_lines', n=len(lines) - MAX_REPORT_LINES)}")
        st.warning("\n".join(shown), icon=":material/rule:")
    if report.mismatched or (strict and not report.ok):
        st.error(tr("save.not_loaded"), icon=":material/error:")
        return
    st.success(tr("save.loaded", n=len(sd)), icon=":material/check_circle:")
    LOADED.set(target)
    if isinstance(obj, dict) and "generator_state" in obj:
        resume_controls(obj, cfg.device)
    show_code(ck.load_code(specs, cfg.seed))


def modes_section() -> None:
    demo_specs = md.PRESETS["modern_cnn"]
    demo = ck.train_vs_eval(
        md.build_model(demo_specs, seed=cfg.seed),
        torch.rand(2, 1, 28, 28, generator=torch.Generator().manual_seed(cfg.seed)),
        md.build_model(demo_specs, seed=cfg.seed + 1),
    )
    st.markdown(tr("save.modes_intro"))
    rows = [(tr(key), *values) for key, *values in demo.rows()]
    columns = ["", tr("save.col.first"), tr("save.col.second"), tr("save.col.differ")]
    st.dataframe(pd.DataFrame(rows, columns=columns), hide_index=True)
    show_code(ck.modes_code(cfg.seed))


def inference_section() -> None:
    if not fits and not LOADED.is_set():
        st.info(tr("save.misfit_run"), icon=":material/block:")
        return
    net = LOADED.get() or own_model(model, shared=class_model)
    net.eval()
    ds = shared_dataset("offline", False) if tuple(shape) == (1, 28, 28) else None
    # The test image first; an upload, when there is one, takes its place.
    i = bound(st.slider, tr("save.pick"), 0, len(ds) - 1, 0, key="s_idx") if ds else 0
    upload = ui.uploader(tr("save.image"), IMAGE_TYPES, key="s_img")
    actual = None
    if upload is not None:
        try:
            x = ck.image_to_input(upload.getvalue(), shape)
        except PlaygroundError as err:
            show_error(err)
            return
        st.caption(tr("save.resized", shape=tuple(shape)))
    elif ds is not None:
        x, actual = (
            ds.images[i : i + 1].float().mul(1 / 255),
            class_names(ds.classes)[int(ds.targets[i])],
        )
    else:
        st.info(tr("save.no_images"), icon=":material/info:")
        return
    with torch.no_grad():
        probs, pred = probabilities(net(x.to(next(net.parameters()).device)))
    classes = class_names(ds.classes) if ds is not None else [str(k) for k in range(probs.shape[1])]
    c = st.columns([1, 3])
    image = make_grid_figure((x * 255).round().to(torch.uint8), cols=1, height=220)
    ui.chart(image, key="s_x", into=c[0])
    bars = classes[: probs.shape[1]], probs[0].tolist()
    ui.chart(make_bar_figure(*bars, y_title=tr("save.probability")), key="s_p", into=c[1])
    guess = classes[int(pred[0])]
    if actual:
        st.markdown(tr("save.predicted_actual", predicted=guess, actual=actual))
    else:
        st.markdown(tr("save.predicted", predicted=guess))
    if actual and trainer is None and not LOADED.is_set():  # the script gives these
        show_code(ck.inference_code(specs, cfg.seed, i))


sections = [explorer_section, save_section, load_section, modes_section, inference_section]
lazy_tabs("s_tab", [(f"save.tab.{f.__name__.removesuffix('_section')}", f) for f in sections])
ui.check_yourself("save_load")
