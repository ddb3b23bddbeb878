"""Chapter 1, "Tensors": creation, attributes, indexing, views, matmul, in-place, NumPy."""

from __future__ import annotations

from playground.tensors.code import (
    INPLACE_AUTOGRAD_CODE,
    NUMPY_BRIDGE_CODE,
    arithmetic_code,
    creation_code,
    index_code,
    matmul_timing_code,
    view_code,
)
from playground.tensors.figures import (
    make_matmul_figure,
    make_storage_figure,
)
from playground.tensors.ops import (
    CREATORS,
    DTYPE_NAMES,
    MAX_STORAGE_MAP,
    Attributes,
    IndexResult,
    InplaceDemo,
    NumpyBridge,
    TensorSpec,
    ViewResult,
    attributes,
    autograd_inplace_error,
    create,
    index_tensor,
    inplace_demo,
    matmul_cell,
    numpy_bridge,
    reduce,
    time_matmul,
    view_result,
)

__all__ = [
    "Attributes",
    "CREATORS",
    "DTYPE_NAMES",
    "INPLACE_AUTOGRAD_CODE",
    "IndexResult",
    "InplaceDemo",
    "MAX_STORAGE_MAP",
    "NUMPY_BRIDGE_CODE",
    "NumpyBridge",
    "TensorSpec",
    "ViewResult",
    "arithmetic_code",
    "attributes",
    "autograd_inplace_error",
    "create",
    "creation_code",
    "index_code",
    "index_tensor",
    "inplace_demo",
    "make_matmul_figure",
    "make_storage_figure",
    "matmul_cell",
    "matmul_timing_code",
    "numpy_bridge",
    "reduce",
    "time_matmul",
    "view_code",
    "view_result",
]
