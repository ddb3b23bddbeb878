"""The training step, written once ("Optimizing Model Parameters": the optimization loop).

:func:`train_step` is the tutorial's five lines: forward, loss, ``backward()``,
``optimizer.step()``, ``optimizer.zero_grad()``. Everything that trains calls it or wraps it:

- :class:`EagerStepper` calls it per batch (CPU, MPS, ``nn.DataParallel``);
- :class:`GraphStepper` (CUDA) warms it up on a side stream, records one call of it as a
  CUDA graph over a fixed batch of indices, and replays that graph;
- the slow-motion step calls it with hooks that keep every number;
- the pipeline lab times it three ways, and the displayed script prints ``STEP_CODE``.

A :class:`Trainer` picks its stepper once, when it is built.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from torch import nn

__all__ = [
    "CAPTURED",
    "DEVICE_TENSOR",
    "STEP_CODE",
    "WARMUP_STEPS",
    "CapturedStep",
    "EagerStepper",
    "GraphStepper",
    "LossFn",
    "Stepper",
    "capture_step",
    "finite_loss",
    "train_step",
]

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
WARMUP_STEPS = 3  # eager steps on a side stream before capture, as torch.cuda.graph asks
CAPTURED = "CUDA graph (captured step)"
DEVICE_TENSOR = "device tensor + randperm"

# The same step as the tutorial's train_loop prints it (and the page's script runs it).
STEP_CODE = """\
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()"""


def train_step(
    model: nn.Module,
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    proceed: Callable[[torch.Tensor], bool] | None = None,
    after_backward: Callable[[], None] | None = None,
    after_step: Callable[[], None] | None = None,
    zero_grad: bool = True,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One optimization step on the batch ``(x, y)``; returns ``(pred, loss)``.

    ``proceed(loss)`` returning False stops before ``backward()`` (a non-finite loss leaves
    the weights as they were). ``zero_grad=False`` leaves ``.grad`` in place, for a CUDA
    graph that owns it.
    """
    pred = model(x)
    loss = loss_fn(pred, y)
    if proceed is not None and not proceed(loss):
        return pred, loss
    loss.backward()
    if after_backward is not None:
        after_backward()
    optimizer.step()
    if after_step is not None:
        after_step()
    if zero_grad:
        optimizer.zero_grad()
    return pred, loss


class Stepper(Protocol):
    """How a run takes its steps: by indices into data already on the device."""

    @property
    def name(self) -> str: ...

    def step(self, idx: torch.Tensor) -> float:
        """The batch's loss. When it is not finite, the weights are as before the step."""
        ...

    def reset(self) -> None:
        """Back to plain eager state (``.grad`` is None): before touching grads by hand."""
        ...


def finite_loss(box: list[float]) -> Callable[[torch.Tensor], bool]:
    """A ``proceed`` hook for :func:`train_step`: keeps the loss in ``box``, stops if not finite."""

    def proceed(loss: torch.Tensor) -> bool:
        box.append(loss.item())
        return math.isfinite(box[-1])

    return proceed


@dataclass
class EagerStepper:
    """The tutorial's step on the rows ``idx`` of ``x`` and ``y``, one Python call per batch.

    ``index_select`` copies whole rows; ``x[idx]`` gathers element by element, 2-3x slower
    for an image batch (benchmarks/bench_training.py)."""

    net: nn.Module
    loss_fn: LossFn
    optimizer: torch.optim.Optimizer
    x: torch.Tensor
    y: torch.Tensor
    name: str = DEVICE_TENSOR

    def step(self, idx: torch.Tensor) -> float:
        box: list[float] = []
        proceed = finite_loss(box)
        train_step(
            self.net, self.loss_fn, self.optimizer, self.x.index_select(0, idx),
            self.y.index_select(0, idx), proceed=proceed,
        )  # fmt: skip
        return box[-1]

    def reset(self) -> None:
        self.optimizer.zero_grad(set_to_none=True)


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
    loss_fn: LossFn,
    optimizer: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    stream: torch.cuda.Stream | None = None,
) -> CapturedStep:
    """Record :func:`train_step` on ``x[index], y[index]``; the model must be warmed up.

    ``thread_local`` capture lets other sessions' threads keep using the GPU meanwhile.
    """
    params: list[torch.Tensor] = [p for p in model.parameters() if p.requires_grad]
    backup = [p.detach().clone() for p in params]
    index = torch.zeros(batch_size, dtype=torch.long, device=x.device)
    optimizer.zero_grad(set_to_none=True)  # backward inside the graph assigns fresh grads
    graph = torch.cuda.CUDAGraph()
    with torch.cuda.graph(graph, stream=stream, capture_error_mode="thread_local"):
        for b, p in zip(backup, params, strict=True):
            b.copy_(p.detach())
        _, loss = train_step(model, loss_fn, optimizer, x[index], y[index], zero_grad=False)
    return CapturedStep(graph, index, loss.detach(), params, backup)


class GraphStepper:
    """CUDA: eager warm-up steps on a side stream, then replays of one captured step.

    A batch of another size (the last, partial one) runs eagerly on the same stream, so
    autograd's AccumulateGrad nodes never switch streams. An op that cannot be captured
    leaves the run eager, with the reason in ``capture_error``.
    """

    def __init__(
        self,
        model: nn.Module,
        loss_fn: LossFn,
        optimizer: torch.optim.Optimizer,
        x: torch.Tensor,
        y: torch.Tensor,
        batch_size: int,
    ) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.x, self.y, self.batch_size = x, y, batch_size
        self.stream = torch.cuda.Stream(x.device)
        self.graph: CapturedStep | None = None
        self.capture_error: str | None = None
        self._warm = 0

    @property
    def name(self) -> str:
        return CAPTURED if self.capture_error is None else DEVICE_TENSOR

    def step(self, idx: torch.Tensor) -> float:
        if self.graph is not None and len(idx) == self.batch_size:
            value = self.graph.replay(idx).item()
            if not math.isfinite(value):
                self.graph.undo()  # the step already ran inside the graph: take it back
            return value
        return self._eager(idx)

    def _eager(self, idx: torch.Tensor) -> float:
        owned = self.graph is not None
        box: list[float] = []
        current = torch.cuda.current_stream(self.x.device)
        self.stream.wait_stream(current)
        with torch.cuda.stream(self.stream):
            if owned:  # the graph owns .grad: zero it in place, keep it
                self.optimizer.zero_grad(set_to_none=False)
            train_step(
                self.model, self.loss_fn, self.optimizer, self.x.index_select(0, idx),
                self.y.index_select(0, idx), proceed=finite_loss(box), zero_grad=not owned,
            )  # fmt: skip
        current.wait_stream(self.stream)
        self._warm += 1
        ready = self._warm >= WARMUP_STEPS and len(idx) == self.batch_size
        if math.isfinite(box[-1]) and not owned and ready and self.capture_error is None:
            self._capture()
        return box[-1]

    def _capture(self) -> None:
        try:
            self.graph = capture_step(
                self.model, self.loss_fn, self.optimizer, self.x, self.y, self.batch_size,
                self.stream,
            )  # fmt: skip
        except RuntimeError as err:  # an op that cannot be captured: stay eager, say why
            self.graph, self.capture_error = None, str(err).splitlines()[0]
            self.optimizer.zero_grad(set_to_none=True)

    def reset(self) -> None:
        if self.graph is not None:
            self.graph, self._warm = None, 0
        self.optimizer.zero_grad(set_to_none=True)
