"""The misconceptions that bite real learners, each graded by running torch: a view of a
transposed tensor, true division and promotion of integer tensors, ``torch.max`` with a
``dim``, a loss that silently broadcasts, float class targets, ``requires_grad`` on integers,
and ``no_grad`` mistaken for ``eval()``. Each known wrong answer says why, with the
variant's own numbers."""

from __future__ import annotations

import random

import torch
from torch import nn

from playground.exercises.build import T, answer_text, ask, dims, program, shape_text
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup

__all__ = ["PITFALLS"]


def view_transposed(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, distinct=True)
    n = {"ab": a * b, "a": a, "b": b}
    return ask(rng, {"x": T((a, b))}, "x.t().view(-1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(a * b), "view_noncontiguous", **n),
                                   W(shape_text(b, a), "view_noncontiguous", **n)])  # fmt: skip


def int_division(rng: random.Random) -> Setup:
    v = [2 * rng.randint(0, 4) + 1 for _ in range(3)]  # odd: halving them is never whole
    floor, ceil = answer_text(torch.tensor(v) // 2), answer_text(torch.tensor(v) // 2 + 1)
    return ask(rng, {}, f"torch.tensor({v}) / 2", shape=False,
               wrong=lambda r, t: [W(floor, "true_division", halves=answer_text(r)),
                                   W(ceil, "true_division", halves=answer_text(r))])  # fmt: skip


def float_promotion(rng: random.Random) -> Setup:
    v = [rng.randint(0, 9) for _ in range(3)]
    up = answer_text(torch.tensor(v) + 1)
    return ask(rng, {}, f"torch.tensor({v}) + 0.5", shape=False,
               wrong=lambda r, t: [W(answer_text(torch.tensor(v)), "promotion", result=answer_text(r)),
                                   W(up, "promotion", result=answer_text(r))])  # fmt: skip


def max_dim(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 2, 4, distinct=True)

    def wrong(r: torch.Tensor, t: dict[str, torch.Tensor]) -> list[str]:
        values, columns = t["x"].max(dim=1).values, t["x"].argmax(dim=0)
        return [W(answer_text(values), "max_pair", indices=answer_text(r)),
                W(answer_text(columns), "max_axis", indices=answer_text(r))]  # fmt: skip

    return ask(rng, {"x": T((a, b))}, "torch.max(x, dim=1)[1]", shape=False, wrong=wrong)


def loss_broadcast(rng: random.Random) -> Setup:
    n = rng.randint(3, 6)
    m = {"n": n, "n2": n * n}
    return ask(rng, {"pred": T((n, 1), "float"), "target": T((n,), "float")}, "pred - target",
               shape=True, params=m, wrong=lambda r, t: [W(shape_text(n, 1), "loss_broadcast", **m),
                                               W(shape_text(n), "loss_broadcast", **m)])  # fmt: skip


def ce_float_target(rng: random.Random) -> Setup:
    n, c = rng.randint(2, 4), rng.randint(3, 5)
    m = {"n": n, "c": c}
    spec = {"logits": T((n, c), "float"), "target": T((n,), "label", hi=c)}
    return ask(rng, spec, "F.cross_entropy(logits, target.float())", shape=True, params=m,
               wrong=lambda r, t: [W("()", "ce_float", **m), W(shape_text(n), "ce_float", **m)])  # fmt: skip


def int_requires_grad(rng: random.Random) -> Setup:
    v = [rng.randint(1, 9) for _ in range(rng.randint(2, 4))]
    return ask(rng, {}, f"torch.tensor({v}, requires_grad=True)", shape=True,
               wrong=lambda r, t: [W(shape_text(len(v)), "int_grad", n=len(v)),
                                   W("()", "int_grad", n=len(v))])  # fmt: skip


def dropout_no_grad(rng: random.Random) -> Setup:
    seed, n = rng.randint(0, 99), rng.randint(4, 6)

    def compute() -> torch.Tensor:
        torch.manual_seed(seed)
        dropout = nn.Dropout(p=0.5)  # a new module is in training mode
        with torch.no_grad():
            return dropout(torch.ones(n))

    code = (f"import torch\nfrom torch import nn\n\ntorch.manual_seed({seed})\n"
            f"dropout = nn.Dropout(p=0.5)\nwith torch.no_grad():\n    y = dropout(torch.ones({n}))")  # fmt: skip
    real = compute()
    ones, halves = answer_text(torch.ones(n)), answer_text(torch.full((n,), 0.5))
    return program(code, compute, show="y",
                   wrong=[W(ones, "no_grad_not_eval", y=answer_text(real)),
                          W(halves, "dropout_scale", y=answer_text(real))])  # fmt: skip


PITFALLS = [
    Exercise("tensors.view_transposed", "shape", view_transposed),
    Exercise("tensors.int_division", "value", int_division),
    Exercise("tensors.float_promotion", "value", float_promotion),
    Exercise("tensors.max_dim", "value", max_dim),
    Exercise("broadcasting.loss_broadcast", "shape", loss_broadcast),
    Exercise("autograd.int_requires_grad", "shape", int_requires_grad),
    Exercise("layers.ce_float_target", "shape", ce_float_target),
    Exercise("layers.dropout_no_grad", "value", dropout_no_grad),
]
