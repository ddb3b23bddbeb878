"""The server's result store: one computation per key, bounded, thread-safe."""

from __future__ import annotations

import threading
import time

import pytest
import torch

from playground.server.slots import TrainingSlots
from playground.server.store import ResultStore, tensor_bytes


def test_identical_keys_share_one_result_and_different_keys_do_not():
    store, calls = ResultStore(2**20), []

    def compute(v):
        calls.append(v)
        return [v]

    a = store.get_or_compute(("lr", 0.1), lambda: compute(1))
    assert store.get_or_compute(("lr", 0.1), lambda: compute(2)) is a
    b = store.get_or_compute(("lr", 0.01), lambda: compute(3))
    assert b == [3] and calls == [1, 3]
    s = store.stats()
    assert (s.computed, s.shared, s.entries) == (2, 1, 2)


def test_16_threads_asking_at_once_compute_once_and_all_get_it():
    store, calls, start = ResultStore(2**20), [], threading.Barrier(16)
    results: list[object] = []

    def slow():
        calls.append(1)
        time.sleep(0.2)  # long enough that every thread asks while it runs
        return object()

    def ask():
        start.wait()
        results.append(store.get_or_compute("run", slow))

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(results) == 16 and len({id(r) for r in results}) == 1
    assert store.stats().shared == 15


def test_a_failure_reaches_every_waiter_and_nothing_is_stored():
    store, start, errors = ResultStore(2**20), threading.Barrier(4), []

    def bad():
        time.sleep(0.1)
        raise ValueError("refused")

    def ask():
        start.wait()
        try:
            store.get_or_compute("k", bad)
        except ValueError as err:
            errors.append(str(err))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == ["refused"] * 4
    assert store.get("k") is None and store.get_or_compute("k", lambda: 7) == 7


def test_least_recently_used_goes_first_when_the_bytes_run_out():
    mb = 2**20
    store = ResultStore(3 * mb)
    size = tensor_bytes
    for name in "abc":
        store.get_or_compute(name, lambda: torch.zeros(mb // 4), size=size)  # 1 MiB each
    store.get("a")  # a is used again: b is now the oldest
    store.get_or_compute("d", lambda: torch.zeros(mb // 4), size=size)
    assert store.get("b") is None
    assert all(store.get(k) is not None for k in "acd")
    assert store.stats().bytes == 3 * mb
    store.get_or_compute("huge", lambda: torch.zeros(mb), size=size)  # 4 MiB: alone
    assert store.stats().entries == 1 and store.get("huge") is not None


def test_a_result_that_became_unusable_is_dropped_when_asked_for():
    store = ResultStore(2**20)
    box = {"released": False}
    store.put("run", box, usable=lambda b: not b["released"])
    assert store.get("run") is box
    box["released"] = True
    assert store.get("run") is None and store.stats().entries == 0


def test_tensor_bytes_counts_each_storage_once():
    x = torch.zeros(1000)
    assert tensor_bytes(x, x[:10], {"a": [x]}) == 4000
    assert tensor_bytes(torch.nn.Linear(10, 5)) == (50 + 5) * 4


def test_a_shared_run_takes_one_place_and_one_slot_for_every_follower():
    slots = TrainingSlots(1)
    assert slots.try_acquire("solo") == 0
    assert [slots.try_acquire(s, run="class") for s in ("s1", "s2", "s3")] == [1, 1, 1]
    assert slots.try_acquire("other") == 2  # behind the class, not behind 3 students
    slots.release("solo")
    assert slots.try_acquire("s2", run="class") == 0 and slots.try_acquire("s1", run="class") == 0
    assert slots.counts() == (1, 1) and slots.followers() == 2
    slots.release("s2")
    assert slots.try_acquire("other") == 1  # s1 still follows the class's run
    slots.release("s1")
    assert slots.try_acquire("other") == 0


def test_the_queue_estimates_the_wait_from_measured_runs():
    slots = TrainingSlots(2)
    assert slots.estimate(1) is None  # nothing measured yet: no number is made up
    slots.try_acquire("a")
    slots.try_acquire("b")
    slots.report("a", 10.0)
    slots.report("b", 30.0)
    assert slots.estimate(1) == 10.0  # a's slot frees first
    slots.report("a", 0.0, finished=20.0)  # a run takes about 20 s here
    assert slots.estimate(1) == 0.0
    assert slots.estimate(2) == 20.0  # the one ahead takes a's slot for 20 s
    assert slots.estimate(3) == 30.0  # b's slot frees at 30 s


@pytest.mark.parametrize("k", [1, 3])
def test_the_estimate_never_decreases_with_the_place(k):
    slots = TrainingSlots(k)
    for i in range(k):
        slots.try_acquire(f"s{i}")
        slots.report(f"s{i}", 5.0 * (i + 1), finished=12.0)
    waits = [slots.estimate(p) for p in range(1, 8)]
    assert waits == sorted(waits) and waits[-1] > waits[0]
