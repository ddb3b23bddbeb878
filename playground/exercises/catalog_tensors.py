"""Exercises for Tensors and for Broadcasting, cat & stack: shapes, values and expressions."""

from __future__ import annotations

import random

import torch

from playground.exercises.build import (
    T,
    answer_text,
    ask,
    dims,
    program,
    shape_text,
    task,
)
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup

__all__ = ["TENSORS"]


# ---- tensors ---------------------------------------------------------------------------------


def view_infer(rng: random.Random) -> Setup:
    a, b, c = dims(rng, 3, distinct=True)
    n = {"a": a, "b": b, "c": c, "ab": a * b}
    return ask(rng, {"x": T((a, b, c))}, f"x.view(-1, {c})", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(a, b, c), "view_unchanged", **n),
                                   W(shape_text(c, a * b), "view_order", **n)])  # fmt: skip


def permute(rng: random.Random) -> Setup:
    a, b, c = dims(rng, 3, distinct=True)
    n = {"a": a, "b": b, "c": c}
    return ask(rng, {"x": T((a, b, c))}, "x.permute(2, 0, 1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(a, b, c), "permute_unchanged", **n),
                                   W(shape_text(b, c, a), "permute_inverse", **n)])  # fmt: skip


def unsqueeze(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, distinct=True)
    n = {"a": a, "b": b}
    return ask(rng, {"x": T((a, b))}, "x.unsqueeze(1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(1, a, b), "unsqueeze_front", **n),
                                   W(shape_text(a, b, 1), "unsqueeze_back", **n)])  # fmt: skip


def slicing(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 3, 6, distinct=True)
    k = rng.randint(1, b - 1)
    n = {"a": a, "k": k, "rows": a - 1, "last": k - 1}
    return ask(rng, {"x": T((a, b))}, f"x[1:, :{k}]", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(a, k), "slice_start", **n),
                                   W(shape_text(a - 1, k + 1), "slice_stop", **n)])  # fmt: skip


def reduce_dim(rng: random.Random) -> Setup:
    a, b, c = dims(rng, 3, distinct=True)
    n = {"a": a, "b": b, "c": c}
    return ask(rng, {"x": T((a, b, c))}, "x.sum(dim=1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(b), "sum_kept", **n),
                                   W(shape_text(a, 1, c), "sum_keepdim", **n)])  # fmt: skip


