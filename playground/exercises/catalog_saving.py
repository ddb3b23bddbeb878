"""Exercises for Save & load and for Learning PyTorch with Examples."""

from __future__ import annotations

import random
from collections import OrderedDict
from typing import Any

import torch
from torch import nn

from playground.exercises.build import (
    T,
    answer_text,
    ask,
    flag_mistakes,
    program,
    quarters,
    shape_text,
    task,
)
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup

__all__ = ["SAVING_EXAMPLES"]


# ---- save & load -----------------------------------------------------------------------------


def _sd(
    code_a: str,
    code_b: str,
    make_a: Any,
    make_b: Any,
    answer: tuple,
    wrong: list,
    imports: str = "",
) -> Setup:
    code = (f"import torch\nfrom torch import nn\n{imports}\nmodel_a = {code_a}\nmodel_b = {code_b}\n"
            "result = model_b.load_state_dict(model_a.state_dict(), strict=False)")  # fmt: skip
    compute = lambda _n: make_b().load_state_dict(make_a().state_dict(), strict=False)  # noqa: E731
    keys = sorted(set(make_a().state_dict()) | set(make_b().state_dict()))
    return Setup(code, repr(answer), compute, code + "\nprint(result)\n", wrong=tuple(map(repr, wrong)),
                 extra={"keys": keys, "answer": answer, "wrong": wrong})  # fmt: skip


def sd_missing(rng: random.Random) -> Setup:
    a, h = rng.randint(3, 8), rng.choice([8, 16])
    ca = f"nn.Sequential(nn.Linear({a}, {h}), nn.ReLU(), nn.Linear({h}, 2))"
    cb = f"nn.Sequential(nn.Linear({a}, {h}), nn.ReLU(), nn.Linear({h}, 2), nn.ReLU(), nn.Linear(2, 2))"
    ma = lambda: nn.Sequential(nn.Linear(a, h), nn.ReLU(), nn.Linear(h, 2))  # noqa: E731

    def mb() -> nn.Module:
        return nn.Sequential(
            nn.Linear(a, h), nn.ReLU(), nn.Linear(h, 2), nn.ReLU(), nn.Linear(2, 2)
        )

    right: tuple = (["4.weight", "4.bias"], [])
    return _sd(ca, cb, ma, mb, right, [([], ["4.weight", "4.bias"]), ([], [])])


def sd_unexpected(rng: random.Random) -> Setup:
    a, h = rng.randint(3, 8), rng.choice([8, 16])
    ca = f"nn.Sequential(nn.Linear({a}, {h}), nn.ReLU(), nn.Linear({h}, 2))"
    cb = f"nn.Sequential(nn.Linear({a}, {h}))"
    ma = lambda: nn.Sequential(nn.Linear(a, h), nn.ReLU(), nn.Linear(h, 2))  # noqa: E731
    mb = lambda: nn.Sequential(nn.Linear(a, h))  # noqa: E731
    right: tuple = ([], ["2.weight", "2.bias"])
    return _sd(ca, cb, ma, mb, right, [(["2.weight", "2.bias"], []), ([], ["0.weight", "0.bias"])])


def sd_renamed(rng: random.Random) -> Setup:
    a = rng.randint(3, 8)
    ca = f"nn.Sequential(nn.Linear({a}, 4))"
    cb = f"nn.Sequential(OrderedDict(fc1=nn.Linear({a}, 4)))"
    ma = lambda: nn.Sequential(nn.Linear(a, 4))  # noqa: E731
    mb = lambda: nn.Sequential(OrderedDict(fc1=nn.Linear(a, 4)))  # noqa: E731
    return _sd(ca, cb, ma, mb, (["fc1.weight", "fc1.bias"], ["0.weight", "0.bias"]),
               [(["0.weight", "0.bias"], ["fc1.weight", "fc1.bias"]), ([], [])],
               imports="from collections import OrderedDict\n")  # fmt: skip


def sd_len(rng: random.Random) -> Setup:
    a, h = rng.randint(3, 8), rng.choice([4, 8])
    call = f"nn.Sequential(nn.Linear({a}, {h}), nn.BatchNorm1d({h}), nn.ReLU(), nn.Linear({h}, 2))"

    def compute() -> int:
        model = nn.Sequential(nn.Linear(a, h), nn.BatchNorm1d(h), nn.ReLU(), nn.Linear(h, 2))
        return len(model.state_dict())

    code = f"import torch\nfrom torch import nn\n\nmodel = {call}\nn = len(model.state_dict())"
    m = {"bn": 5, "n": 9}
    return program(code, compute, show="n",
                   wrong=[W("6", "sd_buffers", **m), W("4", "sd_params_only", **m)])  # fmt: skip


