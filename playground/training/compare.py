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

from typing import Any

from playground.core.errors import TrainingError
from playground.training.config import COMPARE_FIELDS, TrainConfig


def compare_configs(base: TrainConfig, field_name: str, values: list[Any]) -> list[TrainConfig]:
    """Two or three runs that differ from ``base`` in one setting, for the compare mode."""
    if field_name not in COMPARE_FIELDS:
        raise TrainingError('err.training.compare_learning_rate', field_name=field_name)
    values = list(dict.fromkeys(values))
    if not 2 <= len(values) <= 3:
        raise TrainingError('err.training.pick_two_three')
    from dataclasses import replace

    return [replace(base, **{field_name: v}) for v in values]
