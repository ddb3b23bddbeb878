"""Shapes typed by a learner or read from a link: ``(3, 4)`` or ``(3, 1), (1, 4)``.

One parser for every page. Text goes through the safe evaluator (no ``eval``),
each shape is checked against the budget before any tensor exists, and values
in messages are shortened with :mod:`reprlib`, whatever was typed.
"""

from __future__ import annotations

import reprlib

import torch

from playground.core.budget import check_shape
from playground.core.errors import ExpressionError
from playground.core.expr import evaluate

__all__ = ["MAX_DIMS", "MAX_SHAPES", "Shape", "as_shape", "parse_shape", "parse_shapes", "short"]

Shape = tuple[int, ...]
MAX_SHAPES = 6
MAX_DIMS = 8
_SHORT = reprlib.Repr()  # Python 3.11 has no keyword arguments for these
_SHORT.maxlevel, _SHORT.maxtuple, _SHORT.maxlist = 2, 8, 8
_SHORT.maxstring, _SHORT.maxother = 40, 40


def short(value: object) -> str:
    """A bounded ``repr`` for messages: nesting, long tuples and strings are elided."""
    return _SHORT.repr(value)


def as_shape(
    value: object,
    *,
    max_dims: int = MAX_DIMS,
    dtype: torch.dtype = torch.float32,
    copies: int = 1,
) -> Shape:
    """``value`` as a shape of whole numbers >= 0 whose tensor fits the budget.

    ``copies`` is how many tensors of this shape the page will hold at once.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, tuple | list | torch.Size) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ExpressionError("err.shape.not_a_shape", value=short(value))
    shape = tuple(int(v) for v in value)
    if len(shape) > max_dims:
        raise ExpressionError(
            "err.shape.too_many_dims", value=short(shape), ndim=len(shape), max_dims=max_dims
        )
    if any(v < 0 for v in shape):
        raise ExpressionError("err.shape.negative", value=short(shape))
    check_shape(shape, dtype, what=short(shape), copies=copies)
    return shape


def parse_shape(
    text: str, *, max_dims: int = MAX_DIMS, dtype: torch.dtype = torch.float32
) -> Shape:
    """``"(3, 4)"`` → ``(3, 4)``; ``"5"`` → ``(5,)``."""
    return as_shape(evaluate(text, {}), max_dims=max_dims, dtype=dtype)


def parse_shapes(text: str, *, max_dims: int = MAX_DIMS) -> list[Shape]:
    """``"(3, 1), (1, 4)"`` → ``[(3, 1), (1, 4)]``; a single shape gives a list of one."""
    value = evaluate(text, {})
    if isinstance(value, int) and not isinstance(value, bool):
        value = ((value,),)
    elif isinstance(value, tuple | list) and all(isinstance(v, int) for v in value):
        value = (value,)
    if not isinstance(value, tuple | list) or not value:
        raise ExpressionError("err.shape.type_shapes")
    if len(value) > MAX_SHAPES:
        raise ExpressionError("err.shape.too_many_shapes", max_shapes=MAX_SHAPES)
    return [as_shape(v, max_dims=max_dims) for v in value]
