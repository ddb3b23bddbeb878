"""The server-wide training queue: at most ``PLAYGROUND_MAX_TRAININGS`` runs at once.

A place in the queue is a *ticket*: a session's own run, or a run that a class shares. Thirty
students who press Train on the teacher's link ask with one ticket, take one place and, once
it starts, one slot: the server trains once for all of them.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Hashable

from playground.core.config import env_int

__all__ = ["SLOTS", "TrainingSlots"]


class TrainingSlots:
    """At most ``k`` trainings at once on a server; the others wait in line and can see where.

    A waiting session asks again about once a second. A ticket nobody asks for in
    ``patience`` seconds (its tabs were closed) loses its place, so it never blocks the line.
    """

    def __init__(self, k: int, patience: float = 5.0) -> None:
        self.k, self.patience = k, patience
        self._lock = threading.Condition()
        self._running: dict[Hashable, set[str]] = {}  # ticket -> sessions following it
        self._holding: dict[str, Hashable] = {}  # session -> the ticket it holds
        self._waiting: dict[Hashable, float] = {}  # ticket -> when last asked, in line order
        self._left: dict[Hashable, float] = {}  # running ticket -> its seconds left, measured
        self._typical: float | None = None  # a finished run's seconds, smoothed

    def try_acquire(self, session: str, now: float | None = None, *, run: Hashable = None) -> int:
        """0 when ``session`` may train now; else its 1-based place in the queue.

        ``run`` names a run other sessions may follow too: they share one place and one slot.
        """
        now = time.monotonic() if now is None else now
        ticket = session if run is None else ("run", run)
        with self._lock:
            if ticket in self._running:
                self._hold(session, ticket)
                return 0
            for other, asked in list(self._waiting.items()):
                if other != ticket and now - asked > self.patience:
                    del self._waiting[other]  # gone: its tabs stopped asking
            self._waiting[ticket] = now
            line = list(self._waiting)
            if len(self._running) < self.k and line[0] == ticket:
                del self._waiting[ticket]
                self._hold(session, ticket)
                return 0
            return line.index(ticket) + 1

    def _hold(self, session: str, ticket: Hashable) -> None:
        self._running.setdefault(ticket, set()).add(session)
        self._holding[session] = ticket

    def release(self, session: str) -> None:
        """``session`` stops following its run; the slot frees when nobody follows it."""
        with self._lock:
            ticket = self._holding.pop(session, None)
            if ticket is not None:
                followers = self._running[ticket]
                followers.discard(session)
                if not followers:
                    del self._running[ticket]
                    self._left.pop(ticket, None)
            self._waiting.pop(session, None)

    def report(self, session: str, seconds_left: float, *, finished: float | None = None) -> None:
        """The run ``session`` advances has about ``seconds_left`` to go (``finished``: it just
        ended after that many seconds): the queue's estimates come from these measurements."""
        with self._lock:
            if (ticket := self._holding.get(session)) is not None:
                self._left[ticket] = max(0.0, seconds_left)
            if finished is not None:
                old = self._typical
                self._typical = finished if old is None else 0.7 * old + 0.3 * finished

    def estimate(self, place: int) -> float | None:
        """Seconds until place ``place`` may start, from the runs ahead as measured; None
        until the server has measured a run."""
        with self._lock:
            left = sorted(self._left.get(t, self._typical or 0.0) for t in self._running)
            typical = self._typical or (max(left) if left else None)
            if typical is None:
                return None
            free = (left + [0.0] * self.k)[: self.k]
            for _ in range(place - 1):  # each ticket ahead takes the first free slot
                free.sort()
                free[0] += typical
            return min(free)

    def counts(self) -> tuple[int, int]:
        """(running, waiting), for the server status a teacher sees."""
        with self._lock:
            return len(self._running), len(self._waiting)

    def followers(self) -> int:
        """Sessions following a running training (more than ``counts()[0]`` when shared)."""
        with self._lock:
            return sum(len(s) for s in self._running.values())


# One queue per server process: at most PLAYGROUND_MAX_TRAININGS runs train at once.
SLOTS = TrainingSlots(env_int("PLAYGROUND_MAX_TRAININGS", os.cpu_count() or 2))
