"""The second step of a hint, computed from the variant: how many dimensions the result has,
which layer to change, on which line to look. It narrows the search and never states the
answer (``tests/exercises/test_hints.py`` checks that on every exercise and 20 seeds)."""

from __future__ import annotations

import torch

from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.exercises.grade import real_result
from playground.exercises.spec import RAISES, Exercise, Setup, parse_value_answer

__all__ = ["second_hint"]


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
