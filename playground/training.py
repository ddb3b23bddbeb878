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

import math
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from playground.data import ImageDataset
from playground.models import LayerSpec, build_model, check_model
from playground.settings import env_int

__all__ = [
    "LOSSES",
    "OPTIMIZERS",
    "TrainConfig",
    "Trainer",
    "TrainingSlots",
    "confusion_matrix",
    "evaluate",
    "slow_step",
    "tensorize",
    "training_code",
]

LOSSES = ("CrossEntropyLoss", "NLLLoss", "MSELoss")
LEARNING_RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 10.0)
BATCH_SIZES = (8, 16, 32, 64, 128, 256, 512)
OPTIMIZERS = ("SGD", "Adam", "AdamW", "RMSprop")
LOG_EVERY = 100  # batches, as the tutorial prints
CURVE_EVERY = 10  # batches between points of the live train-loss curve


def max_train_samples() -> int:
    """Cap on epochs × samples per run, for a shared server."""
    return env_int("PLAYGROUND_MAX_TRAIN_SAMPLES", 600_000)


@dataclass(frozen=True)
class TrainConfig:
    """Everything a run depends on; the tutorial's values are the defaults."""

    learning_rate: float = 1e-3
    batch_size: int = 64
    epochs: int = 5
    loss: str = "CrossEntropyLoss"
    optimizer: str = "SGD"
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    seed: int = 0

    def label(self) -> str:
        extra = f", momentum {self.momentum}" if self.optimizer == "SGD" and self.momentum else ""
        return (
            f"{self.optimizer} lr={self.learning_rate:g}{extra}, batch {self.batch_size}, "
            f"{self.loss}, seed {self.seed}"
        )


def tensorize(
    ds: ImageDataset, device: torch.device | str = "cpu", n: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``n`` samples (all by default) as float32 in [0, 1], what ``ToTensor`` gives."""
    images, targets = ds.images[:n], ds.targets[:n]  # converts only what the run uses
    # mul_(1 / 255), not div_(255): bit for bit what v2.ToDtype(float32, scale=True) computes.
    x = images.to(device=device, dtype=torch.float32).mul_(1.0 / 255)
    return x, targets.to(device)


def make_loss(name: str, n_classes: int) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """The loss as the model's raw outputs and integer labels see it."""
    if name == "CrossEntropyLoss":
        return nn.CrossEntropyLoss()
    if name == "NLLLoss":
        log_softmax, nll = nn.LogSoftmax(dim=1), nn.NLLLoss()
        return lambda logits, y: nll(log_softmax(logits), y)
    if name == "MSELoss":
        mse = nn.MSELoss()
        return lambda logits, y: mse(logits, nn.functional.one_hot(y, n_classes).to(logits.dtype))
    raise ValueError(f"unknown loss {name!r}")


def make_optimizer(
    name: str, params: Any, cfg: TrainConfig, *, capturable: bool = False
) -> torch.optim.Optimizer:
    """``capturable`` keeps Adam's step counter on the device so a CUDA graph can hold the step."""
    if name == "SGD":
        return torch.optim.SGD(
            params,
            lr=cfg.learning_rate,
            momentum=cfg.momentum,
            nesterov=cfg.nesterov and cfg.momentum > 0,
            weight_decay=cfg.weight_decay,
        )
    cls = {"Adam": torch.optim.Adam, "AdamW": torch.optim.AdamW, "RMSprop": torch.optim.RMSprop}[
        name
    ]
    extra = {"capturable": True} if capturable else {}
    return cls(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay, **extra)


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


@dataclass
class History:
    train_steps: list[int] = field(default_factory=list)  # samples seen when logged
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)
    log: list[str] = field(default_factory=list)


