"""The optimization loop ("Optimizing Model Parameters" chapter), resumable and exact.

:class:`Trainer` runs the tutorial's ``train_loop``/``test_loop`` semantics: each batch
is one :func:`~playground.training.step.train_step`; each epoch ends with the test loop,
``model.eval()`` under ``torch.no_grad()``. It works in small slices (:meth:`Trainer.run`)
so a page can draw between them, stop, and resume the very same run.

The data lives on the device as one float tensor, and batches are taken by ``randperm``
indexing. With the same generator this gives exactly the batches of
``DataLoader(shuffle=True, generator=g)``, whose ``RandomSampler`` draws
``torch.randperm(n, generator=g)`` each epoch, without per-sample Python work.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

import torch
from torch import nn

from playground.core.errors import DatasetError, TrainingError
from playground.core.rng import generator
from playground.data.datasets import ImageDataset
from playground.layers.models import LayerSpec, build_model
from playground.server.store import tensor_bytes
from playground.server.work import held_elsewhere, if_free
from playground.training.config import (
    CURVE_EVERY,
    LOG_EVERY,
    TrainConfig,
    admit,
    make_loss,
    make_optimizer,
    max_train_samples,
    shared_tensors,
)
from playground.training.record import History, checked_position, specs_from_checkpoint
from playground.training.step import DEVICE_TENSOR, EagerStepper, GraphStepper, Stepper
from playground.training.written import WrittenStepper

__all__ = ["History", "Trainer", "evaluate", "predictions", "resume", "speed"]


class Trainer:
    """One run: model, optimizer, data on the device, its stepper, position and history."""

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
        dataset: str | None = None,
    ) -> None:
        n = min(len(train), subset or len(train))
        self.dataset = dataset  # its name, so a checkpoint can be resumed on the same data
        if cfg.epochs * n > max_train_samples():
            raise TrainingError(
                "err.training.epochs_epochs_n", epochs=cfg.epochs, n=n,
                max_train_samples=max_train_samples(),
            )  # fmt: skip
        if not (0 < cfg.learning_rate <= 100) or not (1 <= cfg.batch_size <= 4096):
            raise TrainingError("err.training.learning_rate_batch")
        admit(specs, input_shape, cfg.batch_size)  # the one door: kinds, arguments, cap, cost
        self.cfg, self.device = cfg, torch.device(device)
        self.specs, self.input_shape = list(specs), tuple(input_shape)
        self.classes = train.classes
        self.x, self.y = shared_tensors(train, self.device, n)  # views: held once per server
        self.x_test, self.y_test = shared_tensors(test, self.device)
        self.model = (
            model if model is not None else build_model(specs, seed=cfg.seed, device=self.device)
        )
        self.loss_fn = make_loss(cfg.loss, len(self.classes))
        # Capturable on CUDA for every pipeline, so eager and captured do the same arithmetic.
        self.optimizer = make_optimizer(
            cfg.optimizer,
            [p for p in self.model.parameters() if p.requires_grad],
            cfg,
            capturable=self.device.type == "cuda",
        )
        self.net, self.stepper = self._pick_stepper(captured=captured, data_parallel=data_parallel)
        self.data_parallel = isinstance(self.net, nn.DataParallel)
        self.released = False
        # Batches between train-loss points: every 10, or more often in short epochs.
        self._curve_every = max(1, min(CURVE_EVERY, self.batches_per_epoch // 8))
        self.generator = generator(cfg.seed)
        self.epoch, self.batch = 0, 0
        self.order: torch.Tensor | None = None
        self.history = History()
        self.diverged: TrainingError | None = None
        self.seconds = 0.0
        self._snapshot = self._state()
        self._data = train, test  # for fork(): the same shared tensors, never a copy
        self._captured = captured
        # One thread advances a run at a time; a run a class shares is read by every watcher.
        self._lock = threading.RLock()
        self.threads = torch.get_num_threads()  # of the thread that made it, for run()
        self.shared_key: Any = None  # its RunKey while a class shares it (training/shared.py)

    def _pick_stepper(
        self, *, captured: bool | None, data_parallel: bool
    ) -> tuple[nn.Module, Stepper]:
        """The step strategy, chosen once: a captured CUDA graph where it can run; on the CPU,
        autograd's kernels called directly where the model and optimizer allow; else eager."""
        cuda = self.device.type == "cuda"
        if cuda and data_parallel:
            # nn.DataParallel splits each batch over every GPU, as the tutorial notes show; its
            # replicas run in threads a graph cannot hold. The plain module stays self.model,
            # so state_dict keys carry no "module." prefix.
            first = self.device.index or 0
            ids = [first, *(k for k in range(torch.cuda.device_count()) if k != first)]
            net: nn.Module = nn.DataParallel(self.model, device_ids=ids)
            name = f"{DEVICE_TENSOR}, nn.DataParallel over {len(ids)} GPU(s)"
            return net, EagerStepper(net, self.loss_fn, self.optimizer, self.x, self.y, name)
        if cuda and captured is not False:  # the fastest correct pipeline (pipeline lab)
            graph = GraphStepper(
                self.model, self.loss_fn, self.optimizer, self.x, self.y, self.cfg.batch_size
            )
            return self.model, graph
        args = (self.model, self.loss_fn, self.optimizer, self.x, self.y)
        if WrittenStepper.fits(self.model, self.loss_fn, self.optimizer, self.x):
            return self.model, WrittenStepper(*args)  # the same numbers, ~20 % less time
        return self.model, EagerStepper(*args)

    # -- state -------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.x)

    @property
    def pipeline(self) -> str:
        return self.stepper.name

    def release(self) -> None:
        """Free the data, model and graph of an abandoned run (its session has gone)."""
        with self._lock:
            self._release()

    def _release(self) -> None:
        self.stepper.reset()
        empty = torch.empty(0)
        self.x = self.y = self.x_test = self.y_test = empty
        self.model = self.net = nn.Sequential()
        self.optimizer.state.clear()
        for group in self.optimizer.param_groups:
            group["params"] = []
        self.stepper = EagerStepper(self.net, self.loss_fn, self.optimizer, empty, empty)
        self._snapshot = {}
        self.released = True

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

    def extend(self, epochs: int) -> None:
        """Continue a finished run for ``epochs`` more: the same model, optimizer and generator,
        so 2 epochs, then 2 more, equal one 4-epoch run."""
        total = self.cfg.epochs + int(epochs)
        if self.diverged is not None or epochs < 1:
            raise TrainingError("err.training.cannot_extend")
        if total * self.n > max_train_samples():
            raise TrainingError(
                "err.training.epochs_epochs_n", epochs=total, n=self.n,
                max_train_samples=max_train_samples(),
            )  # fmt: skip
        self.cfg = replace(self.cfg, epochs=total)

    def fork(self) -> Trainer:
        """A private copy at this very position (weights, optimizer buffers, RNG, curves), on
        the same shared data: it goes on exactly as this run would, without changing it."""
        with self._lock:
            twin = Trainer(
                self.specs, self.input_shape, *self._data, self.cfg, device=self.device,
                subset=self.n, captured=self._captured, data_parallel=self.data_parallel,
                dataset=self.dataset,
            )  # fmt: skip
            twin.restore({
                "model_state_dict": self._state(),
                "optimizer_state_dict": copy.deepcopy(self.optimizer.state_dict()),
                "epoch": self.epoch, "batch": self.batch,
                "order": None if self.order is None else self.order.cpu(),
                "generator_state": self.generator.get_state(),
                "history": asdict(self.history), "seconds": self.seconds,
            })  # fmt: skip
            twin.diverged = self.diverged
            return twin

    @property
    def busy(self) -> bool:
        """Whether another thread is advancing this run right now."""
        return held_elsewhere(self._lock)

    def nbytes(self) -> int:
        """The bytes this run holds of its own: weights, optimizer buffers, snapshot (the data
        are shared views and not counted)."""
        if self.released:
            return 0
        return tensor_bytes(self.model, self.optimizer.state_dict()["state"], self._snapshot)

    def checkpoint(self) -> bytes:
        """The saving recipe's checkpoint plus what resuming needs: config, layers, RNG, curves."""
        with self._lock:  # a consistent position even while a class's run goes on
            return self._checkpoint()

    def _checkpoint(self) -> bytes:
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
            "dataset": self.dataset,
            "classes": list(self.classes),
        }
        return checkpoint_bytes(
            self.model, self.optimizer, epoch=self.epoch, loss=last, extra=extra
        )

    def restore(self, ckpt: dict[str, Any]) -> None:
        """Continue a saved run: weights, optimizer buffers, epoch, batch, RNG and curves."""
        epoch, batch, order, history, seconds = checked_position(
            ckpt, self.cfg.epochs, self.batches_per_epoch, self.n
        )
        self.stepper.reset()  # load_state_dict replaces the optimizer's state tensors
        self.model.load_state_dict(ckpt["model_state_dict"])
        self.optimizer.load_state_dict(ckpt["optimizer_state_dict"])
        self.epoch, self.batch = epoch, batch
        self.order = None if order is None else order.to(self.device)
        self.generator.set_state(ckpt["generator_state"])
        self.history, self.seconds = history, seconds
        self._snapshot = self._state()

    def _state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.model.state_dict().items()}

    # -- the loop ------------------------------------------------------------------------
    def run(self, *, max_seconds: float = 0.5, max_batches: int | None = None) -> int:
        """Train until ``max_seconds`` pass (or ``max_batches``); returns the batches done.

        While another thread advances this run (a class following one shared run), this
        returns 0 at once: the caller draws what that thread has done.
        """
        return if_free(self._lock, lambda: self._run(max_seconds, max_batches))

    def _run(self, max_seconds: float, max_batches: int | None) -> int:
        # OpenMP's thread count is per calling thread, and the kernels it picks change the
        # last bits: every thread that advances this run uses the count it was made with.
        torch.set_num_threads(self.threads)
        start, done = time.perf_counter(), 0
        self.model.train()
        while not self.done:
            idx, current = self.next_batch()
            if not self.record(self.stepper.step(idx), current):
                break
            done += 1
            if time.perf_counter() - start >= max_seconds or (max_batches and done >= max_batches):
                break
        if isinstance(self.stepper, WrittenStepper):  # its scratch is not in nbytes: a paused
            self.stepper.reset()  # or finished run holds none (one allocation a slice)
        self.seconds += time.perf_counter() - start
        return done

    def next_batch(self) -> tuple[torch.Tensor, int]:
        """The next batch's indices into ``x``, and how many samples the epoch has seen then."""
        if self.order is None:  # a new epoch, drawn as DataLoader(shuffle=True) draws it:
            # the iterator's base seed, RandomSampler's permutation, and the empty tail
            # permutation RandomSampler draws when it runs out (randperm(n)[:0]).
            torch.empty((), dtype=torch.int64).random_(generator=self.generator)
            self.order = torch.randperm(self.n, generator=self.generator).to(self.device)
            torch.randperm(self.n, generator=self.generator)
            self.history.log.append(f"Epoch {self.epoch + 1}\n-------------------------------")
        lo = self.batch * self.cfg.batch_size
        idx = self.order[lo : lo + self.cfg.batch_size]
        return idx, lo + len(idx)

    def record(self, value: float, current: int) -> bool:
        """Log a step's loss and move on; False (and the run stops) when it was not finite."""
        if not math.isfinite(value):
            self._diverge(value)
            return False
        if self.batch % self._curve_every == 0:
            self.history.train_steps.append(self.epoch * self.n + current)
            self.history.train_loss.append(value)
        if self.batch % LOG_EVERY == 0:
            self.history.log.append(f"loss: {value:>7f}  [{current:>5d}/{self.n:>5d}]")
        if self.batch % 50 == 0:
            self._snapshot = self._state()
        self.batch += 1
        if self.batch >= self.batches_per_epoch:
            self._end_epoch()
        return True

    def _diverge(self, value: float) -> None:
        finite = all(
            torch.isfinite(p).all()
            for p in self.model.state_dict().values()
            if p.is_floating_point()
        )
        if not finite:
            self.model.load_state_dict(self._snapshot)
        self.diverged = TrainingError(
            "err.training.diverged", value=value, epoch=self.epoch + 1, batch=self.batch
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


def resume(
    ckpt: dict[str, Any], datasets: Callable[[str, bool], ImageDataset], device: Any = "cpu"
) -> Trainer:
    """A Trainer that continues a saved run; ``datasets(name, train)`` supplies the data."""
    specs, shape, cfg = specs_from_checkpoint(ckpt)
    # Checkpoints from before the dataset's name was saved: the shape's usual dataset.
    name = ckpt.get("dataset") or ("offline" if shape == (1, 28, 28) else "CIFAR10")
    try:
        train, test = datasets(name, True), datasets(name, False)
    except (DatasetError, KeyError):
        raise TrainingError("err.training.resume_missing", name=name) from None
    subset = int(ckpt.get("subset") or len(train))
    classes = ckpt.get("classes")
    fits = tuple(train.images.shape[1:]) == tuple(shape) and subset <= len(train)
    if not fits or classes is not None and tuple(classes) != tuple(train.classes):
        raise TrainingError("err.training.resume_differs", name=name, subset=subset, n=len(train))
    t = Trainer(specs, shape, train, test, cfg, device=device, subset=subset, dataset=name)
    t.restore(ckpt)
    return t
