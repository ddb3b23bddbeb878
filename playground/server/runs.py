"""The optimization loop ("Optimizing Model Parameters" chapter), resumable and exact.

:class:`Trainer` runs the tutorial's ``train_loop``/``test_loop`` semantics:
``model.train()``, forward, loss, ``backward()``, ``optimizer.step()``,
``optimizer.zero_grad()``; then ``model.eval()`` under ``torch.no_grad()`` for
the test. It works in small slices (:meth:`Trainer.run`) so a page can draw
between them, stop, and resume the very same run.

The default pipeline keeps the whole dataset as one float tensor on the device
and takes batches by ``randperm`` indexing. With the same generator this gives
exactly the batches of ``DataLoader(shuffle=True, generator=g)``, whose
``RandomSampler`` draws ``torch.randperm(n, generator=g)`` each epoch, without
per-sample Python work.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

from playground.training.loop import Trainer


class RunRegistry:
    """Which session holds which run, so runs of sessions that left can be freed.

    A server keeps a disconnected session for ``disconnectedSessionTTL`` seconds in case the
    browser comes back, and reaps it only lazily. :meth:`reap` frees a run once its
    session has been gone that long, so memory is bounded by the TTL, not by luck.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[str, tuple[Any, float | None]] = {}  # session -> (weakref, gone since)

    def track(self, session: str, trainer: Trainer) -> None:
        with self._lock:
            self._runs[session] = (weakref.ref(trainer), None)

    def held(self) -> int:
        with self._lock:
            return sum(ref() is not None for ref, _ in self._runs.values())

    def reap(self, is_active: Callable[[str], bool], grace: float, now: float) -> list[str]:
        """Release the runs of sessions inactive for ``grace`` seconds; returns those sessions."""
        freed = []
        with self._lock:
            for session, (ref, since) in list(self._runs.items()):
                trainer = ref()
                if trainer is None:
                    del self._runs[session]
                elif is_active(session):
                    self._runs[session] = (ref, None)
                elif since is None:
                    self._runs[session] = (ref, now)
                elif now - since >= grace:
                    trainer.release()
                    del self._runs[session]
                    freed.append(session)
        return freed
RUNS = RunRegistry()
