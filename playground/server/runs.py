"""Which session holds which runs, so the runs of sessions that left can be freed.

A server keeps a disconnected session for ``disconnectedSessionTTL`` seconds in case the
browser comes back, and reaps it only lazily. :meth:`RunRegistry.reap` frees every run of a
session once it has been gone that long, so memory is bounded by the TTL, not by luck.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["RUNS", "Releasable", "RunRegistry"]


class Releasable(Protocol):
    """A run that can drop its data, model and graph (a ``Trainer``)."""

    def release(self) -> None: ...


@dataclass
class _Held:
    refs: list[weakref.ref[Releasable]] = field(default_factory=list)
    gone_since: float | None = None

    def alive(self) -> list[Releasable]:
        runs = [r for ref in self.refs if (r := ref()) is not None]
        self.refs = [weakref.ref(r) for r in runs]
        return runs


class RunRegistry:
    """Every Trainer a session creates is tracked here, weakly: a dropped run frees itself."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: dict[str, _Held] = {}

    def track(self, session: str, run: Releasable) -> None:
        with self._lock:
            held = self._held.setdefault(session, _Held())
            if all(ref() is not run for ref in held.refs):
                held.refs.append(weakref.ref(run))
            held.gone_since = None

    def holders(self, run: Releasable) -> int:
        """Sessions holding ``run`` (more than one when a class shares it)."""
        with self._lock:
            return sum(any(r is run for r in h.alive()) for h in self._held.values())

    def held(self) -> int:
        """Runs still in memory, over all sessions (a run a class shares counts once)."""
        with self._lock:
            return len({id(r) for h in self._held.values() for r in h.alive()})

    def reap(self, is_active: Callable[[str], bool], grace: float, now: float) -> list[str]:
        """Forget sessions inactive for ``grace`` seconds and release their runs, except a run
        another session still holds (a class follows one shared run); returns those sessions."""
        freed, dropped = [], []
        with self._lock:
            for session, held in list(self._held.items()):
                runs = held.alive()
                if not runs:
                    del self._held[session]
                elif is_active(session):
                    held.gone_since = None
                elif held.gone_since is None:
                    held.gone_since = now
                elif now - held.gone_since >= grace:
                    dropped.extend(runs)
                    del self._held[session]
                    freed.append(session)
            still = {id(r) for h in self._held.values() for r in h.alive()}
            for run in {id(r): r for r in dropped if id(r) not in still}.values():
                run.release()
        return freed


RUNS = RunRegistry()