def sd_shape(rng: random.Random) -> Setup:
    a, b = rng.sample(range(2, 9), 2)
    code = f"import torch\nfrom torch import nn\n\nmodel = nn.Linear({a}, {b})\nw = model.state_dict()['weight']"
    return program(code, lambda: nn.Linear(a, b).state_dict()["weight"], show="w", shape=True, params={"a": a, "b": b},
                   wrong=[W(shape_text(a, b), "weight_out_in", a=a, b=b),
                          W(shape_text(a * b), "weight_flat", a=a, b=b, ab=a * b)])  # fmt: skip


def sd_bytes(rng: random.Random) -> Setup:
    a, b = rng.sample(range(2, 20), 2)
    code = f"import torch\nfrom torch import nn\n\nw = nn.Linear({a}, {b}).weight\nn = w.nelement() * w.element_size()"
    compute = lambda: nn.Linear(a, b).weight.nelement() * 4  # noqa: E731
    return program(code, compute, show="n", params={"ab": a * b},
                   wrong=[W(str(a * b), "bytes_elements", ab=a * b), W(str(8 * a * b), "bytes_float64", ab=a * b)])  # fmt: skip


def eval_dropout(rng: random.Random) -> Setup:
    p, n = rng.choice([0.2, 0.5, 0.8]), rng.randint(4, 9)

    def compute() -> tuple[bool, bool]:
        model = nn.Dropout(p).eval()
        x = torch.ones(n)
        return model.training, torch.equal(model(x), x)

    code = (f"import torch\nfrom torch import nn\n\nmodel = nn.Dropout(p={p})\nmodel.eval()\n"
            f"x = torch.ones({n})\nsame = torch.equal(model(x), x)")  # fmt: skip
    flags = flag_mistakes(compute(), "eval", "training", "same")
    return program(code, compute, show="(model.training, same)", wrong=flags)


def dropout_scale(rng: random.Random) -> Setup:
    p = rng.choice([0.2, 0.5, 0.75])

    def compute() -> torch.Tensor:
        return nn.Dropout(p).train()(torch.ones(200)).max()

    code = f"import torch\nfrom torch import nn\n\nmodel = nn.Dropout(p={p})  # train mode\nkept = model(torch.ones(200)).max()"
    m = {"p": p, "kept": answer_text(1 / (1 - p))}
    return program(code, compute, show="kept", params={"p": p},
                   wrong=[W("1", "dropout_kept", **m), W(f"{p:g}", "dropout_p", **m)])  # fmt: skip


# ---- learning PyTorch with examples ----------------------------------------------------------


def poly_value(rng: random.Random) -> Setup:
    a, b, c, d, x = quarters(rng, 5)
    y = a + b * x + c * x**2 + d * x**3
    code = f"a, b, c, d = {a}, {b}, {c}, {d}\nx = {x}\ny_pred = a + b * x + c * x ** 2 + d * x ** 3"
    return program(code, lambda: y, show="y_pred",
                   wrong=[W(f"{a + b * x + c * x**2:g}", "poly_cubic", x=x, cubic=f"{d * x**3:g}"),
                          W(f"{a * x + b * x**2 + c * x**3 + d * x**4:g}", "poly_shift", x=x)])  # fmt: skip


def poly_grad(rng: random.Random) -> Setup:
    v, target = quarters(rng, 3), quarters(rng, 3)

    def compute() -> torch.Tensor:
        a = torch.tensor(0.5, requires_grad=True)
        y_pred = a + torch.tensor(v)
        (y_pred - torch.tensor(target)).pow(2).sum().backward()
        return a.grad  # type: ignore[return-value]

    code = (f"import torch\n\nx = torch.tensor({v!r})\ny = torch.tensor({target!r})\n"
            "a = torch.tensor(0.5, requires_grad=True)\ny_pred = a + x\n"
            "loss = (y_pred - y).pow(2).sum()\nloss.backward()")  # fmt: skip
    diff = torch.tensor(v) + 0.5 - torch.tensor(target)
    total = f"{float(diff.sum()):g}"
    m = {"sum": total, "n": len(v)}
    return program(code, compute, show="a.grad",
                   wrong=[W(total, "grad_factor", **m), W(f"{float(2 * diff.mean()):g}", "grad_mean", **m)])  # fmt: skip


