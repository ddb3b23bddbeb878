"""A layer as data: :class:`LayerSpec` (a kind and its arguments), the kinds the builder knows,
and the one check every layer passes before it reaches a constructor.

Typed text becomes a spec through :func:`parse_args`: literals only, never ``eval``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

from playground.core.errors import ModelError
from playground.core.parsing import parse_expression
from playground.core.shapes import short

# kind -> (argument names in order, defaults for the trailing ones)
LAYERS: dict[str, tuple[tuple[str, ...], dict[str, Any]]] = {
    "Linear": (("in_features", "out_features"), {"bias": True}),
    "Conv2d": (
        ("in_channels", "out_channels", "kernel_size"),
        {"stride": 1, "padding": 0},
    ),
    "MaxPool2d": (("kernel_size",), {"stride": None}),
    "AvgPool2d": (("kernel_size",), {"stride": None}),
    "Flatten": ((), {}),
    "ReLU": ((), {}),
    "LeakyReLU": ((), {"negative_slope": 0.01}),
    "Sigmoid": ((), {}),
    "Tanh": ((), {}),
    "GELU": ((), {}),
    "Dropout": ((), {"p": 0.5}),
    "BatchNorm1d": (("num_features",), {}),
    "BatchNorm2d": (("num_features",), {}),
    "Softmax": ((), {"dim": 1}),
}
_SIZE_ARGS = {"in_features", "out_features", "in_channels", "out_channels", "num_features"}
_MAX_SIZE = 1_000_000
_MAX_KERNEL = 64


@dataclass(frozen=True)
class LayerSpec:
    kind: str
    args: tuple[tuple[str, Any], ...] = ()

    @classmethod
    def of(cls, kind: str, *positional: Any, **kwargs: Any) -> LayerSpec:
        names, _ = LAYERS[kind]
        merged = dict(zip(names, positional, strict=False)) | kwargs
        return cls(kind, tuple(merged.items()))

    @property
    def kwargs(self) -> dict[str, Any]:
        return dict(self.args)

    def call(self) -> str:
        """The constructor as PyTorch code: ``nn.Linear(784, 512)``."""
        names, _ = LAYERS[self.kind]
        kw = self.kwargs
        parts = [repr(kw.pop(n)) for n in names if n in kw]
        parts += [f"{k}={v!r}" for k, v in kw.items()]
        return f"nn.{self.kind}({', '.join(parts)})"

    def args_text(self) -> str:
        return self.call()[len(self.kind) + 4 : -1]


def argument_hints() -> str:
    """Each layer's arguments, as its constructor takes them: ``Linear(in_features, out_features, bias=True)``."""
    return "; ".join(
        f"{kind}({', '.join([*names, *(f'{k}={v!r}' for k, v in defaults.items())])})"
        for kind, (names, defaults) in LAYERS.items()
    )


def parse_args(kind: str, text: str) -> LayerSpec:
    """``"784, 512"`` or ``"6, 16, 5, padding=2"`` for ``kind``: literals only, never eval."""
    if kind not in LAYERS:
        raise ModelError("err.layers.unknown_layer_kind", kind=kind, layers=", ".join(LAYERS))
    text = (text or "").strip()
    if len(text) > 200:
        raise ModelError("err.layers.kind_arguments_too", kind=kind)
    try:
        call = parse_expression(f"f({text})").body
    except SyntaxError:
        raise ModelError("err.layers.kind_text_valid", kind=kind, text=text) from None
    assert isinstance(call, ast.Call)

    def literal(node: ast.AST) -> Any:
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            value = literal(node.operand)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ModelError("err.layers.kind_only_numbers", kind=kind)
            return -value
        if isinstance(node, ast.Tuple):
            return tuple(literal(e) for e in node.elts)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | bool | None):
            return node.value
        raise ModelError("err.layers.kind_text_arguments", kind=kind, text=text)

    names, defaults = LAYERS[kind]
    if len(call.args) > len(names) + len(defaults):
        raise ModelError("err.layers.kind_takes_most", kind=kind, value=len(names) + len(defaults))
    order = [*names, *defaults]
    values = {order[i]: literal(a) for i, a in enumerate(call.args)}
    for kw in call.keywords:
        if kw.arg is None or kw.arg not in order:
            raise ModelError(
                "err.layers.kind_no_argument", kind=kind, arg=kw.arg, order=", ".join(order)
            )
        values[kw.arg] = literal(kw.value)
    missing = [n for n in names if n not in values]
    if missing:
        raise ModelError("err.layers.kind_needs_missing", kind=kind, missing=", ".join(missing))
    spec = LayerSpec(kind, tuple(values.items()))
    validate_spec(spec)
    return spec