def view_raises(rng: random.Random) -> Setup:
    a, b = rng.choice([(3, 5), (5, 3), (3, 7), (7, 3), (5, 5)])
    k = rng.choice([2, 4])
    n = {"k": k, "ab": a * b}
    return ask(rng, {"x": T((a, b))}, f"x.view({k}, -1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(k, a * b // k), "view_uneven", **n),
                                   W(shape_text(k, a * b // k + 1), "view_uneven", **n)])  # fmt: skip


def sum_value(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 2, 3)

    def wrong(r: object, t: dict[str, torch.Tensor]) -> list[str]:
        x = t["x"]
        m = {"cols": answer_text(x.sum(dim=0)), "rows": answer_text(x.sum(dim=1)),
             "total": answer_text(x.sum())}  # fmt: skip
        return [W(m["cols"], "sum_dim0", **m), W(str(int(x.sum()) + 1), "sum_recount", **m)]

    return ask(rng, {"x": T((a, b))}, "x.sum()", shape=False, wrong=wrong)


def index_value(rng: random.Random) -> Setup:
    i, j = rng.randint(0, 2), rng.randint(0, 3)

    def wrong(r: object, t: dict[str, torch.Tensor]) -> list[str]:
        x, m = t["x"], {"i": i, "j": j, "wi": j % 3, "wj": (j + 1) % 4}
        return [W(str(int(x[j % 3, i])), "index_order", **m),
                W(str(int(x[i, (j + 1) % 4])), "index_next", **m),
                W(answer_text(x[i]), "index_row", **m)]  # fmt: skip

    return ask(
        rng, {"x": T((3, 4))}, f"x[{i}, {j}]", shape=False, wrong=wrong, params={"i": i, "j": j}
    )


def inplace_alias(rng: random.Random) -> Setup:
    v, k = [rng.randint(0, 9) for _ in range(3)], rng.randint(1, 5)

    def compute() -> torch.Tensor:
        x = torch.tensor(v)
        y = x  # a second name for the same tensor, not a copy
        y.add_(k)
        return x

    code = f"import torch\n\nx = torch.tensor({v!r})\ny = x\ny.add_({k})  # in place"
    m = {"k": k, "x": answer_text(compute())}
    return program(code, compute, show="x", params=m,
                   wrong=[W(answer_text(torch.tensor(v)), "alias", **m),
                          W(answer_text(torch.tensor(v) + 2 * k), "alias_once", **m)])  # fmt: skip


def view_shares(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 2, 4, distinct=True)
    i = rng.randint(0, a * b - 1)

    def compute() -> torch.Tensor:
        x = torch.zeros(a, b)
        x.view(-1)[i] = 1  # the view writes into x's storage
        return x.sum()

    code = f"import torch\n\nx = torch.zeros({a}, {b})\nv = x.view(-1)\nv[{i}] = 1\ntotal = x.sum()"
    m = {"i": i, "ab": a * b}
    return program(code, compute, show="total", params=m,
                   wrong=[W("0", "view_copy", **m), W(str(a * b), "view_all", **m)])  # fmt: skip


def arange_rows(rng: random.Random) -> Setup:
    n, m = dims(rng, 2, 2, 5, distinct=True)
    return task(rng, {}, f"torch.arange({n}).unsqueeze(1).expand({n}, {m})", params={"n": n, "m": m},
                wrong=[W(f"torch.arange({n * m}).view({n}, {m})", "arange_count", n=n, m=m, last=n * m - 1),
                       W(f"torch.arange({m}).expand({n}, {m})", "arange_columns", n=n, m=m, m1=m - 1)])  # fmt: skip


def column_mean(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 2, 5, distinct=True)
    m = {"a": a, "b": b}
    return task(rng, {"x": T((a, b), "float")}, "x.mean(dim=0)",
                wrong=[W("x.mean(dim=1)", "mean_rows", **m), W("x.mean()", "mean_all", **m)])  # fmt: skip


# ---- broadcasting, cat and stack -------------------------------------------------------------


def bc_outer(rng: random.Random) -> Setup:
    p, q = dims(rng, 2, distinct=True)
    n = {"p": p, "q": q}
    return ask(rng, {"a": T((p, 1)), "b": T((1, q))}, "a + b", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(p, 1), "bc_stretch", **n),
                                   W(shape_text(1, q), "bc_stretch", **n)])  # fmt: skip


def bc_row(rng: random.Random) -> Setup:
    p, q = dims(rng, 2, distinct=True)
    n = {"p": p, "q": q}
    return ask(rng, {"a": T((p, q)), "b": T((q,))}, "a * b", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(q), "bc_row", **n),
                                   W(shape_text(p), "bc_row", **n)])  # fmt: skip


def bc_raises(rng: random.Random) -> Setup:
    p, q = dims(rng, 2, distinct=True)
    n = {"p": p, "q": q}
    return ask(rng, {"a": T((p, q)), "b": T((p,))}, "a + b", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(p, q), "bc_right", **n),
                                   W(shape_text(p, p), "bc_right", **n)])  # fmt: skip


def bc_3d(rng: random.Random) -> Setup:
    n, p, q = dims(rng, 3, distinct=True)
    m = {"n": n, "p": p, "q": q}
    return ask(rng, {"a": T((n, 1, q)), "b": T((p, 1))}, "a - b", shape=True, params=m,
               wrong=lambda r, t: [W(shape_text(n, 1, q), "bc_align", **m),
                                   W(shape_text(n, q, p), "bc_align", **m)])  # fmt: skip


def cat_rows(rng: random.Random) -> Setup:
    p, q, r = dims(rng, 3, distinct=True)
    n = {"p": p, "r": r, "pr": p + r}
    return ask(rng, {"a": T((p, q)), "b": T((r, q))}, "torch.cat([a, b], dim=0)", shape=True, params=n,
               wrong=lambda x, t: [W(shape_text(2, p, q), "cat_is_not_stack", **n),
                                   W(shape_text(p, q + r), "cat_rows", **n)])  # fmt: skip


