"""Typed code at its worst: every case goes through the same evaluator the pages use."""

from __future__ import annotations

from collections.abc import Callable

import torch

from playground import broadcasting as shp
from playground import tensors as tns
from playground.autograd import parse_program, run_program
from playground.core.expr import evaluate
from playground.plots.heatmap import make_tensor_figure

_D22 = ", ".join(["2"] * 22)  # a 22-D shape, 4M elements
_BIG = {
    "a": torch.ones(4096, 4096, dtype=torch.float64),
    "t": torch.randn(3, 3),
    "x": torch.zeros(3),
}


def _expr(text: str, names: dict | None = None) -> Callable[[], object]:
    return lambda: evaluate(text, _BIG if names is None else names)


def _program(text: str) -> Callable[[], object]:
    return lambda: run_program(parse_program(text))


def _figure_of(spec: tns.TensorSpec) -> Callable[[], int]:
    def run() -> int:
        t = tns.create(spec)
        return len(make_tensor_figure(t).to_json())  # the bytes sent to the browser

    return run


def _broadcast(text: str) -> Callable[[], object]:
    def run() -> object:
        shapes = shp.parse_shapes(text)
        ex = shp.explain_broadcast(*shapes)
        rows, refused = shp.expand_and_repeat(ex.padded[0], ex.result)
        if refused:
            raise refused
        return rows

    return run


def WARMUP() -> None:  # noqa: N802 - lazy imports (flop counter, Plotly) are not a case's cost
    evaluate("torch.ones(2, 2) @ torch.ones(2, 2)", {})
    make_tensor_figure(torch.ones(100, 100))


# name -> (case, the catalog key it must be refused with, or None if it must run within budget)
SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "F.linear on two 4096^2 float64": (_expr("F.linear(a, a)"), "err.budget"),
    "@ of 4096^2 float32": (_expr("torch.ones(4096, 4096) @ torch.ones(4096, 4096)", {}), "err.budget"),
    "three 1000^3 matmuls summed": (
        _expr("(torch.ones(1000, 1000) @ torch.ones(1000, 1000)) @ torch.ones(1000, 1000) @ torch.ones(1000, 1000)", {}),
        "err.budget",
    ),
    "positional out in torch.norm": (_expr("torch.norm(t, 2, 0, False, x)"), "err.budget.writes_input"),
    "keyword out": (_expr("torch.add(t, 1, out=t)"), "err.expr.keyword_argument"),
    "one_hot without num_classes": (_expr("F.one_hot(torch.tensor([100000000]))", {}), "err.budget.elements"),
    "nonzero on a 22-D tensor": (_expr(f"torch.ones({_D22}).nonzero()", {}), "err.budget.elements"),
    "where(cond) on a 22-D tensor": (_expr(f"torch.where(torch.ones({_D22}) > 0)", {}), "err.budget.elements"),
    "broadcasting masked_select": (
        _expr("torch.masked_select(torch.ones(1, 4096), torch.ones(4096, 1) > 0)", {}),
        "err.budget.elements",
    ),
    "zeros 100000^2": (_expr("torch.zeros(100000, 100000)", {}), "err.budget"),
    "repeat 10000^2": (_expr("t.repeat(10000, 10000)"), "err.budget.elements"),
    "arange 10**8": (_expr("torch.arange(10**8)", {}), "err.budget"),
    "power tower": (_expr("10 ** 10 ** 10", {}), "err.expr.exponent"),
    "huge integer literal": (_expr("9" * 500, {}), "err.expr.whole_numbers"),
    "import os": (_expr("__import__('os').system('touch /tmp/pwned')", {}), "err.expr.names_starting_private"),
    "dunder attribute": (_expr("t.__class__.__mro__", None), "err.expr.attributes_starting"),
    "deep nesting": (_expr("[" * 200 + "1" + "]" * 200, {}), "err.expr"),
    "too many nodes": (_expr("+".join(["1"] * 400), {}), "err.expr"),
    "10,000 characters": (_expr("1+" * 5000 + "1", {}), "err.expr.expression_text"),
    "lambda": (_expr("(lambda: 1)()", {}), "err.expr.capitalize_allowed"),
    "program of ten 1200^3 matmuls": (
        _program("\n".join(f"y{k} = torch.ones(1200, 1200) @ torch.ones(1200, 1200)" for k in range(10))),
        "err.budget",
    ),
    "shape with 10**9 elements": (lambda: tns.create(tns.TensorSpec("zeros", shape="(100000, 10000)")), "err.budget"),
    "shape with 30 dims": (lambda: tns.create(tns.TensorSpec("zeros", shape="(" + "1, " * 30 + ")")), "err.shape"),
    "negative shape": (lambda: tns.create(tns.TensorSpec("ones", shape="(-1, 2)")), "err.shape"),
    "broadcast bomb from a link": (_broadcast("(1, 16777216), (16777216, 1)"), "err.budget"),
    "repeat to 67M elements": (_broadcast("(1, 1), (1, 1, 8192), (1, 8192, 1)"), "err.budget"),
    "split of 2048^2 into 2048 pieces": (
        lambda: shp.split_tensor((2048, 2048), size=1, chunks=3, dim=0),
        "err.split.too_many",
    ),
    "cat of six 16M tensors": (
        lambda: shp.join_sources(shp.explain_cat([(4096, 4096)] * 6, 0)),
        "err.budget",
    ),
    # Allowed, but summarised: the figure stays small and the work within budget.
    "zeros (4096, 4096) drawn": (_figure_of(tns.TensorSpec("zeros", shape="(4096, 4096)")), None),
    "randn (16777216,) drawn": (_figure_of(tns.TensorSpec("randn", shape="(16777216,)")), None),
    "t.T of (4096, 4096) drawn": (
        lambda: len(make_tensor_figure(evaluate("t.T", {"t": torch.ones(4096, 4096)})).to_json()),
        None,
    ),
    "empty shows no stale bytes": (
        lambda: bool(torch.isnan(evaluate("torch.empty(1000, 1000)", {})).all()),
        None,
    ),
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
