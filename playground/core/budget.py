"""What one interaction may cost, estimated from shapes before anything is allocated.

A class shares one server process, so every page path asks here first:

* :func:`shape_cost` sizes a tensor from its shape and dtype;
* :func:`measure` runs a function on the ``meta`` device (shapes only, no memory)
  and counts, for every ATen op it dispatches, the FLOPs (PyTorch's own
  ``flop_counter`` formulas for matmuls and convolutions, the window for pooling,
  n log n for sorting, every element read or written otherwise: see :func:`work`)
  and the bytes of every new tensor: an upper bound on the peak;
* :func:`check` refuses a :class:`Cost` over the limits with a translated
  :class:`BudgetError`.

The limits come from ``PLAYGROUND_*`` variables (:mod:`playground.core.config`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_flatten, tree_map_only
from torch.utils.flop_counter import flop_registry

from playground.core.config import Limits, limits
from playground.core.errors import BudgetError

__all__ = [
    "Cost",
    "Measured",
    "Tally",
    "check",
    "check_shape",
    "measure",
    "numel",
    "shape_cost",
    "to_meta",
    "work",
]


@dataclass(frozen=True)
class Cost:
    """``elements`` of the largest tensor, ``bytes`` allocated in all, ``flops`` in all."""

    elements: int = 0
    bytes: int = 0
    flops: int = 0

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            max(self.elements, other.elements), self.bytes + other.bytes, self.flops + other.flops
        )

    def times(self, k: int) -> Cost:
        """The same work done ``k`` times (k samples, k epochs): bytes and FLOPs scale."""
        return Cost(self.elements, self.bytes * k, self.flops * k)


@dataclass(frozen=True)
class Measured:
    """What :func:`measure` returns: the ``meta`` result and what the real call would cost."""

    out: Any
    cost: Cost


def numel(shape: Iterable[int]) -> int:
    """Elements in ``shape``, exact for any size (no int64 overflow)."""
    return math.prod(int(s) for s in shape)


def shape_cost(shape: Sequence[int], dtype: torch.dtype = torch.float32) -> Cost:
    """The cost of allocating one tensor of ``shape`` and ``dtype``."""
    n = numel(shape)
    return Cost(n, n * _itemsize(dtype), 0)


def check(cost: Cost, *, what: str, lim: Limits | None = None) -> Cost:
    """Refuse ``cost`` if it exceeds the elements, bytes or FLOPs budget; return it otherwise."""
    lim = lim or limits()
    if cost.elements > lim.max_elements:
        raise BudgetError(
            "err.budget.elements",
            what=what,
            elements=f"{cost.elements:,}",
            max_elements=f"{lim.max_elements:,}",
        )
    if cost.bytes > lim.max_bytes:
        raise BudgetError(
            "err.budget.bytes", what=what, mb=_mb(cost.bytes), max_mb=_mb(lim.max_bytes)
        )
    if cost.flops > lim.max_flops:
        raise BudgetError(
            "err.budget.flops",
            what=what,
            gflops=f"{cost.flops / 1e9:,.1f}",
            max_gflops=f"{lim.max_flops / 1e9:,.1f}",
        )
    return cost


def check_shape(
    shape: Sequence[int], dtype: torch.dtype = torch.float32, *, what: str, copies: int = 1
) -> Cost:
    """:func:`check` for ``copies`` tensors of ``shape``; ``what`` names them in the message."""
    one = shape_cost(shape, dtype)
    return check(Cost(one.elements, one.bytes * copies, one.elements * copies), what=what)


class Tally:
    """Costs added up over several steps (a whole expression, a whole program), checked each time.

    ``scale`` multiplies FLOPs and bytes before the check: a program that will be
    backpropagated costs about 3x its forward pass.
    """

    def __init__(self, *, lim: Limits | None = None, scale: int = 1) -> None:
        self.lim, self.scale, self.cost = lim or limits(), scale, Cost()

    def spend(self, cost: Cost, *, what: str) -> None:
        """Add ``cost`` and refuse if the running total is over budget."""
        total = self.cost + cost
        check(total.times(self.scale), what=what, lim=self.lim)
        self.cost = total


def to_meta(value: Any) -> Any:
    """Every tensor in ``value`` (nested lists, tuples, dicts) as a ``meta`` tensor."""
    return tree_map_only(torch.Tensor, _meta_like, value)


def measure(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Measured:
    """Run ``fn`` on ``meta`` copies of its tensor arguments and count what it would cost.

    Raises :class:`BudgetError` if ``fn`` writes into one of its own inputs
    (``out=``, keyword or positional). Any other exception is PyTorch's and is
    passed on: an op with no ``meta`` kernel (``nonzero``) cannot be sized here.
    """
    meta_args, meta_kwargs = to_meta(args), to_meta(kwargs)
    inputs = {
        id(t) for t in tree_flatten((meta_args, meta_kwargs))[0] if isinstance(t, torch.Tensor)
    }
    with _CostMode(inputs) as mode:
        out = fn(*meta_args, **meta_kwargs)
    return Measured(out, Cost(mode.largest, mode.bytes, mode.flops))


# -- internals -------------------------------------------------------------------------
class _CostMode(TorchDispatchMode):
    """Counts FLOPs and new bytes of every ATen op; refuses writes into the inputs."""

    def __init__(self, inputs: set[int]) -> None:
        super().__init__()
        self.inputs, self.flops, self.bytes, self.largest = inputs, 0, 0, 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        self._refuse_writes(func, args, kwargs)
        out = func(*args, **kwargs)
        outs = [t for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor)]
        self.flops += work(func, args, kwargs, out, outs)
        if not func.is_view:  # a view allocates nothing
            self.bytes += sum(t.numel() * t.element_size() for t in outs)
            self.largest = max([self.largest, *(t.numel() for t in outs)])
        return out

    def _refuse_writes(self, func: Any, args: tuple, kwargs: dict) -> None:
        for index, arg in enumerate(func._schema.arguments):
            if arg.alias_info is None or not arg.alias_info.is_write:
                continue
            value = kwargs.get(arg.name) if arg.kwarg_only or index >= len(args) else args[index]
            if isinstance(value, torch.Tensor) and id(value) in self.inputs:
                raise BudgetError("err.budget.writes_input", argument=arg.name)


def work(func: Any, args: tuple, kwargs: dict, out: Any, outs: list[torch.Tensor]) -> int:
    """The work of one ATen call, in element operations: PyTorch's own FLOP formula where it
    has one (matmul, convolution), a window or sort formula where the output alone would
    undercount (pooling counts its window, sorting n log n), and otherwise every element
    read or written. A view costs nothing."""
    packet = func._overloadpacket
    if (formula := flop_registry.get(packet)) is not None:
        return int(formula(*args, **kwargs, out_val=out))
    if func.is_view:
        return 0
    written = sum(t.numel() for t in outs)
    tensors = [t for t in tree_flatten((args, kwargs))[0] if isinstance(t, torch.Tensor)]
    read = sum(t.numel() for t in tensors)
    name = packet.__name__
    if (window := _window(name, args, kwargs, tensors)) is not None:
        return max(read, written * window) * _POOL_FACTOR
    if name in _SORTS and tensors:
        n = tensors[0].numel()
        return max(read, written) * max(1, math.ceil(math.log2(max(n, 2)))) * _SORT_FACTOR
    if name in _GATHERS:
        return max(read, written) * _GATHER_FACTOR
    if name in _PAIRWISE and len(tensors) >= 2:
        return written * max(1, int(tensors[0].shape[-1])) * 3
    if name.startswith("upsample_") or name.startswith("_upsample_"):
        return written * _TAPS.get(name.split("_")[-1].removesuffix("2d"), 16)
    return max(read, written)


# Pooling's cost is its window per output: MaxPool2d(63, 1) reads 63 * 63 inputs per output.
_POOLS = frozenset(
    """max_pool1d max_pool2d max_pool3d avg_pool1d avg_pool2d avg_pool3d
    max_pool2d_with_indices max_pool3d_with_indices max_pool2d_with_indices_backward
    max_pool3d_with_indices_backward avg_pool2d_backward avg_pool3d_backward
    lp_pool1d lp_pool2d lp_pool3d""".split()
)
_ADAPTIVE = frozenset(
    """adaptive_avg_pool1d adaptive_avg_pool2d adaptive_avg_pool3d _adaptive_avg_pool2d
    _adaptive_avg_pool3d adaptive_max_pool1d adaptive_max_pool2d adaptive_max_pool3d
    _adaptive_avg_pool2d_backward adaptive_max_pool2d_backward""".split()
)
# Measured against an elementwise add (tests/core/test_cost_model.py): a pooled window
# element, with its index bookkeeping, costs about 4 adds; a sort comparison about 8.
_POOL_FACTOR, _SORT_FACTOR = 4, 8
# F.unfold / F.fold: each element's source is worked out from four strides and a padding
# check; measured at 6-10 adds an element (CI once saw 10.02, past the test's bound).
_GATHERS, _GATHER_FACTOR = frozenset({"im2col", "col2im"}), 4
_SORTS = frozenset(
    "sort argsort msort topk kthvalue median nanmedian unique _unique2 unique_dim mode".split()
)
_PAIRWISE = frozenset({"_cdist_forward", "_cdist_backward", "cdist", "_euclidean_dist"})
_TAPS = {
    "nearest": 1,
    "nearest1d": 1,
    "nearest3d": 1,
    "linear1d": 2,
    "bilinear": 4,
    "trilinear3d": 8,
    "bicubic": 16,
}


def _window(name: str, args: tuple, kwargs: dict, tensors: list[torch.Tensor]) -> int | None:
    """The inputs each output of a pooling op reads, or None for any other op."""
    if name in _ADAPTIVE and tensors:
        x, out_size = tensors[-1], args[1] if len(args) > 1 else kwargs.get("output_size")
        sizes = [out_size] if isinstance(out_size, int) else list(out_size or [])
        dims = x.shape[-len(sizes) :] if sizes else ()
        return math.prod(
            math.ceil(int(d) / max(1, int(o or d))) + 1 for d, o in zip(dims, sizes, strict=False)
        )
    if name not in _POOLS:
        return None
    backward = name.endswith("_backward")
    kernel = (
        args[2 if backward else 1]
        if len(args) > (2 if backward else 1)
        else kwargs.get("kernel_size")
    )
    sizes = [kernel] if isinstance(kernel, int) else list(kernel or [1])
    return max(1, math.prod(int(k) for k in sizes))


def _meta_like(t: torch.Tensor) -> torch.Tensor:
    if t.layout != torch.strided:
        return torch.empty(t.shape, dtype=t.dtype, device="meta")
    return torch.empty_strided(t.shape, t.stride(), dtype=t.dtype, device="meta")


def _itemsize(dtype: torch.dtype) -> int:
    return torch.empty((), dtype=dtype, device="meta").element_size()


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f}"
