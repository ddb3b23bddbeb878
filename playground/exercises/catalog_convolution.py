"""Exercises for Convolution & pooling: output sizes with stride, padding and dilation,
parameters with groups, which input wins a max pool, and a receptive field found by autograd."""

from __future__ import annotations

import random

import torch
from torch import nn

from playground.exercises.build import layer_shape, program, shape_text
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup

__all__ = ["CONVOLUTION"]


def _side(h: int, k: int, s: int, p: int, d: int) -> int:
    return (h + 2 * p - d * (k - 1) - 1) // s + 1


def stride_dilation_out(rng: random.Random) -> Setup:
    h, k, s = rng.choice([9, 10, 11, 12]), rng.choice([3, 5]), rng.choice([2, 3])
    p, d = rng.choice([0, 1, 2]), rng.choice([1, 2])
    out = _side(h, k, s, p, d)
    no_stride, no_dilation = _side(h, k, 1, p, d), _side(h, k, s, p, 1)
    call = f"nn.Conv2d(1, 4, {k}, stride={s}, padding={p}, dilation={d})"
    # every value in each mistake: the "why" text reads them whichever mistakes this variant has
    v = {"h": h, "k": k, "s": s, "p": p, "d": d, "out": out, "span": d * (k - 1) + 1,
         "top": h + 2 * p - d * (k - 1) - 1}  # fmt: skip
    no_padding = _side(h, k, s, 0, d)
    wrong: list[str] = [W(shape_text(1, 4, no_stride, no_stride), "stride_ignored", **v)]
    if no_dilation != out:
        wrong.append(W(shape_text(1, 4, no_dilation, no_dilation), "dilation_ignored", **v))
    if no_padding != out:
        wrong.append(W(shape_text(1, 4, no_padding, no_padding), "padding_ignored", **v))
    wrong.append(W(shape_text(1, 4, out - 1, out - 1), "plus_one_forgotten", **v))
    return layer_shape(call, lambda: nn.Conv2d(1, 4, k, stride=s, padding=p, dilation=d),
                       (1, 1, h, h), wrong=wrong)  # fmt: skip


