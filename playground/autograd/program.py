"""Autograd, shown from the inside: programs, the real grad_fn graph, backward and checks.

A *program* is what a learner types, one ``name = expression`` per line, in the
tutorial's own words::

    x = torch.ones(5)
    w = torch.randn(5, 3, requires_grad=True)
    z = x @ w

Each expression goes through :func:`playground.expr.evaluate`. The graph is read
back from the tensors' ``grad_fn`` and ``next_functions``: it is the graph
PyTorch built, never a re-derivation from the text.
"""

from __future__ import annotations

import contextlib
import keyword
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from playground.core.budget import Tally
from playground.core.errors import PlaygroundError, ProgramError
from playground.core.expr import evaluate
from playground.core.rng import generator

MAX_LINES = 60

# The presets, each in the form the tutorial or the blitz writes it.
PRESETS: dict[str, str] = {
    "tutorial": """\
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = x @ w + b
loss = F.binary_cross_entropy_with_logits(z, y)""",
    "blitz": """\
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()""",
    "mlp": """\
x = torch.randn(4, 3)  # a batch of 4 samples, 3 features
W1 = torch.randn(3, 8, requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
W2 = torch.randn(8, 2, requires_grad=True)
b2 = torch.zeros(2, requires_grad=True)
h = F.relu(x @ W1 + b1)
logits = h @ W2 + b2
target = torch.tensor([0, 1, 1, 0])
loss = F.cross_entropy(logits, target)""",
    "mse": """\
x = torch.tensor([1.0, 2.0, 3.0, 4.0])
y = torch.tensor([2.1, 3.9, 6.2, 7.8])
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
pred = w * x + b
loss = ((pred - y) ** 2).mean()""",
}

_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$")
_RESERVED = frozenset({"torch", "F", "pi", "e", "inf", "nan"})


@dataclass(frozen=True)
class Statement:
    name: str
    expression: str
    line: int


def parse_program(text: str) -> list[Statement]:
    """Split a program into ``name = expression`` statements; comments and blank lines skipped."""
    if not isinstance(text, str) or not text.strip():
        raise ProgramError(1, "err.autograd.program_empty_write")
    lines = text.splitlines()
    statements: list[Statement] = []
    for number, raw in enumerate(lines, start=1):
        code = raw.split("#", 1)[0].rstrip()
        if not code.strip():
            continue
        if len(statements) >= MAX_LINES:
            raise ProgramError(number, "err.autograd.program_have_most", max_lines=MAX_LINES)
        match = _ASSIGN.match(code)
        if not match:
            raise ProgramError(number, "err.autograd.write_name_expression")
        name, expression = match.groups()
        if name.startswith("_") or name in _RESERVED or keyword.iskeyword(name):
            raise ProgramError(number, "err.autograd.name_cannot_used", name=name)
        if not expression.strip():
            raise ProgramError(number, "err.autograd.name_needs_expression", name=name)
        statements.append(Statement(name, expression.strip(), number))
    if not statements:
        raise ProgramError(1, "err.autograd.program_empty_write")
    return statements


class _Recorder(TorchFunctionMode):
    """Keeps every tensor that an op created with a grad_fn, keyed by (node, output_nr).

    This gives each node of the graph its forward value, including unnamed
    intermediates such as ``y * y`` inside ``y * y * 3``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outputs: dict[tuple[Any, int], torch.Tensor] = {}

    def __torch_function__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, tuple | list) else (out,):
            if isinstance(t, torch.Tensor) and t.grad_fn is not None and not t.is_meta:
                self.outputs[(t.grad_fn, t.output_nr)] = t
        return out


@dataclass
class Computation:
    """The values a program produced, its output, and every op output seen on the way."""

    statements: list[Statement]
    values: dict[str, Any]
    output_name: str
    recorded: dict[tuple[Any, int], torch.Tensor] = field(repr=False)
    flops: int = 0  # one forward pass, as the budget counted it

    @property
    def output(self) -> torch.Tensor:
        return self.values[self.output_name]

    def leaves(self) -> dict[str, torch.Tensor]:
        """The named tensors that require grad and were not produced by an op."""
        return {
            n: v
            for n, v in self.values.items()
            if isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad
        }


def make_generator(device: torch.device | str, seed: int) -> torch.Generator:
    """A generator on ``device`` for a program's random factories."""
    return generator(seed, device)


def run_program(
    statements: list[Statement],
    *,
    device: torch.device | str = "cpu",
    generator: torch.Generator | None = None,
    overrides: Mapping[str, torch.Tensor] | None = None,
    float64: bool = False,
    record: bool = True,
    shapes_checked: bool = False,
) -> Computation:
    """Run each statement through the safe evaluator; the last one is the output.

    ``overrides`` replaces named values after their statement ran (the random
    draws still happen, so later statements see the same random numbers).
    ``float64`` casts every floating tensor a line creates from scratch to float64.
    """
    values: dict[str, Any] = {}
    recorder = _Recorder()
    tally = Tally(scale=3)  # the whole program, forward and backward (about 2x forward)
    with recorder if record else contextlib.nullcontext():
        for st in statements:
            try:
                value = evaluate(
                    st.expression,
                    values,
                    device=device,
                    generator=generator,
                    shapes_checked=shapes_checked,
                    tally=tally,
                )
            except PlaygroundError as err:
                raise ProgramError.at(st.line, err) from None
            if overrides and st.name in overrides:
                value = overrides[st.name]
            elif (
                float64
                and isinstance(value, torch.Tensor)
                and value.grad_fn is None
                and value.is_floating_point()
            ):
                value = value.detach().to(torch.float64).requires_grad_(value.requires_grad)
            values[st.name] = value
    last = statements[-1]
    if not isinstance(values[last.name], torch.Tensor):
        raise ProgramError(last.line, "err.autograd.last_line_give", name=last.name)
    return Computation(statements, values, last.name, recorder.outputs, tally.cost.flops)
