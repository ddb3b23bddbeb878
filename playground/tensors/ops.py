"""Tensors (the tutorial's "Tensors" chapter): create, inspect, index, view, compute, share memory.

Every function runs the real PyTorch operation and returns what a learner
should look at: values, strides, storage and the errors PyTorch raises.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from playground.core.config import limits
from playground.core.device import synchronize, time_call
from playground.core.errors import ExpressionError, PlaygroundError
from playground.core.expr import evaluate
from playground.core.expr_checks import fill_uninitialised
from playground.core.expr_table import DTYPES
from playground.core.parsing import parse_expression
from playground.core.rng import generator
from playground.core.shapes import parse_shape

CREATORS = (
    "tensor",
    "from_numpy",
    "zeros",
    "ones",
    "rand",
    "randn",
    "arange",
    "empty",
    "full",
    "eye",
    "linspace",
    "ones_like",
    "rand_like",
)
MAX_TENSOR_DIMS = 16
MAX_STORAGE_MAP = 2**20  # storage slots mapped cell by cell on the Views tab
DTYPE_NAMES = ("float32", "float64", "float16", "bfloat16", "int64", "int32", "uint8", "bool")
# "inferred": no dtype= at all, so PyTorch picks it, the tutorial's first lesson:
# torch.tensor([[1, 2], [3, 4]]) is int64, ones_like keeps its source's dtype.
INFERRED = "inferred"
CREATE_DTYPES = (INFERRED, *DTYPE_NAMES)


@dataclass(frozen=True)
class TensorSpec:
    """What the Create form describes; ``shape`` and ``data`` are typed text."""

    creator: str = "tensor"
    data: str = "[[1, 2, 3], [4, 5, 6]]"
    shape: str = "(3, 4)"
    dtype: str = INFERRED
    requires_grad: bool = False
    fill: float = 7.0
    like_dtype: str = "int64"  # the dtype of the source tensor for *_like


def _shape(text: str, dtype: torch.dtype = torch.float32) -> tuple[int, ...]:
    return parse_shape(text, max_dims=MAX_TENSOR_DIMS, dtype=dtype)


def create(spec: TensorSpec, *, device: torch.device | str = "cpu", seed: int = 0) -> torch.Tensor:
    """Build the tensor the spec describes, with PyTorch's own errors as ExpressionError."""
    device = torch.device(device)
    chosen = None if spec.dtype == INFERRED else DTYPES[spec.dtype]
    dtype = chosen or torch.int64  # for costs: the widest dtype PyTorch would infer here
    gen = generator(seed)
    kw: dict[str, Any] = {"requires_grad": spec.requires_grad}
    if chosen is not None:
        kw["dtype"] = chosen
    c = spec.creator
    random_dtype = chosen or (DTYPES[spec.like_dtype] if c == "rand_like" else torch.float32)
    if c in ("rand", "randn", "rand_like") and not (
        random_dtype.is_floating_point or random_dtype.is_complex
    ):
        # PyTorch's own words ("check_uniform_bounds" not implemented for 'Long') teach little.
        raise ExpressionError(
            "err.tensors.random_needs_float", creator=c, dtype=str(random_dtype).split(".")[1]
        )

    def build() -> torch.Tensor:
        if c == "tensor":
            data = evaluate(spec.data, {})
            if isinstance(data, torch.Tensor):
                data = data.tolist()
            return torch.tensor(data, device=device, **kw)
        if c == "from_numpy":
            data = evaluate(spec.data, {})
            array = np.array(  # inferred: NumPy's own choice, int64 or float64
                data.tolist() if isinstance(data, torch.Tensor) else data,
                dtype=None if chosen is None else str(chosen).split(".")[1],
            )
            return torch.from_numpy(array).to(device).requires_grad_(spec.requires_grad)
        shape = _shape(spec.shape, dtype)
        if c in ("ones_like", "rand_like"):
            source = torch.zeros(shape, dtype=DTYPES[spec.like_dtype], device=device)
            fn = torch.ones_like if c == "ones_like" else torch.rand_like
            return fn(
                source, **kw
            )  # rand_like keeps an int dtype unless overridden: that is the lesson
        if c in ("rand", "randn"):
            out = getattr(torch, c)(shape, generator=gen, dtype=chosen or torch.float32)
            return out.to(device).requires_grad_(spec.requires_grad)
        if c == "arange":
            return torch.arange(int(np.prod(shape)) if shape else 1, device=device, **kw).reshape(
                shape
            )
        if c == "linspace":
            n = int(np.prod(shape)) if shape else 1
            return torch.linspace(0, 1, n, device=device, **kw).reshape(shape)
        if c == "full":
            return torch.full(shape, spec.fill, device=device, **kw)
        if c == "eye":
            rows, cols = (shape + shape)[:2] if len(shape) < 2 else shape[-2:]
            return torch.eye(rows, cols, device=device, **kw)
        out = getattr(torch, c)(shape, device=device, **kw)  # zeros, ones, empty
        if c == "empty":  # never show another session's freed bytes
            fill_uninitialised(out)
        return out

    try:
        return build()
    except PlaygroundError:
        raise
    except Exception as err:
        raise ExpressionError(
            "err.tensors.torch_c_failed",
            c=c,
            value=str(err).splitlines()[0],
            torch_message=str(err),
        ) from None


