"""Transfer learning, the two scenarios of the tutorial notes, against training from scratch.

- *fine-tuning*: start from a trained source model instead of random weights, put a new
  head on it, and train everything;
- *fixed feature extractor*: freeze every parameter (``requires_grad_(False)``), put a new
  randomly initialised head on it, and train only the head.

ImageNet weights cannot be downloaded on every server, so the source model is trained
here on one half of the classes (0–4) and transferred to the other half (5–9), or comes
from an uploaded ``state_dict``. The page's script shows torchvision's ``weights=`` path
for ImageNet models as a comment.
"""

from __future__ import annotations

import copy
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import torch
from torch import nn

from playground.core.device import threads_code
from playground.core.errors import PlaygroundError, TrainingError
from playground.core.i18n import t
from playground.core.rng import seeded
from playground.data.code import dataset_parts, imports_of
from playground.data.datasets import ImageDataset
from playground.layers.code import model_parts
from playground.layers.models import LayerSpec, build_model, layer_names
from playground.server.store import tensor_bytes
from playground.training.code import loss_and_optimizer_code
from playground.training.config import TrainConfig
from playground.training.loop import History, Trainer
from playground.training.step import STEP_CODE

__all__ = [
    "SCENARIOS",
    "SOURCE_CLASSES",
    "TARGET_CLASSES",
    "TransferReport",
    "TransferRun",
    "by_classes",
    "freeze_all_but",
    "head_name",
    "run_transfer",
    "source_from_state_dict",
    "transfer_code",
    "with_new_head",
]

SOURCE_CLASSES = (0, 1, 2, 3, 4)
TARGET_CLASSES = (5, 6, 7, 8, 9)
SCRATCH, FINE_TUNING, FEATURE_EXTRACTOR = "from scratch", "fine-tuning", "fixed feature extractor"
SCENARIOS = (SCRATCH, FINE_TUNING, FEATURE_EXTRACTOR)


def by_classes(ds: ImageDataset, classes: Sequence[int]) -> ImageDataset:
    """The samples of ``classes`` in their original order, relabelled ``0..len(classes)-1``."""
    wanted = torch.tensor(list(classes))
    if wanted.max().item() >= len(ds.classes):
        raise TrainingError(
            "err.training.dataset_len_classes", len=len(ds.classes), value=int(wanted.max()) + 1
        )
    keep = torch.isin(ds.targets, wanted)
    relabel = torch.full((len(ds.classes),), -1, dtype=torch.int64)
    relabel[wanted] = torch.arange(len(wanted))
    return ImageDataset(
        ds.images[keep], relabel[ds.targets[keep]], tuple(ds.classes[c] for c in classes)
    )


def head_name(model: nn.Module) -> str:
    """The dotted name of the last ``nn.Linear``: the classifier head (``linear_relu_stack.4``)."""
    names = [n for n, m in model.named_modules() if isinstance(m, nn.Linear)]
    if not names:
        raise TrainingError("err.training.model_no_linear")
    return names[-1]


def _linear(model: nn.Module, name: str) -> nn.Linear:
    layer = model.get_submodule(name)
    assert isinstance(layer, nn.Linear)
    return layer


def _head_index(specs: Sequence[LayerSpec]) -> int:
    return max(i for i, s in enumerate(specs) if s.kind == "Linear")


def specs_with_head(specs: Sequence[LayerSpec], n_out: int) -> list[LayerSpec]:
    """``specs`` with the last Linear layer giving ``n_out`` outputs."""
    last = _head_index(specs)
    args = tuple((k, n_out if k == "out_features" else v) for k, v in specs[last].args)
    return [*specs[:last], replace(specs[last], args=args), *specs[last + 1 :]]


def with_new_head(model: nn.Module, n_out: int, seed: int) -> nn.Module:
    """A copy of ``model`` whose head is a new ``nn.Linear(in_features, n_out)`` from ``seed``."""
    model = copy.deepcopy(model)
    name = head_name(model)
    old = _linear(model, name)
    with seeded(seed):
        head = nn.Linear(old.in_features, n_out, bias=old.bias is not None)
    model.set_submodule(name, head.to(old.weight.device))
    return model


def freeze_all_but(model: nn.Module, name: str) -> nn.Module:
    """``requires_grad_(False)`` everywhere except the child ``name``."""
    model.requires_grad_(False)
    model.get_submodule(name).requires_grad_(True)
    return model


