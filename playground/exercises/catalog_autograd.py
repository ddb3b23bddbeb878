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
    program,
    shape_text,
    task,
)
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
    return program(code, compute, show="x.grad",
                   wrong=[answer_text(torch.tensor(v)), answer_text(torch.tensor(v) ** 2)])  # fmt: skip


def grad_weighted(rng: random.Random) -> Setup:
    v, w = _vals(rng, 3), _vals(rng, 3)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        (torch.tensor(w) * x).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = {_t(v)}, requires_grad=True)\nw = {_t(w)})\n"
            "y = (w * x).sum()\ny.backward()")  # fmt: skip
    return program(code, compute, show="x.grad",
                   wrong=[answer_text(torch.tensor(v)), answer_text(torch.tensor(w) * torch.tensor(v))])  # fmt: skip


def grad_accumulate(rng: random.Random) -> Setup:
    v, c = _vals(rng, 2), _vals(rng, 2, signs=False)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        for _ in range(2):
            (torch.tensor(c) * x).sum().backward()
        return x.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = {_t(v)}, requires_grad=True)\nc = {_t(c)})\n"
            "(c * x).sum().backward()\n(c * x).sum().backward()  # no zero_grad in between")  # fmt: skip
    return program(code, compute, show="x.grad",
                   wrong=[answer_text(torch.tensor(c)), answer_text(torch.zeros(2))])  # fmt: skip


def grad_mean(rng: random.Random) -> Setup:
    n = rng.choice([2, 4, 5, 8])
    v = _vals(rng, n)

    def compute() -> torch.Tensor:
        x = torch.tensor(v, requires_grad=True)
        x.mean().backward()
        return x.grad  # type: ignore[return-value]

    code = f"import torch\n\nx = {_t(v)}, requires_grad=True)\nx.mean().backward()"
    return program(code, compute, show="x.grad",
                   wrong=[answer_text(torch.ones(n)), answer_text(torch.full((n,), float(n)))])  # fmt: skip


def grad_shape(rng: random.Random) -> Setup:
    n, a, b = dims(rng, 3, distinct=True)

    def compute() -> torch.Tensor:
        w = torch.ones(a, b, requires_grad=True)
        (torch.ones(n, a) @ w).sum().backward()
        return w.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = torch.ones({n}, {a})\nw = torch.ones({a}, {b}, requires_grad=True)\n"
            "loss = (x @ w).sum()\nloss.backward()")  # fmt: skip
    return program(
        code, compute, show="w.grad", shape=True, wrong=[shape_text(n, b), shape_text(b, a)]
    )


_FLAGS = ["(True, True)", "(False, False)", "(False, True)", "(True, False)"]


def detach_flag(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        return x.requires_grad, (x.detach() * 2).requires_grad

    code = f"import torch\n\nx = torch.ones({k}, requires_grad=True)\nz = x.detach() * 2"
    return program(code, compute, show="(x.requires_grad, z.requires_grad)", wrong=_FLAGS)


def is_leaf(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        return x.is_leaf, (x * 2).is_leaf

    code = f"import torch\n\nx = torch.ones({k}, requires_grad=True)\ny = x * 2"
    return program(code, compute, show="(x.is_leaf, y.is_leaf)", wrong=_FLAGS)


def no_grad_flag(rng: random.Random) -> Setup:
    k = rng.randint(2, 5)

    def compute() -> tuple[bool, bool]:
        x = torch.ones(k, requires_grad=True)
        with torch.no_grad():
            y = x * 3
        return (x * 3).requires_grad, y.requires_grad

    code = (f"import torch\n\nx = torch.ones({k}, requires_grad=True)\nz = x * 3\n"
            "with torch.no_grad():\n    y = x * 3")  # fmt: skip
    return program(code, compute, show="(z.requires_grad, y.requires_grad)", wrong=_FLAGS)


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
    return program(code, compute, show="x.grad",
                   wrong=[answer_text(torch.ones(4)), answer_text(torch.relu(torch.tensor(v))),
                          answer_text((torch.tensor(v) < 0).float())])  # fmt: skip


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
    return program(code, lambda: next(iter(_loader(n, side, b)))[0], show="images", shape=True,
                   wrong=[shape_text(1, side, side), shape_text(n, 1, side, side)])  # fmt: skip


def label_shape(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b) + "\nimages, labels = next(iter(loader))"
    return program(code, lambda: next(iter(_loader(n, side, b)))[1], show="labels", shape=True,
                   wrong=[shape_text(b, 1), shape_text(n)])  # fmt: skip


def n_batches(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    return program(_loader_code(n, side, b), lambda: len(_loader(n, side, b)), show="len(loader)",
                   wrong=[str(n // b), str(n)])  # fmt: skip


def last_batch(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b) + "\nsizes = [len(y) for x, y in loader]"
    return program(code, lambda: [len(y) for _, y in _loader(n, side, b)][-1], show="sizes[-1]",
                   wrong=[str(b), str(math.ceil(n / b))])  # fmt: skip


def drop_last(rng: random.Random) -> Setup:
    n, side, b = _loader_sizes(rng)
    code = _loader_code(n, side, b, ", drop_last=True")
    compute = lambda: len(_loader(n, side, b, drop_last=True))  # noqa: E731
    return program(code, compute, show="len(loader)", wrong=[str(math.ceil(n / b)), str(n % b)])


def hwc_to_chw(rng: random.Random) -> Setup:
    h, w = dims(rng, 2, 2, 6, distinct=True)
    return task(rng, {"img": T((h, w, 3), hi=256)}, "img.permute(2, 0, 1)",
                wrong=[f"img.reshape(3, {h}, {w})", "img.transpose(0, 2)"])  # fmt: skip


def to_float(rng: random.Random) -> Setup:
    n, h = rng.randint(2, 4), rng.randint(2, 5)
    return task(rng, {"x": T((n, 1, h, h), lo=0, hi=256)}, "x.float() / 255",
                wrong=["x.float()", "x / 256"])  # fmt: skip


def normalize(rng: random.Random) -> Setup:
    m, s = rng.choice([0.5, 0.25, 0.125]), rng.choice([2.0, 4.0])
    n = rng.randint(3, 6)
    return task(rng, {"x": T((n,), "float")}, f"(x - {m}) / {s}", params={"mean": m, "std": s},
                wrong=[f"(x - {s}) / {m}", f"x / {s} - {m}"])  # fmt: skip


def target_transform(rng: random.Random) -> Setup:
    k, y = 5, rng.randint(0, 4)
    code = (
        f"import torch\n\ny = {y}\none_hot = torch.zeros({k}).scatter_(0, torch.tensor(y), value=1)"
    )
    compute = lambda: torch.zeros(k).scatter_(0, torch.tensor(y), value=1)  # noqa: E731
    wrong = [answer_text(torch.zeros(k).scatter_(0, torch.tensor((y + 1) % k), value=1)), str(y)]
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
