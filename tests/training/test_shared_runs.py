"""A run the class shares: trained once, the same bits as a solo run, never changed for one."""

from __future__ import annotations

import threading
import time

import pytest
import streamlit as st
import torch

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset
from playground.server.runs import RunRegistry
from playground.server.store import STORE, ResultStore
from tests.apptest import open_page

TUTORIAL = md.PRESETS["tutorial"]
N = 1200


@pytest.fixture(scope="module")
def offline():
    return make_offline_dataset(0), make_offline_dataset(0, train=False)


def _make(offline, **changes):
    cfg = trn.TrainConfig(**{"epochs": 2, "seed": 5, **changes})
    return lambda: trn.Trainer(TUTORIAL, (1, 28, 28), *offline, cfg, subset=N, dataset="offline")


def _key(**changes):
    cfg = trn.TrainConfig(**{"epochs": 2, "seed": 5, **changes})
    return trn.run_key(TUTORIAL, (1, 28, 28), "offline", cfg, N)


def _finish(t: trn.Trainer) -> trn.Trainer:
    while not t.done:
        if not t.run(max_seconds=0.05):
            time.sleep(0.005)
    return t


def _same(a: trn.Trainer, b: trn.Trainer) -> bool:
    weights = zip(a.model.state_dict().values(), b.model.state_dict().values(), strict=True)
    return (
        a.history.log == b.history.log
        and a.history.train_loss == b.history.train_loss
        and all(torch.equal(x, y) for x, y in weights)
    )


@pytest.fixture(scope="module")
def solo(offline):
    return _finish(_make(offline)())


def test_sessions_following_one_shared_run_get_a_solo_runs_bits(offline, solo):
    store, got = ResultStore(2**30), []

    def session():
        t = trn.shared_trainer(_key(), _make(offline), store)
        got.append(_finish(t))  # each follower advances it whenever nobody else is

    threads = [threading.Thread(target=session) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(t) for t in got}) == 1 and store.stats().computed == 1
    assert _same(got[0], solo)
    assert got[0].history.test_accuracy == solo.history.test_accuracy


@pytest.mark.parametrize(
    "change", [{"seed": 6}, {"learning_rate": 1e-2}, {"optimizer": "Adam"}, {"epochs": 3}]
)
def test_runs_that_differ_in_anything_are_not_shared(offline, change):
    store = ResultStore(2**30)
    a = trn.shared_trainer(_key(), _make(offline), store)
    b = trn.shared_trainer(_key(**change), _make(offline, **change), store)
    assert a is not b and store.stats().computed == 2


def test_the_key_names_the_dataset_model_device_and_library_versions():
    cfg = trn.TrainConfig()
    base = trn.run_key(TUTORIAL, (1, 28, 28), "offline", cfg, 100)
    assert base == trn.run_key(list(TUTORIAL), [1, 28, 28], "offline", cfg, 100)
    other_model = [md.LayerSpec.of("Flatten"), md.LayerSpec.of("Linear", 784, 10)]
    assert base != trn.run_key(TUTORIAL, (1, 28, 28), "FashionMNIST", cfg, 100)
    assert base != trn.run_key(TUTORIAL, (1, 28, 28), "upload:ab12", cfg, 100)
    assert base != trn.run_key(other_model, (1, 28, 28), "offline", cfg, 100)
    assert base != trn.run_key(TUTORIAL, (1, 28, 28), "offline", cfg, 200)
    assert base != trn.run_key(TUTORIAL, (1, 28, 28), "offline", cfg, 100, device="meta")
    assert base.versions == (torch.__version__, __import__("torchvision").__version__)


@pytest.mark.slow  # over 2 s here
def test_a_fork_goes_on_exactly_as_the_run_would_and_leaves_it_alone(offline, solo):
    shared = _make(offline)()
    shared.run(max_batches=7, max_seconds=600)
    before = {k: v.clone() for k, v in shared.model.state_dict().items()}
    mine = shared.fork()  # one learner's Stop, or their slow-motion step
    trn.slow_step(mine)
    _finish(mine)
    assert shared.batch == 7 and all(
        torch.equal(v, before[k]) for k, v in shared.model.state_dict().items()
    )
    assert _same(_finish(shared), solo)


def test_a_class_runs_curves_are_made_once_per_logged_step_and_a_private_runs_each_time(offline):
    from playground.plots.wire import SharedFigure
    from playground.training.figures import make_curves_figure
    from playground.ui.training import curves

    t = trn.shared_trainer(_key(seed=91), _make(offline, seed=91), ResultStore(2**30))
    t.run(max_batches=10, max_seconds=600)
    first = curves(t, "en")
    assert isinstance(first, SharedFigure) and curves(t, "en") is first  # the class's one copy
    solo = make_curves_figure(t.history, t.n, lang="en")
    assert [list(d.y) for d in first.figure.data] == [list(d.y) for d in solo.data]
    assert curves(t, "zh") is not first and curves(t, "zh").figure.data[0].name != solo.data[0].name
    t.history.train_steps.append(t.history.train_steps[-1] + 64)  # a step half-logged
    assert curves(t, "en") is first
    t.history.train_steps.pop()
    t.run(max_batches=20, max_seconds=600)
    later = curves(t, "en")
    assert later is not first and len(later.figure.data[0].y) > len(first.figure.data[0].y)
    mine = t.fork()  # a learner's own run: drawn from its own numbers, never shared
    assert not isinstance(curves(mine, "en"), SharedFigure)
    assert curves(mine, "en") is not curves(mine, "en")


