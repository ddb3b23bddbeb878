"""Find the bug: a short training script with one bug. The learner names a line of its
training loop and writes that line as it should be; the edited script then runs for real and
must print what the fixed script prints.

Typed text is never run as Python. Each statement of the edited line is parsed and run by a
small interpreter: an assignment of a tensor expression (the safe evaluator of
:mod:`playground.core.expr`, optionally through ``model(...)``), or one of a training loop's
calls (``optimizer.zero_grad()``, ``optimizer.step()``, ``model.train()``, ``model.eval()``,
``<tensor>.backward()``). The same interpreter runs the script's own lines, so the page's
numbers are the script's (the tests run the script in a fresh Python and compare).

A run is small and fixed (64 samples, 4 epochs of 4 batches); the same script with the same
edit runs once per server and is shared: a class that types the same fix runs it once.
"""

from __future__ import annotations

import ast
import functools
import threading
import warnings
from dataclasses import dataclass, replace
from typing import Any

import torch
from torch import nn

from playground.core.errors import ExpressionError, PlaygroundError
from playground.core.expr import evaluate
from playground.core.expr_checks import syntax_error
from playground.core.parsing import parse_statements
from playground.core.rng import seeded
from playground.exercises.spec import RAISES, first_line

__all__ = [
    "EPOCHS",
    "MAX_LINE_CHARS",
    "Loop",
    "Run",
    "canonical_line",
    "run_loop",
    "same_run",
]

EPOCHS, SAMPLES, BATCH = 4, 64, 16
MAX_LINE_CHARS, MAX_STATEMENTS = 200, 3
# The script's own names: an edit may read them, never rebind them.
_PROTECTED = frozenset(
    {"model", "optimizer", "batches", "torch", "F", "nn", "epoch", "x_all", "y_all"}
)
# obj.method(...) calls a line may make, and the keyword arguments each accepts.
_CALLS = {
    ("optimizer", "zero_grad"): {"set_to_none"},
    ("optimizer", "step"): set(),
    ("model", "zero_grad"): {"set_to_none"},
    ("model", "train"): {"mode"},
    ("model", "eval"): set(),
}

_HEAD = {
    "classify": (
        "x_all = torch.randn({n}, 4)",
        "y_all = (x_all[:, 0] > 0).long() + (x_all[:, 1] > 0.5).long()  # classes 0, 1, 2",
        "batches = list(zip(x_all.split({b}), y_all.split({b})))",
        "model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3))",
    ),
    "regress": (
        "x_all = torch.randn({n}, 3)",
        "y_all = x_all @ torch.tensor([1.5, -2.0, 0.5]) + 0.3  # shape ({n},)",
        "batches = list(zip(x_all.split({b}), y_all.split({b})))",
        "model = nn.Linear(3, 1)",
    ),
}
_TAIL = {
    "classify": (
        "    model.eval()",
        "    with torch.no_grad():",
        "        accuracy = (model(x_all).argmax(dim=1) == y_all).float().mean().item()",
        '    print(f"epoch {epoch}: loss {loss.item():.4f}, accuracy {accuracy:.4f}")',
    ),
    "regress": (
        "    with torch.no_grad():",
        "        mse = F.mse_loss(model(x_all).squeeze(1), y_all).item()",
        '    print(f"epoch {epoch}: loss {loss.item():.4f}, mse {mse:.4f}")',
    ),
}
_METRIC = {"classify": "accuracy", "regress": "mse"}


@dataclass(frozen=True)
class Loop:
    """A training script: its task, seed and learning rate, and the editable lines of its
    epoch loop (``pre``, before the batch loop) and of its batch loop (``body``)."""

    task: str
    seed: int
    lr: float
    pre: tuple[str, ...]
    body: tuple[str, ...]

    def lines(self) -> list[str]:
        head = [line.format(n=SAMPLES, b=BATCH) for line in _HEAD[self.task]]
        return [
            "import torch",
            "import torch.nn.functional as F",
            "from torch import nn",
            "",
            f"torch.manual_seed({self.seed})",
            *head,
            f"optimizer = torch.optim.SGD(model.parameters(), lr={self.lr})",
            "",
            f"for epoch in range({EPOCHS}):",
            *(f"    {line}" for line in self.pre),
            "    for x, y in batches:",
            *(f"        {line}" for line in self.body),
            *_TAIL[self.task],
        ]

    def script(self) -> str:
        return "\n".join(self.lines()) + "\n"

    def editable(self) -> dict[int, str]:
        """The loop's lines a learner may name, by their 1-based number in the script."""
        first = self.lines().index(f"for epoch in range({EPOCHS}):") + 2
        numbers = [first + k for k in range(len(self.pre))]
        start = first + len(self.pre) + 1
        numbers += [start + k for k in range(len(self.body))]
        return dict(zip(numbers, (*self.pre, *self.body), strict=True))

    def edited(self, line: int, text: str) -> Loop:
        """This loop with line number ``line`` replaced by ``text``."""
        numbers = list(self.editable())
        if line not in numbers:
            raise ExpressionError("err.xq.bug_line", line=line)
        k = numbers.index(line)
        if k < len(self.pre):
            return replace(self, pre=(*self.pre[:k], text, *self.pre[k + 1 :]))
        k -= len(self.pre)
        return replace(self, body=(*self.body[:k], text, *self.body[k + 1 :]))