def groups_params(rng: random.Random) -> Setup:
    g = rng.choice([2, 4])
    c_in, c_out, k = g * rng.randint(1, 3), g * rng.randint(1, 3), rng.choice([1, 3, 5])
    call = f"nn.Conv2d({c_in}, {c_out}, {k}, groups={g})"
    weights = c_out * (c_in // g) * k * k
    code = f"import torch\nfrom torch import nn\n\nlayer = {call}\nn = sum(p.numel() for p in layer.parameters())"  # fmt: skip
    compute = lambda: sum(p.numel() for p in nn.Conv2d(c_in, c_out, k, groups=g).parameters())  # noqa: E731
    values = {"c_in": c_in, "c_out": c_out, "k": k, "g": g, "per": c_in // g, "w": weights}
    return program(code, compute, show="n", params=values,
                   wrong=[W(str(c_out * c_in * k * k + c_out), "groups_ignored", **values),
                          W(str(weights), "conv_bias", c=c_in // g, k=c_out, s=k, w=weights)])  # fmt: skip


def pool_winner(rng: random.Random) -> Setup:
    values = rng.sample(range(10, 100), 16)
    r, c = rng.randrange(2), rng.randrange(2)
    rows = [values[i : i + 4] for i in range(0, 16, 4)]
    code = (f"import torch\nfrom torch import nn\n\nx = torch.tensor({rows}, dtype=torch.float32).view(1, 1, 4, 4)\n"
            f"out, indices = nn.MaxPool2d(2, return_indices=True)(x)\nn = indices[0, 0, {r}, {c}].item()")  # fmt: skip

    def compute() -> int:
        x = torch.tensor(rows, dtype=torch.float32).view(1, 1, 4, 4)
        return int(nn.MaxPool2d(2, return_indices=True)(x)[1][0, 0, r, c])

    flat = compute()
    i, j = divmod(flat, 4)
    params = {"r": r, "c": c, "value": rows[i][j], "i": i, "j": j}
    local = (i - 2 * r) * 2 + (j - 2 * c)  # the place inside its own 2 × 2 window
    wrong: list[str] = [W(str(rows[i][j]), "pool_value", **params),
                        W(str(j * 4 + i), "pool_column_major", **params),
                        W(str(local), "pool_local", **params, local=local)]  # fmt: skip
    return program(code, compute, show="n", params=params, wrong=wrong)


def field_rows(rng: random.Random) -> Setup:
    a, b = rng.choice([3, 5]), rng.choice([3, 5])  # b = 2 makes two answers agree
    code = f"""import torch
from torch import nn

stack = nn.Sequential(nn.Conv2d(1, 1, {a}, bias=False), nn.AvgPool2d(2), nn.Conv2d(1, 1, {b}, bias=False))
for layer in (stack[0], stack[2]):
    nn.init.constant_(layer.weight, 1.0)  # positive: no two paths cancel
x = torch.ones(1, 1, 24, 24, requires_grad=True)
stack(x)[0, 0, 0, 0].backward()
n = int((x.grad[0, 0] != 0).any(dim=1).sum())  # the input rows output cell (0, 0) depends on"""

    def compute() -> int:
        convs = nn.Conv2d(1, 1, a, bias=False), nn.Conv2d(1, 1, b, bias=False)
        for layer in convs:
            nn.init.constant_(layer.weight, 1.0)
        stack = nn.Sequential(convs[0], nn.AvgPool2d(2), convs[1])
        x = torch.ones(1, 1, 24, 24, requires_grad=True)
        stack(x)[0, 0, 0, 0].backward()
        assert x.grad is not None
        return int((x.grad[0, 0] != 0).any(dim=1).sum())

    params = {"a": a, "b": b, "pooled": 2 * b, "answer_rows": 2 * b + a - 1}
    wrong: list[str] = [W(str(a + b - 1), "field_no_pool", **params), W(str(a + b + 1), "field_pool_stride", **params)]  # fmt: skip
    return program(code, compute, show="n", params=params, wrong=wrong)


def same_even_kernel(rng: random.Random) -> Setup:
    h, k = rng.choice([6, 7, 8, 9]), rng.choice([2, 4])
    call = f'nn.Conv2d(2, 3, {k}, padding="same")'
    v = {"h": h, "k": k, "valid": h - k + 1, "total": k - 1}
    return layer_shape(call, lambda: nn.Conv2d(2, 3, k, padding="same"), (1, 2, h, h),
                       wrong=[W(shape_text(1, 3, h - k + 1, h - k + 1), "same_ignored", **v),
                              W(shape_text(1, 3, h + 1, h + 1), "same_even_grows", **v)])  # fmt: skip


def avg_pool_value(rng: random.Random) -> Setup:
    values = [rng.randint(0, 9) for _ in range(16)]
    rows = [values[i : i + 4] for i in range(0, 16, 4)]
    r, c = rng.randrange(2), rng.randrange(2)
    window = [rows[2 * r + a][2 * c + b] for a in range(2) for b in range(2)]
    code = (f"import torch\nfrom torch import nn\n\nx = torch.tensor({rows}, dtype=torch.float32).view(1, 1, 4, 4)\n"
            f"out = nn.AvgPool2d(2)(x)\nn = out[0, 0, {r}, {c}].item()")  # fmt: skip

    def compute() -> float:
        x = torch.tensor(rows, dtype=torch.float32).view(1, 1, 4, 4)
        return float(nn.AvgPool2d(2)(x)[0, 0, r, c])

    params = {"r": r, "c": c, "window": " + ".join(map(str, window)), "sum": sum(window)}
    wrong: list[str] = [W(str(max(window)), "avg_is_max", **params, top=max(window)),
                        W(str(sum(window)), "avg_is_sum", **params)]  # fmt: skip
    return program(code, compute, show="n", params=params, wrong=wrong)


CONVOLUTION = [
    Exercise("convolution.stride_dilation_out", "shape", stride_dilation_out),
    Exercise("convolution.groups_params", "value", groups_params),
    Exercise("convolution.pool_winner", "value", pool_winner),
    Exercise("convolution.field_rows", "value", field_rows),
    Exercise("convolution.same_even_kernel", "shape", same_even_kernel),
    Exercise("convolution.avg_pool_value", "value", avg_pool_value),
]
