"""Grading by running torch: one function per kind of exercise, one entry point.

A refusal of the typed text (budget, unknown name, markup, not a shape) raises the usual
:class:`~playground.core.errors.PlaygroundError` and is *not* an attempt; a wrong answer is.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import torch

from playground.core.errors import ExpressionError, PlaygroundError
from playground.core.expr import evaluate
from playground.exercises.spec import (
    RAISES,
    Exercise,
    Graded,
    Setup,
    Wrong,
    format_result,
    parse_shape_answer,
    parse_value_answer,
    same_values,
)

__all__ = ["MAX_ANSWER_CHARS", "diagnose", "grade", "known_mistakes", "real_result"]

MAX_ANSWER_CHARS = 400
EXTRA_INPUTS = 2  # a typed expression is also checked on two more random inputs


def real_result(setup: Setup) -> Any:
    """What PyTorch does for this variant: the value, or the exception it raised."""
    try:
        return setup.real()
    except PlaygroundError as err:
        if err.torch_message is None:  # a refusal (a budget), not PyTorch's answer
            raise
        return err
    except Exception as err:  # the real error is the answer to "this raises"
        return err


def grade(exercise: Exercise, setup: Setup, answer: Any) -> Graded:
    """Grade ``answer`` (text, or the kind's own value) for this variant."""
    if isinstance(answer, str) and len(answer) > MAX_ANSWER_CHARS:
        raise ExpressionError("err.xq.too_long", n=len(answer), max_chars=MAX_ANSWER_CHARS)
    return _GRADERS[exercise.kind](setup, answer)


def known_mistakes(exercise: Exercise, setup: Setup) -> dict[str, tuple[str, dict[str, object]]]:
    """The variant's explained wrong answers, each as grading shows it (``(3, 4)``), with
    the catalog key and values that say why it is wrong."""
    found: dict[str, tuple[str, dict[str, object]]] = {}
    for wrong in setup.wrong:
        if not isinstance(wrong, Wrong) or not wrong.why:
            continue
        try:
            shown = grade(exercise, setup, str(wrong)).yours
        except (PlaygroundError, TypeError, ValueError):
            continue
        found.setdefault(shown, (wrong.why, dict(wrong.values)))
    return found


def diagnose(
    exercise: Exercise, setup: Setup, graded: Graded
) -> tuple[str, dict[str, object]] | None:
    """Why a wrong answer is wrong, when it is one of the exercise's known mistakes."""
    if graded.correct:
        return None
    if graded.why is not None:
        return graded.why
    return known_mistakes(exercise, setup).get(graded.yours)


def _shape(setup: Setup, answer: str) -> Graded:
    yours = parse_shape_answer(answer)
    real = real_result(setup)
    if isinstance(real, BaseException):
        return Graded(yours == RAISES, _shown(yours), format_result(real))
    shape = tuple(real.shape) if isinstance(real, torch.Tensor) else tuple(real)
    return Graded(yours == shape, _shown(yours), str(shape))


def _shown(yours: tuple[int, ...] | str) -> str:
    return yours if isinstance(yours, str) else str(yours)


def _value(setup: Setup, answer: str) -> Graded:
    yours = parse_value_answer(answer)
    real = real_result(setup)
    if isinstance(real, BaseException):
        return Graded(False, answer.strip(), format_result(real))
    return Graded(same_values(yours, real), answer.strip(), format_result(real))


def _expression(setup: Setup, answer: str) -> Graded:
    """The typed code on the exercise's tensors and on more random inputs of the same shapes."""
    text = (answer or "").strip()
    if not text:
        raise ExpressionError("err.xq.empty")
    rng = random.Random(text)
    inputs: list[Mapping[str, torch.Tensor]] = [setup.tensors]
    if setup.resample is not None:
        inputs += [setup.resample(rng) for _ in range(EXTRA_INPUTS)]
    references = [evaluate(setup.answer, dict(names)) for names in inputs]
    ok, shown, real = True, "", format_result(references[0])
    for k, names in enumerate(inputs):
        try:
            yours = evaluate(text, dict(names), max_elements=1 << 16)
        except PlaygroundError as err:
            if err.torch_message is None:
                raise  # refused before it ran: not an attempt
            return Graded(False, format_result(err), real)  # PyTorch refused: a wrong answer
        if k == 0:
            shown = format_result(yours)
        is_value = isinstance(yours, torch.Tensor | int | float | bool)
        ok = ok and is_value and same_values(yours, references[k])
    return Graded(ok, shown, real)


def _fix_model(setup: Setup, answer: str) -> Graded:
    """The learner's arguments for the misfit layer; the model must trace to the same output."""
    from playground.layers.models import check_model
    from playground.layers.specs import parse_args

    specs, at = list(setup.extra["specs"]), int(setup.extra["at"])
    specs[at] = parse_args(specs[at].kind, answer)
    check = check_model(specs, setup.extra["input_shape"], batch=2)
    out = tuple(check.output_shape or ()) if check.ok else None
    ok = out == tuple(setup.extra["output_shape"])
    real = f"output {out}" if check.ok else f"{RAISES}: {check.error}"
    return Graded(ok, specs[at].call(), real)


def _state_dict(setup: Setup, answer: Any) -> Graded:
    """``answer`` is (missing keys, unexpected keys), as the learner picked them."""
    missing, unexpected = answer
    real = setup.real()
    ok = set(missing) == set(real.missing_keys) and set(unexpected) == set(real.unexpected_keys)
    yours = f"missing_keys={sorted(missing)}, unexpected_keys={sorted(unexpected)}"
    why = None
    if not ok:
        swapped = set(missing) == set(real.unexpected_keys) and set(unexpected) == set(
            real.missing_keys
        )
        off = len(real.missing_keys) + len(real.unexpected_keys)
        key = (
            "xq.sd.swapped"
            if swapped
            else "xq.sd.none"
            if not missing and not unexpected
            else "xq.sd.compare"
        )
        values: dict[str, object] = {"n": off}
        why = (key, values)
    return Graded(ok, yours, format_result(real), why)


def _target(setup: Setup, answer: Any) -> Graded:
    """``answer`` is (optimizer, learning rate); the run trains for real and is measured."""
    optimizer, lr = answer
    names = {"optimizer": optimizer, "learning_rate": float(lr), "data": setup.extra.get("data")}
    accuracy = setup.compute(names)
    ok = accuracy >= float(str(setup.params["threshold"])) / 100
    return Graded(ok, f"{optimizer}, lr={lr:g}", f"{100 * accuracy:.1f}%")


def _find_bug(setup: Setup, answer: Any) -> Graded:
    """``answer`` is (line number, the line as it should be); the edited script runs for real
    and must print what the fixed script prints."""
    from playground.exercises.bugs import canonical_line, run_loop, same_run

    line, text = int(answer[0]), canonical_line(str(answer[1]))
    run = run_loop(setup.extra["loop"].edited(line, text))
    reference = run_loop(setup.extra["fixed"])
    ok = same_run(run, reference)
    yours = f"{line}: {text}\n\n{run.printed()}"
    why = None
    if not ok and run.error is not None:
        why = ("xq.bug.raises", {"line": line, "error": run.error})
    elif not ok and run.printed() == run_loop(setup.extra["loop"]).printed():
        why = ("xq.bug.same_as_buggy", {"line": line})
    elif not ok:
        here = line == int(str(setup.params["line"]))
        why = ("xq.bug.differs" if here else "xq.bug.elsewhere", {"line": line})
    return Graded(ok, yours, reference.printed(), why)


_GRADERS = {
    "shape": _shape,
    "value": _value,
    "expression": _expression,
    "fix_model": _fix_model,
    "state_dict": _state_dict,
    "target": _target,
    "find_bug": _find_bug,
}
