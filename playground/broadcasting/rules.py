"""Shapes ("Tensors" chapter): broadcasting, cat, stack, split and chunk, explained step by step.

The explainers are pure functions over shape tuples. Tests check them against
``torch.broadcast_shapes``, ``torch.cat`` and ``torch.stack`` on many random shapes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from playground.core.budget import numel
from playground.core.i18n import Msg
from playground.core.shapes import Shape


@dataclass(frozen=True)
class BroadcastStep:
    """One dimension, counted from the right: the sizes that meet there and what comes out."""

    dim: int  # negative: -1 is the last dimension
    sizes: tuple[int, ...]  # after padding with 1s
    result: int | None  # None when incompatible
    rule: str  # "equal", "stretch 1", or "incompatible"


@dataclass(frozen=True)
class BroadcastExplanation:
    shapes: tuple[Shape, ...]
    padded: tuple[Shape, ...]
    steps: tuple[BroadcastStep, ...]  # left to right
    result: Shape | None
    error: str | None


def explain_broadcast(*shapes: Sequence[int]) -> BroadcastExplanation:
    """Right-align, pad with 1s, stretch the 1s: the result shape, or the first clash."""
    shapes_t = tuple(tuple(s) for s in shapes)
    ndim = max((len(s) for s in shapes_t), default=0)
    padded = tuple((1,) * (ndim - len(s)) + s for s in shapes_t)
    steps, error = [], None
    for i in range(ndim):
        sizes = tuple(p[i] for p in padded)
        distinct = {s for s in sizes if s != 1}
        if len(distinct) > 1:
            steps.append(BroadcastStep(i - ndim, sizes, None, "incompatible"))
            a, b = sorted(distinct)[:2]
            error = error or (
                Msg("msg.broadcasting.dimension_value_counting", value=i - ndim, a=a, b=b)
            )
        else:
            size = distinct.pop() if distinct else 1
            rule = "equal" if all(s == size for s in sizes) else "stretch 1"
            steps.append(BroadcastStep(i - ndim, sizes, size, rule))
    result = None if error else tuple(int(s.result or 0) for s in steps)
    return BroadcastExplanation(shapes_t, padded, tuple(steps), result, error)


@dataclass(frozen=True)
class JoinExplanation:
    """``torch.cat`` or ``torch.stack`` on these shapes along ``dim``."""

    op: str
    shapes: tuple[Shape, ...]
    dim: int | None  # normalised (non-negative), None if out of range
    result: Shape | None
    error: str | None
    offsets: tuple[int, ...] = ()  # where each input starts along dim in the result


def _normalise_dim(dim: int, ndim: int) -> int | None:
    low, high = -ndim, ndim - 1
    return dim + ndim if low <= dim < 0 else dim if 0 <= dim <= high else None


def explain_cat(shapes: Sequence[Sequence[int]], dim: int) -> JoinExplanation:
    """All sizes must match except along ``dim``, where they add up."""
    shapes_t = tuple(tuple(s) for s in shapes)
    if not shapes_t:
        return JoinExplanation("cat", shapes_t, None, None, Msg("msg.broadcasting.torch_cat_needs"))
    ndim = len(shapes_t[0])
    if ndim == 0:
        return JoinExplanation(
            "cat", shapes_t, None, None, Msg("msg.broadcasting.zero_dimensional_tensors")
        )
    d = _normalise_dim(dim, ndim)
    if d is None:
        return JoinExplanation("cat", shapes_t, None, None, _dim_range_error(dim, ndim))
    for k, s in enumerate(shapes_t[1:], start=1):
        if len(s) != ndim:
            msg = Msg("msg.broadcasting.tensor_k_len", k=k, len=len(s), ndim=ndim)
            return JoinExplanation("cat", shapes_t, d, None, msg)
        for i in range(ndim):
            if i != d and s[i] != shapes_t[0][i]:
                msg = Msg(
                    "msg.broadcasting.sizes_match_except",
                    d=d,
                    value=shapes_t[0][i],
                    i=i,
                    k=k,
                    s=s[i],
                )
                return JoinExplanation("cat", shapes_t, d, None, msg)
    offsets, total = [], 0
    for s in shapes_t:
        offsets.append(total)
        total += s[d]
    result = shapes_t[0][:d] + (total,) + shapes_t[0][d + 1 :]
    return JoinExplanation("cat", shapes_t, d, result, None, tuple(offsets))


def explain_stack(shapes: Sequence[Sequence[int]], dim: int) -> JoinExplanation:
    """All shapes must be equal; a new dimension of size len(tensors) appears at ``dim``."""
    shapes_t = tuple(tuple(s) for s in shapes)
    if not shapes_t:
        return JoinExplanation(
            "stack", shapes_t, None, None, Msg("msg.broadcasting.torch_stack_needs")
        )
    ndim = len(shapes_t[0]) + 1  # the result has one more dimension
    d = _normalise_dim(dim, ndim)
    if d is None:
        return JoinExplanation("stack", shapes_t, None, None, _dim_range_error(dim, ndim))
    for k, s in enumerate(shapes_t[1:], start=1):
        if s != shapes_t[0]:
            msg = Msg("msg.broadcasting.stack_expects_each", shapes_t=shapes_t[0], k=k, s=s)
            return JoinExplanation("stack", shapes_t, d, None, msg)
    result = shapes_t[0][:d] + (len(shapes_t),) + shapes_t[0][d:]
    return JoinExplanation("stack", shapes_t, d, result, None, tuple(range(len(shapes_t))))


def _dim_range_error(dim: int, ndim: int) -> str:
    return Msg("msg.broadcasting.dimension_out_range", dim=dim, value=-ndim, value2=ndim - 1)


def join_inputs(shapes: Sequence[Shape]) -> list[torch.Tensor]:
    """Small float tensors numbered consecutively across inputs, so every cell is traceable."""
    tensors, start = [], 0
    for s in shapes:
        n = numel(s)
        tensors.append(torch.arange(start, start + n, dtype=torch.float32).reshape(s))
        start += n
    return tensors


def real_join(op: str, shapes: Sequence[Shape], dim: int) -> torch.Tensor:
    """The real ``torch.cat`` / ``torch.stack`` on :func:`join_inputs`."""
    return (torch.cat if op == "cat" else torch.stack)(join_inputs(shapes), dim=dim)