def validate_spec(spec: LayerSpec) -> None:
    """The one check every model passes, whatever brought it (builder, link, checkpoint,
    resume, upload, exercise): a known kind, only that kind's argument names, each a plain
    value of the right type and range. ``device=``, ``dtype=`` or a made-up name never
    reach a constructor."""
    if not isinstance(spec, LayerSpec) or spec.kind not in LAYERS:
        kind = getattr(spec, "kind", spec)
        kind = kind[:40] if isinstance(kind, str) else short(kind)
        raise ModelError("err.layers.unknown_layer_kind", kind=kind, layers=", ".join(LAYERS))
    names, defaults = LAYERS[spec.kind]
    if not isinstance(spec.args, tuple) or not all(
        isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str) for a in spec.args
    ):
        raise ModelError("err.layers.kind_text_arguments", kind=spec.kind, text=short(spec.args))
    allowed = [*names, *defaults]
    for name, value in spec.args:
        if name not in allowed:
            raise ModelError(
                "err.layers.kind_no_argument", kind=spec.kind, arg=name[:40],
                order=", ".join(allowed),
            )  # fmt: skip
        if not _plain(value):
            raise ModelError(
                "err.layers.kind_arg_type", kind=spec.kind, name=name, value=short(value)
            )
    if missing := [n for n in names if n not in dict(spec.args)]:
        raise ModelError(
            "err.layers.kind_needs_missing", kind=spec.kind, missing=", ".join(missing)
        )
    for name, value in spec.args:
        if name in _SIZE_ARGS or name in ("kernel_size", "stride") and value is not None:
            sizes = value if isinstance(value, tuple) else (value,)
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in sizes):
                raise ModelError(
                    "err.layers.kind_name_whole", kind=spec.kind, name=name, value=value
                )
            if any(v <= 0 for v in sizes):
                raise ModelError(
                    "err.layers.kind_name_positive", kind=spec.kind, name=name, value=value
                )
            cap = _MAX_KERNEL if name in ("kernel_size", "stride") else _MAX_SIZE
            if any(v > cap for v in sizes):
                raise ModelError(
                    "err.layers.kind_name_value", kind=spec.kind, name=name, value=value, cap=cap
                )
        if name == "padding":
            if (
                not isinstance(value, int)
                or isinstance(value, bool)
                or not 0 <= value <= _MAX_KERNEL
            ):
                raise ModelError(
                    "err.layers.kind_padding_max",
                    kind=spec.kind,
                    max_kernel=_MAX_KERNEL,
                    value=value,
                )
        if name == "p" and not (isinstance(value, int | float) and 0 <= value < 1):
            raise ModelError("err.layers.dropout_p_got", value=value)
        if name == "dim" and not (isinstance(value, int) and -4 <= value <= 3):
            raise ModelError("err.layers.softmax_dim_between", value=value)
        if name == "bias" and not isinstance(value, bool):
            raise ModelError(
                "err.layers.kind_arg_type", kind=spec.kind, name=name, value=short(value)
            )
        if name == "negative_slope" and not (
            isinstance(value, int | float) and not isinstance(value, bool) and -100 <= value <= 100
        ):
            raise ModelError(
                "err.layers.kind_arg_type", kind=spec.kind, name=name, value=short(value)
            )


def _plain(value: Any, depth: int = 0) -> bool:
    """A literal the builder's widgets could have made: a number, a bool, None, or a short
    tuple of those (``kernel_size=(3, 3)``)."""
    if value is None or isinstance(value, bool | int):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, tuple) and depth == 0 and len(value) <= 3:
        return all(_plain(v, 1) and not isinstance(v, tuple) for v in value)
    return False
