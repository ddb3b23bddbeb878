"""One computation per key for jobs that report progress: followers watch the same progress."""

from __future__ import annotations

import threading
import time

import pytest

from playground.server.store import ResultStore


def _together(n: int, ask) -> list[threading.Thread]:
    start = threading.Barrier(n)

    def go(i: int) -> None:
        start.wait()
        ask(i)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return threads


def test_16_sessions_start_one_job_and_every_follower_sees_its_progress():
    store, calls, results = ResultStore(2**20), [], []
    seen: dict[int, list[tuple[float, str]]] = {i: [] for i in range(16)}

    def work(report):
        calls.append(1)
        for step in range(1, 5):
            time.sleep(0.1)
            report(step / 4, f"scenario {step}")
        return {"accuracy": 0.8}

    def ask(i):
        on = lambda f, label: seen[i].append((f, label))  # noqa: E731
        results.append(store.run_once("transfer", work, on_progress=on, poll=0.05))

    _together(16, ask)
    assert (
        len(calls) == 1 and len({id(r) for r in results}) == 1 and results[0] == {"accuracy": 0.8}
    )
    owner = [i for i in seen if len(seen[i]) == 4 and seen[i][-1] == (1.0, "scenario 4")]
    assert len(owner) == 1  # the one that computed saw every report
    followers = [s for i, s in seen.items() if i not in owner]
    # Each follower saw the job move: what the owner reported, in order, never backwards.
    assert all(s and all(a[0] <= b[0] for a, b in zip(s, s[1:], strict=False)) for s in followers)
    assert any(label.startswith("scenario") for s in followers for _, label in s)
    assert store.stats().computed == 1 and store.stats().shared == 15


def test_a_job_whose_tab_was_stopped_is_taken_over_by_a_follower():
    """Streamlit stops a script thread by raising a BaseException inside it (a rerun, a tab
    that left): that must not reach the class, and someone else computes the result."""

    class ScriptStopped(BaseException):
        pass

    store, results, calls = ResultStore(2**20), [], []

    def work(report):
        calls.append(threading.current_thread().name)
        time.sleep(0.15)
        if len(calls) == 1:
            raise ScriptStopped  # the first computing request is stopped from outside
        return "done"

    def ask(i):
        try:
            results.append(store.run_once("job", work, poll=0.02))
        except ScriptStopped:
            results.append("stopped")

    _together(4, ask)
    assert sorted(results) == ["done", "done", "done", "stopped"]
    assert len(calls) == 2 and store.get("job") == "done"


def test_an_error_of_the_job_reaches_every_follower_and_nothing_is_stored():
    store, errors = ResultStore(2**20), []

    def work(report):
        time.sleep(0.1)
        raise ValueError("a source state_dict that does not fit")

    def ask(i):
        try:
            store.run_once("job", work, poll=0.02)
        except ValueError as err:
            errors.append(str(err))

    _together(4, ask)
    assert errors == ["a source state_dict that does not fit"] * 4 and store.get("job") is None


def test_a_timing_is_shared_while_in_flight_and_measured_again_later():
    store, calls, results = ResultStore(2**20), [], []

    def measure(report):
        calls.append(1)
        time.sleep(0.1)
        return len(calls)

    _together(8, lambda i: results.append(store.run_once("lab", measure, keep=False, poll=0.02)))
    assert results == [1] * 8 and store.get("lab") is None
    assert store.run_once("lab", measure, keep=False) == 2  # pressed again: a new measurement


@pytest.mark.parametrize("keep", [True, False])
def test_get_or_compute_is_run_once_without_progress(keep):
    store = ResultStore(2**20)
    assert store.run_once("k", lambda report: [1], keep=keep) == [1]
    assert (store.get("k") is not None) == keep