@dataclass(frozen=True)
class Attributes:
    shape: tuple[int, ...]
    dtype: str
    device: str
    stride: tuple[int, ...]
    is_contiguous: bool
    numel: int
    element_size: int
    nbytes: int
    requires_grad: bool


def attributes(t: torch.Tensor) -> Attributes:
    """The tutorial's ``shape``, ``dtype`` and ``device``, plus the memory layout."""
    return Attributes(
        tuple(t.shape),
        str(t.dtype),
        str(t.device),
        t.stride(),
        t.is_contiguous(),
        t.numel(),
        t.element_size(),
        t.numel() * t.element_size(),
        t.requires_grad,
    )


# -- indexing ----------------------------------------------------------------------
@dataclass(frozen=True)
class IndexResult:
    result: torch.Tensor
    selected: torch.Tensor  # bool, t's shape: which cells the index picked
    assigned: torch.Tensor | None  # t after ``t[index] = value``


def index_text(index: str) -> str:
    """``index`` as one canonical subscript of ``t`` (``[:, 1]``), rebuilt from its syntax
    tree: no comment, no second expression (``[0] / 2 + t[0]``) survives into the
    evaluation, the captions or the shown script."""
    index = (index or "").strip()
    if not (index.startswith("[") and len(index) <= 400):
        raise ExpressionError("err.tensors.type_index_brackets")
    try:
        body = parse_expression(f"t{index}").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        raise ExpressionError("err.tensors.type_index_brackets") from None
    node = body
    while isinstance(node, ast.Subscript):
        node = node.value
    if body is node or not (isinstance(node, ast.Name) and node.id == "t"):
        raise ExpressionError("err.tensors.type_index_brackets")
    return ast.unparse(body)[1:]


def index_tensor(t: torch.Tensor, index: str, *, value: float | None = None) -> IndexResult:
    """``t[index]``, which cells it selects, and what ``t[index] = value`` does to a copy."""
    index = index_text(index)
    result = evaluate(f"t{index}", {"t": t})
    if not isinstance(result, torch.Tensor):
        raise ExpressionError("err.tensors.index_did_give")
    ids = torch.arange(t.numel(), device=t.device).reshape(t.shape)
    picked = evaluate(f"ids{index}", {"ids": ids, "t": t})
    if not isinstance(picked, torch.Tensor) or picked.dtype != torch.int64:
        raise ExpressionError("err.tensors.index_did_give")
    selected = torch.zeros(t.numel(), dtype=torch.bool, device=t.device)
    selected[torch.as_tensor(picked).reshape(-1)] = True
    assigned = None
    if value is not None:
        assigned = t.detach().clone()
        assigned.view(-1)[selected] = value  # the same cells as t[index] = value
    return IndexResult(result, selected.reshape(t.shape), assigned)


# -- views -------------------------------------------------------------------------
@dataclass(frozen=True)
class ViewResult:
    result: torch.Tensor | None
    shares_storage: bool
    # For each result element, its index in t's storage; None for storages over
    # MAX_STORAGE_MAP slots, whose map would cost as much memory as the tensor.
    storage_offsets: torch.Tensor | None
    error: PlaygroundError | None


def view_result(t: torch.Tensor, op: str) -> ViewResult:
    """Run e.g. ``t.T.view(-1)`` and say where each element sits in ``t``'s storage."""
    try:
        out = evaluate(op, {"t": t})
    except PlaygroundError as err:
        return ViewResult(None, False, None, err)
    if not isinstance(out, torch.Tensor):
        return ViewResult(None, False, None, ExpressionError("err.tensors.operation_did_give"))
    shares = out.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    offsets = None
    slots = t.untyped_storage().nbytes() // t.element_size()
    # A dtype view (t.view(torch.uint8)) counts its storage in other units: no map.
    if shares and slots <= MAX_STORAGE_MAP and out.element_size() == t.element_size():
        storage = torch.arange(slots, dtype=torch.int32)
        offsets = storage.as_strided(out.shape, out.stride(), out.storage_offset())
    return ViewResult(out, shares, offsets, None)


