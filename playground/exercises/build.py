"""Helpers that turn a few lines of spec into a variant: tensors from a seed, the question,
the real answer (computed, never written down), its script and plausible wrong answers."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import torch

from playground.core.expr import evaluate
from playground.exercises.spec import (
    RAISES,
    Setup,
    Wrong,
    generator_from,
    print_or_raises,
    script_for,
)

__all__ = [
    "T",
    "answer_text",
    "ask",
    "dims",
    "draw",
    "flag_mistakes",
    "layer_shape",
    "mistake",
    "mistake_values",
    "program",
    "quarters",
    "shape_text",
    "task",
    "wrong_answers",
]


@dataclass(frozen=True)
class T:
    """How to draw one input: ``kind`` "int" (``lo``..``hi``), "float" (quarters in
    [-2, 2], exact in float32 and in a script) or "label" (0..``hi`` - 1)."""

    shape: tuple[int, ...]
    kind: str = "int"
    lo: int = 0
    hi: int = 10


def draw(spec: Mapping[str, T], g: torch.Generator) -> dict[str, torch.Tensor]:
    out = {}
    for name, t in spec.items():
        if t.kind == "float":
            out[name] = torch.randint(-8, 9, t.shape, generator=g).float() / 4
        elif t.kind == "label":
            out[name] = torch.randint(0, t.hi, t.shape, generator=g)
        else:
            out[name] = torch.randint(t.lo, t.hi, t.shape, generator=g)
    return out


def mistake(text: str, name: str, **values: object) -> Wrong:
    """A known wrong answer and why: the catalog's ``xq.mistake.<name>`` with these values."""
    return Wrong(text, f"xq.mistake.{name}", **values)


def flag_mistakes(real: tuple[bool, bool], name: str, first: str, second: str) -> list[str]:
    """For a question about two flags: the three other pairs, each explained by which flag it
    gets wrong (``xq.mistake.<name>_first``, ``_second`` or ``_both``)."""
    values = {first: str(real[0]), second: str(real[1])}
    out: list[str] = []
    for a in (True, False):
        for b in (True, False):
            if (a, b) == real:
                continue
            wrong_first, wrong_second = a != real[0], b != real[1]
            which = "both" if wrong_first and wrong_second else "first" if wrong_first else "second"
            out.append(mistake(f"({a}, {b})", f"{name}_{which}", **values))
    return out


def wrong_answers(answer: str, wrong: list[str]) -> tuple[str, ...]:
    """The distinct wrong answers, topped up with off-by-one neighbours of a numeric answer
    when a variant made the plausible ones coincide with it."""
    try:
        number = float(answer)
    except ValueError:
        return tuple(dict.fromkeys(w for w in wrong if w != answer))
    out = list(dict.fromkeys(w for w in wrong if w != answer and _as_float(w) != number))
    step = 1 if number == int(number) and "." not in answer else 0.25
    for near in (number + step, number - step, number + 2 * step):
        text = str(int(near)) if step == 1 else repr(near)
        if len(out) < 2 and text not in out and text != answer:
            out.append(text)
    return tuple(out)


def _as_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def answer_text(value: Any) -> str:
    """The real value as a learner would type it: ``6``, ``2.5``, ``[1.0, 2.0]``, ``True``.

    Floats carry PyTorch's printing precision (4 decimals), never float32 noise:
    ``0.2``, not ``0.20000000298023224``; grading compares with a tolerance anyway.
    """
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    return repr(_as_printed(value))


def _as_printed(value: Any) -> Any:
    if isinstance(value, list):
        return [_as_printed(v) for v in value]
    if isinstance(value, float):
        return round(value, 4) + 0.0  # + 0.0: no "-0.0"
    return value


