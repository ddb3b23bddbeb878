"""The run panel and the one queue: a press that must wait says where it waits and starts by
itself; the buttons say what Run will do."""

from __future__ import annotations

import threading

import pytest
from streamlit.testing.v1 import AppTest

from playground.server.slots import SLOTS
from playground.server.store import STORE
from playground.ui import panel
from tests.apptest import open_page, texts


class _Slot:
    """A Slot over a dict: ``asked`` without a script run."""

    def __init__(self) -> None:
        self.value = None

    def get(self):
        return self.value

    def set(self, value):
        self.value = value
        return value

    def pop(self):
        value, self.value = self.value, None
        return value


def test_a_press_is_remembered_while_the_page_asks_again_and_forgotten_when_it_stops(
    monkeypatch,
):
    now = [100.0]
    monkeypatch.setattr(panel, "_ASKED", _Slot())
    monkeypatch.setattr(panel.time, "monotonic", lambda: now[0])
    assert not panel.asked(False, "lab")  # never pressed
    assert panel.asked(True, "lab")
    for _ in range(5):  # the page reruns once a second while it waits in line
        now[0] += 1.0
        assert panel.asked(False, "lab")
    assert not panel.asked(False, "compare")  # another button's work never runs
    now[0] += panel._PATIENCE + 0.5  # the tab stopped asking: the press is gone
    assert not panel.asked(False, "lab")
    assert panel.asked(True, "compare") and not panel.asked(False, "lab")  # the last press wins


@pytest.fixture
def full_queue(monkeypatch):
    """``hold()`` gives every training slot to other sessions, whose runs end a moment after
    the page has said where it waits; it returns what the page said, as (place, words)."""
    others, timers, said = [f"another class {k}" for k in range(SLOTS.k)], [], []
    words = panel.queue_words

    def spy(place, eta):
        said.append((place, text := words(place, eta)))
        if not timers:  # the others finish now: the waiting page must start by itself
            timers.append(threading.Timer(0.5, lambda: [SLOTS.release(o) for o in others]))
            timers[-1].start()
        return text

    def hold() -> list[tuple[int, str]]:
        assert all(SLOTS.try_acquire(o) == 0 for o in others)
        monkeypatch.setattr(panel, "queue_words", spy)
        return said

    yield hold
    for timer in timers:
        timer.join()
    assert SLOTS.counts() == (0, 0)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_training_that_waits_in_line_says_its_place_and_starts_without_another_click(
    full_queue, lang
):
    STORE.clear()  # the class's run for these settings must really train
    at = open_page("pages/training.py", lang=lang, tr_subset=300, tr_epochs=1)
    said = full_queue()
    at.button(key="tr_run").click().run()
    assert said and said[0][0] == 1, said  # first in line behind the full slots
    assert ("in line" if lang == "en" else "排在第 1 位") in said[0][1]
    t = at.session_state["trainer"]
    assert t.done and t.history.test_accuracy, "the run started once the slots freed"
    assert not at.exception and at.button(key="tr_run").label == ("Train again" if lang == "en" else "重新训练")  # fmt: skip
    # The class's run is finished: another student on the same link gets it at once, even
    # with every slot busy, and waits nowhere.
    late, waited = open_page("pages/training.py", lang=lang, tr_subset=300, tr_epochs=1), len(said)
    busy = [f"a later class {k}" for k in range(SLOTS.k)]
    assert all(SLOTS.try_acquire(o) == 0 for o in busy)
    try:
        late.button(key="tr_run").click().run()
    finally:
        for o in busy:
            SLOTS.release(o)
    assert len(said) == waited and late.session_state["trainer"] is t


def _job_page() -> None:
    """A page with one job behind one button (AppTest delivers no clicks inside lazy tabs)."""
    import streamlit as st

    from playground.ui.panel import asked, shared_job

    def work(report):
        st.session_state["calls"] = st.session_state.get("calls", 0) + 1
        report(0.5, "half way")
        return sum(range(10))

    if asked(st.button("Go"), "go"):
        st.session_state["result"] = shared_job(("panel test", 1), work, keep=False)


@pytest.mark.slow
def test_a_shared_job_that_waits_in_line_runs_when_its_turn_comes(full_queue):
    at = AppTest.from_function(_job_page, default_timeout=30).run()
    said = full_queue()
    at.button[0].click().run()
    assert said and said[0][0] == 1, said  # it waited, then ran without another click
    assert (at.session_state["result"], at.session_state["calls"]) == (45, 1)
    assert "run_asked" not in at.session_state  # answered once
    at.run()
    assert at.session_state["calls"] == 1 and not at.exception


def test_the_buttons_say_what_run_will_do_and_stop_only_while_running():
    at = open_page("pages/examples.py")
    run, stop = at.button(key="ex_run"), at.button(key="ex_stop")
    assert (run.label, stop.disabled) == ("Run", True)
    run.click().run()
    (finished,) = at.session_state["ex_runs"].values()
    assert finished.done and len(finished.losses) == finished.cfg.iterations
    assert (at.button(key="ex_run").label, at.button(key="ex_stop").disabled) == ("Run again", True)
    bar = at.get("progress")[-1].proto
    assert (bar.value, bar.text) == (
        100,
        f"done: {finished.cfg.iterations:,} of "
        f"{finished.cfg.iterations:,} steps · {bar.text.split('· ')[1]}",
    )
    assert "Learning PyTorch" in texts(at) and not at.exception