def stack_dim(rng: random.Random) -> Setup:
    p, q = dims(rng, 2, distinct=True)
    n = {"p": p, "q": q}
    return ask(rng, {"a": T((p, q)), "b": T((p, q))}, "torch.stack([a, b], dim=1)", shape=True, params=n,
               wrong=lambda r, t: [W(shape_text(2 * p, q), "stack_is_not_cat", **n),
                                   W(shape_text(2, p, q), "stack_dim0", **n),
                                   W(shape_text(p, 2 * q), "stack_is_not_cat", **n)])  # fmt: skip


def cat_raises(rng: random.Random) -> Setup:
    p, q, r = dims(rng, 3, distinct=True)
    n = {"p": p, "r": r}
    return ask(rng, {"a": T((p, q)), "b": T((r, q))}, "torch.cat([a, b], dim=1)", shape=True, params=n,
               wrong=lambda x, t: [W(shape_text(p, 2 * q), "cat_mismatch", **n),
                                   W(shape_text(p + r, q), "cat_mismatch", **n)])  # fmt: skip


def bc_value(rng: random.Random) -> Setup:
    i, j = rng.randint(0, 1), rng.randint(0, 2)

    def wrong(r: object, t: dict[str, torch.Tensor]) -> list[str]:
        a, b = t["a"].reshape(-1), t["b"].reshape(-1)
        m = {"i": i, "j": j, "ai": int(a[i]), "bj": int(b[j]), "product": int(a[i] * b[j])}
        return [W(str(int(a[i] + b[j])), "bc_add", **m),
                W(str(int(a[(i + 1) % 2] * b[(j + 1) % 3]) + 1), "bc_pick", **m)]  # fmt: skip

    return ask(rng, {"a": T((2, 1), lo=1), "b": T((1, 3), lo=1)}, f"(a * b)[{i}, {j}]",
               shape=False, wrong=wrong, params={"i": i, "j": j})  # fmt: skip


def center_rows(rng: random.Random) -> Setup:
    a, b = dims(rng, 2, 2, 5, distinct=True)
    m = {"a": a, "b": b}
    return task(rng, {"x": T((a, b), "float")}, "x - x.mean(dim=1, keepdim=True)",
                wrong=[W("x - x.mean(dim=0)", "center_columns", **m), W("x - x.mean()", "center_all", **m)])  # fmt: skip


def one_hot(rng: random.Random) -> Setup:
    n, k = rng.randint(4, 7), rng.randint(3, 5)
    return task(rng, {"y": T((n,), "label", hi=k)}, f"F.one_hot(y, {k})", params={"k": k},
                wrong=[W(f"y.unsqueeze(1) == torch.arange({k + 1})", "one_hot_classes", k=k, k1=k + 1),
                       W(f"torch.eye({k})[:{n}]", "one_hot_eye", k=k, n=n)])  # fmt: skip


TENSORS = [
    Exercise("tensors.view_infer", "shape", view_infer),
    Exercise("tensors.permute", "shape", permute),
    Exercise("tensors.unsqueeze", "shape", unsqueeze),
    Exercise("tensors.slicing", "shape", slicing),
    Exercise("tensors.reduce_dim", "shape", reduce_dim),
    Exercise("tensors.view_raises", "shape", view_raises),
    Exercise("tensors.sum_value", "value", sum_value),
    Exercise("tensors.index_value", "value", index_value),
    Exercise("tensors.inplace_alias", "value", inplace_alias),
    Exercise("tensors.view_shares", "value", view_shares),
    Exercise("tensors.arange_rows", "expression", arange_rows),
    Exercise("tensors.column_mean", "expression", column_mean),
    Exercise("broadcasting.bc_outer", "shape", bc_outer),
    Exercise("broadcasting.bc_row", "shape", bc_row),
    Exercise("broadcasting.bc_raises", "shape", bc_raises),
    Exercise("broadcasting.bc_3d", "shape", bc_3d),
    Exercise("broadcasting.cat_rows", "shape", cat_rows),
    Exercise("broadcasting.stack_dim", "shape", stack_dim),
    Exercise("broadcasting.cat_raises", "shape", cat_raises),
    Exercise("broadcasting.bc_value", "value", bc_value),
    Exercise("broadcasting.center_rows", "expression", center_rows),
    Exercise("broadcasting.one_hot", "expression", one_hot),
]
