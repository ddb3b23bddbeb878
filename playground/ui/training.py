"""The Training page's jobs a class shares: the transfer study and the pipeline lab.

Thirty students pressing the same button with the same settings start one computation and
watch one progress bar (:func:`playground.ui.runs.shared_job`).
"""

from __future__ import annotations

from typing import Any

import torch

from playground import save_load as ck
from playground import training as trn
from playground.data.datasets import ImageDataset
from playground.layers.models import LayerSpec
from playground.training import transfer as tl
from playground.ui.i18n import tr
from playground.ui.panel import shared_job

__all__ = ["pipeline_lab", "transfer_study"]


def transfer_study(
    specs: list[LayerSpec],
    input_shape: tuple[int, ...],
    data: tuple[ImageDataset, ImageDataset],
    dataset: str,
    cfg: trn.TrainConfig,
    source_epochs: int,
    n: int,
    upload: Any,
    device: torch.device,
    lang: str,
    free: Any = lambda: None,
) -> tl.TransferReport | None:
    """The study for these settings (``dataset`` is its identity; an uploaded source counts
    by its bytes): computed once however many students ask; None while queued or refused."""
    source = None if upload is None else upload.getvalue()
    key = trn.transfer_key(specs, input_shape, dataset, cfg, source_epochs, n, source, device)

    def work(report: Any) -> tl.TransferReport:
        state = None if source is None else ck.read_state_dict(source, upload.name)
        return tl.run_transfer(
            specs, input_shape, *data, cfg, source_epochs=source_epochs, target_subset=n,
            source_state=state, device=device, progress=lambda name, f: report(f, name),
        )  # fmt: skip

    label = lambda name: tl.label(name, lang)  # noqa: E731
    return shared_job(key, work, label=label, size=tl.TransferReport.nbytes, free=free)


def pipeline_lab(
    train: ImageDataset, specs: list[LayerSpec], dataset: str, device: torch.device, lang: str
) -> Any:
    """The lab's table (None while queued). A class pressing at once shares one measurement;
    pressed again later, it measures again (nothing is stored)."""
    key = ("lab", dataset, tuple(specs), str(device))
    times = shared_job(
        key, lambda _: trn.pipeline_times(train, specs, device=device), keep=False,
        label=lambda _: tr("train.lab_running"),
    )  # fmt: skip
    return None if times is None else trn.pipeline_table(times, lang=lang)
