"""What the Training page's class shares: the live run's curves, the transfer study and the
pipeline lab.

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
from playground.plots.wire import SharedFigure
from playground.training import transfer as tl
from playground.training.figures import make_curves_figure
from playground.training.record import History
from playground.ui.i18n import tr
from playground.ui.panel import shared_job
from playground.ui.shared import class_resource

__all__ = ["curves", "pipeline_lab", "transfer_study"]


@class_resource(max_entries=64, by_repr=(trn.RunKey,))
def _class_curves(
    key: trn.RunKey, points: int, epochs: int, n: int, lang: str, _history: History
) -> SharedFigure:
    """The class's run ``key`` after ``points`` logged steps and ``epochs`` tests: every
    run with that key has these numbers (same config, same seed), so the figure is too."""
    h = _history
    shown = History(h.train_steps[:points], h.train_loss[:points], h.test_loss[:epochs],
                    h.test_accuracy[:epochs])  # fmt: skip
    return SharedFigure(make_curves_figure(shown, n, lang=lang))


def curves(t: trn.Trainer, lang: str) -> Any:
    """The loss and accuracy curves of ``t`` so far. For a run the class shares, made and
    encoded once per step logged, not by each of thirty followers at each redraw (encoding
    took 13 ms of the 15 a redraw cost)."""
    h = t.history
    if t.shared_key is None:
        return make_curves_figure(h, t.n, lang=lang)
    points = min(len(h.train_steps), len(h.train_loss))  # the run may be appending to them
    epochs = min(len(h.test_loss), len(h.test_accuracy))
    return _class_curves(t.shared_key, points, epochs, t.n, lang, h)


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
