"""The tensors behind the Broadcasting page's pictures: expand against repeat, joins, split.

Every function sizes its work with :mod:`playground.core.budget` first, so a typed
shape such as ``(1, 8192), (8192, 1)`` is refused before ``repeat`` allocates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

from playground.broadcasting.rules import JoinExplanation, join_inputs
from playground.core.budget import check, check_shape, numel, shape_cost
from playground.core.errors import BudgetError, PlaygroundError
from playground.core.shapes import Shape, short

MAX_PIECES = 256  # split/chunk results listed and drawn at once


@dataclass(frozen=True)
class Stretch:
    """``t0.expand(result)`` or ``t0.repeat(factors)``: the same values, different memory."""

    op: str
    shape: Shape
    stride: tuple[int, ...]
    nbytes: int  # bytes of storage behind the result
    shares: bool  # does it read t0's own storage?


def expand_and_repeat(
    padded: Shape, result: Shape, *, name: str = "t0"
) -> tuple[list[Stretch], BudgetError | None]:
    """``expand`` (a view, free) and ``repeat`` (a copy); ``repeat`` is skipped over budget.

    Both run on ``meta`` tensors: strides, shapes and storage sizes are exact, and a
    link to ``(1, 16777216), (16777216, 1)`` allocates nothing.
    """
    check_shape(padded, what=name)
    small = torch.empty(padded, device="meta")
    factors = tuple(r // s if s else 1 for r, s in zip(result, padded, strict=True))
    small_bytes = numel(padded) * small.element_size()
    rows = [_stretch(f"{name}.expand{result}", small.expand(result), small_bytes, shares=True)]
    try:
        check_shape(result, what=f"{name}.repeat{factors}")
    except BudgetError as err:
        return rows, err
    repeated = small.repeat(factors)
    nbytes = numel(repeated.shape) * repeated.element_size()
    rows.append(_stretch(f"{name}.repeat{factors}", repeated, nbytes, shares=False))
    return rows, None


def _stretch(op: str, t: torch.Tensor, nbytes: int, *, shares: bool) -> Stretch:
    return Stretch(op, tuple(t.shape), t.stride(), nbytes, shares)


def join_sources(ex: JoinExplanation) -> torch.Tensor:
    """The joined result with each cell holding the index of the input it came from (uint8)."""
    assert ex.result is not None and ex.dim is not None
    check_shape(ex.result, torch.uint8, what=f"torch.{ex.op}", copies=2)
    parts = [torch.full(s, k, dtype=torch.uint8) for k, s in enumerate(ex.shapes)]
    return (torch.cat if ex.op == "cat" else torch.stack)(parts, dim=ex.dim)


def checked_join(ex: JoinExplanation, shapes: Sequence[Shape], dim: int) -> torch.Tensor:
    """:func:`real_join` on numbered inputs, after its inputs and result fit the budget."""
    inputs = sum((shape_cost(s) for s in shapes), start=shape_cost(ex.result or ()))
    check(inputs, what=f"torch.{ex.op}")
    tensors = join_inputs(shapes)
    return (torch.cat if ex.op == "cat" else torch.stack)(tensors, dim=dim)


def join_error(op: str, shapes: Sequence[Shape], dim: int) -> str | None:
    """PyTorch's own message for a join that cannot work.

    Small inputs run on the CPU, as a learner's would (its wording differs a little
    from the ``meta`` kernel's); big ones on ``meta``, which allocates nothing.
    """
    small = sum(numel(s) for s in shapes) <= 2**20
    tensors = [torch.zeros(s) if small else torch.empty(s, device="meta") for s in shapes]
    try:
        (torch.cat if op == "cat" else torch.stack)(tensors, dim=dim)
    except (RuntimeError, IndexError) as err:
        return str(err).splitlines()[0]
    return None


@dataclass(frozen=True)
class SplitResult:
    """``torch.split(t, size, dim)`` and ``torch.chunk(t, chunks, dim)`` on ``arange``."""

    pieces: tuple[Shape, ...]
    parts: tuple[Shape, ...]
    sources: torch.Tensor  # uint8: which piece each cell of t went to
    inverse: bool  # torch.cat(pieces, dim) == t


def split_tensor(shape: Shape, *, size: int, chunks: int, dim: int) -> SplitResult:
    """Split and chunk a numbered tensor; refuses more than :data:`MAX_PIECES` pieces."""
    if not shape:
        raise PlaygroundError("err.split.needs_dim")
    length = shape[dim]
    n_pieces = max(-(-length // max(size, 1)), min(chunks, length))
    if n_pieces > MAX_PIECES:
        raise PlaygroundError(
            "err.split.too_many", n=n_pieces, max_pieces=MAX_PIECES, shape=short(shape)
        )
    check_shape(shape, what=f"torch.arange(...).reshape{short(shape)}", copies=3)
    t = torch.arange(float(torch.Size(shape).numel())).reshape(shape)
    pieces, parts = torch.split(t, size, dim=dim), torch.chunk(t, chunks, dim=dim)
    sources = torch.cat(
        [torch.full(p.shape, k % 256, dtype=torch.uint8) for k, p in enumerate(pieces)], dim=dim
    )
    return SplitResult(
        tuple(tuple(p.shape) for p in pieces),
        tuple(tuple(p.shape) for p in parts),
        sources,
        torch.equal(torch.cat(pieces, dim=dim), t),
    )
