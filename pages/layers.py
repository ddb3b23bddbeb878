"""Chapter 5: Model layers. Build a network, trace real shapes through it, look inside each layer."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from playground import layers as md
from playground import ui
from playground.core.errors import PlaygroundError
from playground.data.datasets import OFFLINE_CLASSES
from playground.layers import figures as mf
from playground.layers.link import decode_input
from playground.ui import bound, lazy_tabs, page, show_code, show_error, tr
from playground.ui import state as shared
from playground.ui.layers import checked, traced

cfg = page()
ui.chapter_intro("nav.layers", "layers.intro")
if (refused := shared.model_from_link()) is not None:
    show_error(refused)


CUSTOM = "custom"  # the box's name for a model that is no preset: edited, linked or loaded
PRESET, SHAPE = ui.Slot("m_preset", "tutorial"), ui.Slot[str]("m_shape")
SHAPE_ERROR = ui.Slot[PlaygroundError]("m_shape_error")  # a typed shape refused, shown once


def _load_preset() -> None:
    if (preset := PRESET.get()) == CUSTOM:
        return
    shared.set_built_model(md.PRESETS[preset], md.INPUT_SHAPES[preset])
    shared.new_editor()


def _new_input() -> None:
    try:
        shared.set_built_model(shared.built_model()[0], decode_input(SHAPE.get(), typed=True))
    except PlaygroundError as err:
        SHAPE_ERROR.set(err)


def builder() -> list[md.LayerSpec] | None:
    preset_box = st.empty()  # drawn after the table, so it names the model the table holds
    if not shared.has_built_model():  # from now on Training can use this builder's model
        shared.set_built_model(md.PRESETS["tutorial"], md.INPUT_SHAPES["tutorial"])
    specs, shape = shared.built_model()
    SHAPE.set(str(shape))  # the box shows the model's input shape
    st.text_input(tr("layers.input_shape"), key=SHAPE.key, on_change=_new_input,
                  help=tr("layers.input_shape_help"))  # fmt: skip
    if err := SHAPE_ERROR.pop():
        show_error(err)
    table = pd.DataFrame(
        {
            "position": range(1, len(specs) + 1),
            "layer": [s.kind for s in specs],
            "arguments": [s.args_text() for s in specs],
        }
    )
    editor = ui.Slot[dict](f"m_editor{shared.editor_version()}")
    edited = st.data_editor(
        table,
        num_rows="dynamic",
        hide_index=True,
        key=editor.key,
        column_config={
            "position": st.column_config.NumberColumn(
                tr("layers.position"), help=tr("layers.position_help")
            ),
            "layer": st.column_config.SelectboxColumn(
                tr("layers.layer"), options=list(md.LAYERS), required=True
            ),
            "arguments": st.column_config.TextColumn(
                tr("layers.arguments"), help=tr("layers.arguments_help", hints=md.argument_hints())
            ),
        },
    )
    changes = editor.get() or {}
    try:
        if not any(changes.get(k) for k in ("edited_rows", "added_rows", "deleted_rows")):
            typed = [md.parse_args(s.kind, s.args_text()) for s in specs]  # the table as drawn
        else:  # pandas only for an edited table: a class opening the page pays nothing for it
            rows = edited.dropna(subset=["layer"]).sort_values("position", kind="stable")
            typed = [md.parse_args(r.layer, "" if pd.isna(r.arguments) else str(r.arguments)) for r in rows.itertuples()]  # fmt: skip
    except PlaygroundError as err:
        show_error(err)
        typed = None
    ui.relabel_on_language_switch(PRESET.key)
    PRESET.set(next((k for k, p in md.PRESETS.items() if p == typed), CUSTOM))
    labels = {k: tr(f"layers.preset.{k}") for k in [*md.PRESETS, CUSTOM]}
    preset_box.selectbox(tr("layers.preset"), list(labels), format_func=labels.__getitem__,
                         key=PRESET.key, on_change=_load_preset)  # fmt: skip
    return typed


def with_samples(shape: tuple[int, ...]) -> bool:
    """Three offline samples when the model takes 1×28×28 (or 1×32×32: padded by 2, as the
    blitz's Net wants), else the tutorial's torch.rand."""
    return tuple(shape) in md.SAMPLE_SHAPES and bool(
        bound(st.toggle, tr("layers.use_samples"), True, key="m_samples")
    )


specs = builder()
shape = shared.built_model()[1]
if specs:
    try:
        check = checked(tuple(specs), tuple(shape))  # one check and trace a server, shared
    except PlaygroundError as err:
        show_error(err)
        st.stop()
    shared.set_built_model(specs)
    shared.link_model(specs, shape)
    if not check.ok:
        shared.show_misfit(check)
        st.stop()
    built = traced(tuple(specs), tuple(shape), cfg.seed, str(cfg.device), with_samples(shape))
    model, x, sample_labels, rows, outputs = (
        built.model,
        built.x,
        built.labels,
        built.rows,
        built.outputs,
    )
else:
    st.stop()


def structure_section() -> None:
    st.caption(tr("layers.trace", shape=f"torch.Size({[3, *shape]})"))
    table = ui.arrow_table(
        [(r.name, r.layer, str(r.output_shape), f"{r.params:,}", f"{r.macs:,}") for r in rows],
        [tr(f"layers.{k}") for k in ("name", "layer", "out_shape", "params", "macs")],
    )
    st.dataframe(table, hide_index=True)
    n = sum(p.numel() for p in model.parameters())
    st.metric(tr("layers.total"), f"{n:,}", f"{n * 4 / 2**20:.2f} MB float32", delta_color="off",
              delta_arrow="off")  # fmt: skip
    note = {"lenet": "layers.class_note_28", "blitz_net": "layers.class_note_32"}
    preset = md.preset_of(specs)
    st.caption(tr(note.get(preset or "", "layers.class_note" if preset else "layers.builder_note")))
    st.code(str(model), "text", wrap_lines=True)
    show_code(md.model_code(specs))


def parameters_section() -> None:
    ui.table(md.parameter_table(model))
    ui.chart(mf.make_weight_histograms(model, lang=cfg.lang), key="m_hist")
    st.caption(tr("layers.init_note"))
    show_code(md.parameters_code(specs, cfg.seed))


def inside_section() -> None:
    names = [r.name for r in rows]
    k = names.index(bound(st.selectbox, tr("layers.pick"), names, key="m_pick"))
    layer = md.steps(model)[k][1]
    x_in = x if k == 0 else outputs[k - 1]
    st.code(repr(layer), "text", wrap_lines=True)
    figures = mf.inside_layer(layer, x_in, outputs[k], lang=cfg.lang)
    for col, (caption, fig) in zip(st.columns(len(figures)), figures, strict=True):
        col.caption(caption)
        ui.chart(fig, key=f"m_in_{caption[:12]}", into=col)
    logits = outputs[-1]
    if logits.dim() == 2:
        probs, pred = mf.probabilities(logits)
        named = sample_labels and logits.shape[1] == len(OFFLINE_CLASSES)
        classes = ui.class_names(OFFLINE_CLASSES if named else range(logits.shape[1]))
        st.subheader(tr("layers.softmax"))
        truth = ui.class_names(sample_labels[:1]) if sample_labels else []
        p, total = float(probs[0].max()), float(probs[0].sum())
        pred_text = tr("layers.pred", cls=classes[int(pred[0])], p=p, total=total)
        st.caption(pred_text + "".join(f" · {tr('layers.truth')}: {c}" for c in truth))
        ui.chart(mf.make_probability_figure(probs[0], classes, lang=cfg.lang), key="m_probs")
        show_code(md.softmax_code(specs, cfg.seed, shape, sample_labels is not None))


def activations_section() -> None:
    chosen = bound(
        st.multiselect,
        tr("layers.activations"),
        list(mf.ACTIVATIONS),
        ["ReLU", "GELU", "Sigmoid"],
        key="m_acts",
    )
    if chosen:
        ui.chart(mf.make_activation_figure(chosen), key="m_act_fig")
    st.caption(tr("layers.derivative"))
    st.subheader(tr("layers.to"))
    demo = mf.module_to_demo(model)
    st.dataframe(pd.DataFrame({"": list(demo.values())}, index=list(demo)))
    st.caption(tr("layers.to_note", device=cfg.device))


sections = [structure_section, parameters_section, inside_section, activations_section]
lazy_tabs("m_tab", [(f"layers.tab.{f.__name__.removesuffix('_section')}", f) for f in sections])
ui.check_yourself("layers")
