"""The computed fix for a layer that does not fit its input: what the Layers page suggests.

The check runs the model on the ``meta`` device, so the first misfit is known from shapes
alone; this turns that shape into a concrete change ("use in_features=864").
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from playground.core.i18n import Msg

if TYPE_CHECKING:
    from playground.layers.specs import LayerSpec

__all__ = ["fixed_model", "suggest_fix"]


def suggest_fix(spec: LayerSpec, in_shape: tuple[int, ...]) -> str:
    """A concrete fix for a layer that does not fit its input shape."""
    kw = spec.kwargs
    if spec.kind == "Linear":
        if len(in_shape) > 2:
            flat = 1
            for d in in_shape[1:]:
                flat *= d
            return Msg(
                "msg.layers.linear_gets_len", len=len(in_shape), in_shape=in_shape, flat=flat
            )
        return Msg(
            "msg.layers.linear_expects_features", in_shape=in_shape[-1], kw=kw["in_features"]
        )
    if spec.kind == "Conv2d":
        if len(in_shape) != 4:
            return Msg("msg.layers.conv_d_needs", in_shape=in_shape)
        if in_shape[1] != kw["in_channels"]:
            return Msg("msg.layers.conv_d_expects", in_shape=in_shape[1], kw=kw["in_channels"])
        k, pad = kw["kernel_size"], kw.get("padding", 0)
        k = k if isinstance(k, int) else max(k)
        side = min(in_shape[2:]) + 2 * pad
        return Msg(
            "msg.layers.kernel_k_larger",
            k=k,
            side=side,
            max=max(0, (k - min(in_shape[2:]) + 1) // 2),
        )
    if spec.kind in ("MaxPool2d", "AvgPool2d"):
        if len(in_shape) != 4:
            return Msg("msg.layers.kind_needs_n", kind=spec.kind, in_shape=in_shape)
        return Msg(
            "msg.layers.pooling_window_larger",
            in_shape=in_shape[2],
            in_shape2=in_shape[3],
            min=min(in_shape[2:]),
        )
    if spec.kind.startswith("BatchNorm"):
        want = in_shape[1] if len(in_shape) > 1 else in_shape[0]
        dims = "2-D/3-D (N, C[, L])" if spec.kind == "BatchNorm1d" else "4-D (N, C, H, W)"
        return Msg(
            "msg.layers.kind_wants_dims", kind=spec.kind, dims=dims, want=want, in_shape=in_shape
        )
    if spec.kind == "Softmax":
        return Msg("msg.layers.softmax_dim_below", len=len(in_shape))
    return Msg("msg.layers.kind_does_fit", kind=spec.kind, in_shape=in_shape)


def fixed_model(
    specs: list[LayerSpec], at: int, in_shape: tuple[int, ...]
) -> list[LayerSpec] | None:
    """The layer list with the fix :func:`suggest_fix` describes applied, where it is one
    change of an argument (or a Flatten before a Linear); None where the learner must choose."""
    from playground.layers.specs import LayerSpec

    spec = specs[at]
    kw = spec.kwargs
    new: list[LayerSpec] | None = None
    if spec.kind == "Linear" and len(in_shape) > 2:
        flat = math.prod(in_shape[1:])
        new = [
            LayerSpec.of("Flatten"),
            LayerSpec(spec.kind, tuple({**kw, "in_features": flat}.items())),
        ]
    elif spec.kind == "Linear" and len(in_shape) == 2:
        new = [LayerSpec(spec.kind, tuple({**kw, "in_features": in_shape[-1]}.items()))]
    elif spec.kind == "Conv2d" and len(in_shape) == 4 and in_shape[1] != kw["in_channels"]:
        new = [LayerSpec(spec.kind, tuple({**kw, "in_channels": in_shape[1]}.items()))]
    elif spec.kind.startswith("BatchNorm") and len(in_shape) > 1:
        new = [LayerSpec(spec.kind, tuple({**kw, "num_features": in_shape[1]}.items()))]
    if new is None or new == [spec]:
        return None
    return [*specs[:at], *new, *specs[at + 1 :]]
