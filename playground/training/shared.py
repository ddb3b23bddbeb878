"""Runs a class shares: one :class:`Trainer` per :class:`RunKey`, trained once per server.

Thirty students who press Train on the teacher's link ask for the same key. The first
request builds the run and every other one gets that very object: whoever is watching
advances it (one thread at a time, see :meth:`Trainer.run`) and all of them draw the same
curves. A shared run is never changed for one learner: Stop, the slow-motion step and
reading a run in progress work on a private :meth:`Trainer.fork`, and "Continue" asks for the
longer run's own key, which equals a fresh run of that many epochs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace

import torch

from playground.core.errors import TrainingError
from playground.layers.specs import LayerSpec
from playground.server.store import STORE, ResultStore, library_versions
from playground.server.work import shared_run
from playground.training.config import TrainConfig
from playground.training.loop import Trainer

__all__ = ["RunKey", "continued", "run_key", "shared_trainer", "steady", "transfer_key"]


@dataclass(frozen=True)
class RunKey:
    """Everything that determines a run's numbers."""

    specs: tuple[LayerSpec, ...]
    input_shape: tuple[int, ...]
    dataset: str  # a built-in name, or an upload's content hash
    cfg: TrainConfig  # the seed too
    n: int  # training samples used
    device: str
    data_parallel: bool
    versions: tuple[str, ...]


def run_key(
    specs: list[LayerSpec],
    input_shape: tuple[int, ...],
    dataset: str,
    cfg: TrainConfig,
    n: int,
    *,
    device: torch.device | str = "cpu",
    data_parallel: bool = False,
) -> RunKey:
    return RunKey(
        tuple(specs), tuple(input_shape), dataset, cfg, int(n), str(torch.device(device)),
        bool(data_parallel), library_versions(),
    )  # fmt: skip


def transfer_key(
    specs: list[LayerSpec],
    input_shape: tuple[int, ...],
    dataset: str,
    cfg: TrainConfig,
    source_epochs: int,
    target_subset: int,
    source: bytes | None,
    device: torch.device | str = "cpu",
) -> tuple[object, ...]:
    """Everything that determines a transfer study's numbers; an uploaded source counts by
    the hash of its bytes."""
    digest = None if source is None else hashlib.sha256(source).hexdigest()
    run = run_key(specs, input_shape, dataset, cfg, target_subset, device=device)
    return "transfer", run, int(source_epochs), digest


def shared_trainer(key: RunKey, make: Callable[[], Trainer], store: ResultStore = STORE) -> Trainer:
    """The class's run for ``key``: stored (finished or in progress), or made now by ``make``."""
    return shared_run(key, make, store)


def continued(t: Trainer, epochs: int, store: ResultStore = STORE) -> Trainer:
    """``t`` going on for ``epochs`` more. A private run is extended in place; a shared one
    stays as it is, and the learner gets the run of the longer key: the class's, if someone
    asked first, else a fork of ``t`` extended (2 epochs, then 2 more, equal one 4-epoch run).
    """
    if t.shared_key is None:
        t.extend(epochs)
        return t
    if t.diverged is not None or epochs < 1:
        raise TrainingError("err.training.cannot_extend")
    key = replace(t.shared_key, cfg=replace(t.cfg, epochs=t.cfg.epochs + int(epochs)))

    def grow() -> Trainer:
        twin = t.fork()
        twin.extend(epochs)
        return twin

    return shared_trainer(key, grow, store)


def steady(t: Trainer) -> Trainer:
    """The run to read a model from: ``t``, or, while another session advances it, a private
    copy of where it is now (so results and saved weights are never torn mid-step)."""
    return t.fork() if t.busy else t