class Trainer:
    """One run: model, optimizer, data on the device, position in the loop, and history."""

    def __init__(
        self,
        specs: list[LayerSpec],
        input_shape: tuple[int, ...],
        train: ImageDataset,
        test: ImageDataset,
        cfg: TrainConfig,
        *,
        device: torch.device | str = "cpu",
        subset: int | None = None,
        model: nn.Module | None = None,
        captured: bool | None = None,
        data_parallel: bool = False,
    ) -> None:
        n = min(len(train), subset or len(train))
        if cfg.epochs * n > max_train_samples():
            raise ValueError(
                f"{cfg.epochs} epochs × {n:,} samples is over this server's cap of "
                f"{max_train_samples():,} (PLAYGROUND_MAX_TRAIN_SAMPLES). Use fewer epochs or a subset."
            )
        if not (0 < cfg.learning_rate <= 100) or not (1 <= cfg.batch_size <= 4096):
            raise ValueError("The learning rate must be in (0, 100] and the batch size in 1..4096.")
        check = check_model(specs, input_shape)
        if not check.ok:
            raise ValueError(f"The model does not fit the data: {check.error}. {check.fix}")
        self.cfg, self.device = cfg, torch.device(device)
        self.specs, self.input_shape = list(specs), tuple(input_shape)
        self.classes = train.classes
        self.x, self.y = tensorize(train, self.device, n)
        self.x_test, self.y_test = tensorize(test, self.device)
        self.model = (
            model if model is not None else build_model(specs, seed=cfg.seed, device=self.device)
        )
        self.loss_fn = make_loss(cfg.loss, len(self.classes))
        # nn.DataParallel splits each batch over every GPU, as the tutorial notes show. The
        # plain module stays ``self.model``, so state_dict keys carry no "module." prefix.
        self.data_parallel = data_parallel and self.device.type == "cuda"
        self.net = self.model
        if self.data_parallel:
            first = self.device.index or 0
            ids = [first, *(k for k in range(torch.cuda.device_count()) if k != first)]
            self.net = nn.DataParallel(self.model, device_ids=ids)
        # On CUDA the fastest correct pipeline replays a captured step (pipeline lab, #3).
        # Its optimizer is capturable on CUDA either way, so both paths do the same arithmetic.
        # (never with DataParallel: its replicas run in threads a graph cannot hold)
        self.captured = self.device.type == "cuda" and captured is not False and not data_parallel
        self.optimizer = make_optimizer(
            cfg.optimizer,
            [p for p in self.model.parameters() if p.requires_grad],
            cfg,
            capturable=self.device.type == "cuda",
        )
        self.released = False
        # Batches between train-loss points: every 10, or more often in short epochs.
        self._curve_every = max(1, min(CURVE_EVERY, self.batches_per_epoch // 8))
        self._graph: CapturedStep | None = None
        self._stream = torch.cuda.Stream(self.device) if self.captured else None
        self._warm = 0
        self.capture_error: str | None = None
        self.generator = torch.Generator().manual_seed(cfg.seed)
        self.epoch, self.batch, self.order = 0, 0, None
        self.history = History()
        self.diverged: str | None = None
        self.seconds = 0.0
        self._snapshot = self._state()

    # -- state -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def pipeline(self) -> str:
        if self.data_parallel:
            return f"{DEVICE_TENSOR}, nn.DataParallel over {len(self.net.device_ids)} GPU(s)"
        return CAPTURED if self.captured else DEVICE_TENSOR

    def release(self) -> None:
        """Free the data, model and graph of an abandoned run (its session has gone)."""
        self.release_graph()
        empty = torch.empty(0)
        self.x = self.y = self.x_test = self.y_test = empty
        self.model = self.net = nn.Sequential()
        self.optimizer, self._snapshot = None, {}
        self.released = True

    def release_graph(self) -> None:
        """Drop the captured step (before touching ``.grad`` or the optimizer's state by hand)."""
        if self._graph is not None:
            self._graph = None
            self._warm = 0
            self.optimizer.zero_grad(set_to_none=True)

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(self.n / self.cfg.batch_size)

    @property
    def done(self) -> bool:
        return self.epoch >= self.cfg.epochs or self.diverged is not None

    @property
    def progress(self) -> float:
        total = self.cfg.epochs * self.batches_per_epoch
        return min(1.0, (self.epoch * self.batches_per_epoch + self.batch) / max(total, 1))

    def checkpoint(self) -> bytes:
        """The blitz's checkpoint plus what resuming needs: config, layers, RNG, position, curves."""
        from dataclasses import asdict

        from playground.checkpoint import checkpoint_bytes

        last = self.history.train_loss[-1] if self.history.train_loss else float("nan")
        extra = {
            "config": asdict(self.cfg),
            "specs": [[s.kind, [list(a) for a in s.args]] for s in self.specs],
            "input_shape": list(self.input_shape),
            "generator_state": self.generator.get_state(),
            "batch": self.batch,
            "order": None if self.order is None else self.order.cpu(),
            "history": asdict(self.history),
            "seconds": self.seconds,
            "subset": self.n,
        }
        return checkpoint_bytes(
            self.model, self.optimizer, epoch=self.epoch, loss=last, extra=extra
        )

    def restore(self, ckpt: dict[str, Any]) -> None:
        """Continue a saved run: weights, optimizer buffers, epoch, batch, RNG and curves."""
        self.release_graph()  # load_state_dict replaces the optimizer's state tensors
        self.model.load_state_dict(ckpt["model_state_dict"])
        self.optimizer.load_state_dict(ckpt["optimizer_state_dict"])
        self.epoch, self.batch = int(ckpt["epoch"]), int(ckpt.get("batch", 0))
        order = ckpt.get("order")
        self.order = None if order is None else order.to(self.device)
        self.generator.set_state(ckpt["generator_state"])
        self.history = History(**ckpt.get("history", {}))
        self.seconds = float(ckpt.get("seconds", 0.0))
        self._snapshot = self._state()

    def _state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    # -- the loop ------------------------------------------------------------------------
    def run(self, *, max_seconds: float = 0.5, max_batches: int | None = None) -> int:
        """Train until ``max_seconds`` pass (or ``max_batches``); returns the batches done.

        Each epoch ends with the test loop, exactly where the tutorial runs it.
        """
        start, done = time.perf_counter(), 0
        self.model.train()
        while not self.done:
            if self.order is None:  # a new epoch, drawn as DataLoader(shuffle=True) draws it:
                # the iterator's base seed, RandomSampler's permutation, and the empty tail
                # permutation RandomSampler draws when it runs out (randperm(n)[:0]).
                torch.empty((), dtype=torch.int64).random_(generator=self.generator)
                self.order = torch.randperm(self.n, generator=self.generator).to(self.device)
                torch.randperm(self.n, generator=self.generator)
                self.history.log.append(f"Epoch {self.epoch + 1}\n-------------------------------")
            lo = self.batch * self.cfg.batch_size
            idx = self.order[lo : lo + self.cfg.batch_size]
            if not self._step(idx, lo + len(idx)):
                break
            self.batch += 1
            done += 1
            if self.batch >= self.batches_per_epoch:
                self._end_epoch()
            if time.perf_counter() - start >= max_seconds or (max_batches and done >= max_batches):
                break
        self.seconds += time.perf_counter() - start
        return done

    def _step(self, idx: torch.Tensor, current: int) -> bool:
        if self._graph is not None and len(idx) == self.cfg.batch_size:
            loss = self._graph.replay(idx)
            value = loss.item()
            if not math.isfinite(value):
                self._graph.undo()  # the step already ran inside the graph: take it back
                self._diverge(value)
                return False
        else:
            value = self._eager_step(idx)
            if value is None:
                return False
        if self.batch % self._curve_every == 0:
            self.history.train_steps.append(self.epoch * self.n + current)
            self.history.train_loss.append(value)
        if self.batch % LOG_EVERY == 0:
            self.history.log.append(f"loss: {value:>7f}  [{current:>5d}/{self.n:>5d}]")
        if self.batch % 50 == 0:
            self._snapshot = self._state()
        return True

    def _eager_step(self, idx: torch.Tensor) -> float | None:
        """The tutorial's step; on CUDA the first ones warm up on a side stream for capture."""
        stream = self._stream if self.captured else None
        if stream is None:
            return self._tutorial_step(idx)
        # Every eager step of a captured run uses one side stream: warm-up must, and autograd's
        # AccumulateGrad nodes then never switch streams.
        stream.wait_stream(torch.cuda.current_stream(self.device))
        with torch.cuda.stream(stream):
            value = self._tutorial_step(idx)
        torch.cuda.current_stream(self.device).wait_stream(stream)
        self._warm += 1
        if value is not None and self._graph is None and self._warm >= WARMUP_STEPS:
            if len(idx) == self.cfg.batch_size:
                self._capture()
        return value

    def _tutorial_step(self, idx: torch.Tensor) -> float | None:
        if self._graph is not None:  # the graph owns .grad: zero it in place, keep it
            self.optimizer.zero_grad(set_to_none=False)
        pred = self.net(self.x[idx])
        loss = self.loss_fn(pred, self.y[idx])
        value = loss.item()
        if not math.isfinite(value):
            self._diverge(value)
            return None
        loss.backward()
        self.optimizer.step()
        if self._graph is None:
            self.optimizer.zero_grad()
        return value

    def _capture(self) -> None:
        try:
            self._graph = capture_step(
                self.model,
                self.loss_fn,
                self.optimizer,
                self.x,
                self.y,
                self.cfg.batch_size,
                self._stream,
            )
        except RuntimeError as err:  # an op that cannot be captured: stay eager, say why
            self.captured, self._graph = False, None
            self.capture_error = str(err).splitlines()[0]
            self.optimizer.zero_grad(set_to_none=True)

    def _diverge(self, value: float) -> None:
        finite = all(
            torch.isfinite(p).all()
            for p in self.model.state_dict().values()
            if p.is_floating_point()
        )
        if not finite:
            self.model.load_state_dict(self._snapshot)
        self.diverged = (
            f"The loss became {value} at epoch {self.epoch + 1}, batch {self.batch}. Training "
            "stopped and the last finite weights were kept. The learning rate is too high for "
            "this setup: lower it."
        )
        self.history.log.append(f"Stopped: non-finite loss ({value}).")

    def _end_epoch(self) -> None:
        loss, acc = evaluate(self.net, self.x_test, self.y_test, self.loss_fn, self.cfg.batch_size)
        self.history.test_loss.append(loss)
        self.history.test_accuracy.append(acc)
        self.history.log.append(
            f"Test Error: \n Accuracy: {(100 * acc):>0.1f}%, Avg loss: {loss:>8f} \n"
        )
        self.epoch += 1
        self.batch, self.order = 0, None
        self._snapshot = self._state()
        self.model.train()


def evaluate(
    model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss_fn: Callable, batch_size: int = 64
) -> tuple[float, float]:
    """The tutorial's ``test_loop``: average batch loss and accuracy, under ``eval`` and ``no_grad``."""
    model.eval()
    num_batches = math.ceil(len(x) / batch_size)
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for lo in range(0, len(x), batch_size):
            xb, t = x[lo : lo + batch_size], y[lo : lo + batch_size]
            pred = model(xb)
            test_loss += loss_fn(pred, t).item()
            correct += (pred.argmax(1) == t).type(torch.float).sum().item()
    return test_loss / num_batches, correct / len(x)


def predictions(model: nn.Module, x: torch.Tensor, batch_size: int = 1024) -> torch.Tensor:
    model.eval()
    with torch.no_grad():
        return torch.cat(
            [model(x[i : i + batch_size]).argmax(1) for i in range(0, len(x), batch_size)]
        )


def confusion_matrix(actual: torch.Tensor, predicted: torch.Tensor, n_classes: int) -> torch.Tensor:
    """``m[a, p]`` counts test samples of class ``a`` predicted as ``p``."""
    flat = actual.cpu() * n_classes + predicted.cpu()
    return torch.bincount(flat, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


@dataclass
class SlowStep:
    logits: torch.Tensor  # a few samples' outputs
    labels: torch.Tensor
    loss: float
    grad_norms: dict[str, float]
    grad_example: tuple[str, torch.Tensor]  # one layer's gradient, for a heatmap
    changes: dict[str, float]  # max |Δparam| per parameter
    sgd_check: float | None  # max |Δ - (-lr * grad)| for plain SGD, else None
    grads_after_zero: dict[str, bool]  # whether .grad is None or all zero after zero_grad()

    def forward_table(self) -> Any:
        import pandas as pd

        table = pd.DataFrame(
            self.logits.numpy(), columns=[f"logit {k}" for k in range(self.logits.shape[1])]
        )
        return table.assign(label=self.labels.numpy())


def slow_step(trainer: Trainer, n_show: int = 4) -> SlowStep:
    """Exactly one optimization step on the next batch, with every intermediate number kept."""
    cfg = trainer.cfg
    idx = torch.randperm(trainer.n, generator=trainer.generator)[: cfg.batch_size].to(
        trainer.device
    )
    xb, y = trainer.x[idx], trainer.y[idx]
    trainer.release_graph()  # this step is eager, with every number in view
    model, opt = trainer.model, trainer.optimizer
    model.train()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    pred = model(xb)
    loss = trainer.loss_fn(pred, y)
    loss.backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}
    opt.step()
    changes = {n: (p.detach() - before[n]).abs().max().item() for n, p in model.named_parameters()}
    plain_sgd = cfg.optimizer == "SGD" and not cfg.momentum and not cfg.weight_decay
    sgd_check = (
        max(
            (p.detach() - (before[n] - cfg.learning_rate * grads[n])).abs().max().item()
            for n, p in model.named_parameters()
            if n in grads
        )
        if plain_sgd
        else None
    )
    opt.zero_grad()
    after = {n: p.grad is None or not p.grad.any().item() for n, p in model.named_parameters()}
    example = (
        next((n, g) for n, g in grads.items() if g.dim() == 2)
        if any(g.dim() == 2 for g in grads.values())
        else next(iter(grads.items()))
    )
    return SlowStep(
        pred[:n_show].detach().cpu(),
        y[:n_show].cpu(),
        loss.item(),
        {n: g.norm().item() for n, g in grads.items()},
        (example[0], example[1].cpu()),
        changes,
        sgd_check,
        after,
    )


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


def loss_and_optimizer_code(cfg: TrainConfig, n_classes: int, lr: str) -> tuple[str, str]:
    """The script's ``loss_fn`` expression and optimizer arguments, as :func:`make_loss` and
    :func:`make_optimizer` build them."""
    opt_args = f"lr={lr}, weight_decay={cfg.weight_decay!r}"
    if cfg.optimizer == "SGD":
        opt_args += f", momentum={cfg.momentum!r}, nesterov={cfg.nesterov and cfg.momentum > 0}"
    one_hot = f"nn.functional.one_hot(y, {n_classes}).float()"
    loss = {
        "CrossEntropyLoss": "nn.CrossEntropyLoss()",
        "NLLLoss": "lambda pred, y: nn.NLLLoss()(nn.LogSoftmax(dim=1)(pred), y)",
        "MSELoss": f"lambda pred, y: nn.MSELoss()(pred, {one_hot})",
    }[cfg.loss]
    return loss, opt_args


def training_code(cfg: TrainConfig, model_code: str, dataset_expr: str, subset: int | None) -> str:
    """The tutorial's script for the current settings."""
    limit = f"[:{subset}]" if subset else ""
    loss, opt_args = loss_and_optimizer_code(cfg, 10, "learning_rate")
    return f"""{model_code}
from torch.utils.data import DataLoader, Subset
from torchvision.transforms import v2
from playground.data import load_dataset

torch.manual_seed({cfg.seed})
model = NeuralNetwork()
training_data = load_dataset({dataset_expr!r}, train=True)
test_data = load_dataset({dataset_expr!r}, train=False)
training_data.transform = test_data.transform = v2.Compose(
    [v2.ToImage(), v2.ToDtype(torch.float32, scale=True)]
)
training_data = Subset(training_data, range(len(training_data)){limit})

learning_rate = {cfg.learning_rate!r}
batch_size = {cfg.batch_size}
epochs = {cfg.epochs}
train_dataloader = DataLoader(
    training_data, batch_size=batch_size, shuffle=True,
    generator=torch.Generator().manual_seed({cfg.seed}),
)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
loss_fn = {loss}
optimizer = torch.optim.{cfg.optimizer}(model.parameters(), {opt_args})


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 100 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {{loss:>7f}}  [{{current:>5d}}/{{size:>5d}}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \\n Accuracy: {{(100*correct):>0.1f}}%, Avg loss: {{test_loss:>8f}} \\n")


for t in range(epochs):
    print(f"Epoch {{t+1}}\\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
"""


# One queue per server process: at most PLAYGROUND_MAX_TRAININGS runs train at once.
SLOTS = TrainingSlots(env_int("PLAYGROUND_MAX_TRAININGS", os.cpu_count() or 2))
RUNS = RunRegistry()


def pipeline_times(
    train: ImageDataset,
    specs: list[LayerSpec],
    *,
    samples: int = 6400,
    batch_size: int = 64,
    device: str | torch.device = "cpu",
) -> dict[str, float]:
    """Seconds for one pass of ``samples`` through each pipeline, same model and optimizer.

    1. the tutorial's: a Dataset with a per-sample ``ToImage + ToDtype`` transform and a
       ``DataLoader(batch_size, shuffle=True)``;
    2. the app's: the data as one float tensor on the device, batches by ``randperm`` indexing;
    3. on CUDA only: the same, with the whole step captured once as a CUDA graph and replayed
       (full batches only: a graph has fixed shapes).
    """
    from torch.utils.data import DataLoader, Subset

    from playground.loading import to_float

    device = torch.device(device)
    n = min(samples, len(train))
    names = ["tutorial DataLoader", DEVICE_TENSOR] + [CAPTURED] * (device.type == "cuda")
    results = {}
    for name in names:
        model = build_model(specs, seed=0, device=device)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        start = time.perf_counter()
        if name == "tutorial DataLoader":
            loader = DataLoader(
                Subset(train.with_transform(to_float()), range(n)),
                batch_size=batch_size,
                shuffle=True,
            )
            for xb, yb in loader:
                loss_fn(model(xb.to(device)), yb.to(device)).backward()
                opt.step()
                opt.zero_grad()
        else:  # the one-off conversion is on the clock; warm-up and capture are not
            x, y = tensorize(train, device, n)
            order = torch.randperm(n, device=device)
            if name == CAPTURED:
                paused = time.perf_counter()
                step = _warm_and_capture(model, loss_fn, opt, x, y, batch_size)
                start += time.perf_counter() - paused
                for i in range(0, n - batch_size + 1, batch_size):
                    step.replay(order[i : i + batch_size])
            else:
                for i in range(0, n, batch_size):
                    idx = order[i : i + batch_size]
                    loss_fn(model(x[idx]), y[idx]).backward()
                    opt.step()
                    opt.zero_grad()
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        results[name] = time.perf_counter() - start
    return results


def _warm_and_capture(
    model: nn.Module,
    loss_fn: Callable,
    opt: torch.optim.Optimizer,
    x: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
) -> CapturedStep:
    """The lab's captured step: warm-up steps on a side stream, then the capture."""
    stream = torch.cuda.Stream(x.device)
    stream.wait_stream(torch.cuda.current_stream(x.device))
    with torch.cuda.stream(stream):
        for _ in range(WARMUP_STEPS):
            loss_fn(model(x[:batch_size]), y[:batch_size]).backward()
            opt.step()
            opt.zero_grad()
    torch.cuda.current_stream(x.device).wait_stream(stream)
    step = capture_step(model, loss_fn, opt, x, y, batch_size, stream)
    torch.cuda.synchronize(x.device)
    return step


def pipeline_table(times: dict[str, float], samples: int = 6400) -> Any:
    """The lab's table: seconds per pipeline and speed-up over the tutorial's DataLoader."""
    import pandas as pd

    base = times["tutorial DataLoader"]
    rows = [(k, f"{v:.3f} s", f"{base / v:.1f}×") for k, v in times.items()]
    return pd.DataFrame(rows, columns=["pipeline", f"{samples:,} samples", "speed-up"])


@dataclass
class Results:
    predicted: torch.Tensor
    matrix: torch.Tensor  # confusion matrix, actual × predicted
    per_class: list[float]  # accuracy % per class, as the blitz prints it

    def cell(self, actual: torch.Tensor, a: int, p: int, limit: int = 24) -> torch.Tensor:
        """Indices of test samples of class ``a`` predicted as ``p``."""
        return ((actual.cpu() == a) & (self.predicted == p)).nonzero().flatten()[:limit]

    def mistakes(self, actual: torch.Tensor, limit: int = 16) -> torch.Tensor:
        return (actual.cpu() != self.predicted).nonzero().flatten()[:limit]


def results(trainer: Trainer) -> Results:
    pred = predictions(trainer.model, trainer.x_test).cpu()
    m = confusion_matrix(trainer.y_test, pred, len(trainer.classes))
    per_class = (m.diag().double() / m.sum(1).clamp_min(1).double() * 100).tolist()
    return Results(pred, m, per_class)


def images_of(trainer: Trainer, idx: torch.Tensor) -> torch.Tensor:
    """Test images back as uint8 for a picture."""
    return (trainer.x_test[idx.to(trainer.x_test.device)].cpu() * 255).round().to(torch.uint8)


def speed(trainer: Trainer) -> tuple[float, float]:
    """Samples per second so far, and the seconds left at that rate."""
    seen = trainer.epoch * trainer.n + trainer.batch * trainer.cfg.batch_size
    rate = seen / max(trainer.seconds, 1e-9)
    left = (1 - trainer.progress) * trainer.cfg.epochs * trainer.n / max(rate, 1e-9)
    return rate, left


def specs_from_checkpoint(
    ckpt: dict[str, Any],
) -> tuple[list[LayerSpec], tuple[int, ...], TrainConfig]:
    """The layers, input shape and config a training checkpoint was saved with."""
    try:
        specs = [LayerSpec(kind, tuple((k, v) for k, v in args)) for kind, args in ckpt["specs"]]
        return specs, tuple(ckpt["input_shape"]), TrainConfig(**ckpt["config"])
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(f"This checkpoint cannot be resumed here: it lacks {err}.") from None


def resume(
    ckpt: dict[str, Any], datasets: Callable[[str, bool], ImageDataset], device: Any = "cpu"
) -> Trainer:
    """A Trainer that continues a saved run; ``datasets(name, train)`` supplies the data."""
    specs, shape, cfg = specs_from_checkpoint(ckpt)
    name = "offline" if shape == (1, 28, 28) else "CIFAR10"
    t = Trainer(
        specs,
        shape,
        datasets(name, True),
        datasets(name, False),
        cfg,
        device=device,
        subset=ckpt.get("subset"),
    )
    t.restore(ckpt)
    return t


COMPARE_FIELDS = {
    "learning_rate": LEARNING_RATES,
    "optimizer": OPTIMIZERS,
    "batch_size": BATCH_SIZES,
}


def compare_configs(base: TrainConfig, field_name: str, values: list[Any]) -> list[TrainConfig]:
    """Two or three runs that differ from ``base`` in one setting, for the compare mode."""
    if field_name not in COMPARE_FIELDS:
        raise ValueError(f"Compare learning_rate, optimizer or batch_size, not {field_name!r}.")
    values = list(dict.fromkeys(values))
    if not 2 <= len(values) <= 3:
        raise ValueError("Pick two or three different values to compare.")
    from dataclasses import replace

    return [replace(base, **{field_name: v}) for v in values]
