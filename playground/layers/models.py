"""The model builder ("Build the Neural Network" chapter), shared by the Layers, Training and
Save & load pages.

A model is a list of :class:`LayerSpec` (a kind and its arguments). :func:`check_model`
builds it on the ``meta`` device first, so a model over the parameter cap, or one whose
shapes do not fit, is refused with a concrete fix before any memory is allocated.
:func:`build_model` then makes a real ``nn.Sequential`` with named children, or the
tutorial's own class when the layers are exactly a preset's (:mod:`playground.layers.tutorial`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from playground.core.budget import Cost, check, measure
from playground.core.config import limits
from playground.core.errors import ModelError, PlaygroundError
from playground.core.i18n import Msg
from playground.core.rng import seeded
from playground.layers.fixes import fixed_model, suggest_fix
from playground.layers.specs import LayerSpec, validate_spec
from playground.layers.tutorial import CLASSES, step_names, steps


def validate_specs(specs: Sequence[LayerSpec], *, max_params: int | None = None) -> int:
    """Every layer through :func:`validate_spec`, then the parameter count on ``meta``: the door
    a model passes before any real memory is allocated. Returns the parameter count."""
    return _admitted(specs, max_params)[1]


def _admitted(specs: Sequence[LayerSpec], max_params: int | None) -> tuple[nn.Sequential, int]:
    """:func:`validate_specs`, also returning the ``meta`` model it built to count."""
    if not specs:
        raise ModelError("err.layers.model_no_layers")
    if len(specs) > 64:
        raise ModelError("err.layers.model_have_most")
    for s in specs:
        validate_spec(s)
    cap = max_params if max_params is not None else limits().max_params
    with torch.device("meta"):
        try:
            model = _sequential(specs)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ModelError("err.layers.layer_could_built", err=err) from None
    params = sum(p.numel() for p in model.parameters())
    if params > cap:
        raise ModelError("err.layers.model_params_parameters", params=params, cap=cap)
    return model, params


L = LayerSpec.of
# Everything after the blitz's first convolution, shared by both LeNet presets.
_LENET_BODY = [
    L("ReLU"),
    L("MaxPool2d", 2),
    L("Conv2d", 6, 16, 5),
    L("ReLU"),
    L("MaxPool2d", 2),
    L("Flatten"),
    L("Linear", 16 * 5 * 5, 120),
    L("ReLU"),
    L("Linear", 120, 84),
    L("ReLU"),
    L("Linear", 84, 10),
]
PRESETS: dict[str, list[LayerSpec]] = {
    "tutorial": [
        L("Flatten"),
        L("Linear", 784, 512),
        L("ReLU"),
        L("Linear", 512, 512),
        L("ReLU"),
        L("Linear", 512, 10),
    ],
    # The blitz's Net, exactly: one 32×32 grey image (28×28 ones are padded by 2 to fit).
    "blitz_net": [L("Conv2d", 1, 6, 5), *_LENET_BODY],
    # Its 28×28 variant: padding=2 on the first conv gives 28×28 images the same shapes.
    "lenet": [L("Conv2d", 1, 6, 5, padding=2), *_LENET_BODY],
    "cifar_lenet": [L("Conv2d", 3, 6, 5), *_LENET_BODY],
    "modern_cnn": [
        L("Conv2d", 1, 16, 3, padding=1),
        L("BatchNorm2d", 16),
        L("ReLU"),
        L("MaxPool2d", 2),
        L("Conv2d", 16, 32, 3, padding=1),
        L("BatchNorm2d", 32),
        L("ReLU"),
        L("MaxPool2d", 2),
        L("Flatten"),
        L("Dropout", p=0.25),
        L("Linear", 32 * 7 * 7, 128),
        L("ReLU"),
        L("Dropout", p=0.25),
        L("Linear", 128, 10),
    ],
}
INPUT_SHAPES = {
    "tutorial": (1, 28, 28),
    "blitz_net": (1, 32, 32),
    "lenet": (1, 28, 28),
    "cifar_lenet": (3, 32, 32),
    "modern_cnn": (1, 28, 28),
}


# The presets the Training page offers: each fits a dataset as it is (the blitz's exact Net
# wants 32×32 grey images, and no dataset here has them; its 28×28 variant trains instead).
TRAINABLE = tuple(k for k in PRESETS if k != "blitz_net")


# Input shapes the Layers page can feed real offline samples to: 28×28 as they are, 32×32
# padded with 2 zero pixels on each side (the blitz's Net).
SAMPLE_SHAPES = ((1, 28, 28), (1, 32, 32))


def pad_to(images: torch.Tensor, shape: tuple[int, ...]) -> torch.Tensor:
    """28×28 images as ``shape`` wants them: zero padding of 2 for 32×32, else unchanged."""
    if tuple(shape[-2:]) == (32, 32) and tuple(images.shape[-2:]) == (28, 28):
        return torch.nn.functional.pad(images, (2, 2, 2, 2))
    return images


def preset_of(specs: Sequence[LayerSpec]) -> str | None:
    """The preset whose layers ``specs`` are exactly, when it has a tutorial class."""
    return next((k for k in CLASSES if list(specs) == PRESETS[k]), None)


def layer_names(specs: Sequence[LayerSpec]) -> list[str]:
    """Each layer's name as :func:`trace` shows it: the tutorial class's for a preset."""
    preset = preset_of(specs)
    return step_names(preset) if preset else child_names(specs)


def child_names(specs: Sequence[LayerSpec]) -> list[str]:
    """``linear1``, ``relu2``…: a lower-case kind and its count, the way one names attributes."""
    counts: dict[str, int] = {}
    names = []
    for s in specs:
        base = s.kind.lower()
        counts[base] = counts.get(base, 0) + 1
        names.append(f"{base}{counts[base]}")
    return names


def _make(spec: LayerSpec) -> nn.Module:
    return getattr(nn, spec.kind)(**spec.kwargs)


def _sequential(specs: Sequence[LayerSpec]) -> nn.Sequential:
    return nn.Sequential(
        OrderedDict((n, _make(s)) for n, s in zip(child_names(specs), specs, strict=True))
    )


def build_model(
    specs: Sequence[LayerSpec], *, seed: int = 0, device: str | torch.device = "cpu"
) -> nn.Module:
    """A real ``nn.Sequential`` with named children (a preset's tutorial class), seeded.

    It passes :func:`validate_specs` first, whoever calls it: nothing unchecked is allocated.
    Call :func:`check_model` too, for the shapes and one forward pass's cost.
    """
    validate_specs(specs)
    preset = preset_of(specs)
    with seeded(seed):
        model = CLASSES[preset][0]() if preset else _sequential(specs)
    return model.to(device)


@dataclass
class TraceRow:
    name: str
    layer: str
    output_shape: tuple[int, ...]
    params: int
    macs: int  # multiply-adds per sample


@dataclass
class ModelCheck:
    rows: list[TraceRow]
    params: int
    error: str | None = None  # PyTorch's own message at the first layer that failed
    failed_at: int | None = None
    fix: str | None = None
    fixed: list[LayerSpec] | None = None  # the layers with that fix applied, when it is one edit
    output_shape: tuple[int, ...] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    per_sample: Cost = Cost()  # one sample's forward pass: activation bytes and FLOPs

    @property
    def ok(self) -> bool:
        return self.error is None

    def trace_cost(self, samples: int) -> Cost:
        """Keeping every layer's output for ``samples`` inputs, plus the float32 weights."""
        one = self.per_sample
        return Cost(
            one.elements * samples, one.bytes * samples + 4 * self.params, one.flops * samples
        )

    def step_cost(self, batch: int, *, optimizer_states: int = 2) -> Cost:
        """One training step: forward and backward (about 3x the forward FLOPs, 2x the
        activations), the weights, their ``.grad`` and the optimizer's state per weight."""
        weights = 4 * self.params * (2 + optimizer_states)
        one = self.per_sample
        return Cost(one.elements * batch, 2 * one.bytes * batch + weights, 3 * one.flops * batch)


def _macs(layer: nn.Module, x: torch.Tensor, y: torch.Tensor) -> int:
    per_sample = y[0].numel() if y.dim() else 1
    if isinstance(layer, nn.Linear):
        return layer.in_features * layer.out_features
    if isinstance(layer, nn.Conv2d):
        k = layer.kernel_size[0] * layer.kernel_size[1]
        return per_sample * (layer.in_channels // layer.groups) * k
    if isinstance(layer, nn.BatchNorm1d | nn.BatchNorm2d):
        return per_sample
    return 0


def _row(name: str, layer: nn.Module, x: torch.Tensor, y: torch.Tensor) -> TraceRow:
    params = sum(p.numel() for p in layer.parameters())
    return TraceRow(name, repr(layer), tuple(y.shape), params, _macs(layer, x, y))


def trace(model: nn.Module, x: torch.Tensor) -> tuple[list[TraceRow], list[torch.Tensor]]:
    """Run ``x`` through each layer in turn: the rows of the shape table and every output."""
    rows, outputs = [], []
    for name, layer in steps(model):
        y = layer(x)
        rows.append(_row(name, layer, x, y))
        outputs.append(y)
        x = y
    return rows, outputs


def check_model(
    specs: Sequence[LayerSpec],
    input_shape: Sequence[int],
    *,
    batch: int = 1,
    max_params: int | None = None,
) -> ModelCheck:
    """Build on ``meta`` and trace a ``(batch, *input_shape)`` input: sizes, params and the first misfit.

    Raises :class:`BudgetError` when keeping every layer's output for ``batch``
    samples would not fit the server's budget.
    """
    model, params = _admitted(specs, max_params)  # built once, on meta
    x = torch.empty((batch, *input_shape), device="meta")
    rows: list[TraceRow] = []
    names = layer_names(specs)
    for i, layer in enumerate(model.children()):
        try:
            y = layer(x)
        except (RuntimeError, ValueError, IndexError) as err:
            message = (
                Msg(err.key, **err.params)
                if isinstance(err, PlaygroundError)
                else str(err).strip().splitlines()[0]
            )
            shape = tuple(x.shape)
            fixed = fixed_model(list(specs), i, shape)
            return ModelCheck(rows, params, message, i, suggest_fix(specs[i], shape), fixed)
        rows.append(_row(names[i], layer, x, y))
        x = y
    one = measure(model, torch.empty((1, *input_shape), device="meta")).cost
    result = ModelCheck(rows, params, output_shape=tuple(x.shape), per_sample=one)
    check(result.trace_cost(batch), what=f"model(x), x.shape = {(batch, *input_shape)}")
    return result


def parameter_table(model: nn.Module) -> list[dict[str, Any]]:
    """The tutorial's ``named_parameters()`` loop, as rows."""
    rows = []
    for name, p in model.named_parameters():
        flat = p.detach().reshape(-1).to("cpu", torch.float64)
        rows.append(
            {
                "name": name,
                "shape": str(tuple(p.shape)),
                "numel": p.numel(),
                "requires_grad": p.requires_grad,
                "mean": flat.mean().item(),
                "std": flat.std().item() if flat.numel() > 1 else 0.0,
                "first values": ", ".join(f"{v:.4f}" for v in flat[:3].tolist()),
            }
        )
    return rows
