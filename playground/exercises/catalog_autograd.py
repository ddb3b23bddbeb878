"""Exercises for Autograd and for Data: gradients, flags, DataLoader batches and transforms."""

from __future__ import annotations

import math
import random

import torch
from torch.utils.data import DataLoader, TensorDataset

from playground.exercises.build import (
    T,
    answer_text,
    dims,
    flag_mistakes,
    program,
    shape_text,
    task,
)
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup

__all__ = ["AUTOGRAD_DATA"]


# ---- autograd --------------------------------------------------------------------------------


def _vals(rng: random.Random, n: int, *, signs: bool = True) -> list[float]:
    lo = -8 if signs else 1
    return [rng.randint(lo, 8) / 4 or 0.5 for _ in range(n)]


def _t(v: list[float]) -> str:
    return f"torch.tensor({v!r}"


def grad_square(rng: random.Random) -> Setup:
    v = _vals(rng, 3)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        (x**2).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = f"import torch\n\nx = {_t(v)}, requires_grad=True)\ny = (x ** 2).sum()\ny.backward()"
    m = {"grad": answer_text(2 * torch.tensor(v))}
    return program(code, compute, show="x.grad",
                   wrong=[W(answer_text(torch.tensor(v)), "grad_square_x", **m),
                          W(answer_text(torch.tensor(v) ** 2), "grad_square_y", **m)])  # fmt: skip


def grad_weighted(rng: random.Random) -> Setup:
    v, w = _vals(rng, 3), _vals(rng, 3)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        (torch.tensor(w) * x).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = {_t(v)}, requires_grad=True)\nw = {_t(w)})\n"
            "y = (w * x).sum()\ny.backward()")  # fmt: skip
    m = {"grad": answer_text(torch.tensor(w))}
    return program(code, compute, show="x.grad",
                   wrong=[W(answer_text(torch.tensor(v)), "grad_weighted_x", **m),
                          W(answer_text(torch.tensor(w) * torch.tensor(v)), "grad_weighted_y", **m)])  # fmt: skip


def grad_accumulate(rng: random.Random) -> Setup:
    v, c = _vals(rng, 2), _vals(rng, 2, signs=False)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        for _ in range(2):
            (torch.tensor(c) * x).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = {_t(v)}, requires_grad=True)\nc = {_t(c)})\n"
            "(c * x).sum().backward()\n(c * x).sum().backward()  # no zero_grad in between")  # fmt: skip
    m = {"grad": answer_text(2 * torch.tensor(c))}
    return program(code, compute, show="x.grad",
                   wrong=[W(answer_text(torch.tensor(c)), "accumulate_once", **m),
                          W(answer_text(torch.zeros(2)), "accumulate_zero", **m)])  # fmt: skip


def grad_mean(rng: random.Random) -> Setup:
    n = rng.choice([2, 4, 5, 8])
    v = _vals(rng, n)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        x.mean().backward()
        return x.grad  # type: ignore[return-value]

    code = f"import torch\n\nx = {_t(v)}, requires_grad=True)\nx.mean().backward()"
    m = {"n": n, "each": answer_text(1 / n)}
    return program(code, compute, show="x.grad", params=m,
                   wrong=[W(answer_text(torch.ones(n)), "grad_mean_sum", **m),
                          W(answer_text(torch.full((n,), float(n))), "grad_mean_n", **m)])  # fmt: skip


def grad_shape(rng: random.Random) -> Setup:
    n, a, b = dims(rng, 3, distinct=True)

    def compute() -> torch.Tensor:
        w = torch.ones(a, b, requires_grad=True)
        (torch.ones(n, a) @ w).sum().backward()
        return w.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = torch.ones({n}, {a})\nw = torch.ones({a}, {b}, requires_grad=True)\n"
            "loss = (x @ w).sum()\nloss.backward()")  # fmt: skip
    m = {"n": n, "a": a, "b": b}
    return program(code, compute, show="w.grad", shape=True, params=m,
                   wrong=[W(shape_text(n, b), "grad_shape_out", **m),
                          W(shape_text(b, a), "grad_shape_t", **m)])  # fmt: skip


