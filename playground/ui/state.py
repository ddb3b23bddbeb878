"""Typed accessors for what pages share through ``st.session_state``.

The Layers page's model feeds Training and Save & load; the Training page's run feeds
Save & load, and a resumed checkpoint feeds Training. One key each, named here only.
"""

from __future__ import annotations

import streamlit as st

from playground.layers.models import INPUT_SHAPES, PRESETS, LayerSpec
from playground.server.runs import RUNS
from playground.training.loop import Trainer
from playground.ui.streamlit_internals import session_id

__all__ = [
    "built_model",
    "clear_trainer",
    "has_built_model",
    "set_built_model",
    "set_trainer",
    "track",
    "trainer",
]

_SPECS, _INPUT, _TRAINER = "model_specs", "model_input", "trainer"


def has_built_model() -> bool:
    """Whether the learner has opened the Layers page's builder in this session."""
    return _SPECS in st.session_state


def built_model() -> tuple[list[LayerSpec], tuple[int, ...]]:
    """The Layers page's layer list and input shape (the tutorial's MLP until edited)."""
    specs = st.session_state.get(_SPECS, PRESETS["tutorial"])
    return specs, tuple(st.session_state.get(_INPUT, INPUT_SHAPES["tutorial"]))


def set_built_model(specs: list[LayerSpec], input_shape: tuple[int, ...] | None = None) -> None:
    st.session_state[_SPECS] = list(specs)
    if input_shape is not None:
        st.session_state[_INPUT] = tuple(input_shape)


def trainer() -> Trainer | None:
    """This session's run, or None (also when the janitor freed it while the tab was away)."""
    t = st.session_state.get(_TRAINER)
    if t is not None and t.released:
        st.session_state.pop(_TRAINER, None)
        return None
    return t


def track(t: Trainer) -> Trainer:
    """Register a run this session created, so the janitor frees it if the tab leaves."""
    RUNS.track(session_id(), t)
    return t


def set_trainer(t: Trainer) -> Trainer:
    """Keep ``t`` as this session's run (registered with the janitor too)."""
    st.session_state[_TRAINER] = track(t)
    return t


def clear_trainer() -> None:
    st.session_state.pop(_TRAINER, None)
