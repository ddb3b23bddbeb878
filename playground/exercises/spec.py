"""Check yourself: an exercise is a small spec plus a generator of seeded variants.

Every chapter ends with exercises in the predict-then-run style. A learner answers first;
only then does the page show what PyTorch really does. Answers are graded by running torch,
never by comparing strings: a predicted shape against the real ``.shape`` (or the real error),
a predicted value with ``torch.allclose``, a typed expression on the exercise's tensors and on
two more random inputs of the same shapes, a fixed layer by tracing the model.

A variant comes from the seed: ``random.Random(f"{seed}:{id}")`` picks the shapes and which
layer is wrong, and a ``torch.Generator`` seeded from it draws the values. The same seed gives
every student of a class the same numbers; neighbours with other seeds get other numbers.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from playground.core.errors import ExpressionError
from playground.core.expr import evaluate

__all__ = [
    "KINDS",
    "RAISES",
    "RUNS",
    "Exercise",
    "Graded",
    "Setup",
    "Wrong",
    "first_line",
    "format_result",
    "generator_from",
    "inputs_script",
    "literal",
    "parse_shape_answer",
    "parse_value_answer",
    "print_or_raises",
    "same_values",
    "script_for",
    "variant",
]

KINDS = ("shape", "value", "expression", "fix_model", "state_dict", "target", "find_bug")
# Kinds whose grading trains for real: they run in a training slot, and a class is not
# pushed them all at once.
RUNS = ("target", "find_bug")
RAISES = "raises"
# What a learner may type for "this raises", in either language.
_RAISES_WORDS = re.compile(
    r"^\s*(raises?|error|exception|报错|出错|错误|异常|抛出异常)\s*[.!。！]?\s*$", re.I
)


class Wrong(str):
    """A known wrong answer, as a learner would type it, with why it is wrong: a catalog key
    (``xq.mistake.<name>``) and the variant's own numbers for it. It is a ``str``, so every
    list of wrong answers may hold plain strings and these alike."""

    why: str
    values: dict[str, object]

    def __new__(cls, text: str, why: str = "", **values: object) -> Wrong:
        self = super().__new__(cls, text)
        self.why, self.values = why, values
        return self


@dataclass
class Setup:
    """One variant: the tensors and code a learner reads, how PyTorch computes the answer,
    the reference answer as a learner would type it, and plausible wrong answers (for tests).

    ``compute`` runs the real thing on ``inputs`` (the exercise's tensors by default).
    ``resample`` draws more inputs of the same shapes, for typed expressions.
    ``script`` is the standalone PyTorch code that prints the real result.
    """

    question: str
    answer: str
    compute: Callable[[Mapping[str, Any]], Any]
    script: str
    tensors: dict[str, torch.Tensor] = field(default_factory=dict)
    wrong: tuple[str, ...] = ()
    params: dict[str, object] = field(default_factory=dict)
    resample: Callable[[random.Random], dict[str, torch.Tensor]] | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # kind-specific: layer specs, keys…

    def real(self) -> Any:
        return self.compute(self.tensors)


@dataclass(frozen=True)
class Exercise:
    """A spec: its id (``tensors.view_infer``), chapter, kind, and the variant generator.

    Texts come from the catalogs: ``xq.<key>.hint``, ``xq.<key>.why`` and, for typed
    expressions, ``xq.<key>.task``; ``key`` defaults to the id's last part.
    """

    id: str
    kind: str
    build: Callable[[random.Random], Setup]
    key: str = ""

    @property
    def chapter(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def text_key(self) -> str:
        return f"xq.{self.key or self.id.split('.', 1)[1]}"


@dataclass(frozen=True)
class Graded:
    """A graded answer: right or not, the learner's answer as understood, PyTorch's result."""

    correct: bool
    yours: str
    real: str
    why: tuple[str, dict[str, object]] | None = None  # the grader's own diagnosis, if any


def variant(exercise: Exercise, seed: int) -> Setup:
    """The exercise's variant for ``seed``: the same seed always gives the same numbers."""
    return exercise.build(random.Random(f"{seed}:{exercise.id}"))


def generator_from(rng: random.Random) -> torch.Generator:
    return torch.Generator().manual_seed(rng.randrange(2**31))


# ---- answers as a learner types them ---------------------------------------------------


def parse_shape_answer(text: str) -> tuple[int, ...] | str:
    """``(3, 4)``, ``3, 4``, ``[3, 4]``, ``torch.Size([3, 4])`` or "raises"; never ``eval``."""
    if _RAISES_WORDS.match(text or ""):
        return RAISES
    value = evaluate(_bare_tuple(text), {}, max_elements=64)
    if isinstance(value, torch.Size | tuple | list) and all(_is_int(v) for v in value):
        return tuple(int(v) for v in value)
    if _is_int(value):
        return (int(value),)  # type: ignore[call-overload]
    raise ExpressionError("err.xq.not_a_shape", value=text.strip()[:40])


def parse_value_answer(text: str) -> torch.Tensor:
    """A number, ``True``/``False``, a nested list, or any tensor expression without names."""
    value = evaluate(_bare_tuple(text), {}, max_elements=4096)
    try:
        return torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        raise ExpressionError("err.xq.not_a_value", value=text.strip()[:40]) from None


_SIZE = re.compile(r"^\s*torch\.Size\((.*)\)\s*$", re.S)


def _bare_tuple(text: str) -> str:
    text = (text or "").strip()
    if match := _SIZE.match(text):  # what print(t.shape) shows: torch.Size([3, 4])
        text = match.group(1).strip() or "()"
    return (
        f"({text})"
        if "," in text and text[:1] not in "([" and not text.startswith("torch")
        else text
    )


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def same_values(a: Any, b: Any) -> bool:
    """Equal shapes and close values, whatever the dtypes (``F.one_hot`` or ``==`` both count)."""
    ta = torch.as_tensor(a).detach().to("cpu", torch.float64)
    tb = torch.as_tensor(b).detach().to("cpu", torch.float64)
    if ta.shape != tb.shape:
        return ta.numel() == tb.numel() == 1 and torch.allclose(
            ta.reshape(()), tb.reshape(()), rtol=1e-3, atol=1e-3
        )
    return bool(torch.allclose(ta, tb, rtol=1e-3, atol=1e-3, equal_nan=True))


# ---- what PyTorch printed ------------------------------------------------------------------


def format_result(value: Any) -> str:
    """The real result as the reference script prints it."""
    if isinstance(value, BaseException):
        return f"{RAISES}: {first_line(value)}"
    if isinstance(value, torch.Size):
        return str(tuple(value))
    return str(value)


def first_line(err: BaseException) -> str:
    """PyTorch's own first line (kept by the safe evaluator as ``torch_message``)."""
    text = str(getattr(err, "torch_message", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def literal(name: str, t: torch.Tensor) -> str:
    """``name = torch.tensor([...])``: a small tensor written out, so a script needs no seed."""
    dtype = "" if t.dtype in (torch.int64, torch.float32) else f", dtype={t.dtype}"
    values = t.tolist()
    if t.dtype.is_floating_point:
        values = _round(values)
    head = f"{name} = torch.tensor("
    return f"{head}{_rows(values, len(head))}{dtype})"


def _rows(values: Any, column: int) -> str:
    """Nested lists a row per line, aligned under their bracket, a blank line between
    matrices: as PyTorch prints a tensor, and never one 330-character line."""
    if not isinstance(values, list) or not values or not isinstance(values[0], list):
        return repr(values)
    gap = "\n" if isinstance(values[0][0], list) else ""
    inner = [_rows(v, column + 1) for v in values]
    return "[" + f",\n{gap}{' ' * (column + 1)}".join(inner) + "]"


def _round(v: Any) -> Any:
    return [_round(x) for x in v] if isinstance(v, list) else round(float(v), 4)


def inputs_script(tensors: Mapping[str, torch.Tensor]) -> str:
    """The imports and an exercise's tensors written out: what a learner pastes to explore."""
    lines = [literal(n, t) for n, t in tensors.items()]
    return "import torch\nimport torch.nn.functional as F\n\n" + "\n".join(lines)


def print_or_raises(statement: str, show: str) -> str:
    """A script's last lines: run ``statement`` and print ``show``, or PyTorch's refusal."""
    run = f"    {statement}\n" if statement else ""
    return (
        f"try:\n{run}    print({show})\n"
        "except Exception as err:  # PyTorch refuses: the first line of its message\n"
        '    print("raises:", str(err).strip().splitlines()[0])\n'
    )


def script_for(tensors: Mapping[str, torch.Tensor], expression: str, *, shape: bool) -> str:
    """The reference script of an expression exercise: its tensors, the line, the print."""
    show = "tuple(result.shape)" if shape else "result"
    return f"{inputs_script(tensors)}\n\n{print_or_raises(f'result = {expression}', show)}"