def ask(
    rng: random.Random,
    spec: Mapping[str, T],
    expression: str,
    *,
    shape: bool,
    wrong: Callable[[Any, dict[str, torch.Tensor]], list[str]],
    params: Mapping[str, object] | None = None,
) -> Setup:
    """ "What is the shape (or value) of ``expression``?" for tensors drawn from ``spec``."""
    tensors = draw(spec, generator_from(rng))

    def compute(names: Mapping[str, Any]) -> Any:
        return evaluate(expression, dict(names), max_elements=1 << 16)

    try:
        real: Any = compute(tensors)
        answer = str(tuple(real.shape)) if shape else answer_text(real)
    except Exception:  # PyTorch refuses: "raises" is the answer
        real, answer = None, RAISES
    return Setup(
        question=expression,
        answer=answer,
        compute=compute,
        script=script_for(tensors, expression, shape=shape),
        tensors=tensors,
        wrong=wrong_answers(answer, wrong(real, tensors)),
        params={"expr": expression, **(params or {})},
    )


def task(
    rng: random.Random,
    spec: Mapping[str, T],
    reference: str,
    *,
    wrong: list[str],
    params: Mapping[str, object] | None = None,
) -> Setup:
    """ "Write the expression": ``reference`` is one right answer among many."""
    tensors = draw(spec, generator_from(rng))
    return Setup(
        question=", ".join(f"{n}: {tuple(t.shape)}" for n, t in tensors.items()),
        answer=reference,
        compute=lambda names: evaluate(reference, dict(names)),
        script=script_for(tensors, reference, shape=False),
        tensors=tensors,
        wrong=tuple(wrong),
        params=dict(params or {}),
        resample=lambda r: draw(spec, generator_from(r)),
    )


def program(
    code: str,
    compute: Callable[[], Any],
    *,
    show: str,
    wrong: list[str],
    shape: bool = False,
    params: Mapping[str, object] | None = None,
    last: str = "",
) -> Setup:
    """A short program (autograd, a DataLoader, a layer) and the one thing to predict, ``show``.

    ``compute`` does in torch exactly what ``code`` says; the tests run ``code`` as a script
    and compare what it prints with ``compute``'s result. ``last`` is a final statement that
    may raise: then "raises" is the answer, and the script prints PyTorch's refusal.
    """
    printed = f"tuple({show}.shape)" if shape else show
    try:
        real = compute()
        answer = str(tuple(real.shape)) if shape else answer_text(real)
    except Exception:
        if not last:
            raise
        answer = RAISES
    if last:
        question = f"{code.rstrip()}\n{last}"
        script = f"{code.rstrip()}\n{print_or_raises(last, printed)}"
    else:
        question, script = code.rstrip(), f"{code.rstrip()}\n\nprint({printed})\n"
    return Setup(
        question=question,
        answer=answer,
        compute=lambda _names: compute(),
        script=script,
        wrong=wrong_answers(answer, wrong),
        params={"show": show, **(params or {})},
    )


def dims(
    rng: random.Random, n: int, lo: int = 2, hi: int = 5, *, distinct: bool = False
) -> list[int]:
    if distinct:
        return rng.sample(range(lo, hi + 1), n)
    return [rng.randint(lo, hi) for _ in range(n)]


def shape_text(*dims: int) -> str:
    return str(tuple(dims))


def quarters(rng: random.Random, n: int) -> list[float]:
    return [rng.randint(-8, 8) / 4 or 0.25 for _ in range(n)]


def layer_shape(call: str, make: Any, x_shape: tuple[int, ...], *, wrong: list[str]) -> Setup:
    """ "What shape comes out of ``call`` for an input of ``x_shape``?" (or "raises")."""
    head = f"import torch\nfrom torch import nn\n\nlayer = {call}\nx = torch.zeros{x_shape}\n"
    code = head + "y = layer(x)"

    def compute(_names: Mapping[str, Any]) -> Any:
        return make()(torch.zeros(x_shape))

    try:
        answer = str(tuple(compute({}).shape))
    except RuntimeError:  # the layer refuses this input: the answer is "raises"
        answer = RAISES
    script = head + print_or_raises("y = layer(x)", "tuple(y.shape)")
    return Setup(code, answer, compute, script, wrong=wrong_answers(answer, wrong),
                 params={**mistake_values(wrong), "show": "y"})  # fmt: skip


def mistake_values(wrong: list[str]) -> dict[str, object]:
    """The variant's numbers its explained mistakes carry, for its other texts (the why)."""
    return {k: v for w in wrong if isinstance(w, Wrong) for k, v in w.values.items()}