def inferred_sizes(t: torch.Tensor, op: str) -> list[tuple[str, int, int, int]]:
    """For each ``.view``/``.reshape`` in ``op`` with a ``-1``: the call, what -1 became,
    the elements it had, and the product of the other sizes (``-1 = numel // known``)."""
    try:
        tree = parse_expression(op.strip())
    except SyntaxError:
        return []
    out = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("view", "reshape")
        ):
            continue
        args = (
            node.args[0].elts
            if len(node.args) == 1 and isinstance(node.args[0], ast.Tuple)
            else node.args
        )
        if not all(_is_int_literal(a) for a in args):
            continue  # sizes from names or expressions: nothing to say
        sizes: list[int] = [ast.literal_eval(a) for a in args]
        if sizes.count(-1) != 1:
            continue
        source = evaluate(ast.unparse(node.func.value), {"t": t})
        known = math.prod(n for n in sizes if n != -1)
        if isinstance(source, torch.Tensor) and known and source.numel() % known == 0:
            out.append((ast.unparse(node), source.numel() // known, source.numel(), known))
    return out


def _is_int_literal(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


# -- arithmetic ----------------------------------------------------------------------
def matmul_cell(
    a: torch.Tensor, b: torch.Tensor, i: int, j: int
) -> tuple[torch.Tensor, list[tuple[float, float]]]:
    """``a @ b`` and the pairs that make cell (i, j): row i of a times column j of b."""
    c = a @ b
    pairs = list(zip(a[i].tolist(), b[:, j].tolist(), strict=True))
    return c, pairs


def reduce(t: torch.Tensor, op: str, *, dim: int | None, keepdim: bool) -> object:
    """``t.sum/mean/max`` with or without ``dim``; ``max(dim=...)`` gives (values, indices)."""
    if op not in ("sum", "mean", "max", "min", "argmax"):
        raise ExpressionError("err.tensors.unknown_reduction_op", op=op)
    text = f"t.{op}()" if dim is None else f"t.{op}(dim={dim}, keepdim={keepdim})"
    return evaluate(text, {"t": t.float() if op == "mean" else t})


# -- in-place ------------------------------------------------------------------------
@dataclass(frozen=True)
class InplaceDemo:
    before: torch.Tensor
    after: torch.Tensor
    same_data_ptr: bool


def inplace_demo(op: str, *, seed: int = 0) -> InplaceDemo:
    """``add_``, ``copy_`` or ``t_`` on a 2×3 (or 3×3) tensor: same memory, new values."""
    gen = generator(seed)
    t = torch.randint(0, 10, (3, 3) if op == "t_" else (2, 3), generator=gen).float()
    before, ptr = t.clone(), t.data_ptr()
    if op == "add_":
        t.add_(5)
    elif op == "copy_":
        t.copy_(torch.ones_like(t))
    elif op == "t_":
        t.t_()
    else:
        raise ExpressionError("err.tensors.unknown_place_op", op=op)
    return InplaceDemo(before, t, t.data_ptr() == ptr)


def autograd_inplace_error() -> str:
    """The real error when a tensor saved for backward is modified in place."""
    a = torch.randn(3, requires_grad=True)
    b = a.sigmoid()  # sigmoid saves its output for backward
    b.add_(1)  # ...which we now overwrite
    try:
        b.sum().backward()
    except RuntimeError as err:
        return str(err)
    return ""


# -- NumPy bridge ----------------------------------------------------------------------
@dataclass(frozen=True)
class NumpyBridge:
    tensor: torch.Tensor
    array: np.ndarray
    shares: dict[str, bool]  # what still shares memory with the array after each operation


def numpy_bridge(*, device: torch.device | str = "cpu") -> NumpyBridge:
    """The tutorial's demo: ``t.numpy()`` shares memory, so ``t.add_(1)`` changes ``n`` too."""
    t = torch.ones(5)
    n = t.numpy()
    t.add_(1)
    back = torch.from_numpy(n)
    np.add(n, 1, out=n)  # changes back, and t, too

    def shares(other: torch.Tensor) -> bool:
        return other.device.type == "cpu" and np.shares_memory(other.detach().numpy(), n)

    checks = {
        "torch.from_numpy(n)": shares(back),
        f"t.to({str(torch.device(device))!r})": shares(t.to(device)),
        "t.to(torch.float64)": shares(t.to(torch.float64)),
        "t.clone()": shares(t.clone()),
    }
    return NumpyBridge(t, n, checks)


# -- devices -----------------------------------------------------------------------------
def time_matmul(
    n: int, device: torch.device | str, *, repeat: int = 5
) -> tuple[float, float | None]:
    """Median seconds of an (n, n) @ (n, n) product on ``device``, and of copying one operand there."""
    if 3 * n * n > limits().max_elements:
        raise ExpressionError(
            "err.tensors.n_n_needs", n=n, value=3 * n * n, max_elements=limits().max_elements
        )
    device = torch.device(device)
    a_cpu = torch.randn(n, n)
    a, b = a_cpu.to(device), torch.randn(n, n, device=device)
    compute = time_call(lambda: a @ b, device=device, repeat=repeat).median
    copy = None
    if device.type != "cpu":
        copy = time_call(lambda: a_cpu.to(device), device=device, repeat=repeat).median
        synchronize(device)
    return compute, copy
