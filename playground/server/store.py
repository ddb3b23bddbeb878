"""One server-wide store of results, keyed by everything that determines their numbers.

A class presses the same button at the same moment: the first request computes, the others
wait for that very computation (single flight) and every later one gets the stored result at
once. The store is bounded in bytes (``PLAYGROUND_STORE_MB``) and forgets the least recently
used result first; a result that says it is no longer usable (a run the janitor released) is
dropped when next asked for.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, TypeVar

import torch

from playground.core.config import env_int

__all__ = [
    "STORE",
    "Progress",
    "ResultStore",
    "StoreStats",
    "library_versions",
    "tensor_bytes",
]

T = TypeVar("T")


@functools.cache
def library_versions() -> tuple[str, ...]:
    """Part of every key: another torch may give other bits for the same config."""
    import torchvision

    return torch.__version__, torchvision.__version__


def tensor_bytes(*objects: Any) -> int:
    """The bytes of every distinct tensor storage reachable through dicts, lists and modules."""
    seen: set[int] = set()
    total, stack = 0, list(objects)
    while stack:
        obj = stack.pop()
        if isinstance(obj, torch.nn.Module):
            stack.extend(obj.state_dict(keep_vars=True).values())
        elif isinstance(obj, torch.Tensor):
            storage = obj.untyped_storage()
            if storage.data_ptr() not in seen:
                seen.add(storage.data_ptr())
                total += storage.nbytes()
        elif isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list | tuple):
            stack.extend(obj)
    return total


@dataclass(frozen=True)
class StoreStats:
    computed: int  # results computed (one per distinct key while it stays stored)
    shared: int  # requests answered by a stored or in-flight result
    entries: int
    bytes: int


# How far a job is, and what it is doing now: a fraction and a label the job chose.
Progress = Callable[[float, str], None]


class _AbandonedError(Exception):
    """The request computing a result was stopped (its tab left): someone else computes it."""


class _Entry:
    __slots__ = ("size", "usable", "value")

    def __init__(self, value: Any, size: Callable[[Any], int], usable: Callable[[Any], bool]):
        self.value, self.size, self.usable = value, size, usable


class ResultStore:
    """Thread-safe, byte-bounded, least-recently-used, single-flight."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._inflight: dict[Hashable, Future[Any]] = {}
        self._progress: dict[Hashable, tuple[float, str]] = {}
        self._computed = self._shared = 0

    def get(self, key: Hashable) -> Any | None:
        """The stored result for ``key``, or None (never waits, never computes)."""
        with self._lock:
            return self._lookup(key)

    def get_or_compute(
        self,
        key: Hashable,
        compute: Callable[[], T],
        *,
        size: Callable[[T], int] = lambda _: 0,
        usable: Callable[[T], bool] = lambda _: True,
    ) -> T:
        """The result for ``key``: stored, being computed by another request, or computed here.

        ``size`` is asked again whenever the store makes room, so a result that grows (a run
        in progress) is counted as it is now. An exception reaches every waiting request and
        nothing is stored.
        """
        return self.run_once(key, lambda _: compute(), size=size, usable=usable)

    def run_once(
        self,
        key: Hashable,
        work: Callable[[Progress], T],
        *,
        on_progress: Progress = lambda fraction, label: None,
        poll: float = 0.5,
        size: Callable[[T], int] = lambda _: 0,
        usable: Callable[[T], bool] = lambda _: True,
        keep: bool = True,
    ) -> T:
        """As :meth:`get_or_compute`, for a job that reports its progress: ``work(report)``
        runs once, and every request waiting for it sees that progress through its own
        ``on_progress`` (every ``poll`` seconds), as the request that computes does.
        ``keep=False`` shares only the computation in flight (a timing: asked again later,
        it measures again).

        When the computing request is stopped from outside (a ``BaseException`` such as
        Streamlit's rerun or stop of a tab that left), a waiting request takes over.
        """
        while True:
            with self._lock:
                if (found := self._lookup(key)) is not None:
                    return found
                future = self._inflight.get(key)
                owner = future is None
                if future is None:
                    future = self._inflight[key] = Future()
                    self._progress[key] = (0.0, "")
                else:
                    self._shared += 1
            if owner:
                return self._compute(key, future, work, on_progress, size, usable, keep)
            try:
                return self._wait(key, future, on_progress, poll)
            except _AbandonedError:
                continue

    def _wait(self, key: Hashable, future: Future[Any], on_progress: Progress, poll: float) -> Any:
        while True:
            try:
                return future.result(timeout=poll)
            except FutureTimeout:
                with self._lock:
                    fraction, label = self._progress.get(key, (0.0, ""))
                on_progress(fraction, label)

    def _compute(
        self,
        key: Hashable,
        future: Future[Any],
        work: Callable[[Progress], T],
        on_progress: Progress,
        size: Callable[[T], int],
        usable: Callable[[T], bool],
        keep: bool,
    ) -> T:
        def report(fraction: float, label: str = "") -> None:
            with self._lock:
                self._progress[key] = (fraction, label)
            on_progress(fraction, label)

        try:
            value = work(report)
        except BaseException as err:
            with self._lock:
                del self._inflight[key]
                self._progress.pop(key, None)
            # An error of the work reaches every waiter; this request being stopped does not.
            future.set_exception(err if isinstance(err, Exception) else _AbandonedError())
            raise
        if keep:
            self.put(key, value, size=size, usable=usable)
        with self._lock:
            del self._inflight[key]
            self._progress.pop(key, None)
            self._computed += 1
        future.set_result(value)
        return value

    def put(
        self,
        key: Hashable,
        value: Any,
        *,
        size: Callable[[Any], int] = lambda _: 0,
        usable: Callable[[Any], bool] = lambda _: True,
    ) -> None:
        with self._lock:
            self._entries[key] = _Entry(value, size, usable)
            self._entries.move_to_end(key)
            self._make_room()

    def drop(self, key: Hashable) -> None:
        with self._lock:
            self._entries.pop(key, None)

    def clear(self) -> None:
        """Forget every result and the counts (runs in flight finish for their waiters)."""
        with self._lock:
            self._entries.clear()
            self._computed = self._shared = 0

    def stats(self) -> StoreStats:
        with self._lock:
            return StoreStats(self._computed, self._shared, len(self._entries), self._bytes())

    # -- under the lock ------------------------------------------------------------------
    def _lookup(self, key: Hashable) -> Any | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if not entry.usable(entry.value):
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        self._shared += 1
        return entry.value

    def _bytes(self) -> int:
        return sum(e.size(e.value) for e in self._entries.values())

    def _make_room(self) -> None:
        """Oldest out until the rest fit; the newest result always stays."""
        while len(self._entries) > 1 and self._bytes() > self.max_bytes:
            self._entries.popitem(last=False)


# One store per server process, shared by every session: never mutate what it returns.
STORE = ResultStore(env_int("PLAYGROUND_STORE_MB", 256) * 2**20)
