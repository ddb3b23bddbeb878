"""The misconceptions that bite real learners, each graded by running torch: a view of a
transposed tensor, true division and promotion of integer tensors, ``torch.max`` with a
``dim``, a loss that silently broadcasts, float class targets, ``requires_grad`` on integers,
and ``no_grad`` mistaken for ``eval()``. Each known wrong answer says why, with the
variant's own numbers."""

from __future__ import annotations

import math
import random
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 (as the tutorials write it)
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


def softmax_ce(rng: random.Random) -> Setup:
    n, c, k = rng.randint(2, 3), rng.randint(3, 5), rng.choice([8, 10, 12])
    target = [rng.randrange(c) for _ in range(n)]
    rows = [[float(k) if j == t else 0.0 for j in range(c)] for t in target]

    def compute() -> tuple[bool, bool]:
        logits, y = torch.tensor(rows), torch.tensor(target)
        good, bad = F.cross_entropy(logits, y), F.cross_entropy(logits.softmax(dim=1), y)
        return good.item() < 0.01, bad.item() < 0.01

    logits, y = torch.tensor(rows), torch.tensor(target)
    good = F.cross_entropy(logits, y).item()
    bad = F.cross_entropy(logits.softmax(dim=1), y).item()
    m = {
        "good": f"{good:.4f}",
        "bad": f"{bad:.4f}",
        "c": c,
        "floor": f"{math.log(1 + (c - 1) / math.e):.4f}",
    }
    code = (
        f"import torch\nimport torch.nn.functional as F\n\nlogits = torch.tensor({rows})\n"
        f"target = torch.tensor({target})\nloss = F.cross_entropy(logits.softmax(dim=1), target)"
    )
    return program(code, compute, show="(F.cross_entropy(logits, target).item() < 0.01, loss.item() < 0.01)",
                   params=m, wrong=[W("(True, True)", "ce_softmax", **m),
                                    W("(False, False)", "ce_logits", **m)])  # fmt: skip


def inplace_leaf(rng: random.Random) -> Setup:
    n, op = rng.randint(2, 5), rng.choice(["w += 1", "w.add_(1)", "w.mul_(2)", "w.zero_()"])

    def compute() -> torch.Tensor:
        w = torch.ones(n, requires_grad=True)
        {"w += 1": lambda: w.add_(1), "w.add_(1)": lambda: w.add_(1),
         "w.mul_(2)": lambda: w.mul_(2), "w.zero_()": lambda: w.zero_()}[op]()  # fmt: skip
        return w

    m = {"n": n, "op": op}
    code = f"import torch\n\nw = torch.ones({n}, requires_grad=True)"
    return program(code, compute, show="w", shape=True, last=op, params=m,
                   wrong=[W(shape_text(n), "inplace_leaf", **m), W("()", "inplace_leaf", **m)])  # fmt: skip


def item_sum(rng: random.Random) -> Setup:
    xs = [rng.randint(1, 5) for _ in range(rng.randint(2, 4))]
    n = len(xs)

    def compute() -> tuple[bool, bool]:
        w = torch.tensor(0.5, requires_grad=True)
        total: Any = 0
        for x in xs:
            total = total + (w * x) ** 2  # as total += loss does
        return isinstance(total, float), bool(total.requires_grad)

    m = {"n": n}
    code = (f"import torch\n\nw = torch.tensor(0.5, requires_grad=True)\ntotal = 0\n"
            f"for x in {xs}:  # {n} batches\n    loss = (w * x) ** 2\n    total += loss")  # fmt: skip
    return program(code, compute, show="(isinstance(total, float), total.requires_grad)", params=m,
                   wrong=[W("(True, False)", "item_sum", **m), W("(False, False)", "item_graph", **m)])  # fmt: skip


def device_mismatch(rng: random.Random) -> Setup:
    n, a, b = rng.randint(2, 6), *dims(rng, 2, 2, 5, distinct=True)
    m = {"n": n, "a": a, "b": b}

    def compute() -> torch.Tensor:
        return nn.Linear(a, b).to("meta")(torch.zeros(n, a))

    code = (
        f"import torch\nfrom torch import nn\n\n"
        f'model = nn.Linear({a}, {b}).to("meta")  # like .to("cuda"): another device than x\'s\n'
        f"x = torch.zeros({n}, {a})"
    )
    return program(code, compute, show="y", shape=True, last="y = model(x)", params=m,
                   wrong=[W(shape_text(n, b), "device_mismatch", **m),
                          W(shape_text(n, a), "device_mismatch", **m)])  # fmt: skip


