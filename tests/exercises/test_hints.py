"""Hints come in two steps, the second computed from the variant, and neither states the
answer: checked on every exercise and 20 seeds, in both languages."""

from __future__ import annotations

import string

import pytest

from playground.core.i18n import Code, t
from playground.exercises import EXERCISES, variant
from playground.exercises.hints import second_hint
from playground.exercises.spec import RAISES

FAST = [e for e in EXERCISES if e.kind != "target"]
# Grading a "find the bug" answer trains a small loop: twenty seeds of it are slow
GRADED = [pytest.param(e, marks=pytest.mark.slow) if e.kind == "find_bug" else e for e in FAST]


def _params(setup):
    code = {k: Code(str(v)) for k, v in setup.params.items() if k in ("expr", "show", "fix")}
    return {**setup.params, **code, "answer": Code(setup.answer)}


def _gives_away(answer: str, text: str, question: str) -> bool:
    """The answer spelt out in the hint, when it is not already in the question."""
    if answer == RAISES or len(answer) < 4 or answer in question:
        return False
    squeeze = lambda s: s.replace(" ", "")  # noqa: E731
    return squeeze(answer) in squeeze(text)


@pytest.mark.parametrize("exercise", FAST, ids=lambda e: e.id)
def test_both_hint_steps_are_translated_and_never_state_the_answer(exercise):
    for seed in range(20):
        setup = variant(exercise, seed)
        key, values = second_hint(exercise, setup)
        for lang in ("en", "zh"):
            first = t(f"{exercise.text_key}.hint", lang, **_params(setup))
            second = t(key, lang, **values)
            for text in (first, second):
                assert not [f for _, f, _, _ in string.Formatter().parse(text) if f], text
                assert not _gives_away(setup.answer, text, setup.question), (
                    exercise.id,
                    seed,
                    text,
                )
            assert second != first


def test_the_second_step_narrows_with_the_variants_own_numbers():
    from playground.exercises import by_id

    setup = variant(by_id("tensors.view_infer"), 0)
    key, values = second_hint(by_id("tensors.view_infer"), setup)
    assert key == "xq.hint2.ndim" and values["ndim"] == len(eval(setup.answer))  # our own text
    bug = by_id("training.bug_softmax_dim")
    setup = variant(bug, 3)
    assert second_hint(bug, setup) == ("xq.hint2.find_bug", {"line": setup.params["line"]})
    fix = by_id("layers.fix_linear")
    setup = variant(fix, 2)
    assert second_hint(fix, setup)[1]["layer"] == setup.extra["at"] + 1
    raises = by_id("autograd.backward_nonscalar")
    assert second_hint(raises, variant(raises, 0))[0] == "xq.hint2.check_first"


def test_an_unexplained_wrong_answer_is_told_what_to_check_without_the_answer():
    from playground.exercises import by_id, grade
    from playground.exercises.hints import what_to_check

    exercise = by_id("tensors.view_infer")
    setup = variant(exercise, 0)
    real = eval(setup.answer)  # our own text: a shape tuple
    wrong_last = (*real[:-1], real[-1] + 1)
    key, values = what_to_check(exercise, setup, grade(exercise, setup, str(wrong_last)))
    assert key == "xq.check.dims" and values["dims"] == str(len(real) - 1)
    key, values = what_to_check(exercise, setup, grade(exercise, setup, "(1, 1, 1, 1, 1)"))
    assert (key, values) == ("xq.check.ndim", {"yours": 5, "real": len(real)})
    assert what_to_check(exercise, setup, grade(exercise, setup, "raises"))[0] == "xq.check.runs"
    grad = by_id("autograd.grad_square")
    setup = variant(grad, 0)
    values_ = eval(setup.answer)
    off = [values_[0] + 1, *values_[1:]]
    key, values = what_to_check(grad, setup, grade(grad, setup, str(off)))
    assert (key, values) == ("xq.check.values", {"n": 1, "total": len(values_), "first": 0})
    key, values = what_to_check(grad, setup, grade(grad, setup, "[1.0]"))
    assert key == "xq.check.count" and values == {"yours": 1, "real": len(values_)}
    for lang in ("en", "zh"):
        text = t("xq.check.dims", lang, dims="1", ndim=2, n=1)
        assert "1" in text and setup.answer not in text


def _submitted(setup, text):
    """A stored wrong answer as the page submits it (picked keys for state_dict)."""
    if "wrong" in setup.extra:
        return next(w for w in setup.extra["wrong"] if repr(w) == text)
    return text


@pytest.mark.parametrize("exercise", GRADED, ids=lambda e: e.id)
def test_every_stored_wrong_answer_gets_feedback_in_both_languages(exercise):
    """A known mistake says why; any other wrong answer says what to check. Most stored
    wrong answers are known mistakes: only the off-by-one fillers used when a variant made
    two plausible answers coincide are not."""
    from playground.exercises import Wrong, diagnose, grade
    from playground.exercises.hints import what_to_check

    explained = total = 0
    for seed in range(20):
        setup = variant(exercise, seed)
        for wrong in setup.wrong:
            graded = grade(exercise, setup, _submitted(setup, wrong))
            assert not graded.correct
            why = diagnose(exercise, setup, graded)
            key, values = why or what_to_check(exercise, setup, graded)
            for lang in ("en", "zh"):
                text = t(key, lang, **values)
                assert text and not [f for _, f, _, _ in string.Formatter().parse(text) if f]
            explained += why is not None
            total += 1
            if isinstance(
                wrong, Wrong
            ):  # its own reason, or another mistake's with the same result
                assert why is not None, (exercise.id, seed, wrong)
    assert explained >= 0.8 * total, (exercise.id, explained, total)


@pytest.mark.parametrize("exercise", FAST, ids=lambda e: e.id)
def test_every_why_reads_with_the_variants_own_numbers_in_both_languages(exercise):
    """The solution's why formats on 20 seeds, and says the variant's numbers ("16, 32"),
    not only letters ("h · h"), wherever the variant has numbers to say."""
    import re

    for seed in range(20):
        setup = variant(exercise, seed)
        numbers = {str(v) for k, v in setup.params.items() if isinstance(v, int | float)}
        for lang in ("en", "zh"):
            text = t(f"{exercise.text_key}.why", lang, **_params(setup))
            assert not [f for _, f, _, _ in string.Formatter().parse(text) if f], text
            if numbers:
                said = set(re.findall(r"\d+(?:\.\d+)?", text))
                assert numbers & said, (exercise.id, seed, lang, numbers, text)