def parameter_counts(model: nn.Module) -> tuple[int, int]:
    """(trainable, frozen) parameter counts."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return trainable, sum(p.numel() for p in model.parameters()) - trainable


def source_from_state_dict(
    specs: Sequence[LayerSpec], state_dict: dict[str, torch.Tensor], device: str | torch.device
) -> nn.Module:
    """The builder's model with an uploaded ``state_dict`` in its body; the head is replaced later.

    Every key but the head's must be present with the right shape, or the message names it.
    """
    model = build_model(specs, device=device)
    head = head_name(model) + "."
    body = {k: v for k, v in model.state_dict().items() if not k.startswith(head)}
    missing = sorted(k for k in body if k not in state_dict)
    wrong = sorted(
        f"{k} {tuple(state_dict[k].shape)} ≠ {tuple(v.shape)}"
        for k, v in body.items()
        if k in state_dict and state_dict[k].shape != v.shape
    )
    if missing or wrong:
        raise TrainingError(
            "err.training.state_dict_body",
            missing=PlaygroundError("err.training.state_dict_missing", keys=", ".join(missing[:5]))
            if missing
            else "",
            wrong=PlaygroundError("err.training.state_dict_wrong", keys=", ".join(wrong[:5]))
            if wrong
            else "",
        )
    model.load_state_dict({k: state_dict[k] for k in body}, strict=False)
    return model


@dataclass
class TransferRun:
    scenario: str
    history: History
    trainable: int
    frozen: int
    frozen_identical: bool  # every frozen parameter bit-identical after training
    frozen_without_grad: bool  # and none of them ever got a .grad
    head_changed: bool
    model: nn.Module

    @property
    def accuracy(self) -> float:
        return self.history.test_accuracy[-1] if self.history.test_accuracy else float("nan")


@dataclass
class TransferReport:
    source_accuracy: float | None  # None when the source came from an upload
    runs: list[TransferRun]

    def nbytes(self) -> int:
        """The three trained models' bytes (the store's measure of this report)."""
        return tensor_bytes([r.model for r in self.runs])


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


SCENARIO_KEYS = {
    SCRATCH: "train.tl_scn.scratch",
    FINE_TUNING: "train.tl_scn.fine",
    FEATURE_EXTRACTOR: "train.tl_scn.feature",
}


def label(scenario: str, lang: str = "en") -> str:
    """A scenario's name in ``lang`` ("source" is the source model's run)."""
    return t(SCENARIO_KEYS.get(scenario, "train.tl_scn.source"), lang)


def curves(report: TransferReport, lang: str = "en") -> list[tuple[str, History]]:
    return [(label(r.scenario, lang), r.history) for r in report.runs]


def report_rows(report: TransferReport, lang: str = "en") -> list[dict[str, object]]:
    """One row per scenario for the page's table, headed in ``lang``."""
    col = {
        k: t(f"train.tl_col.{k}", lang)
        for k in ("scenario", "trainable", "frozen", "accuracy", "identical", "no_grad", "head")
    }
    return [
        {
            col["scenario"]: label(r.scenario, lang),
            col["trainable"]: f"{r.trainable:,}",
            col["frozen"]: f"{r.frozen:,}",
            col["accuracy"]: round(100 * r.accuracy, 1),
            col["identical"]: _mark(r.frozen_identical) if r.frozen else "—",
            col["no_grad"]: _mark(r.frozen_without_grad) if r.frozen else "—",
            col["head"]: _mark(r.head_changed),
        }
        for r in report.runs
    ]


def _train(trainer: Trainer, progress: Callable[[float], None] | None) -> Trainer:
    while not trainer.done:
        trainer.run(max_seconds=0.5)
        if progress:
            progress(trainer.progress)
    if trainer.diverged:
        raise trainer.diverged
    return trainer


def run_transfer(
    specs: Sequence[LayerSpec],
    input_shape: tuple[int, ...],
    train: ImageDataset,
    test: ImageDataset,
    cfg: TrainConfig,
    *,
    source_epochs: int = 2,
    target_subset: int | None = None,
    source_state: dict[str, torch.Tensor] | None = None,
    device: str | torch.device = "cpu",
    progress: Callable[[str, float], None] | None = None,
) -> TransferReport:
    """Source model on classes 0–4 (or ``source_state``), then the three scenarios on 5–9.

    Each scenario trains ``cfg.epochs`` epochs on the first ``target_subset`` target
    samples with ``cfg``'s optimizer, only over the parameters that require grad.
    """
    k = len(TARGET_CLASSES)
    target_specs = specs_with_head(specs, k)
    tgt_train, tgt_test = by_classes(train, TARGET_CLASSES), by_classes(test, TARGET_CLASSES)
    source_accuracy = None
    if source_state is None:
        src = Trainer(
            specs_with_head(specs, len(SOURCE_CLASSES)),
            input_shape,
            by_classes(train, SOURCE_CLASSES),
            by_classes(test, SOURCE_CLASSES),
            replace(cfg, epochs=source_epochs),
            device=device,
        )
        _train(src, progress and (lambda f: progress("source", f)))
        source, source_accuracy = src.model, src.history.test_accuracy[-1]
    else:
        source = source_from_state_dict(specs, source_state, device)
    runs = []
    for scenario in SCENARIOS:
        model: nn.Module
        if scenario == SCRATCH:
            model = build_model(target_specs, seed=cfg.seed, device=device)
        else:
            model = with_new_head(source, k, cfg.seed + 1)
        head = head_name(model)
        if scenario == FEATURE_EXTRACTOR:
            freeze_all_but(model, head)
        frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
        head_before = _linear(model, head).weight.detach().clone()
        t = Trainer(
            target_specs,
            input_shape,
            tgt_train,
            tgt_test,
            cfg,
            device=device,
            subset=target_subset,
            model=model,
        )
        _train(t, progress and (lambda f, s=scenario: progress(s, f)))
        params = dict(model.named_parameters())
        trainable, n_frozen = parameter_counts(model)
        runs.append(
            TransferRun(
                scenario,
                t.history,
                trainable,
                n_frozen,
                all(torch.equal(params[n], v) for n, v in frozen.items()),
                all(params[n].grad is None for n in frozen),
                not torch.equal(_linear(model, head).weight, head_before),
                model,
            )
        )
    return TransferReport(source_accuracy, runs)


