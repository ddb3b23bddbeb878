"""The pipeline lab: one pass of the same step through the tutorial's DataLoader, device
tensors, (on the CPU, for a Linear/ReLU model) autograd's kernels called directly, and (on
CUDA) a captured graph, timed side by side.
"""

from __future__ import annotations

import time
from typing import Any

import torch
from torch import nn

from playground.core.i18n import t
from playground.data.datasets import ImageDataset
from playground.layers.models import LayerSpec, build_model
from playground.training.config import admit, tensorize
from playground.training.step import (
    CAPTURED,
    DEVICE_TENSOR,
    WARMUP_STEPS,
    EagerStepper,
    GraphStepper,
    Stepper,
    train_step,
)
from playground.training.written import WRITTEN_OUT, WrittenStepper


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
    3. on the CPU, for a model of ``Linear`` and ``ReLU`` layers: the same step with autograd's
       kernels called directly (:mod:`playground.training.written`), the same numbers;
    4. on CUDA only: the same, with the whole step captured once as a CUDA graph and replayed
       (full batches only: a graph has fixed shapes).
    """
    from torch.utils.data import DataLoader, Subset

    from playground.data.loading import to_float

    device = torch.device(device)
    n = min(samples, len(train))
    admit(specs, tuple(train.images.shape[1:]), batch_size)  # nothing unchecked is built
    results = {}
    for name in ("tutorial DataLoader", DEVICE_TENSOR, WRITTEN_OUT, CAPTURED):
        if name == CAPTURED and device.type != "cuda":
            continue
        model = build_model(specs, seed=0, device=device)
        opt = torch.optim.SGD(model.parameters(), lr=1e-3)
        loss_fn = nn.CrossEntropyLoss()
        probe = torch.empty(0, device=device)  # the Trainer's own test: the same runs use it
        if name == WRITTEN_OUT and not WrittenStepper.fits(model, loss_fn, opt, probe):
            continue
        start = time.perf_counter()
        if name == "tutorial DataLoader":
            loader = DataLoader(
                Subset(train.with_transform(to_float()), range(n)),
                batch_size=batch_size,
                shuffle=True,
            )
            for xb, yb in loader:
                train_step(model, loss_fn, opt, xb.to(device), yb.to(device))
        else:  # the one-off conversion is on the clock; warm-up and capture are not
            x, y = tensorize(train, device, n)
            order = torch.randperm(n, device=device)
            if name == CAPTURED:
                paused = time.perf_counter()
                stepper: Stepper = GraphStepper(model, loss_fn, opt, x, y, batch_size)
                for _ in range(WARMUP_STEPS):
                    stepper.step(order[:batch_size])
                torch.cuda.synchronize(device)
                start += time.perf_counter() - paused
                last = n - batch_size + 1  # full batches only: a graph has fixed shapes
            elif name == WRITTEN_OUT:
                stepper, last = WrittenStepper(model, loss_fn, opt, x, y), n
            else:
                stepper, last = EagerStepper(model, loss_fn, opt, x, y), n
            for i in range(0, last, batch_size):
                stepper.step(order[i : i + batch_size])
        if device.type == "cuda":
            torch.cuda.synchronize(device)
        results[name] = time.perf_counter() - start
    return results


def pipeline_table(times: dict[str, float], samples: int = 6400, *, lang: str = "en") -> Any:
    """The lab's table: seconds per pipeline and speed-up over the tutorial's DataLoader."""
    import pandas as pd

    base = times["tutorial DataLoader"]
    rows = [(pipeline_label(k, lang), f"{v:.3f} s", f"{base / v:.1f}×") for k, v in times.items()]
    columns = [
        t("lab.col.pipeline", lang),
        t("lab.col.samples", lang, n=f"{samples:,}"),
        t("lab.col.speedup", lang),
    ]
    return pd.DataFrame(rows, columns=columns)


_PIPELINE_KEYS = {
    "tutorial DataLoader": "lab.row.dataloader",
    DEVICE_TENSOR: "lab.row.device",
    CAPTURED: "lab.row.captured",
    WRITTEN_OUT: "lab.row.written",
}


def pipeline_label(name: str, lang: str = "en") -> str:
    """A pipeline's name as a learner reads it, in ``lang``."""
    return t(_PIPELINE_KEYS[name], lang) if name in _PIPELINE_KEYS else name