@dataclass(frozen=True)
class Run:
    """What the script printed, epoch by epoch, and the error it stopped at, if any."""

    task: str
    epochs: tuple[tuple[float, float], ...]
    error: str | None = None
    warnings: tuple[str, ...] = ()  # what PyTorch warned on stderr, once each

    def printed(self) -> str:
        metric = _METRIC[self.task]
        lines = [
            f"epoch {e}: loss {loss:.4f}, {metric} {value:.4f}"
            for e, (loss, value) in enumerate(self.epochs)
        ]
        if self.error is not None:
            lines.append(f"{RAISES}: {self.error}")
        return "\n".join(lines)


def same_run(a: Run, b: Run) -> bool:
    """The same numbers, epoch by epoch (a fix spelt another way may differ in float noise)."""
    if a.error is not None or b.error is not None or len(a.epochs) != len(b.epochs):
        return False
    return all(
        abs(x - y) <= 1e-3
        for ea, eb in zip(a.epochs, b.epochs, strict=True)
        for x, y in zip(ea, eb, strict=True)
    )


def canonical_line(text: str) -> str:
    """The typed line, checked statement by statement and rebuilt from its syntax tree."""
    text = (text or "").strip()
    if not text:
        raise ExpressionError("err.xq.bug_empty")
    if len(text) > MAX_LINE_CHARS:
        raise ExpressionError("err.xq.too_long", n=len(text), max_chars=MAX_LINE_CHARS)
    statements = _parse(text)
    for statement in statements:
        _check(statement)
    return "; ".join(ast.unparse(s) for s in statements)


def _parse(text: str) -> list[ast.stmt]:
    try:
        body = parse_statements(text).body
    except SyntaxError as err:
        raise syntax_error(err) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("err.expr.expression_valid_python") from None
    if not body or len(body) > MAX_STATEMENTS:
        raise ExpressionError("err.xq.bug_statement")
    return body


def _check(node: ast.stmt) -> None:
    """Refuse, before anything runs, a statement the interpreter does not run."""
    if isinstance(node, ast.Pass):
        return
    if isinstance(node, ast.Assign) and len(node.targets) == 1:
        target = node.targets[0]
        if not isinstance(target, ast.Name):
            raise ExpressionError("err.xq.bug_statement")
        if target.id in _PROTECTED or target.id.startswith("_"):
            raise ExpressionError("err.xq.bug_name", name=target.id)
        inner = node.value.args if _is_model_call(node.value) else [node.value]  # type: ignore[attr-defined]
        if any(_is_model_call(n) for arg in inner for n in ast.walk(arg)):
            raise ExpressionError("err.xq.bug_model")  # model(...) only as a whole right side
        return
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        call, func = node.value, node.value.func
        if isinstance(func, ast.Attribute) and func.attr == "backward":
            if not call.args and not call.keywords:
                return
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            allowed = _CALLS.get((func.value.id, func.attr))
            if allowed is not None and _literal_args(call, allowed) is not None:
                return
    raise ExpressionError("err.xq.bug_statement")


def _literal_args(call: ast.Call, allowed: set[str]) -> tuple[list, dict] | None:
    """``model.train(False)``, ``optimizer.zero_grad(set_to_none=True)``: constants only."""
    if len(call.args) > (1 if "mode" in allowed else 0):
        return None
    args = [a.value for a in call.args if isinstance(a, ast.Constant)]
    kwargs = {k.arg: k.value.value for k in call.keywords if isinstance(k.value, ast.Constant)}
    if len(args) != len(call.args) or len(kwargs) != len(call.keywords):
        return None
    if set(kwargs) - allowed or not all(isinstance(v, bool) for v in (*args, *kwargs.values())):
        return None
    return args, kwargs


class _StopError(Exception):
    """The script stopped where Python would have: the first line of PyTorch's error."""


