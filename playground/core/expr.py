"""Safe evaluation of the tensor code that learners type.

``evaluate("x @ w + b", {"x": x, "w": w, "b": b})`` walks Python's AST with a
whitelist. It never calls ``eval``, ``exec`` or ``compile`` on user text:

* only arithmetic, comparisons, literals, lists/tuples, subscripts, slices and keywords;
* calls are limited to a table of ``torch`` / ``F`` functions and of tensor
  methods and attributes; nothing starting with ``_`` is ever looked up;
* names resolve only to the mapping given, and no module object is handed out;
* every call and operator first runs on the ``meta`` device (shapes only, no
  memory), so a result over the element budget is refused before allocation.
"""

from __future__ import annotations

import ast
import dataclasses
import operator
import warnings
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

import torch

from playground.core.budget import Cost, Tally, check, measure
from playground.core.config import limits
from playground.core.errors import ExpressionError, PlaygroundError
from playground.core.expr_checks import (
    _as_expression_error,
    _bounded_number,
    _call_torch,
    _check_exponent,
    _checked_value,
    _count_elements,
    _data_dependent_bound,
    _namespace_attribute,
    _require_data,
    fill_uninitialised,
    matmul_mismatch,
    missing_comma,
    suggestion,
    syntax_error,
)
from playground.core.expr_table import (
    _BINOPS,
    _COMPARE,
    _FACTORIES,
    _RANDOM,
    _REFUSED_NODES,
    _RESULT_FIELDS,
    _SYMBOLS,
    _UNARY,
    _UNINITIALISED,
    MAX_DEPTH,
    TENSOR_ATTRIBUTES,
    TENSOR_METHODS,
    _Function,
    _Method,
    _Namespace,
)
from playground.core.i18n import Msg
from playground.core.parsing import parse_expression


def canonical_expression(text: str) -> str:
    """``text`` rebuilt from its syntax tree (``ast.unparse``): one expression, no comment,
    so a typed value can be shown inside a script without changing the script's structure."""
    try:
        return ast.unparse(parse_expression((text or "").strip()[:1000]))
    except (SyntaxError, ValueError, RecursionError, MemoryError) as err:
        raise (
            syntax_error(err)
            if isinstance(err, SyntaxError)
            else ExpressionError("err.expr.expression_valid_python")
        ) from None


def evaluate(
    text: str,
    names: Mapping[str, object] | None = None,
    *,
    device: torch.device | str | None = None,
    generator: torch.Generator | None = None,
    max_elements: int | None = None,
    shapes_checked: bool = False,
    tally: Tally | None = None,
) -> object:
    """Evaluate tensor code such as ``torch.ones(2, 3) @ w`` without ``eval``.

    ``torch`` and ``F`` (``torch.nn.functional``) are available as whitelisted
    namespaces; other names come only from ``names``. Factory functions create
    tensors on ``device``; random ones draw from ``generator`` when given.
    Raises :class:`ExpressionError` for anything refused or failing.

    ``shapes_checked=True`` skips the ``meta`` dry run, for re-running text that
    already passed it with inputs of the same shapes (a numerical gradient check
    changes values only). Every real result is still counted against the budget.
    ``tally`` adds this expression's cost to a running total (a whole program).
    """
    lim = limits()
    if not isinstance(text, str):
        raise ExpressionError("err.expr.expression_text")
    text = text.strip()
    if not text:
        raise ExpressionError("err.expr.expression_empty")
    if len(text) > lim.max_expr_chars:
        raise ExpressionError(
            "err.expr.expression_text_characters", text=len(text), max_expr_chars=lim.max_expr_chars
        )
    try:
        with (
            warnings.catch_warnings()
        ):  # "invalid decimal literal" etc. are the learner's, not ours
            warnings.simplefilter("ignore", SyntaxWarning)
            tree = parse_expression(text)
    except SyntaxError as err:
        raise syntax_error(err) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionError("err.expr.expression_valid_python") from None
    n_nodes = sum(1 for _ in ast.walk(tree))
    if n_nodes > lim.max_expr_nodes:
        raise ExpressionError(
            "err.expr.expression_n_nodes", n_nodes=n_nodes, max_expr_nodes=lim.max_expr_nodes
        )
    if max_elements:
        lim = dataclasses.replace(lim, max_elements=max_elements)
    walker = _Evaluator(
        dict(names or {}),
        device=torch.device(device) if device is not None else None,
        generator=generator,
        tally=tally or Tally(lim=lim),
    )
    walker.dry_run = not shapes_checked
    result = walker.visit(tree.body, 0)
    if isinstance(result, _Namespace | _Function | _Method):
        raise ExpressionError("err.expr.function_value_call")
    return result


