"""The checks the evaluator runs around every value and call: sizes on ``meta`` first.

A call first runs on the ``meta`` device, so an oversized result is refused before any
memory is allocated; PyTorch's own errors become :class:`ExpressionError` with its text.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Callable, Iterable
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - the tutorial's own alias

from playground.core.budget import Cost, numel
from playground.core.errors import ExpressionError, PlaygroundError
from playground.core.expr_table import (
    _CONSTANTS,
    _SAFE_SCALARS,
    DTYPES,
    F_FUNCTIONS,
    MAX_INT,
    MAX_POWER,
    TORCH_FUNCTIONS,
    _Function,
    _Namespace,
)
from playground.core.i18n import Code


# -- helpers -------------------------------------------------------------------
def _namespace_attribute(owner: _Namespace, attr: str) -> Any:
    if owner.name == "torch":
        if attr in TORCH_FUNCTIONS:
            return _Function("torch", attr, getattr(torch, attr))
        if attr in DTYPES:
            return DTYPES[attr]
        if attr in _CONSTANTS:
            return _CONSTANTS[attr]
    elif attr in F_FUNCTIONS:
        return _Function("F", attr, getattr(F, attr))
    known = [*TORCH_FUNCTIONS, *DTYPES, *_CONSTANTS] if owner.name == "torch" else F_FUNCTIONS
    guess = suggestion(attr, known)
    if guess:
        raise ExpressionError(
            "err.expr.did_you_mean", wrong=f"{owner.name}.{attr}", right=f"{owner.name}.{guess}"
        )
    raise ExpressionError("err.expr.name_attr_available", name=owner.name, attr=attr)


def suggestion(word: str, known: Iterable[str]) -> str | None:
    """The closest known name to a typo (``onse`` → ``ones``), or None.

    A guess differs in length by one letter at most, so ``foo`` does not become ``floor``.
    """
    near = [k for k in known if abs(len(k) - len(word)) <= 1]
    close = difflib.get_close_matches(word, near, n=1, cutoff=0.75)
    return close[0] if close else None


def _bounded_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
        raise ExpressionError("err.expr.whole_numbers_stay", len=len(str(value)))
    return value


def _check_exponent(node: ast.AST) -> None:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    value = node.value if isinstance(node, ast.Constant) else None
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if not ok or abs(value) > MAX_POWER:  # type: ignore[arg-type]
        raise ExpressionError("err.expr.exponent_number_between", max_power=MAX_POWER)


def _checked_value(value: object, name: str) -> object:
    if isinstance(value, (torch.Tensor, *_SAFE_SCALARS)):
        return value
    if isinstance(value, list | tuple) and all(
        isinstance(v, (torch.Tensor, *_SAFE_SCALARS)) for v in value
    ):
        return value
    raise ExpressionError("err.expr.name_holds_name", name=name, type_name=type(value).__name__)


def _require_data(value: Any) -> None:
    """Only data (tensors, numbers, dtypes, nested lists) may be passed to torch."""
    if isinstance(value, list | tuple):
        for item in value:
            _require_data(item)
    elif not isinstance(value, (torch.Tensor, *_SAFE_SCALARS)):
        raise ExpressionError("err.expr.functions_cannot_passed")


def _count_elements(value: Any) -> int:
    if isinstance(value, torch.Tensor):
        return value.numel()
    if isinstance(value, list | tuple) and not isinstance(value, torch.Size):
        return sum(_count_elements(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        _bounded_number(value)
    return 0


def _call_torch(thunk: Callable[[], Any], label: str) -> Any:
    """Run real work, turning any failure into an ExpressionError with PyTorch's text."""
    try:
        return thunk()
    except PlaygroundError:
        raise
    except torch.cuda.OutOfMemoryError:
        raise ExpressionError("err.expr.label_device_ran", label=label) from None
    except ZeroDivisionError:
        raise ExpressionError("err.expr.label_division_zero", label=label) from None
    except (OverflowError, MemoryError):
        raise ExpressionError("err.expr.label_numbers_too", label=label) from None
    except Exception as err:
        raise _as_expression_error(err, label) from None


