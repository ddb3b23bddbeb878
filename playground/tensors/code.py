"""Tensors (the tutorial's "Tensors" chapter): create, inspect, index, view, compute, share memory.

Every function runs the real PyTorch operation and returns what a learner
should look at: values, strides, storage and the errors PyTorch raises.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from playground.core.errors import PlaygroundError
from playground.core.expr import canonical_expression
from playground.tensors.ops import INFERRED, TensorSpec, _shape


def _is_literal(text: str) -> bool:
    try:
        ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return True


def _as_code(text: str) -> str:
    """Typed text as one expression rebuilt from its syntax tree: a ``#`` or a second line in
    a link can never change the script it is pasted into."""
    try:
        return canonical_expression(text)
    except PlaygroundError:
        return repr(text)  # never shown as code by the pages (they refuse it first); inert


def creation_code(spec: TensorSpec, *, device: str = "cpu", seed: int = 0) -> str:
    spec = replace(spec, data=_as_code(spec.data), shape=_as_code(spec.shape))
    inferred = spec.dtype == INFERRED
    rg = spec.requires_grad
    dt = "" if inferred else f", dtype=torch.{spec.dtype}"  # no dtype=: PyTorch infers it
    grad = ", requires_grad=True" if rg else ""
    c = spec.creator
    if c == "tensor" and not _is_literal(spec.data):  # a typed expression, shown as typed
        # as_tensor, not torch.tensor: copying a tensor through torch.tensor() warns.
        body = f"result = torch.as_tensor({spec.data}{dt}, device={device!r})"
        body += ".requires_grad_()" if rg else ""
    elif c == "tensor":
        body = f"result = torch.tensor({spec.data}{dt}, device={device!r}{grad})"
    elif c == "from_numpy":
        body = (
            f"import numpy as np\n\nn = np.array({spec.data}{'' if inferred else f', dtype=np.{spec.dtype}'})\n"
            f"result = torch.from_numpy(n).to({device!r}).requires_grad_({rg})"
        )
    elif c in ("ones_like", "rand_like"):
        body = (
            f"source = torch.zeros({spec.shape}, dtype=torch.{spec.like_dtype}, device={device!r})\n"
            f"result = torch.{c}(source{dt}{grad})"
        )
    elif c in ("rand", "randn"):
        body = (
            f"g = torch.Generator().manual_seed({seed})\n"
            f"result = torch.{c}({spec.shape}, generator=g{dt}).to({device!r}).requires_grad_({rg})"
        )
    elif c in ("arange", "linspace"):
        n = f"math.prod({spec.shape})"
        args = f"{n}" if c == "arange" else f"0, 1, {n}"
        body = f"import math\n\nresult = torch.{c}({args}{dt}, device={device!r}{grad}).reshape({spec.shape})"
    elif c == "full":
        body = f"result = torch.full({spec.shape}, {spec.fill}{dt}, device={device!r}{grad})"
    elif c == "eye":
        shape = _shape(spec.shape)
        rows, cols = (shape + shape)[:2] if len(shape) < 2 else shape[-2:]
        body = f"result = torch.eye({rows}, {cols}{dt}, device={device!r}{grad})"
    else:
        body = f"result = torch.{c}({spec.shape}{dt}, device={device!r}{grad})"
    return (
        f"import torch\n{body}\nprint(result)\nprint(result.shape, result.dtype, result.device)\n"
    )


def index_code(data: str, index: str, value: float) -> str:
    data, index = _as_code(data), _as_code(f"t{index}")[1:]
    return (
        f"import torch\n\nt = torch.tensor({data}, dtype=torch.float32)\n"
        f"result = t{index}.clone()  # clone: a view would change with the assignment below\nprint(result)\n\n"
        f"t{index} = {value}  # assignment writes into t itself\nprint(t)\n"
    )


def view_code(shape: str, op: str) -> str:
    return (
        f"import math\nimport torch\n\nt = torch.arange(math.prod({shape})).reshape({shape})\nresult = {op}\n"
        "print(result.shape, result.stride(), result.is_contiguous())\n"
        "print(result.untyped_storage().data_ptr() == t.untyped_storage().data_ptr())  # shares memory?\n"
    )


def arithmetic_code(
    *, n: int, k: int, m: int, i: int, j: int, op: str, dim: int | None, keepdim: bool, seed: int
) -> str:
    dim_arg = "" if dim is None else f"dim={dim}, keepdim={keepdim}"
    return (
        f"import torch\n\ng = torch.Generator().manual_seed({seed})\n"
        f"a = torch.randint(0, 5, ({n}, {k}), generator=g).float()\n"
        f"b = torch.randint(0, 5, ({k}, {m}), generator=g).float()\nc = a @ b  # same as torch.matmul(a, b)\n"
        f"out = torch.empty({n}, {m}); torch.matmul(a, b, out=out)\nelementwise = a * a  # same as a.mul(a)\n"
        f"result = c[{i}, {j}].item(), a.{op}({dim_arg})\nprint(result)\n"
    )


INPLACE_AUTOGRAD_CODE = """import torch

a = torch.randn(3, requires_grad=True)
b = a.sigmoid()  # saves its output for backward
b.add_(1)  # overwrites it in place
try:
    b.sum().backward()
except RuntimeError as err:  # ... modified by an inplace operation
    error = str(err)
    print("RuntimeError:", error)
"""


NUMPY_BRIDGE_CODE = (
    "import numpy as np\nimport torch\n\nt = torch.ones(5)\nn = t.numpy()\nt.add_(1)\nprint(n)  # [2. 2. 2. 2. 2.]\n"
    "np.add(n, 1, out=n)\nprint(t)  # tensor([3., 3., 3., 3., 3.])\n"
    "result = np.shares_memory(t.clone().numpy(), n)  # False: clone copies\n"
)


def matmul_timing_code(n: int, device: str) -> str:
    return (
        f"import time\nimport torch\n\ndevice = {device!r}\na = torch.randn({n}, {n}, device=device)\n"
        "b = torch.randn_like(a)\na @ b  # warm-up\nif device.startswith('cuda'):\n    torch.cuda.synchronize()\n"
        "start = time.perf_counter()\nresult = a @ b\nif device.startswith('cuda'):\n    torch.cuda.synchronize()\n"
        "print(f'{(time.perf_counter() - start) * 1e3:.2f} ms')\n"
    )
