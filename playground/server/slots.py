"""The server-wide training queue: at most ``PLAYGROUND_MAX_TRAININGS`` runs at once."""

from __future__ import annotations

import os
import threading
import time

from playground.core.config import env_int


class TrainingSlots:
    """At most ``k`` trainings at once on a server; the others wait in line and can see where.

    A waiting session asks again about once a second. One that stops asking for
    ``patience`` seconds (its tab was closed) loses its place, so it never blocks the line.
    """

    def __init__(self, k: int, patience: float = 5.0) -> None:
        self.k, self.patience = k, patience
        self._lock = threading.Condition()
        self._running: set[str] = set()
        self._waiting: dict[str, float] = {}  # session -> when it last asked, in line order

    def try_acquire(self, session: str, now: float | None = None) -> int:
        """0 when ``session`` may train now; else its 1-based place in the queue."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if session in self._running:
                return 0
            for other, asked in list(self._waiting.items()):
                if other != session and now - asked > self.patience:
                    del self._waiting[other]  # gone: its tab stopped asking
            self._waiting[session] = now
            line = list(self._waiting)
            if len(self._running) < self.k and line[0] == session:
                del self._waiting[session]
                self._running.add(session)
                return 0
            return line.index(session) + 1

    def release(self, session: str) -> None:
        with self._lock:
            self._running.discard(session)
            self._waiting.pop(session, None)

    def counts(self) -> tuple[int, int]:
        """(running, waiting), for the server status a teacher sees."""
        with self._lock:
            return len(self._running), len(self._waiting)


# One queue per server process: at most PLAYGROUND_MAX_TRAININGS runs train at once.
SLOTS = TrainingSlots(env_int("PLAYGROUND_MAX_TRAININGS", os.cpu_count() or 2))