def forget_zero_grad(rng: random.Random) -> Setup:
    t, lr = rng.randint(1, 3), rng.choice([0.1, 0.25])

    def compute() -> float:
        w = torch.tensor(0.0, requires_grad=True)
        optimizer = torch.optim.SGD([w], lr=lr)
        for _ in range(2):
            ((w - t) ** 2).backward()
            optimizer.step()
        return w.item()

    w1, g1 = 2 * lr * t, -2.0 * t
    g2 = 2 * (w1 - t)
    m = {"g1": f"{g1:g}", "g2": f"{g2:g}", "acc": f"{g1 + g2:g}", "w1": f"{w1:g}",
         "w": answer_text(compute())}  # fmt: skip
    code = (f"import torch\n\nw = torch.tensor(0.0, requires_grad=True)\n"
            f"optimizer = torch.optim.SGD([w], lr={lr})\nfor step in range(2):\n"
            f"    loss = (w - {t}) ** 2\n    loss.backward()\n"
            "    optimizer.step()  # no optimizer.zero_grad() in this loop")  # fmt: skip
    return program(code, compute, show="w.item()", params=m,
                   wrong=[W(answer_text(w1 - lr * g2), "forgot_zero_grad", **m),
                          W(answer_text(w1), "one_step", **m)])  # fmt: skip


def backward_nonscalar(rng: random.Random) -> Setup:
    v = [rng.randint(1, 9) / 2 for _ in range(rng.randint(2, 4))]
    k = rng.randint(2, 5)
    m = {"n": len(v), "k": k}

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        (x * k).backward()
        return x.grad  # type: ignore[return-value]

    code = f"import torch\n\nx = torch.tensor({v}, requires_grad=True)\ny = x * {k}"
    return program(code, compute, show="x.grad", shape=True, last="y.backward()", params=m,
                   wrong=[W(shape_text(len(v)), "nonscalar", **m), W("()", "nonscalar", **m)])  # fmt: skip


def forward_hooks(rng: random.Random) -> Setup:
    a, b = rng.sample(range(1, 5), 2)
    m = {"a": a, "b": b, "ab": a + b}

    def compute() -> int:
        calls: list[int] = []
        layer = nn.Linear(2, 2)
        layer.register_forward_hook(lambda module, inputs, output: calls.append(1))
        x = torch.ones(1, 2)
        for _ in range(a):
            layer(x)
        for _ in range(b):
            layer.forward(x)
        return len(calls)

    code = ("import torch\nfrom torch import nn\n\ncalls = []\nlayer = nn.Linear(2, 2)\n"
            "layer.register_forward_hook(lambda module, inputs, output: calls.append(1))\n"
            f"x = torch.ones(1, 2)\nfor _ in range({a}):\n    y = layer(x)\n"
            f"for _ in range({b}):\n    y = layer.forward(x)")  # fmt: skip
    return program(code, compute, show="len(calls)", params=m,
                   wrong=[W(str(a + b), "forward_hooks", **m), W(str(b), "hooks_which", **m)])  # fmt: skip


def batchnorm_no_grad(rng: random.Random) -> Setup:
    v = [float(rng.randint(1, 8)) for _ in range(4)]

    def compute() -> torch.Tensor:
        bn = nn.BatchNorm1d(1)
        with torch.no_grad():
            bn(torch.tensor(v).unsqueeze(1))
        return bn.running_mean  # type: ignore[return-value]

    mean = sum(v) / 4
    m = {"mean": f"{mean:g}", "rm": answer_text(compute())}
    code = ("import torch\nfrom torch import nn\n\nbn = nn.BatchNorm1d(1)  # a new module: training mode\n"
            f"x = torch.tensor({[[x] for x in v]})\nwith torch.no_grad():\n    bn(x)")  # fmt: skip
    return program(code, compute, show="bn.running_mean", params=m,
                   wrong=[W("[0.0]", "bn_no_grad", **m), W(answer_text([mean]), "bn_momentum", **m)])  # fmt: skip


PITFALLS = [
    Exercise("tensors.view_transposed", "shape", view_transposed),
    Exercise("tensors.int_division", "value", int_division),
    Exercise("tensors.float_promotion", "value", float_promotion),
    Exercise("tensors.max_dim", "value", max_dim),
    Exercise("broadcasting.loss_broadcast", "shape", loss_broadcast),
    Exercise("autograd.int_requires_grad", "shape", int_requires_grad),
    Exercise("layers.ce_float_target", "shape", ce_float_target),
    Exercise("layers.dropout_no_grad", "value", dropout_no_grad),
    Exercise("training.softmax_ce", "value", softmax_ce),
    Exercise("autograd.inplace_leaf", "shape", inplace_leaf),
    Exercise("training.item_sum", "value", item_sum),
    Exercise("layers.device_mismatch", "shape", device_mismatch),
    Exercise("training.forget_zero_grad", "value", forget_zero_grad),
    Exercise("autograd.backward_nonscalar", "shape", backward_nonscalar),
    Exercise("layers.forward_hooks", "value", forward_hooks),
    Exercise("layers.batchnorm_no_grad", "value", batchnorm_no_grad),
]