def _execute(node: ast.stmt, names: dict[str, Any], model: nn.Module, optimizer: Any) -> None:
    if isinstance(node, ast.Pass):
        return
    if isinstance(node, ast.Assign):
        names[node.targets[0].id] = _value(node.value, names, model)  # type: ignore[attr-defined]
        return
    call = node.value  # type: ignore[attr-defined]
    func = call.func
    if func.attr == "backward":
        tensor = _value(func.value, names, model)
        if not isinstance(tensor, torch.Tensor):
            raise _StopError(f"'{type(tensor).__name__}' object has no attribute 'backward'")
        _torch(tensor.backward)
        return
    args, kwargs = _literal_args(call, _CALLS[(func.value.id, func.attr)])  # type: ignore[misc]
    owner = model if func.value.id == "model" else optimizer
    getattr(owner, func.attr)(*args, **kwargs)


def _is_model_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "model"
    )


def _value(node: ast.expr, names: dict[str, Any], model: nn.Module) -> Any:
    if isinstance(node, ast.Call) and _is_model_call(node):
        if len(node.args) != 1 or node.keywords:
            raise ExpressionError("err.xq.bug_model")
        return _torch(lambda: model(_value(node.args[0], names, model)))
    try:
        return evaluate(ast.unparse(node), names, max_elements=1 << 14)
    except PlaygroundError as err:
        if err.torch_message is None:
            raise  # refused before it ran: the learner's text, not the script's behaviour
        raise _StopError(first_line(err)) from None


def _torch(thunk: Any) -> Any:
    try:
        return thunk()
    except PlaygroundError:
        raise  # the evaluator refused the learner's text inside model(...): not a run
    except (RuntimeError, ValueError, TypeError, AttributeError) as err:
        raise _StopError(first_line(err)) from None


_RUNS = threading.Lock()


def run_loop(loop: Loop) -> Run:
    """Run the script for real, line by line, as Python would (shared: read-only).

    One lock around the cache: a class opening the same variant at once waits for the first
    run instead of each missing the cache and running it again (runs are serialised by the
    seeded generator's lock anyway)."""
    with _RUNS:
        return _run_loop(loop)


@functools.lru_cache(maxsize=512)
def _run_loop(loop: Loop) -> Run:
    pre = [_parse(line) for line in loop.pre]
    body = [_parse(line) for line in loop.body]
    for statement in (s for line in (*pre, *body) for s in line):
        _check(statement)
    epochs: list[tuple[float, float]] = []
    with warnings.catch_warnings(record=True) as caught, seeded(loop.seed):
        warnings.simplefilter("always")
        x_all, y_all, model = _data_and_model(loop.task)
        optimizer = torch.optim.SGD(model.parameters(), lr=loop.lr)
        names: dict[str, Any] = {"x_all": x_all, "y_all": y_all}
        error: str | None = None
        try:
            for _ in range(EPOCHS):
                for line in pre:
                    for statement in line:
                        _execute(statement, names, model, optimizer)
                for x, y in zip(x_all.split(BATCH), y_all.split(BATCH), strict=True):
                    names.update(x=x, y=y)
                    for line in body:
                        for statement in line:
                            _execute(statement, names, model, optimizer)
                epochs.append(_epoch_end(loop.task, names, model, x_all, y_all))
        except _StopError as stop:
            error = str(stop)
    said = tuple(dict.fromkeys(f"{w.category.__name__}: {w.message}" for w in caught))
    return Run(loop.task, tuple(epochs), error, said)


run_loop.cache_info = _run_loop.cache_info  # type: ignore[attr-defined]


def _data_and_model(task: str) -> tuple[torch.Tensor, torch.Tensor, nn.Module]:
    """The script's first lines, in its order of draws from the seeded generator."""
    if task == "classify":
        x_all = torch.randn(SAMPLES, 4)
        y_all = (x_all[:, 0] > 0).long() + (x_all[:, 1] > 0.5).long()
        model: nn.Module = nn.Sequential(
            nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 3)
        )
        return x_all, y_all, model
    x_all = torch.randn(SAMPLES, 3)
    return x_all, x_all @ torch.tensor([1.5, -2.0, 0.5]) + 0.3, nn.Linear(3, 1)


def _epoch_end(task: str, names: dict[str, Any], model: nn.Module, x_all, y_all) -> tuple:
    if "loss" not in names:
        raise _StopError("name 'loss' is not defined")
    loss = _torch(names["loss"].item)  # what the print line does; it may raise
    if task == "classify":
        model.eval()
        with torch.no_grad():
            metric = (model(x_all).argmax(dim=1) == y_all).float().mean().item()
    else:
        with torch.no_grad():
            metric = torch.nn.functional.mse_loss(model(x_all).squeeze(1), y_all).item()
    return loss, metric
