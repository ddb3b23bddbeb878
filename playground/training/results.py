"""What a run shows after training: one step in slow motion, predictions, the confusion matrix.

Per-class accuracy is the blitz's "accuracy for each class"; the slow-motion step is the
run's next :func:`~playground.training.step.train_step`, with every number kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from playground.training.loop import Trainer, predictions
from playground.training.step import finite_loss, train_step


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
    # .grad is None after zero_grad(): set_to_none=True is the default since PyTorch 2.0.
    grads_after_zero: dict[str, bool]

    def forward_table(self) -> Any:
        import pandas as pd

        table = pd.DataFrame(
            self.logits.numpy(), columns=[f"logit {k}" for k in range(self.logits.shape[1])]
        )
        return table.assign(label=self.labels.numpy())


def slow_step(trainer: Trainer, n_show: int = 4) -> SlowStep:
    """The run's next step, one :func:`train_step` with every intermediate number kept.

    It is the very step :meth:`Trainer.run` would take next (same batch, same update), so
    slow-motion steps and the loop give the same losses.
    """
    cfg, model = trainer.cfg, trainer.model
    torch.set_num_threads(trainer.threads)  # as Trainer.run: the same bits in any thread
    trainer.stepper.reset()  # this step is eager, with every number in view
    idx, current = trainer.next_batch()
    model.train()
    before = {n: p.detach().clone() for n, p in model.named_parameters()}
    grads: dict[str, torch.Tensor] = {}
    changes: dict[str, float] = {}
    value: list[float] = []

    def keep_grads() -> None:
        grads.update(
            {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}
        )

    def keep_changes() -> None:
        changes.update(
            {n: (p.detach() - before[n]).abs().max().item() for n, p in model.named_parameters()}
        )

    pred, _ = train_step(
        trainer.net, trainer.loss_fn, trainer.optimizer, trainer.x[idx], trainer.y[idx],
        proceed=finite_loss(value), after_backward=keep_grads, after_step=keep_changes,
    )  # fmt: skip
    after = {n: p.grad is None for n, p in model.named_parameters()}
    y = trainer.y[idx]
    plain_sgd = cfg.optimizer == "SGD" and not cfg.momentum and not cfg.weight_decay
    sgd_check = (
        max(
            (p.detach() - (before[n] - cfg.learning_rate * grads[n])).abs().max().item()
            for n, p in model.named_parameters()
            if n in grads
        )
        if plain_sgd and grads
        else None
    )
    trainer.record(value[-1], current)
    matrices = [(n, g) for n, g in grads.items() if g.dim() == 2]
    example = (matrices or list(grads.items()) or [("", torch.zeros(0))])[0]
    return SlowStep(
        pred[:n_show].detach().cpu(),
        y[:n_show].cpu(),
        value[-1],
        {n: g.norm().item() for n, g in grads.items()},
        (example[0], example[1].cpu()),
        changes,
        sgd_check,
        after,
    )


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
