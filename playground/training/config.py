"""What a run depends on: the frozen :class:`TrainConfig`, its loss, optimizer and data."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from playground.core.budget import check as budget_check
from playground.core.config import env_int
from playground.core.errors import TrainingError
from playground.data.datasets import ImageDataset
from playground.layers.models import LayerSpec, check_model

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
        """The run in PyTorch's own words, the same in every language."""
        extra = f", momentum={self.momentum}" if self.optimizer == "SGD" and self.momentum else ""
        return (
            f"{self.optimizer} lr={self.learning_rate:g}{extra}, batch_size={self.batch_size}, "
            f"{self.loss}, seed={self.seed}"
        )


def tensorize(
    ds: ImageDataset, device: torch.device | str = "cpu", n: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """The first ``n`` samples (all by default) as float32 in [0, 1], what ``ToTensor`` gives."""
    images, targets = ds.images[:n], ds.targets[:n]  # converts only what the run uses
    # mul_(1 / 255), not div_(255): bit for bit what v2.ToDtype(float32, scale=True) computes.
    x = images.to(device=device, dtype=torch.float32).mul_(1.0 / 255)
    return x, targets.to(device)


_SHARED: weakref.WeakKeyDictionary[ImageDataset, dict[str, tuple[torch.Tensor, torch.Tensor]]]
_SHARED = weakref.WeakKeyDictionary()
_SHARED_LOCK = threading.Lock()


def shared_tensors(
    ds: ImageDataset, device: torch.device | str = "cpu", n: int | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """:func:`tensorize`'s numbers, but made once per dataset and device and shared by every
    run on the server: each run holds views (the first ``n`` samples), never a copy.

    They are inference tensors, so an in-place write from any page raises instead of
    changing another learner's data; batches are gathered (``x[idx]``), which makes the
    normal tensors autograd saves.
    """
    key = str(torch.device(device))
    with _SHARED_LOCK:  # one conversion, even when a class presses Train at once
        per_device = _SHARED.setdefault(ds, {})
        if key not in per_device:
            with torch.inference_mode():
                x, y = tensorize(ds, device)
                per_device[key] = x, y.clone()  # .to() on the same device returns ds.targets
        x, y = per_device[key]
    return x[:n], y[:n]


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


COMPARE_FIELDS = {
    "learning_rate": LEARNING_RATES,
    "optimizer": OPTIMIZERS,
    "batch_size": BATCH_SIZES,
}


def admit(specs: list[LayerSpec], input_shape: tuple[int, ...], batch_size: int) -> None:
    """The Trainer's door for a model: it fits its input, and one step is within budget."""
    check = check_model(specs, input_shape)
    if not check.ok:
        error = check.error if str(check.error).endswith((".", "。")) else f"{check.error}."
        raise TrainingError("err.training.model_does_fit", error=error, fix=check.fix)
    budget_check(
        check.step_cost(batch_size),
        what=f"loss.backward(), optimizer.step() (batch_size={batch_size})",
    )
