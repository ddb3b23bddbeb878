"""Find the bug: six short training scripts, each with the bug that bites real learners.

Each variant has its own seed and learning rate. The reference fix is one edited line; the
grader runs any edit for real and compares what it prints with the fixed script's output,
so every correct spelling of the fix counts (``dim=1`` or ``dim=-1``, ``squeeze(1)`` or
``view(-1)``)."""

from __future__ import annotations

import random

from playground.exercises.bugs import Loop, run_loop
from playground.exercises.spec import Exercise, Setup

__all__ = ["BUGS"]

_STEP = ("logits = model(x)", "loss = F.cross_entropy(logits, y)", "loss.backward()",
         "optimizer.step()")  # fmt: skip
_BODY = ("optimizer.zero_grad()", *_STEP)


def _bug(
    rng: random.Random,
    *,
    task: str = "classify",
    pre: tuple[str, ...] = ("model.train()",),
    body: tuple[str, ...] = _BODY,
    buggy: dict[str, tuple[str, ...]],
    fix: tuple[int, str],
    wrong: list[tuple[int, str]],
) -> Setup:
    """``fix`` and ``wrong`` name a line by its index among the buggy loop's editable lines."""
    seed, lr = rng.randint(0, 999), rng.choice([0.1, 0.2, 0.3])
    fixed = Loop(task, seed, lr, pre, body)
    loop = Loop(task, seed, lr, buggy.get("pre", pre), buggy.get("body", body))
    numbers = list(loop.editable())
    answer = (numbers[fix[0]], fix[1])
    wrong_answers = [(numbers[k], text) for k, text in wrong]
    bug_line = numbers[fix[0]]
    return Setup(
        question=loop.script().rstrip(),
        answer=f"{answer[0]}: {answer[1]}",
        compute=lambda _names: run_loop(fixed).printed(),
        script=fixed.script(),
        wrong=tuple(repr(w) for w in wrong_answers),
        params={"line": bug_line, "fix": answer[1], "seed": seed, "lr": lr},
        extra={"loop": loop, "fixed": fixed, "answer": answer, "wrong": wrong_answers},
    )


def zero_grad(rng: random.Random) -> Setup:
    return _bug(rng, buggy={"body": _STEP}, fix=(1, "optimizer.zero_grad(); logits = model(x)"),
                wrong=[(1, "logits = model(x)"), (3, "loss.backward(); optimizer.zero_grad()")])  # fmt: skip


def eval_mode(rng: random.Random) -> Setup:
    return _bug(rng, buggy={"pre": ()}, fix=(0, "model.train(); optimizer.zero_grad()"),
                wrong=[(0, "optimizer.zero_grad()"), (0, "model.eval(); optimizer.zero_grad()")])  # fmt: skip


def softmax_dim(rng: random.Random) -> Setup:
    line = "loss = F.nll_loss(torch.log_softmax(logits, dim={}), y)"
    body = ("optimizer.zero_grad()", "logits = model(x)", line.format(1), *_STEP[2:])
    buggy = (*body[:2], line.format(0), *body[3:])
    return _bug(rng, body=body, buggy={"body": buggy}, fix=(3, line.format(1)),
                wrong=[(3, line.format(0)), (3, "loss = F.nll_loss(torch.softmax(logits, dim=1), y)")])  # fmt: skip


def target_dtype(rng: random.Random) -> Setup:
    buggy = (*_BODY[:2], "loss = F.cross_entropy(logits, y.float())", *_BODY[3:])
    return _bug(rng, buggy={"body": buggy}, fix=(3, "loss = F.cross_entropy(logits, y)"),
                wrong=[(3, buggy[2]), (3, "loss = F.cross_entropy(logits.float(), y.float())")])  # fmt: skip


def detached(rng: random.Random) -> Setup:
    buggy = (*_BODY[:2], "loss = F.cross_entropy(logits.detach(), y)", *_BODY[3:])
    return _bug(rng, buggy={"body": buggy}, fix=(3, "loss = F.cross_entropy(logits, y)"),
                wrong=[(3, buggy[2]), (3, "loss = F.cross_entropy(logits, y).detach()")])  # fmt: skip


def mse_broadcast(rng: random.Random) -> Setup:
    line = "loss = F.mse_loss({}, y)"
    body = ("optimizer.zero_grad()", "pred = model(x)", line.format("pred.squeeze(1)"),
            "loss.backward()", "optimizer.step()")  # fmt: skip
    buggy = (*body[:2], line.format("pred"), *body[3:])
    return _bug(rng, task="regress", pre=(), body=body, buggy={"body": buggy},
                fix=(2, line.format("pred.squeeze(1)")),
                wrong=[(2, line.format("pred")), (2, "loss = F.mse_loss(pred, y.unsqueeze(0))")])  # fmt: skip


BUGS = [
    Exercise("training.bug_zero_grad", "find_bug", zero_grad),
    Exercise("training.bug_eval_mode", "find_bug", eval_mode),
    Exercise("training.bug_softmax_dim", "find_bug", softmax_dim),
    Exercise("training.bug_target_dtype", "find_bug", target_dtype),
    Exercise("training.bug_detached", "find_bug", detached),
    Exercise("training.bug_mse_broadcast", "find_bug", mse_broadcast),
]