def xx_shape(rng: random.Random) -> Setup:
    n = rng.choice([4, 5, 6, 8])
    return ask(rng, {"x": T((n,), "float")}, "x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))",
               shape=True, params={"n": n}, wrong=lambda r, t: [W(shape_text(n), "xx_broadcast", n=n),
                                               W(shape_text(3, n), "xx_order", n=n)])  # fmt: skip


def xx_expr(rng: random.Random) -> Setup:
    n = rng.choice([4, 5, 6])
    return task(rng, {"x": T((n,), "float")}, "x.unsqueeze(-1).pow(torch.tensor([1, 2, 3]))",
                wrong=[W("x.pow(torch.tensor([1, 2, 3]))", "xx_no_unsqueeze", n=n),
                       W("x.unsqueeze(0).pow(torch.tensor([[1], [2], [3]]))", "xx_transposed", n=n)])  # fmt: skip


def relu_by_hand(rng: random.Random) -> Setup:
    a, b = rng.randint(2, 4), rng.randint(2, 5)
    return task(rng, {"h": T((a, b), "float")}, "h.clamp(min=0)",
                wrong=[W("h.abs()", "relu_abs", zero=0), W("h.clamp(max=0)", "relu_min_max", zero=0)])  # fmt: skip


def myrelu_backward(rng: random.Random) -> Setup:
    x, g = quarters(rng, 4), quarters(rng, 4)
    x[0], x[1] = abs(x[0]), -abs(x[1])
    tx, tg = torch.tensor(x), torch.tensor(g)
    code = (f"import torch\n\ninput = torch.tensor({x!r})\ngrad_output = torch.tensor({g!r})\n"
            "grad_input = grad_output.clone()\ngrad_input[input < 0] = 0  # MyReLU.backward")  # fmt: skip
    compute = lambda: tg.clone().masked_fill(tx < 0, 0)  # noqa: E731
    return program(code, compute, show="grad_input",
                   wrong=[W(answer_text(tg), "myrelu_pass", neg=int((tx < 0).sum())),
                          W(answer_text(tg.masked_fill(tx > 0, 0)), "myrelu_inverted", neg=int((tx < 0).sum()))])  # fmt: skip


def linear_poly_params(rng: random.Random) -> Setup:
    k = rng.randint(2, 6)
    code = (f"import torch\n\nmodel = torch.nn.Sequential(torch.nn.Linear({k}, 1), torch.nn.Flatten(0, 1))\n"
            "n = sum(p.numel() for p in model.parameters())")  # fmt: skip
    compute = lambda: sum(p.numel() for p in nn.Linear(k, 1).parameters())  # noqa: E731
    return program(code, compute, show="n", params={"k": k},
                   wrong=[W(str(k), "poly_bias", k=k), W(str(2 * k), "poly_params_out", k=k)])  # fmt: skip


def legendre(rng: random.Random) -> Setup:
    x = rng.choice([-1.0, -0.5, 0.5, 1.0, 1.5, 2.0])
    code = f"import torch\n\nx = torch.tensor({x})\np3 = 0.5 * (5 * x ** 3 - 3 * x)  # LegendrePolynomial3.forward"
    compute = lambda: 0.5 * (5 * torch.tensor(x) ** 3 - 3 * torch.tensor(x))  # noqa: E731
    return program(code, compute, show="p3",
                   wrong=[W(f"{5 * x**3 - 3 * x:g}", "legendre_half", x=x),
                          W(f"{0.5 * (5 * x**3 + 3 * x):g}", "legendre_sign", x=x)])  # fmt: skip


SAVING_EXAMPLES = [
    Exercise("save_load.sd_missing", "state_dict", sd_missing),
    Exercise("save_load.sd_unexpected", "state_dict", sd_unexpected),
    Exercise("save_load.sd_renamed", "state_dict", sd_renamed),
    Exercise("save_load.sd_len", "value", sd_len),
    Exercise("save_load.sd_shape", "shape", sd_shape),
    Exercise("save_load.sd_bytes", "value", sd_bytes),
    Exercise("save_load.eval_dropout", "value", eval_dropout),
    Exercise("save_load.dropout_scale", "value", dropout_scale),
    Exercise("examples.poly_value", "value", poly_value),
    Exercise("examples.poly_grad", "value", poly_grad),
    Exercise("examples.xx_shape", "shape", xx_shape),
    Exercise("examples.xx_expr", "expression", xx_expr),
    Exercise("examples.relu_by_hand", "expression", relu_by_hand),
    Exercise("examples.myrelu_backward", "value", myrelu_backward),
    Exercise("examples.linear_poly_params", "value", linear_poly_params),
    Exercise("examples.legendre", "value", legendre),
]