def detach_flag(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        return x.requires_grad, (x.detach() * 2).requires_grad

    code = f"import torch\n\nx = torch.ones({k}, requires_grad=True)\nz = x.detach() * 2"
    return program(code, compute, show="(x.requires_grad, z.requires_grad)",
                   wrong=flag_mistakes(compute(), "detach", "x", "z"))  # fmt: skip


def is_leaf(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        return x.is_leaf, (x * 2).is_leaf

    code = f"import torch\n\nx = torch.ones({k}, requires_grad=True)\ny = x * 2"
    return program(
        code,
        compute,
        show="(x.is_leaf, y.is_leaf)",
        wrong=flag_mistakes(compute(), "leaf", "x", "y"),
    )


def no_grad_flag(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        with torch.no_grad():
            y = x * 3
        return (x * 3).requires_grad, y.requires_grad

    code = (f"import torch\n\nx = torch.ones({k}, requires_grad=True)\nz = x * 3\n"
            "with torch.no_grad():\n    y = x * 3")  # fmt: skip
    return program(code, compute, show="(z.requires_grad, y.requires_grad)",
                   wrong=flag_mistakes(compute(), "no_grad", "z", "y"))  # fmt: skip


def grad_relu(rng: random.Random) -> Setup:
    v = _vals(rng, 4)
    v[0], v[1] = abs(v[0]), -abs(v[1])  # at least one of each sign

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        torch.relu(x).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = (
        f"import torch\n\nx = {_t(v)}, requires_grad=True)\ny = torch.relu(x).sum()\ny.backward()"
    )
    m = {"grad": answer_text((torch.tensor(v) > 0).float())}
    return program(code, compute, show="x.grad",
                   wrong=[W(answer_text(torch.ones(4)), "relu_all", **m),
                          W(answer_text(torch.relu(torch.tensor(v))), "relu_value", **m),
                          W(answer_text((torch.tensor(v) < 0).float()), "relu_inverted", **m)])  # fmt: skip


# ---- data ------------------------------------------------------------------------------------


def _loader_code(n: int, side: int, b: int, extra: str = "") -> str:
    return (
        "import torch\nfrom torch.utils.data import DataLoader, TensorDataset\n\n"
        f"images = torch.zeros({n}, 1, {side}, {side})\nlabels = torch.zeros({n}, dtype=torch.int64)\n"
        f"loader = DataLoader(TensorDataset(images, labels), batch_size={b}{extra})"
    )


def _loader(n: int, side: int, b: int, *, drop_last: bool = False) -> DataLoader:
    ds = TensorDataset(torch.zeros(n, 1, side, side), torch.zeros(n, dtype=torch.int64))
    return DataLoader(ds, batch_size=b, drop_last=drop_last)


def _loader_sizes(rng: random.Random) -> tuple[int, int, int]:
    b = rng.choice([8, 16, 32])
    n = b * rng.randint(2, 6) + rng.randint(1, b - 1)  # a last batch that is not full
    return n, rng.choice([4, 6, 8]), b


def batch_shape(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b) + "\nimages, labels = next(iter(loader))"
    m = {"n": n, "b": b, "side": side}
    return program(code, lambda: next(iter(_loader(n, side, b)))[0], show="images", shape=True, params=m,
                   wrong=[W(shape_text(1, side, side), "batch_one", **m),
                          W(shape_text(n, 1, side, side), "batch_all", **m)])  # fmt: skip


def label_shape(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b) + "\nimages, labels = next(iter(loader))"
    m = {"n": n, "b": b}
    return program(code, lambda: next(iter(_loader(n, side, b)))[1], show="labels", shape=True, params=m,
                   wrong=[W(shape_text(b, 1), "label_column", **m), W(shape_text(n), "label_all", **m)])  # fmt: skip


def n_batches(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    m = {"n": n, "b": b, "rest": n % b, "count": math.ceil(n / b)}
    return program(_loader_code(n, side, b), lambda: len(_loader(n, side, b)), show="len(loader)", params=m,
                   wrong=[W(str(n // b), "batches_floor", **m), W(str(n), "batches_samples", **m)])  # fmt: skip


def last_batch(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b) + "\nsizes = [len(y) for x, y in loader]"
    m = {"n": n, "b": b, "full": n // b, "rest": n % b}
    return program(code, lambda: [len(y) for _, y in _loader(n, side, b)][-1], show="sizes[-1]", params=m,
                   wrong=[W(str(b), "last_full", **m), W(str(math.ceil(n / b)), "last_count", **m)])  # fmt: skip


def drop_last(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b, ", drop_last=True")
    compute = lambda: len(_loader(n, side, b, drop_last=True))  # noqa: E731
    m = {"n": n, "b": b, "full": n // b, "rest": n % b}
    return program(code, compute, show="len(loader)", params=m,
                   wrong=[W(str(math.ceil(n / b)), "drop_counts", **m), W(str(n % b), "drop_rest", **m)])  # fmt: skip


def hwc_to_chw(rng: random.Random) -> Setup:
    h, w = dims(rng, 2, 2, 6, distinct=True)
    return task(rng, {"img": T((h, w, 3), hi=256)}, "img.permute(2, 0, 1)",
                wrong=[W(f"img.reshape(3, {h}, {w})", "reshape_not_permute", h=h, w=w),
                       W("img.transpose(0, 2)", "transpose_swaps", h=h, w=w)])  # fmt: skip


def to_float(rng: random.Random) -> Setup:
    n, h = rng.randint(2, 4), rng.randint(2, 5)
    return task(rng, {"x": T((n, 1, h, h), lo=0, hi=256)}, "x.float() / 255",
                wrong=[W("x.float()", "float_scale", top=255), W("x / 256", "float_256", top=255)])  # fmt: skip


def normalize(rng: random.Random) -> Setup:
    m, s = rng.choice([0.5, 0.25, 0.125]), rng.choice([2.0, 4.0])
    n = rng.randint(3, 6)
    return task(rng, {"x": T((n,), "float")}, f"(x - {m}) / {s}", params={"mean": m, "std": s},
                wrong=[W(f"(x - {s}) / {m}", "normalize_swapped", mean=m, std=s),
                       W(f"x / {s} - {m}", "normalize_order", mean=m, std=s)])  # fmt: skip


def target_transform(rng: random.Random) -> Setup:
    k, y = 5, rng.randint(0, 4)
    code = (
        f"import torch\n\ny = {y}\none_hot = torch.zeros({k}).scatter_(0, torch.tensor(y), value=1)"
    )
    compute = lambda: torch.zeros(k).scatter_(0, torch.tensor(y), value=1)  # noqa: E731
    shifted = answer_text(torch.zeros(k).scatter_(0, torch.tensor((y + 1) % k), value=1))
    wrong: list[str] = [W(shifted, "one_hot_shift", y=y, k=k), W(str(y), "one_hot_label", y=y, k=k)]
    return program(code, compute, show="one_hot", wrong=wrong)


AUTOGRAD_DATA = [
    Exercise("autograd.grad_square", "value", grad_square),
    Exercise("autograd.grad_weighted", "value", grad_weighted),
    Exercise("autograd.grad_accumulate", "value", grad_accumulate),
    Exercise("autograd.grad_mean", "value", grad_mean),
    Exercise("autograd.grad_shape", "shape", grad_shape),
    Exercise("autograd.detach_flag", "value", detach_flag),
    Exercise("autograd.is_leaf", "value", is_leaf),
    Exercise("autograd.no_grad_flag", "value", no_grad_flag),
    Exercise("autograd.grad_relu", "value", grad_relu),
    Exercise("data.batch_shape", "shape", batch_shape),
    Exercise("data.label_shape", "shape", label_shape),
    Exercise("data.n_batches", "value", n_batches),
    Exercise("data.last_batch", "value", last_batch),
    Exercise("data.drop_last", "value", drop_last),
    Exercise("data.hwc_to_chw", "expression", hwc_to_chw),
    Exercise("data.to_float", "expression", to_float),
    Exercise("data.normalize", "expression", normalize),
    Exercise("data.target_transform", "value", target_transform),
]