_MATMULS = frozenset({"__matmul__", "matmul", "mm", "bmm", "mv", "dot"})


def matmul_mismatch(name: str, args: list[Any], err: PlaygroundError) -> PlaygroundError:
    """PyTorch's "mat1 and mat2 shapes cannot be multiplied (3x4 and 5x6)" in plain words:
    which inner sizes differ. Any other failure (batch sizes, dtypes) keeps PyTorch's text."""
    tensors = [a for a in args if isinstance(a, torch.Tensor)]
    if name not in _MATMULS or len(tensors) != 2 or min(t.dim() for t in tensors) == 0:
        return err
    a, b = tensors
    inner = b.shape[-2] if b.dim() >= 2 else b.shape[0]
    if a.shape[-1] == inner:
        return err
    return ExpressionError(
        "err.expr.matmul_inner", a=Code(str(tuple(a.shape))), b=Code(str(tuple(b.shape))),
        k1=a.shape[-1], k2=inner, torch_message=getattr(err, "torch_message", None),
    )  # fmt: skip


def _as_expression_error(err: Exception, label: str) -> PlaygroundError:
    if isinstance(err, PlaygroundError):
        return err
    message = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    return ExpressionError(
        "err.expr.label_failed_message", label=label, message=message, torch_message=str(err)
    )


def missing_comma(node: ast.Call | ast.Subscript) -> ExpressionError | None:
    """``(3, 1) (1, 4)`` calls a tuple and ``[[1, 2] [3, 4]]`` indexes a list: a comma is
    missing between them. None for any other call or index."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Tuple | ast.List):
        left, right = node.func, "(" + ", ".join(ast.unparse(a) for a in node.args) + ")"
    elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Tuple | ast.List):
        items = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        left, right = node.value, "[" + ", ".join(ast.unparse(e) for e in items) + "]"
    else:
        return None
    text = ast.unparse(left)
    return ExpressionError(
        "err.expr.missing_comma", left=Code(text), fixed=Code(f"{text}, {right}")
    )


def syntax_error(err: SyntaxError) -> ExpressionError:
    """Python's complaint, in the page's language where we know it (a missing comma)."""
    if "comma" in (err.msg or ""):
        return ExpressionError("err.expr.comma_at", value=err.offset or "?")
    return ExpressionError("err.expr.valid_python_msg", msg=err.msg, value=err.offset or "?")


def _data_dependent_bound(name: str, args: list[Any], kwargs: dict[str, Any]) -> Cost:
    """An upper bound on a value-dependent op: every element selected, in every dimension."""
    tensors = [a for a in [*args, *kwargs.values()] if isinstance(a, torch.Tensor)]
    if not tensors:
        return Cost()
    try:
        shape = torch.broadcast_shapes(*(t.shape for t in tensors))
    except RuntimeError:
        shape = max((t.shape for t in tensors), key=numel)
    n = numel(shape)
    if name == "one_hot":
        classes = kwargs.get("num_classes", args[1] if len(args) > 1 else -1)
        if not isinstance(classes, int) or classes < 0:
            first = tensors[0]
            classes = int(first.max()) + 1 if first.numel() and not first.is_floating_point() else 1
        elements = n * max(classes, 1)
    else:
        elements = n * max(len(shape), 1)
    return Cost(elements, elements * 8, elements)


def fill_uninitialised(t: torch.Tensor) -> None:
    """What ``torch.utils.deterministic.fill_uninitialized_memory`` does: NaN, or the largest int.

    Otherwise ``torch.empty`` would show the bytes of whatever was freed last, on a
    server that other learners share.
    """
    with torch.no_grad():
        if t.is_floating_point() or t.is_complex():
            t.fill_(float("nan"))
        elif t.dtype == torch.bool:
            t.fill_(True)
        else:
            t.fill_(torch.iinfo(t.dtype).max)
