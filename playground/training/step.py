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

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

WARMUP_STEPS = 3  # eager steps on a side stream before capture, as torch.cuda.graph asks
CAPTURED = "CUDA graph (captured step)"
DEVICE_TENSOR = "device tensor + randperm"


@dataclass
class CapturedStep:
    """One whole optimization step recorded as a CUDA graph over a fixed batch of indices.

    Replaying it runs forward, loss, ``backward()`` and ``optimizer.step()`` with one launch
    instead of dozens, which is what small models on a fast GPU are limited by. ``backup``
    holds the weights from before the last replayed step, so a non-finite loss can be undone.
    """

    graph: Any
    index: torch.Tensor  # copy a batch's indices here, then replay
    loss: torch.Tensor
    params: list[torch.Tensor]
    backup: list[torch.Tensor]

    def replay(self, idx: torch.Tensor) -> torch.Tensor:
        self.index.copy_(idx)
        self.graph.replay()
        return self.loss

    def undo(self) -> None:
        with torch.no_grad():
            for p, b in zip(self.params, self.backup, strict=True):
                p.copy_(b)


def capture_step(
    model: nn.Module,
    loss_fn: Callable,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    stream: torch.cuda.Stream | None = None,
) -> CapturedStep:
    """Record ``model``'s training step on ``x[index], y[index]``; the model must be warmed up.

    ``thread_local`` capture lets other sessions' threads keep using the GPU meanwhile.
    """
    params = [p for p in model.parameters() if p.requires_grad]
    backup = [p.detach().clone() for p in params]
    index = torch.zeros(batch_size, dtype=torch.long, device=x.device)
    optimizer.zero_grad(set_to_none=True)  # backward inside the graph assigns fresh grads
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=stream, capture_error_mode="thread_local"):
        for b, p in zip(backup, params, strict=True):
            b.copy_(p.detach())
        loss = loss_fn(model(x[index]), y[index])
        loss.backward()
        optimizer.step()
    return CapturedStep(graph, index, loss.detach(), params, backup)
