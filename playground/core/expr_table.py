"""What typed code may use: the torch, ``F`` and tensor-method whitelist, dtypes, operators."""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch

TORCH_FUNCTIONS = frozenset(
    """
    tensor as_tensor zeros ones rand randn randint randperm arange linspace empty full eye
    zeros_like ones_like rand_like randn_like full_like empty_like
    cat concat stack hstack vstack split chunk matmul mm bmm mv dot outer mul add sub div
    sum mean max min argmax argmin std var prod cumsum reshape flatten permute transpose
    squeeze unsqueeze broadcast_to broadcast_tensors broadcast_shapes where exp log sqrt abs
    sigmoid tanh relu softmax log_softmax clamp tril triu diag allclose equal numel sin cos
    pow square maximum minimum sort topk flip roll masked_select nonzero sign round floor ceil
    norm dist is_tensor is_floating_point
    """.split()
)
F_FUNCTIONS = frozenset(
    """
    relu leaky_relu gelu sigmoid tanh softmax log_softmax mse_loss l1_loss cross_entropy
    nll_loss binary_cross_entropy binary_cross_entropy_with_logits one_hot linear
    """.split()
)
TENSOR_METHODS = frozenset(
    """
    view view_as reshape reshape_as permute transpose t unsqueeze squeeze flatten contiguous
    clone detach sum mean max min argmax argmin std var prod cumsum matmul mm mul add sub div
    abs exp log sqrt sigmoid tanh relu softmax log_softmax item numel size dim stride
    is_contiguous element_size expand expand_as repeat float double half int long bool
    type_as chunk split narrow select index_select gather masked_fill clamp round floor ceil
    neg sign norm eq ne lt gt le ge all any nonzero cumprod diag topk sort argsort unique
    flip roll square pow storage_offset data_ptr nelement requires_grad_ retain_grad to
    """.split()
)
TENSOR_ATTRIBUTES = frozenset(
    "shape dtype T mT ndim device requires_grad is_leaf grad is_cuda real imag".split()
)
DTYPES: dict[str, torch.dtype] = {
    name: getattr(torch, name)
    for name in """float16 float32 float64 bfloat16 float double half int8 int16 int32 int64
    int long short uint8 bool complex64""".split()
}
_CONSTANTS = {"pi": math.pi, "e": math.e, "inf": math.inf, "nan": math.nan}
_FACTORIES = frozenset(
    "tensor as_tensor zeros ones rand randn randint randperm arange linspace empty full eye".split()
)
_RANDOM = frozenset("rand randn randint randperm".split())
_UNINITIALISED = frozenset({"empty", "empty_like"})
_RESULT_FIELDS = frozenset({"values", "indices"})

_BINOPS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.MatMult: operator.matmul,
    ast.Pow: operator.pow,
    ast.BitAnd: operator.and_,
    ast.BitOr: operator.or_,
    ast.BitXor: operator.xor,
}
_SYMBOLS: dict[type[ast.operator], str] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.Pow: "**",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
}
_UNARY: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
    ast.Invert: operator.invert,
}
_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
}
_REFUSED_NODES: dict[type[ast.AST], str] = {
    ast.Lambda: "lambda functions",
    ast.ListComp: "list comprehensions",
    ast.SetComp: "set comprehensions",
    ast.DictComp: "dict comprehensions",
    ast.GeneratorExp: "generator expressions",
    ast.NamedExpr: "the walrus operator :=",
    ast.JoinedStr: "f-strings",
    ast.Dict: "dicts",
    ast.Set: "sets",
    ast.IfExp: "if/else expressions",
    ast.BoolOp: "and/or (use & and | on boolean tensors)",
    ast.Starred: "*unpacking",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
MAX_POWER = 64
MAX_INT = 2**63
MAX_DEPTH = 40


@dataclass(frozen=True)
class _Namespace:
    name: str  # "torch" or "F"


@dataclass(frozen=True)
class _Function:
    namespace: str
    name: str
    fn: Callable[..., Any] = field(compare=False)


@dataclass(frozen=True)
class _Method:
    tensor: torch.Tensor = field(compare=False)
    name: str


_SAFE_SCALARS = (
    bool,
    int,
    float,
    type(None),
    type(Ellipsis),
    slice,
    torch.dtype,
    torch.Size,
    torch.device,
)
