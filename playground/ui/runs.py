"""The Training page's run beyond its panel: going on with a finished run, Stop and Reset, and
opening a checkpoint's run again (the panel, the queue and the shared jobs are
:mod:`playground.ui.panel`)."""

from __future__ import annotations

import streamlit as st
import torch

from playground.server.work import own_copy
from playground.training.controls import MAX_EPOCHS
from playground.training.loop import resume
from playground.training.shared import continued
from playground.ui import state as shared
from playground.ui.i18n import ntr, tr
from playground.ui.session import Slot
from playground.ui.state import shared_dataset
from playground.ui.widgets import bound, show_error

__all__ = [
    "continue_controls",
    "open_resumed_run",
    "reset_training",
    "resume_controls",
    "set_training",
    "stop_training",
]


def continue_controls() -> None:
    """ "Continue for N more epochs" under a finished run that did not diverge."""
    t = shared.trainer()
    if t is None or not t.done or t.diverged is not None or t.cfg.epochs >= MAX_EPOCHS:
        return
    c = st.columns([1, 2, 3], vertical_alignment="bottom")
    more = bound(c[0].number_input, tr("train.more"), 1, MAX_EPOCHS - 1, 2, key="tr_more")
    more = min(int(more), MAX_EPOCHS - t.cfg.epochs)
    c[1].button(
        ntr("train.continue", more), on_click=_continue, args=(more,),
        help=tr("train.continue_help"), icon=":material/fast_forward:",
    )  # fmt: skip
    if err := st.session_state.pop("tr_refusal", None):
        show_error(err)


def _continue(epochs: int) -> None:
    """The run goes on for ``epochs`` more; the epochs box shows the new total, and it starts."""
    if (t := shared.trainer()) is None:
        return
    try:
        t = shared.set_trainer(continued(t, epochs))  # a class's run: the longer run's own key
    except ValueError as err:
        st.session_state["tr_refusal"] = err
        return
    st.session_state["tr_epochs"], st.session_state["training"] = t.cfg.epochs, True


# Read by the Training page too: whether this session's run is training, and the link a Resume
# opens the Training page with (Training says "Resumed" once).
TRAINING = Slot("training", False)
RESUMED = Slot[dict[str, str]]("s_resumed")
_RESUME_ERROR = Slot[Exception]("s_resume_error")


def set_training() -> None:
    """Train (Resume, Train again): the page trains on this rerun."""
    TRAINING.set(True)


def stop_training() -> None:
    """Stop holds *this* learner's run where it is: a private fork of a run the class shares,
    which goes on for the others."""
    TRAINING.set(False)
    if (t := shared.trainer()) is not None and (own := own_copy(t)) is not t:
        shared.set_trainer(own)


def reset_training() -> None:
    """Reset forgets this session's run."""
    TRAINING.set(False)
    shared.clear_trainer()


def resume_controls(ckpt: dict, device: torch.device) -> None:
    """ "Resume this run on the Training page", for a training checkpoint just loaded."""
    st.button(
        tr("save.resume"), icon=":material/play_arrow:", on_click=_resume, args=(ckpt, device)
    )
    if err := _RESUME_ERROR.pop():
        show_error(err)


def _resume(ckpt: dict, device: torch.device) -> None:
    """Before the rerun draws: the run, then its Training controls (see open_resumed_run)."""
    try:
        t = resume(ckpt, shared_dataset, device)
    except (ValueError, RuntimeError, KeyError) as err:
        _RESUME_ERROR.set(err)
        return
    shared.set_trainer(t)
    RESUMED.set(shared.restore_training_controls(t))


def open_resumed_run() -> None:
    """After Resume: the Training page, its controls in the link (Training says "Resumed")."""
    if (link := RESUMED.get()) is not None:
        st.switch_page("pages/training.py", query_params=link)
