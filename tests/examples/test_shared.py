"""An Examples level a class runs together: one run, a solo run's bits, Stop leaves it alone."""

from __future__ import annotations

import threading
import time

import pytest

from playground import examples as ex
from playground.server import seconds_left
from playground.server.runs import RunRegistry
from playground.server.store import STORE
from tests.apptest import open_page


def _cfg(**changes):
    return ex.default_config("relu", 4, **{"iterations": 300, "seed": 3, **changes})


def _finish(run: ex.ExampleRun) -> ex.ExampleRun:
    while not run.done:
        if not run.run(max_seconds=0.02):
            time.sleep(0.002)
    return run


def test_a_class_asking_for_one_level_gets_one_run_with_a_solo_runs_losses():
    runs: list[ex.ExampleRun] = []
    lock = threading.Lock()

    def student():  # each asks for the class's run and follows it, as the page does
        run = ex.shared_example(_cfg())
        with lock:
            runs.append(run)
        _finish(run)

    threads = [threading.Thread(target=student) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in runs}) == 1 and STORE.stats().computed == 1
    shared = runs[0]
    # A solo run with the same thread count (OpenMP's count changes the last bits).
    solo = _finish(ex.ExampleRun(_cfg(), threads=shared.threads))
    assert shared.losses == solo.losses and shared.log() == solo.log()  # bit for bit
    assert shared.shared_key == ex.example_key(_cfg())


@pytest.mark.parametrize(
    "change", [{"seed": 4}, {"lr": 2e-4}, {"iterations": 401}, {"dtype": "float64"}], ids=str
)
def test_levels_that_differ_in_anything_are_not_shared(change):
    assert ex.shared_example(_cfg()) is not ex.shared_example(_cfg(**change))
    assert STORE.stats().computed == 2


def test_a_refused_config_is_never_stored():
    with pytest.raises(ValueError):
        ex.shared_example(_cfg(lr=5.0))
    assert STORE.stats().entries == 0


def test_a_fork_goes_on_as_the_run_would_and_the_class_run_is_unchanged():
    shared = ex.shared_example(_cfg())
    shared.advance(max_steps=150, max_seconds=60)
    mine = shared.fork()
    assert mine.shared_key is None and mine.losses == shared.losses
    _finish(mine)
    assert len(shared.losses) == 150  # the learner's run went on; the class's did not move
    _finish(shared)
    assert mine.losses == shared.losses


def test_the_seconds_left_follow_the_measured_speed():
    run = ex.ExampleRun(_cfg())
    assert seconds_left(run) == 0.0  # nothing measured yet
    run.advance(max_steps=100, max_seconds=60)
    assert seconds_left(run) == pytest.approx(run.seconds * 2, rel=1e-9)  # 100 of 300 done
    _finish(run)
    assert seconds_left(run) == 0.0


def test_the_janitor_frees_a_level_nobody_holds_and_the_store_makes_it_again():
    registry, run = RunRegistry(), ex.shared_example(_cfg())
    registry.track("a", run)
    registry.reap(lambda s: False, grace=0, now=0)
    registry.reap(lambda s: False, grace=0, now=1)
    assert run.released and run.nbytes() == 0
    again = ex.shared_example(_cfg())
    assert again is not run and not again.released and again.nbytes() > 0


def _press_run(at):
    next(b for b in at.button if b.label == "Run").click().run(timeout=120)
    return at.session_state["ex_runs"][("relu", 4)]


@pytest.mark.slow
def test_two_sessions_on_one_link_press_run_and_the_server_runs_the_level_once():
    link = {"ex_problem": "relu", "ex_level": "nn", "ex_it_relu_4": "300"}
    a, b = open_page("pages/examples.py", query=link), open_page("pages/examples.py", query=link)
    ra, rb = _press_run(a), _press_run(b)
    assert ra is rb and ra.done and len(ra.losses) == 300 and STORE.stats().computed == 1
    for at in (a, b):
        assert not at.exception and not at.error
        assert any("The class's run:" in c.value for c in at.caption)
    solo = _finish(ex.ExampleRun(ra.cfg, threads=ra.threads))
    assert solo.losses == ra.losses


def test_stop_keeps_a_private_copy_of_a_shared_run_and_nothing_else():
    """own_copy, the Stop rule Training and Examples share: a shared run that is still going
    forks at its step; a run of one's own, or a finished shared one, stays as it is."""
    from playground.server.work import own_copy

    shared = ex.shared_example(_cfg(seed=11))
    shared.advance(max_steps=100, max_seconds=60)
    mine = own_copy(shared)
    assert mine is not shared and mine.shared_key is None and mine.losses == shared.losses
    assert own_copy(mine) is mine  # already one's own
    _finish(shared)
    assert own_copy(shared) is shared  # finished: nobody advances it, nothing to protect
