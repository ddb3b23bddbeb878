"""One panel for every long piece of work a page runs, and one queue for all of them.

A *run* (a training, an Examples level) has the whole panel::

    [Train | Resume | Train again]  [Stop]  [Reset]     the page's own controls beside them
    status    the place in the queue with its estimate, then the progress bar
    body      the page's charts, redrawn as the run goes
    log       the last lines the shown script would print
    caption   how many sessions follow the class's run; a divergence, said once

A *job* (a comparison, a transfer study, the pipeline lab, a timing, grading "reach the
target") is one button and the same status place (:func:`shared_job`).

Every kind waits in the server's one queue (:mod:`playground.server.slots`) and says so in the
same words. A press that has to wait is remembered (:func:`asked`): the page asks again each
second and the work starts on its own when its turn comes; nobody has to click again.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

import streamlit as st
import torch

from playground.server.runs import RUNS
from playground.server.slots import SLOTS
from playground.server.store import STORE, Progress
from playground.server.work import SliceRun, seconds_left
from playground.ui.i18n import current_lang, ntr, tr
from playground.ui.session import Slot
from playground.ui.widgets import row, show_error

R = TypeVar("R", bound=SliceRun)
T = TypeVar("T")
RunState = Literal["new", "running", "stopped", "done"]

__all__ = [
    "RunPanel",
    "RunState",
    "RunWords",
    "asked",
    "follow",
    "in_slot",
    "queue_words",
    "report",
    "session_key",
    "shared_job",
]

# A press still waiting for its turn: (what was pressed, when the page last asked for it).
_ASKED = Slot[tuple[Hashable, float]]("run_asked")
# A page that stopped asking (its tab closed, another tab of the page opened) forgets the press.
_PATIENCE = 3.0
# While a session waits in line its run restarts every second, so Streamlit would fade the
# page below the queue message in and out: that page is still true, so it stays as drawn.
_STEADY_PAGE = (  # an element, and the parts expanders and tabs fade themselves
    "<style>[data-stale='true'],[data-testid='stExpander'] summary,[role='tablist']"
    "{opacity:1 !important;transition:none !important}</style>"
)


def session_key() -> str:
    """This session's place in the queue: read once, since a closed tab's state may go first."""
    return st.session_state.setdefault("train_session", uuid.uuid4().hex)


def asked(pressed: bool, name: Hashable) -> bool:
    """Whether ``name``'s work should run on this rerun: it was pressed now, or pressed before
    and still waits in the queue (each rerun while it waits asks again, and keeps the press)."""
    now = time.monotonic()
    if pressed:
        _ASKED.set((name, now))
        return True
    held = _ASKED.get()
    if held is None or held[0] != name or now - held[1] > _PATIENCE:
        return False
    _ASKED.set((name, now))
    return True


def queue_words(place: int, eta: float | None) -> str:
    """ "You are number 3 in line … about 40 s": the same words for every kind of work."""
    if eta is None:
        return tr("run.queue", place=place)
    gap = "" if current_lang() == "zh" else " "  # Chinese sentences follow without a space
    return tr("run.queue", place=place) + gap + tr("run.queue_eta", s=eta)


def in_slot(
    work: Callable[[], None],
    *,
    free: Callable[[], object] = lambda: None,
    queued: bool = True,
    run: Hashable = None,
    into: Any = None,
) -> None:
    """Run ``work`` in one of the server's training slots, or say (in ``into``, else here)
    where this session waits and look again in a second: a caller that waits remembers why it
    called (a Slot, :func:`asked`), so the work starts once it can.

    Out of GPU memory, ``free`` drops this session's run (a training passes
    ``shared.clear_trainer``) so the memory comes back. ``queued=False`` runs light work at
    once, with the same error handling. ``run`` names a run a class shares: every session
    asking for it holds one place in line and, once it starts, one slot.
    """
    session = session_key()
    if queued and (place := SLOTS.try_acquire(session, run=run)):
        (into or st).info(
            queue_words(place, SLOTS.estimate(place)), icon=":material/hourglass_top:"
        )
        st.html(_STEADY_PAGE)
        time.sleep(1.0)
        st.rerun()
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
        _ASKED.pop()  # done, or refused: a press is answered once


def shared_job(
    key: Hashable,
    work: Callable[[Progress], T],
    *,
    label: Callable[[str], str] = lambda name: name,
    keep: bool = True,
    size: Callable[[T], int] = lambda _: 0,
    free: Callable[[], object] = lambda: None,
    into: Any = None,
) -> T | None:
    """A job the class shares, in a training slot: computed once for ``key`` while this and
    every other session asking for it hold one place in the queue and watch the same progress
    bar (``label`` words the job's step), in ``into`` (a new place here by default).
    ``keep=False``: shared while in flight, not stored. None when the job was refused (the
    page shows why); while this session waits in line, the page reruns by itself."""
    if keep and (stored := STORE.get(key)) is not None:
        _ASKED.pop()
        return stored  # a finished result is given at once, without a place in line
    box: list[T] = []
    status = into if into is not None else st.empty()

    def run() -> None:
        def show(fraction: float, name: str) -> None:
            status.progress(min(max(fraction, 0.0), 1.0), label(name) or None)

        status.progress(0.0)  # no step named yet: label("") may name one (Transfer's "source")
        box.append(STORE.run_once(key, work, on_progress=show, keep=keep, size=size))
        status.empty()

    in_slot(run, free=free, run=("job", key), into=status)
    return box[0] if box else None


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


@dataclass(frozen=True)
class RunWords:
    """A run's words on its panel, as catalog keys: the buttons, the progress bar in each
    state (``{rate}`` and the rest are the page's), and the caption under a class's run."""

    start: str  # "Train"
    again: str  # "Train again"
    resume: str
    progress: str
    stopped: str
    done: str
    shared: str  # a plural: "{n} sessions follow it"
    shared_help: str


class RunPanel(Generic[R]):
    """A page's run: its buttons, then its status, body and log places (see the module).

    ``running`` is the session's "Run is down" flag: Stop and a finished run lower it; the
    buttons' keys start with ``name``.
    """

    def __init__(
        self, name: str, words: RunWords, running: Slot[bool], *, log_lines: int = 14
    ) -> None:
        self.name, self.words, self.running, self.log_lines = name, words, running, log_lines
        self.status: Any = st  # the status, body and log places: set by places()
        self.body: Any = st
        self.log: Any = st

    def state(self, run: R | None, *, resumable: bool = True) -> RunState:
        """``new`` (no run, or one that Run would not go on with), ``running``, ``stopped``
        (Run resumes it) or ``done``."""
        if run is None:
            return "new"
        if run.done:
            return "done"
        if not resumable:
            return "new"
        return "running" if self.running.get() else "stopped"

    def buttons(
        self,
        state: RunState,
        *,
        on_run: Callable[..., Any],
        on_stop: Callable[..., Any],
        on_reset: Callable[..., Any] | None = None,
    ) -> Any:
        """Run (Resume, Run again), Stop and Reset; returns their row, where the page's own
        controls go after them."""
        line = row(vertical_alignment="center")
        w = self.words
        label = {"new": w.start, "running": w.resume, "stopped": w.resume, "done": w.again}
        line.button(tr(label[state]), on_click=on_run, type="primary",
                       icon=":material/play_arrow:", key=f"{self.name}_run")  # fmt: skip
        line.button(tr("run.stop"), on_click=on_stop, icon=":material/stop:",
                       key=f"{self.name}_stop", disabled=not self.running.get())  # fmt: skip
        if on_reset is not None:
            line.button(tr("run.reset"), on_click=on_reset, icon=":material/restart_alt:",
                           key=f"{self.name}_reset", disabled=state == "new")  # fmt: skip
        return line

    def places(self) -> None:
        """The status, body and log places, in that order, where the page calls this."""
        self.status, self.body, self.log = st.empty(), st.empty(), st.empty()

    def show(self, run: R, lines: list[str], **words: Any) -> None:
        """The progress bar, in the words of the run's state, and the log's last lines."""
        w = self.words
        text = tr(w.done if run.done else w.progress if self.running.get() else w.stopped, **words)
        self.status.progress(min(max(run.progress, 0.0), 1.0), text)
        self.log.code("\n".join(lines[-self.log_lines :]) or "…", "text", wrap_lines=True)

    def go(
        self,
        ticket: Hashable,
        work: Callable[[], None],
        *,
        free: Callable[[], object],
        current: Callable[[], R | None],
    ) -> None:
        """While Run is down: this session's place in the queue for ``ticket`` (in the status
        place), then ``work`` in a slot. A run that ended lowers Run and draws the page once
        more, so the buttons drawn before it say "Run again"."""
        if not self.running.get():
            return
        stored = STORE.get(ticket) if ticket is not None else None  # the class's run, if any
        in_slot(
            work,
            free=free,
            run=ticket,
            into=self.status,
            queued=not (stored is not None and stored.done),
        )
        self.running.set(False)
        if (run := current()) is not None and run.done:
            st.rerun()

    def follow(self, run: R, draw: Callable[[R], object]) -> None:
        """:func:`follow`, until the learner presses Stop."""
        follow(run, draw, while_=self.running.get)

    def footer(self, run: R, *, diverged: BaseException | None = None) -> None:
        """How many sessions follow the class's run (the server runs it once), then a
        divergence, said once."""
        if run.shared_key is not None:
            help_ = tr(self.words.shared_help)
            st.caption(ntr(self.words.shared, RUNS.holders(run)), help=help_)
        if diverged is not None:
            show_error(diverged)
