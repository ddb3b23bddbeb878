"""The second step of a hint, computed from the variant: how many dimensions the result has,
which layer to change, on which line to look. It narrows the search and never states the
answer (``tests/exercises/test_hints.py`` checks that on every exercise and 20 seeds)."""

from __future__ import annotations

import torch

from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.exercises.grade import real_result
from playground.exercises.spec import (
    RAISES,
    Exercise,
    Graded,
    Setup,
    parse_shape_answer,
    parse_value_answer,
)

__all__ = ["second_hint", "what_to_check"]


def second_hint(exercise: Exercise, setup: Setup) -> tuple[str, dict[str, object]]:
    """A catalog key and its values: the step the learner most likely missed."""
    kind = exercise.kind
    if kind == "find_bug":
        return "xq.hint2.find_bug", {"line": setup.params["line"]}
    if kind == "fix_model":
        return "xq.hint2.fix_model", {"layer": int(setup.extra["at"]) + 1}
    if kind == "state_dict":
        real = setup.real()
        return "xq.hint2.state_dict", {
            "missing": len(real.missing_keys),
            "unexpected": len(real.unexpected_keys),
        }
    if kind == "target":
        return "xq.hint2.target", {}
    if setup.answer == RAISES:
        return "xq.hint2.check_first", {}
    if kind == "shape":
        real = real_result(setup)
        ndim = len(real.shape) if isinstance(real, torch.Tensor) else len(tuple(real))
        return ("xq.hint2.ndim", {"ndim": ndim}) if ndim else ("xq.hint2.reduced", {})
    if kind == "expression":
        return "xq.hint2.expression", {"shape": Code(str(tuple(_shape(real_result(setup)))))}
    try:
        value = parse_value_answer(setup.answer)
    except PlaygroundError:
        return "xq.hint2.one_number", {}
    if value.numel() == 1:
        return "xq.hint2.one_number", {}
    return "xq.hint2.value_shape", {"shape": Code(str(tuple(value.shape)))}


def _shape(value: object) -> tuple[int, ...]:
    return tuple(torch.as_tensor(value).shape)


def what_to_check(
    exercise: Exercise, setup: Setup, graded: Graded
) -> tuple[str, dict[str, object]]:
    """For a wrong answer that is none of the known mistakes: how it differs from PyTorch's
    (which dimensions, how many values), without saying what PyTorch's is; else the second
    step of the hint."""
    try:
        if exercise.kind == "shape":
            return _shape_check(parse_shape_answer(graded.yours), real_result(setup))
        if exercise.kind == "value" and setup.answer != RAISES:
            return _value_check(parse_value_answer(graded.yours), setup)
    except (PlaygroundError, TypeError, ValueError, RuntimeError):
        pass
    return second_hint(exercise, setup)


def _shape_check(yours: tuple[int, ...] | str, real: object) -> tuple[str, dict[str, object]]:
    if isinstance(real, BaseException):
        return "xq.check.raises", {}
    shape = tuple(real.shape) if isinstance(real, torch.Tensor) else tuple(real)  # type: ignore[arg-type]
    if yours == RAISES:
        return "xq.check.runs", {}
    if len(yours) != len(shape):
        return "xq.check.ndim", {"yours": len(yours), "real": len(shape)}
    wrong = [str(k) for k, (a, b) in enumerate(zip(yours, shape, strict=True)) if a != b]
    return "xq.check.dims", {"dims": ", ".join(wrong), "n": len(wrong), "ndim": len(shape)}


def _value_check(yours: torch.Tensor, setup: Setup) -> tuple[str, dict[str, object]]:
    real = torch.as_tensor(real_result(setup)).detach().to("cpu", torch.float64)
    if yours.numel() != real.numel():
        return "xq.check.count", {"yours": yours.numel(), "real": real.numel()}
    off = ~torch.isclose(yours.reshape(-1), real.reshape(-1), rtol=1e-3, atol=1e-3)
    if real.numel() == 1:
        return "xq.check.number", {}
    first = int(off.nonzero()[0].item()) if off.any() else 0
    return "xq.check.values", {"n": int(off.sum()), "total": real.numel(), "first": first}
