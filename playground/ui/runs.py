"""Long runs on a shared server: a training slot per run, and going on with a finished one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable, Sequence
from typing import Any, TypeVar

import streamlit as st
import torch

from playground.server.runs import RUNS
from playground.server.slots import SLOTS
from playground.server.store import STORE, Progress
from playground.server.work import SliceRun, seconds_left
from playground.training.controls import MAX_EPOCHS
from playground.training.loop import Trainer, resume
from playground.training.shared import continued
from playground.ui import state as shared
from playground.ui.i18n import ntr, tr
from playground.ui.session import Slot
from playground.ui.state import shared_dataset
from playground.ui.widgets import bound, show_error

R = TypeVar("R", bound=SliceRun)
T = TypeVar("T")

__all__ = [
    "continue_controls",
    "follow",
    "in_slot",
    "open_resumed_run",
    "report",
    "resume_controls",
    "run_buttons",
    "session_key",
    "set_training",
    "shared_job",
]


def session_key() -> str:
    """This session's place in the queue: read once, since a closed tab's state may go first."""
    return st.session_state.setdefault("train_session", uuid.uuid4().hex)


def in_slot(
    work: Callable[[], None],
    *,
    wait: bool = False,
    free: Callable[[], object] = lambda: None,
    queued: bool = True,
    run: Hashable = None,
) -> None:
    """Run ``work`` in one of the server's training slots, or say where this session waits.

    ``wait`` polls for a free slot (a click that should run once it can); otherwise the
    learner clicks again. Out of GPU memory, ``free`` drops this session's run (a training
    passes ``shared.clear_trainer``) so the memory comes back. ``queued=False`` runs light
    work at once, with the same error handling. ``run`` names a run a class shares: every
    session asking for it holds one place in line and, once it starts, one slot.
    """
    session = session_key()
    if queued and (place := SLOTS.try_acquire(session, run=run)):
        key = "train.queue" if wait else "train.queue_click"
        eta = SLOTS.estimate(place)
        words = tr(key, place=place) + ("" if eta is None else " " + tr("train.queue_eta", s=eta))
        st.info(words, icon=":material/hourglass_top:")
        if wait:
            time.sleep(1.0)
            st.rerun()
        return
    try:
        work()
    except torch.cuda.OutOfMemoryError:
        free()
        if run is not None:
            STORE.drop(run)  # nobody else gets the run that did not fit
        torch.cuda.empty_cache()
        st.error(tr("train.oom"), icon=":material/memory:")
    except ValueError as err:  # a PlaygroundError, or PyTorch refusing a loaded state_dict
        show_error(err)
    finally:
        if queued:
            SLOTS.release(session)


def shared_job(
    key: Hashable,
    work: Callable[[Progress], T],
    *,
    label: Callable[[str], str] = lambda name: name,
    keep: bool = True,
    size: Callable[[T], int] = lambda _: 0,
    free: Callable[[], object] = lambda: None,
) -> T | None:
    """A job the class shares (a transfer study, the pipeline lab, a timing), in a training
    slot: computed once for ``key`` while this and every other session asking for it hold
    one place in the queue and watch the same progress bar (``label`` words the job's step).
    ``keep=False``: shared while in flight, not stored. None while this session waits in
    the queue, or when the job was refused (the page shows why)."""
    box: list[T] = []

    def run() -> None:
        bar = st.progress(0.0)

        def show(fraction: float, name: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), label(name) or None)

        box.append(STORE.run_once(key, work, on_progress=show, keep=keep, size=size))
        bar.empty()

    in_slot(run, free=free, run=("job", key))
    return box[0] if box else None


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


def run_buttons(cols: Sequence[Any], t: Trainer | None) -> None:
    """Train (Train again, Resume), Stop and Reset, in three columns."""
    label = "train.train" if t is None else "train.again" if t.done else "train.resume"
    cols[0].button(tr(label), on_click=set_training, args=(True,), type="primary",
                   icon=":material/play_arrow:")  # fmt: skip
    cols[1].button(tr("train.stop"), on_click=set_training, args=(False,), icon=":material/stop:")
    cols[2].button(tr("train.reset"), on_click=set_training, args=(False, True),
                   icon=":material/restart_alt:")  # fmt: skip


def set_training(training: bool, reset: bool = False) -> None:
    """Train, Stop and Reset. Stop holds *this* learner's run where it is (a private fork of a
    run the class shares, which goes on for the others); Reset forgets it."""
    st.session_state["training"] = training
    if reset:
        shared.clear_trainer()
    elif not training and (t := shared.trainer()) is not None and t.shared_key and not t.done:
        shared.set_trainer(t.fork())


def follow(
    run: R, draw: Callable[[R], object], *, while_: Callable[[], object] = lambda: True
) -> None:
    """Advance ``run`` (a Trainer, an ExampleRun) in slices of 0.75 s, so Stop lands that
    fast, drawing after each. While another session of the class advances it, look again
    after a pause that grows with the class (0.6 s for two, 3 s for thirty) and draw only
    what changed: thirty followers redrawing four times a second would cost more CPU than
    the run itself."""
    seen = -1.0
    while not run.done and while_():
        if not run.run(max_seconds=0.75):
            time.sleep(min(3.0, 0.5 + 0.1 * RUNS.holders(run)))
        if run.progress != seen:
            seen = run.progress
            report(run)
            draw(run)
    if run.progress != seen:
        draw(run)


def report(run: SliceRun) -> None:
    """What the queue's estimates are made of: this run's seconds left, or its total once done."""
    SLOTS.report(session_key(), seconds_left(run), finished=run.seconds if run.done else None)


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