class _Evaluator:
    def __init__(
        self,
        names: dict[str, object],
        *,
        device: torch.device | None,
        generator: torch.Generator | None,
        tally: Tally,
    ) -> None:
        for key, value in names.items():
            if (
                isinstance(value, ModuleType)
                or callable(value)
                and not isinstance(value, torch.Tensor)
            ):
                raise ExpressionError("err.expr.key_module_function", key=key)
        self.names = names
        self.device = device
        self.generator = generator
        self.tally = tally
        self.dry_run = True

    # -- dispatch ---------------------------------------------------------
    def visit(self, node: ast.AST, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ExpressionError("err.expr.expression_nested_too")
        refused = _REFUSED_NODES.get(type(node))
        if refused:
            raise ExpressionError("err.expr.capitalize_allowed", capitalize=refused.capitalize())
        handler = getattr(self, f"visit_{type(node).__name__}", None)
        if handler is None:
            raise ExpressionError("err.expr.name_syntax_allowed", type_name=type(node).__name__)
        return handler(node, depth + 1)

    def visit_Constant(self, node: ast.Constant, depth: int) -> Any:  # noqa: N802
        value = node.value
        if isinstance(value, bool | type(None) | type(Ellipsis)):
            return value
        if isinstance(value, int | float):
            return _bounded_number(value)
        kind = (
            "Text strings" if isinstance(value, str | bytes) else f"{type(value).__name__} values"
        )
        raise ExpressionError("err.expr.kind_allowed_use", kind=kind)

    def visit_Name(self, node: ast.Name, depth: int) -> Any:  # noqa: N802
        name = node.id
        if name.startswith("_"):
            raise ExpressionError("err.expr.names_starting_private", name=name)
        if name in self.names:
            return _checked_value(self.names[name], name)
        if name in ("torch", "F"):
            return _Namespace(name)
        guess = suggestion(name, [*self.names, "torch", "F"])
        if guess:
            raise ExpressionError("err.expr.did_you_mean", wrong=name, right=guess)
        if not self.names:
            raise ExpressionError("err.expr.unknown_name_only", name=name)
        known = ", ".join(sorted(self.names))
        raise ExpressionError("err.expr.unknown_name_name", name=name, known=known)

    def visit_Attribute(self, node: ast.Attribute, depth: int) -> Any:  # noqa: N802
        attr = node.attr
        if attr.startswith("_"):
            raise ExpressionError("err.expr.attributes_starting_refused", attr=attr)
        owner = self.visit(node.value, depth)
        if isinstance(owner, _Namespace):
            return _namespace_attribute(owner, attr)
        if isinstance(owner, torch.Tensor):
            if attr in TENSOR_METHODS:
                return _Method(owner, attr)
            if attr in TENSOR_ATTRIBUTES:
                return _call_torch(lambda: getattr(owner, attr), f".{attr}")
            guess = suggestion(attr, [*TENSOR_METHODS, *TENSOR_ATTRIBUTES])
            if guess:
                raise ExpressionError("err.expr.did_you_mean", wrong=f".{attr}", right=f".{guess}")
            raise ExpressionError("err.expr.tensor_attribute_attr", attr=attr)
        if type(owner).__module__ == "torch.return_types" and attr in _RESULT_FIELDS:
            return getattr(owner, attr)
        raise ExpressionError(
            "err.expr.attr_available_name", attr=attr, type_name=type(owner).__name__
        )

    def visit_Call(self, node: ast.Call, depth: int) -> Any:  # noqa: N802
        target = self.visit(node.func, depth)
        if not isinstance(target, _Function | _Method):
            raise missing_comma(node) or ExpressionError("err.expr.only_torch_functions")
        args = [self.visit(arg, depth) for arg in node.args]
        kwargs: dict[str, Any] = {}
        for kw in node.keywords:
            if kw.arg is None:
                raise ExpressionError("err.expr.keyword_unpacking_allowed")
            if kw.arg.startswith("_") or kw.arg in ("out", "generator"):
                raise ExpressionError("err.expr.keyword_argument_arg", arg=kw.arg)
            kwargs[kw.arg] = self.visit(kw.value, depth)
        for value in [*args, *kwargs.values()]:
            _require_data(value)
        if isinstance(target, _Method):
            return self._method_call(target, args, kwargs)
        return self._function_call(target, args, kwargs)

    def visit_BinOp(self, node: ast.BinOp, depth: int) -> Any:  # noqa: N802
        op = _BINOPS.get(type(node.op))
        if op is None:
            raise ExpressionError(
                "err.expr.operator_name_allowed", type_name=type(node.op).__name__
            )
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right)
        left, right = self.visit(node.left, depth), self.visit(node.right, depth)
        for operand in (left, right):
            if not isinstance(operand, torch.Tensor | bool | int | float):
                raise ExpressionError(
                    "err.expr.operators_work_tensors", type_name=type(operand).__name__
                )
        name = "__matmul__" if isinstance(node.op, ast.MatMult) else type(node.op).__name__
        result = self._guarded(op, [left, right], {}, name, label=f"'{_SYMBOLS[type(node.op)]}'")
        if isinstance(result, complex):  # (-1) ** 0.5 in plain Python numbers
            raise ExpressionError("err.expr.complex_number", value=f"{result:.4g}")
        return result

    def visit_UnaryOp(self, node: ast.UnaryOp, depth: int) -> Any:  # noqa: N802
        op = _UNARY.get(type(node.op))
        if op is None:
            raise ExpressionError("err.expr.allowed_use_boolean")
        operand = self.visit(node.operand, depth)
        if not isinstance(operand, torch.Tensor | bool | int | float):
            raise ExpressionError("err.expr.cannot_apply_sign", type_name=type(operand).__name__)
        return self._guarded(op, [operand], {}, type(node.op).__name__)

    def visit_Compare(self, node: ast.Compare, depth: int) -> Any:  # noqa: N802
        if len(node.ops) != 1:
            raise ExpressionError("err.expr.chained_comparisons_like")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            raise ExpressionError("err.expr.only_comparisons_allowed")
        left, right = self.visit(node.left, depth), self.visit(node.comparators[0], depth)
        for operand in (left, right):
            if not isinstance(operand, torch.Tensor | bool | int | float | type(None)):
                raise ExpressionError(
                    "err.expr.cannot_compare_name", type_name=type(operand).__name__
                )
        return self._guarded(op, [left, right], {}, Msg("expr.op.comparison"))

    def visit_List(self, node: ast.List, depth: int) -> list[Any]:  # noqa: N802
        return [self.visit(elt, depth) for elt in node.elts]

    def visit_Tuple(self, node: ast.Tuple, depth: int) -> tuple[Any, ...]:  # noqa: N802
        return tuple(self.visit(elt, depth) for elt in node.elts)

    def visit_Slice(self, node: ast.Slice, depth: int) -> slice:  # noqa: N802
        parts = [
            None if p is None else self.visit(p, depth) for p in (node.lower, node.upper, node.step)
        ]
        for part in parts:
            if not (part is None or isinstance(part, int) and not isinstance(part, bool)):
                raise ExpressionError("err.expr.slice_bounds_whole")
        if isinstance(parts[2], int) and parts[2] < 0:  # PyTorch: "step must be greater than zero"
            raise ExpressionError("err.expr.negative_step")
        return slice(*parts)

    def visit_Subscript(self, node: ast.Subscript, depth: int) -> Any:  # noqa: N802
        value = self.visit(node.value, depth)
        index = self.visit(node.slice, depth)
        if isinstance(value, torch.Tensor):
            _require_data(index)
            return self._guarded(operator.getitem, [value, index], {}, Msg("expr.op.indexing"))
        if isinstance(value, tuple | list | torch.Size) and isinstance(index, int | slice):
            return _call_torch(lambda: value[index], Msg("expr.op.indexing"))
        name = type(value).__name__
        raise missing_comma(node) or ExpressionError("err.expr.cannot_index_name", type_name=name)

    # -- calls ---------------------------------------------------------------
    def _function_call(self, target: _Function, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if target.namespace == "torch" and target.name in _FACTORIES:
            if self.device is not None and "device" not in kwargs:
                kwargs["device"] = self.device
            if target.name in _RANDOM and self.generator is not None:
                kwargs["generator"] = self.generator
        label = f"{target.namespace}.{target.name}"
        factory = target.namespace == "torch" and target.name in _FACTORIES
        return self._guarded(target.fn, args, kwargs, target.name, label=label, factory=factory)

    def _method_call(self, target: _Method, args: list[Any], kwargs: dict[str, Any]) -> Any:
        if target.name in ("data_ptr", "storage_offset", "retain_grad", "requires_grad_"):
            return _call_torch(
                lambda: getattr(target.tensor, target.name)(*args, **kwargs), target.name
            )

        def method(tensor: torch.Tensor, *a: Any, **kw: Any) -> Any:
            return getattr(tensor, target.name)(*a, **kw)

        return self._guarded(
            method, [target.tensor, *args], kwargs, target.name, label=f".{target.name}()"
        )

    def _guarded(
        self,
        fn: Callable[..., Any],
        args: list[Any],
        kwargs: dict[str, Any],
        name: str,
        *,
        label: str | None = None,
        factory: bool = False,
    ) -> Any:
        """Size ``fn`` on meta tensors first (FLOPs and bytes of every op); then run it for real."""
        label = label or name
        if self.dry_run or factory:  # factories are always sized on meta first
            self._dry_run(fn, args, kwargs, name, label, factory=factory)
        try:
            result = self._counted(_call_torch(lambda: fn(*args, **kwargs), label), label)
        except ExpressionError as err:
            raise matmul_mismatch(name, args, err) from None
        if name in _UNINITIALISED and isinstance(result, torch.Tensor):
            fill_uninitialised(result)
        return result

    def _dry_run(
        self,
        fn: Callable[..., Any],
        args: list[Any],
        kwargs: dict[str, Any],
        name: str,
        label: str,
        *,
        factory: bool,
    ) -> None:
        meta_kwargs = {k: v for k, v in kwargs.items() if k != "generator"}
        if factory:
            meta_kwargs["device"] = "meta"
        try:
            cost = measure(fn, *args, **meta_kwargs).cost
        except PlaygroundError:
            raise
        except Exception as err:
            if factory:  # never allocate a tensor whose size was not checked first
                raise _as_expression_error(err, label) from None
            # No meta kernel (the size depends on the values), or a shape error that
            # the real call words better: bound the result by its inputs, then run it.
            cost = _data_dependent_bound(name, args, kwargs)
        self.tally.spend(cost, what=label)

    def _counted(self, result: Any, label: str) -> Any:
        """A real result is checked too: views (``expand``) and value-dependent sizes."""
        check(Cost(elements=_count_elements(result)), what=label, lim=self.tally.lim)
        return result