def transfer_code(
    cfg: TrainConfig,
    specs: Sequence[LayerSpec],
    dataset: str,
    source_epochs: int,
    target_subset: int | None,
    *,
    device: str = "cpu",
) -> str:
    """A plain script that runs the source model and the three scenarios as the page does."""
    five = specs_with_head(specs, 5)
    imports, definitions, ctor = model_parts(five)
    # the head's attribute as Python spells it: linear_relu_stack[4], fc3, linear3
    head = re.sub(r"\.(\d+)", r"[\1]", layer_names(five)[_head_index(five)])
    limit = f"[:{target_subset}]" if target_subset else ""
    loss, opt_args = loss_and_optimizer_code(cfg, 5, repr(cfg.learning_rate))
    step = textwrap.indent(textwrap.dedent(STEP_CODE), " " * 12)  # the one train_step
    data_imports, data_definitions, data_lines = dataset_parts(dataset, test=True)
    loader = "import copy\nfrom torch.utils.data import DataLoader, Subset"
    classes = f"\n\n{definitions.strip()}\n" if definitions else ""
    return f"""{imports_of(imports, data_imports, loader)}{data_definitions.rstrip()}{classes}

{threads_code()}device = "{device}"
{data_lines}loss_fn = {loss}


def by_classes(data, first):  # classes first..first+4, relabelled 0..4
    data = copy.copy(data)
    data.target_transform = lambda y: y - first
    return Subset(data, [i for i, y in enumerate(data.targets.tolist()) if first <= y < first + 5])


def fit(model, train_data, test_data, epochs):
    train_dataloader = DataLoader(
        train_data, batch_size={cfg.batch_size}, shuffle=True,
        generator=torch.Generator().manual_seed({cfg.seed}),
    )
    test_dataloader = DataLoader(test_data, batch_size={cfg.batch_size})
    params = [p for p in model.parameters() if p.requires_grad]  # only what is not frozen
    optimizer = torch.optim.{cfg.optimizer}(params, {opt_args})
    for t in range(epochs):
        model.train()
        for X, y in train_dataloader:
            X, y = X.to(device), y.to(device)
{step}
        model.eval()
        correct = 0
        with torch.no_grad():
            for X, y in test_dataloader:
                X, y = X.to(device), y.to(device)
                correct += (model(X).argmax(1) == y).type(torch.float).sum().item()
    return correct / len(test_data)


# 1. The source model: classes 0-4.
torch.manual_seed({cfg.seed})
source = {ctor}.to(device)
print(f"source (classes 0-4): {{100 * fit(source, by_classes(training_data, 0), by_classes(test_data, 0), {source_epochs}):.4f}}%")

target_train = Subset(by_classes(training_data, 5), range(len(by_classes(training_data, 5))){limit})
target_test = by_classes(test_data, 5)

# 2. From scratch: random weights.
torch.manual_seed({cfg.seed})
scratch = {ctor}.to(device)

# 3. Fine-tuning: the source's weights, a new head, everything trains.
fine_tuned = copy.deepcopy(source)
torch.manual_seed({cfg.seed + 1})
fine_tuned.{head} = nn.Linear(fine_tuned.{head}.in_features, 5).to(device)

# 4. Fixed feature extractor: freeze everything, then a new head that trains alone.
extractor = copy.deepcopy(source)
extractor.requires_grad_(False)
torch.manual_seed({cfg.seed + 1})
extractor.{head} = nn.Linear(extractor.{head}.in_features, 5).to(device)  # new: trains

for name, model in [("from scratch", scratch), ("fine-tuning", fine_tuned), ("fixed feature extractor", extractor)]:
    print(f"{{name}}: {{100 * fit(model, target_train, target_test, {cfg.epochs}):.4f}}%")

# With a network, torchvision's ImageNet weights are the usual source:
#   from torchvision.models import resnet18, ResNet18_Weights
#   source = resnet18(weights=ResNet18_Weights.DEFAULT)
#   source.fc = nn.Linear(source.fc.in_features, 5)
"""
