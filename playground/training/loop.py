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
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from playground.data.datasets import ImageDataset
from playground.layers.models import LayerSpec, build_model, check_model
from playground.training.config import (
    CURVE_EVERY,
    LOG_EVERY,
    TrainConfig,
    make_loss,
    make_optimizer,
    max_train_samples,
    tensorize,
)
from playground.training.step import (
    CAPTURED,
    DEVICE_TENSOR,
    WARMUP_STEPS,
    CapturedStep,
    capture_step,
)


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

        from playground.save_load.checkpoint import checkpoint_bytes

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