@pytest.mark.slow  # over 2 s here
def test_continue_on_a_shared_run_is_the_longer_runs_key_and_the_class_keeps_its_own(offline):
    store = ResultStore(2**30)
    two = _finish(trn.shared_trainer(_key(), _make(offline), store))
    log = list(two.history.log)
    four = _finish(trn.continued(two, 2, store))
    assert two.cfg.epochs == 2 and two.history.log == log  # the others' run is unchanged
    assert four.shared_key == _key(epochs=4)
    fresh = _finish(_make(offline, epochs=4)())
    assert _same(four, fresh)  # 2 epochs, then 2 more, equal one 4-epoch run
    again = trn.continued(two, 2, store)  # a second learner pressing Continue
    assert again is four and store.stats().computed == 2


def test_steady_reads_a_copy_while_another_thread_advances_the_run(offline):
    t = _make(offline)()
    assert trn.steady(t) is t
    running, done = threading.Event(), threading.Event()

    def advance():
        with t._lock:  # what Trainer.run holds while it trains
            running.set()
            done.wait(5)

    worker = threading.Thread(target=advance)
    worker.start()
    running.wait(5)
    assert t.busy and t.run(max_seconds=1) == 0  # a follower draws instead of training
    done.set()
    copy = trn.steady(t) if t.busy else t.fork()
    worker.join()
    assert copy is not t and copy.batch == t.batch and copy.shared_key is None


def test_the_janitor_frees_a_shared_run_only_when_nobody_holds_it(offline):
    t = _make(offline)()
    reg = RunRegistry()
    reg.track("a", t)
    reg.track("b", t)
    assert reg.holders(t) == 2 and reg.holders(_make(offline)()) == 0
    active = {"a": False, "b": True}
    reg.reap(active.get, grace=1, now=0)
    assert reg.reap(active.get, grace=1, now=2) == ["a"] and not t.released
    active["b"] = False
    reg.reap(active.get, grace=1, now=3)
    assert reg.reap(active.get, grace=1, now=5) == ["b"] and t.released


def test_a_finished_run_holds_a_few_mb_of_its_own_and_views_of_the_shared_data(offline):
    t = _finish(_make(offline, optimizer="Adam")())
    params = sum(p.numel() for p in t.model.parameters()) * 4
    # weights, Adam's two buffers, the divergence snapshot, and Adam's scalar step counts
    assert 4 * params <= t.nbytes() <= 4 * params + 1024 < 20 * 2**20
    x, _ = trn.shared_tensors(offline[0])
    assert t.x.untyped_storage().data_ptr() == x.untyped_storage().data_ptr()


def _press_train(at):
    next(b for b in at.button if b.label == "Train").click().run(timeout=120)
    return at.session_state["trainer"]


def test_two_sessions_on_one_link_press_train_and_the_server_trains_once():
    link = {"tr_subset": "500", "tr_epochs": "1", "seed": "3"}
    a = open_page("pages/training.py", query=link)
    b = open_page("pages/training.py", query=link)
    ta, tb = _press_train(a), _press_train(b)
    assert ta is tb and ta.done and ta.n == 500 and ta.cfg.seed == 3
    assert STORE.stats().computed == 1 and STORE.stats().shared >= 1
    for at in (a, b):
        assert not at.exception and not at.error
        assert any("Accuracy" in c.value for c in at.code)
    assert any("The class's run:" in c.value for c in b.caption)  # AppTest has one session id
    own = open_page("pages/training.py", query={**link, "seed": "4"})
    assert _press_train(own) is not ta and STORE.stats().computed == 2


def test_stop_gives_that_learner_their_own_run_and_the_class_run_goes_on(monkeypatch):
    link = {"tr_subset": "500", "tr_epochs": "2", "seed": "3"}
    a = open_page("pages/training.py", query=link)
    real_run = trn.Trainer.run

    def one_slice(self, **kw):  # the page stops following after one slice of 3 batches
        st.session_state["training"] = False
        return real_run(self, max_batches=3)

    monkeypatch.setattr(trn.Trainer, "run", one_slice)
    a.session_state["training"] = True
    a.run(timeout=120)
    shared = a.session_state["trainer"]
    monkeypatch.undo()
    next(x for x in a.button if x.label == "Stop").click().run()
    mine = a.session_state["trainer"]
    assert mine is not shared and mine.shared_key is None and shared.shared_key is not None
    assert mine.batch == shared.batch and mine.epoch == shared.epoch
    b = open_page("pages/training.py", query=link)
    assert _press_train(b) is shared and shared.done
    assert not mine.done  # the learner who stopped keeps their stopped run
