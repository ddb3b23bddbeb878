"""One protocol for long work on a shared server, so a class computes each thing once.

Two shapes of long work share the training queue (:mod:`playground.server.slots`) and the
result store (:mod:`playground.server.store`):

- a :class:`SliceRun` is advanced in slices by whoever watches it (a ``Trainer``, an
  ``ExampleRun``): :func:`shared_run` gives every session asking for one key the very same
  object, :meth:`SliceRun.run` lets one thread at a time advance it, and a learner's Stop or
  slow-motion step works on a private :meth:`SliceRun.fork`;
- a *job* is one call that reports its progress (a transfer study, the pipeline lab, timing
  the levels, grading "reach the target"): :meth:`ResultStore.run_once` runs it once and
  every session that asks meanwhile follows its progress and gets its result.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Protocol, TypeVar

from playground.server.store import STORE, ResultStore

__all__ = ["SliceRun", "held_elsewhere", "if_free", "own_copy", "seconds_left", "shared_run"]


class SliceRun(Protocol):
    """Long work advanced a slice at a time, which a class can share."""

    shared_key: Any  # the store's key while a class shares it, else None
    seconds: float  # spent computing so far

    @property
    def done(self) -> bool: ...

    @property
    def progress(self) -> float: ...  # 0..1

    @property
    def busy(self) -> bool: ...  # another thread is advancing it now

    @property
    def released(self) -> bool: ...

    def run(self, *, max_seconds: float = 0.5) -> int:
        """Advance about ``max_seconds``; 0 at once while another thread advances it."""
        ...

    def fork(self) -> Any:
        """A private copy at this very position that goes on exactly as this run would."""
        ...

    def release(self) -> None: ...

    def nbytes(self) -> int: ...


R = TypeVar("R", bound=SliceRun)


def own_copy(run: R) -> R:
    """Stop's rule for a run the class shares: the learner who stops it keeps a private fork
    at this very step, and the class's run goes on for the others. A run of one's own (or a
    finished one, which nobody advances) is returned as it is."""
    return run.fork() if run.shared_key is not None and not run.done else run


class Lock(Protocol):
    """``threading.Lock`` or ``RLock``: what a run advances under."""

    def acquire(self, blocking: bool = ..., timeout: float = ...) -> bool: ...

    def release(self) -> None: ...


def held_elsewhere(lock: Lock) -> bool:
    """Whether another thread holds ``lock`` now (a run's ``busy``)."""
    if lock.acquire(blocking=False):
        lock.release()
        return False
    return True


def if_free(lock: Lock, advance: Callable[[], int]) -> int:
    """``advance()`` under ``lock``, or 0 at once while another thread holds it: a follower
    of a run the class shares draws what that thread has done instead of waiting."""
    if not lock.acquire(blocking=False):
        return 0
    try:
        return advance()
    finally:
        lock.release()


def shared_run(key: Hashable, make: Callable[[], R], store: ResultStore = STORE) -> R:
    """The class's run for ``key``: stored (finished or in progress), or made now by ``make``.

    ``key`` must hold everything that determines the run's numbers; a run the janitor
    released is made again.
    """

    def build() -> R:
        run = make()
        run.shared_key = key
        return run

    return store.get_or_compute(
        key, build, size=lambda r: r.nbytes(), usable=lambda r: not r.released
    )


def seconds_left(run: SliceRun) -> float:
    """The rest of ``run`` at the speed measured so far (0 once done)."""
    if run.done or run.progress <= 0:
        return 0.0
    return run.seconds * (1 - run.progress) / run.progress
