"""Exercises for Model layers and Training: output shapes, parameters, misfits, losses, a run."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812
from torch import nn

from playground.exercises.build import (
    T,
    answer_text,
    ask,
    layer_shape,
    mistake_values,
    program,
    quarters,
    shape_text,
    task,
)
from playground.exercises.build import mistake as W  # noqa: N812 (reads as a constructor)
from playground.exercises.spec import Exercise, Setup, print_or_raises

__all__ = ["LAYERS_TRAINING"]


# ---- layers ----------------------------------------------------------------------------------


def linear_out(rng: random.Random) -> Setup:
    n, a, b = rng.sample(range(2, 9), 3)
    return layer_shape(
        f"nn.Linear({a}, {b})",
        lambda: nn.Linear(a, b),
        (n, a),
        wrong=[
            W(shape_text(n, a), "linear_in", n=n, a=a, b=b),
            W(shape_text(b, a), "linear_weight", n=n, a=a, b=b),
        ],
    )


def linear_raises(rng: random.Random) -> Setup:
    n, a, b = rng.sample(range(2, 9), 3)
    # (n, b) and (n, a + 1) coincide when b == a + 1: the weight's shape is a third guess
    return layer_shape(f"nn.Linear({a}, {b})", lambda: nn.Linear(a, b), (n, a + 1),
                       wrong=[W(t, "linear_mismatch", a=a, a1=a + 1)
                              for t in (shape_text(n, b), shape_text(n, a + 1), shape_text(b, a))])  # fmt: skip


def conv_out(rng: random.Random) -> Setup:
    c, k, s, h = (
        rng.randint(1, 3),
        rng.choice([4, 6, 8]),
        rng.choice([3, 5]),
        rng.choice([8, 10, 12]),
    )
    return layer_shape(f"nn.Conv2d({c}, {k}, {s})", lambda: nn.Conv2d(c, k, s), (2, c, h, h),
                       wrong=[W(shape_text(2, k, h, h), "conv_same", s=s, h=h, out=h - s + 1),
                              W(shape_text(2, c, h - s + 1, h - s + 1), "conv_channels", c=c, k=k, out=h - s + 1)])  # fmt: skip


def conv_pad(rng: random.Random) -> Setup:
    s, p, h = rng.choice([3, 5]), rng.choice([1, 2]), rng.choice([8, 10])
    out = h - s + 2 * p + 1
    return layer_shape(f"nn.Conv2d(1, 4, {s}, padding={p})", lambda: nn.Conv2d(1, 4, s, padding=p),
                       (2, 1, h, h), wrong=[W(shape_text(2, 4, h - s + 1, h - s + 1), "pad_ignored", s=s, p=p, h=h, out=out),
                                            W(shape_text(2, 4, out + 1, out + 1), "pad_plus_one", s=s, p=p, h=h, out=out)])  # fmt: skip


def pool_out(rng: random.Random) -> Setup:
    c, h, w = rng.randint(2, 4), rng.choice([6, 8, 10]), rng.choice([4, 12])
    return layer_shape("nn.MaxPool2d(2)", lambda: nn.MaxPool2d(2), (1, c, h, w),
                       wrong=[W(shape_text(1, c, h - 1, w - 1), "pool_stride", h=h, w=w, h2=h // 2, w2=w // 2),
                              W(shape_text(1, c // 2 or 1, h, w), "pool_channels", c=c)])  # fmt: skip


def flatten_out(rng: random.Random) -> Setup:
    n, c, h = rng.randint(2, 4), rng.randint(2, 3), rng.randint(2, 5)
    return layer_shape("nn.Flatten()", nn.Flatten, (n, c, h, h),
                       wrong=[W(shape_text(n * c * h * h), "flatten_batch", n=n, chw=c * h * h),
                              W(shape_text(n, c, h * h), "flatten_all", c=c, h=h, chw=c * h * h)])  # fmt: skip


def _params_code(call: str) -> str:
    return f"import torch\nfrom torch import nn\n\nlayer = {call}\nn = sum(p.numel() for p in layer.parameters())"


def linear_params(rng: random.Random) -> Setup:
    a, b = rng.sample(range(2, 30), 2)
    compute = lambda: sum(p.numel() for p in nn.Linear(a, b).parameters())  # noqa: E731
    return program(_params_code(f"nn.Linear({a}, {b})"), compute, show="n", params={"a": a, "b": b, "ab": a * b},
                   wrong=[W(str(a * b), "params_bias", a=a, b=b, ab=a * b),
                          W(str(a * b + a), "params_bias_in", a=a, b=b)])  # fmt: skip


def conv_params(rng: random.Random) -> Setup:
    c, k, s = rng.randint(1, 3), rng.choice([4, 6, 8]), rng.choice([3, 5])
    compute = lambda: sum(p.numel() for p in nn.Conv2d(c, k, s).parameters())  # noqa: E731
    return program(_params_code(f"nn.Conv2d({c}, {k}, {s})"), compute, show="n",
                   params={"c": c, "k": k, "s": s, "w": c * k * s * s},
                   wrong=[W(str(c * k * s * s), "conv_bias", c=c, k=k, s=s, w=c * k * s * s),
                          W(str(k * s * s + k), "conv_in", c=c, k=k, s=s)])  # fmt: skip


def _fix(
    specs: list, at: int, input_shape: tuple[int, ...], answer: str, wrong: list[str]
) -> Setup:
    from playground.layers.models import LayerSpec, check_model

    good = list(specs)
    good[at] = LayerSpec.of(specs[at].kind, *(int(v) for v in answer.split(",")))
    out = check_model(good, input_shape, batch=2).output_shape
    lines = ",\n    ".join(s.call() for s in specs)
    code = (f"import torch\nfrom torch import nn\n\nmodel = nn.Sequential(\n    {lines},\n)\n"
            f"x = torch.zeros(2, *{input_shape})")  # fmt: skip

    def compute(_names: Mapping[str, Any]) -> Any:
        return check_model(specs, input_shape, batch=2)

    extra = {"specs": specs, "at": at, "input_shape": input_shape, "output_shape": out}
    fixed = ",\n    ".join(s.call() for s in good)
    script = (
        f"{code}\n{print_or_raises('', 'tuple(model(x).shape)')}\n"
        f"# The fix: layer {at + 1} becomes {good[at].call()}\n"
        f"model = nn.Sequential(\n    {fixed},\n)\nprint(tuple(model(x).shape))\n"
    )
    return Setup(code, answer, compute, script, wrong=tuple(wrong), extra=extra,
                 params={**mistake_values(wrong), "layer": at + 1, "kind": specs[at].kind})  # fmt: skip


def fix_linear(rng: random.Random) -> Setup:
    from playground.layers.models import LayerSpec

    h, hidden = rng.choice([4, 5, 6, 7]), rng.choice([16, 32])
    bad = h * h + rng.choice([-h, h, 1])
    specs = [LayerSpec.of("Flatten"), LayerSpec.of("Linear", bad, hidden), LayerSpec.of("ReLU"),
             LayerSpec.of("Linear", hidden, 10)]  # fmt: skip
    m = {"h": h, "hh": h * h}
    return _fix(specs, 1, (1, h, h), f"{h * h}, {hidden}",
                [W(f"{bad}, {hidden}", "fix_unchanged", **m), W(f"{h}, {hidden}", "fix_side", **m)])  # fmt: skip


def fix_conv(rng: random.Random) -> Setup:
    from playground.layers.models import LayerSpec

    c, k = rng.choice([1, 3]), rng.choice([4, 6])
    specs = [
        LayerSpec.of("Conv2d", c, k, 3),
        LayerSpec.of("ReLU"),
        LayerSpec.of("Conv2d", k + 2, 8, 3),
    ]
    m = {"c": c, "k": k}
    return _fix(specs, 2, (c, 10, 10), f"{k}, 8, 3",
                [W(f"{k + 2}, 8, 3", "fix_unchanged_conv", **m), W(f"{c}, 8, 3", "fix_input_channels", **m)])  # fmt: skip


# ---- training --------------------------------------------------------------------------------


def sgd_step(rng: random.Random) -> Setup:
    w, x, lr = quarters(rng, 3), quarters(rng, 3), rng.choice([0.5, 0.25, 0.1])

    def compute() -> torch.Tensor:
        wt = torch.tensor(w, requires_grad=True)
        (wt * torch.tensor(x)).sum().backward()
        with torch.no_grad():
            wt -= lr * wt.grad  # type: ignore[operator]
        return wt.detach()

    code = (f"import torch\n\nw = torch.tensor({w!r}, requires_grad=True)\nx = torch.tensor({x!r})\n"
            f"loss = (w * x).sum()\nloss.backward()\nwith torch.no_grad():\n    w -= {lr} * w.grad")  # fmt: skip
    tw, tx = torch.tensor(w), torch.tensor(x)
    return program(code, compute, show="w.detach()", params={"lr": lr},
                   wrong=[W(answer_text(tw + lr * tx), "sgd_sign", lr=lr),
                          W(answer_text(tw - tx), "sgd_lr", lr=lr)])  # fmt: skip


def ce_uniform(rng: random.Random) -> Setup:
    k, j = rng.randint(2, 10), 0
    j = rng.randint(0, k - 1)
    code = f"import torch\nimport torch.nn.functional as F\n\nlogits = torch.zeros(1, {k})\nloss = F.cross_entropy(logits, torch.tensor([{j}]))"
    compute = lambda: F.cross_entropy(torch.zeros(1, k), torch.tensor([j]))  # noqa: E731
    m = {"k": k, "loss": answer_text(compute())}
    return program(code, compute, show="loss", params={"k": k},
                   wrong=[W(f"{1 / k:g}", "ce_probability", **m), W("0", "ce_zero", **m)])  # fmt: skip


def accuracy_value(rng: random.Random) -> Setup:
    n, k = 4, 3
    spec = {"logits": T((n, k), "float"), "y": T((n,), "label", hi=k)}

    def wrong(r: Any, t: dict[str, torch.Tensor]) -> list[str]:
        right = (t["logits"].argmax(dim=1) == t["y"]).float()
        m = {"right": int(right.sum()), "n": n}
        count = (
            W(str(m["right"]), "accuracy_count", **m)
            if m["right"] > 1
            else W("4", "accuracy_all", **m)
        )
        return [count, W(f"{1 - float(right.mean()):g}", "accuracy_error", **m)]

    return ask(rng, spec, "(logits.argmax(dim=1) == y).float().mean()", shape=False, wrong=wrong)


def mse_value(rng: random.Random) -> Setup:
    spec = {"pred": T((4,), lo=0, hi=5), "target": T((4,), lo=0, hi=5)}

    def wrong(r: Any, t: dict[str, torch.Tensor]) -> list[str]:
        d = (t["pred"] - t["target"]).float()
        m = {"sum": f"{float((d**2).sum()):g}", "l1": f"{float(d.abs().mean()):g}"}
        return [W(m["sum"], "mse_sum", **m), W(m["l1"], "mse_abs", **m)]

    return ask(rng, spec, "F.mse_loss(pred.float(), target.float())", shape=False, wrong=wrong)


def softmax_sum(rng: random.Random) -> Setup:
    n = rng.randint(2, 4)
    return ask(rng, {"logits": T((n, 3), "float")}, "F.softmax(logits, dim=1).sum(dim=1)", params={"n": n},
               shape=False, wrong=lambda r, t: [W(answer_text(t["logits"].sum(dim=1)), "softmax_logits", n=n),
                                                W("1", "softmax_rows", n=n)])  # fmt: skip


def predict_class(rng: random.Random) -> Setup:
    n, k = rng.randint(3, 6), rng.randint(3, 5)
    return task(rng, {"logits": T((n, k), "float")}, "logits.argmax(dim=1)",
                wrong=[W("logits.argmax(dim=0)", "argmax_columns", n=n, k=k),
                       W("logits.argmax()", "argmax_flat", n=n, k=k, nk=n * k)])  # fmt: skip


def accuracy_expr(rng: random.Random) -> Setup:
    n, k = rng.randint(5, 8), rng.randint(3, 4)
    spec = {"logits": T((n, k), "float"), "y": T((n,), "label", hi=k)}
    return task(rng, spec, "(logits.argmax(dim=1) == y).float().mean()",
                wrong=[W("(logits.argmax(dim=1) == y).sum()", "accuracy_sum", n=n),
                       W("(logits.argmax(dim=0) == y).float().mean()", "accuracy_dim0", k=k)])  # fmt: skip


def reach_target(rng: random.Random) -> Setup:
    from playground.exercises.target import TARGET, target_script, train_for_target

    seed = rng.randrange(1000)
    params: dict[str, object] = {**TARGET, "seed": seed}
    compute = lambda names: train_for_target(seed=seed, **dict(names))  # noqa: E731
    return Setup(
        question="", answer="Adam, 0.001", compute=compute, script=target_script(seed),
        wrong=("SGD, 0.0001", "SGD, 10.0"), params=params,
    )  # fmt: skip


LAYERS_TRAINING = [
    Exercise("layers.linear_out", "shape", linear_out),
    Exercise("layers.linear_raises", "shape", linear_raises),
    Exercise("layers.conv_out", "shape", conv_out),
    Exercise("layers.conv_pad", "shape", conv_pad),
    Exercise("layers.pool_out", "shape", pool_out),
    Exercise("layers.flatten_out", "shape", flatten_out),
    Exercise("layers.linear_params", "value", linear_params),
    Exercise("layers.conv_params", "value", conv_params),
    Exercise("layers.fix_linear", "fix_model", fix_linear),
    Exercise("layers.fix_conv", "fix_model", fix_conv),
    Exercise("training.sgd_step", "value", sgd_step),
    Exercise("training.ce_uniform", "value", ce_uniform),
    Exercise("training.accuracy_value", "value", accuracy_value),
    Exercise("training.mse_value", "value", mse_value),
    Exercise("training.softmax_sum", "value", softmax_sum),
    Exercise("training.predict_class", "expression", predict_class),
    Exercise("training.accuracy_expr", "expression", accuracy_expr),
    Exercise("training.reach_target", "target", reach_target),
]
