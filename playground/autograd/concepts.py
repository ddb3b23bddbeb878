"""Autograd's rules, each demonstrated live with PyTorch's own output, warning or error.

Every demo has a ``*_code(seed)`` script that does the same thing in plain
PyTorch; the tests run it and compare with the demo's values.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import torch

from playground.core.rng import generator


def _gen(seed: int) -> torch.Generator:
    return generator(seed)


def grad_of(t: torch.Tensor) -> torch.Tensor:
    """``t.grad``, which backward() has filled in (None only before any backward)."""
    assert t.grad is not None, "backward() has not reached this tensor"
    return t.grad


def _fn_name(t: torch.Tensor) -> str:
    return "None" if t.grad_fn is None else type(t.grad_fn).__name__


# -- requires_grad and grad_fn ----------------------------------------------------
@dataclass
class FlagRow:
    name: str
    requires_grad: bool
    is_leaf: bool
    grad_fn: str


def flags_demo(seed: int) -> list[FlagRow]:
    """``requires_grad`` flows from any input that has it; leaves have no ``grad_fn``."""
    g = _gen(seed)
    x = torch.ones(3)
    w = torch.randn(3, requires_grad=True, generator=g)
    y = x * w
    s = y.sum()
    return [
        FlagRow(n, t.requires_grad, t.is_leaf, _fn_name(t))
        for n, t in zip("xwys", (x, w, y, s), strict=True)
    ]


def flags_code(seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
x = torch.ones(3)
w = torch.randn(3, requires_grad=True)
y = x * w
s = y.sum()
for name, t in {{"x": x, "w": w, "y": y, "s": s}}.items():
    print(name, t.requires_grad, t.is_leaf, t.grad_fn)
"""


# -- .grad lives on leaves -------------------------------------------------------------
@dataclass
class LeafGrad:
    w_grad: torch.Tensor
    y_grad_before: torch.Tensor | None
    warning: str
    y_grad_retained: torch.Tensor


def leaf_grad_demo(seed: int) -> LeafGrad:
    """``y.grad`` of a non-leaf is None, with PyTorch's warning; ``retain_grad()`` keeps it."""
    g = _gen(seed)
    w = torch.randn(3, requires_grad=True, generator=g)
    y = w * 2
    y.sum().backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        before = y.grad
    message = str(caught[0].message) if caught else ""
    w2 = w.detach().clone().requires_grad_(True)
    y2 = w2 * 2
    y2.retain_grad()
    y2.sum().backward()
    return LeafGrad(grad_of(w).clone(), before, message, grad_of(y2).clone())


def leaf_grad_code(seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
w = torch.randn(3, requires_grad=True)
y = w * 2
y.sum().backward()
print(w.grad)  # a leaf: tensor([2., 2., 2.])
print(y.grad)  # a non-leaf: None, and a UserWarning

y = w * 2
y.retain_grad()  # ask autograd to keep this non-leaf's gradient
y.sum().backward()
y_grad = y.grad
print(y_grad)  # tensor([1., 1., 1.])
"""


# -- gradients accumulate ----------------------------------------------------------------
@dataclass
class Accumulate:
    first: torch.Tensor
    second: torch.Tensor
    zeroed: torch.Tensor


def accumulate_demo(seed: int) -> Accumulate:
    """Two ``backward`` calls add up in ``.grad``; ``grad.zero_()`` resets it."""
    g = _gen(seed)
    x = torch.randn(3, generator=g)
    w = torch.randn(3, requires_grad=True, generator=g)
    loss = (w * x).sum()
    loss.backward(retain_graph=True)
    first = grad_of(w).clone()
    loss.backward()
    second = grad_of(w).clone()
    grad_of(w).zero_()
    return Accumulate(first, second, grad_of(w).clone())


def accumulate_code(seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
x = torch.randn(3)
w = torch.randn(3, requires_grad=True)
loss = (w * x).sum()
loss.backward(retain_graph=True)
first = w.grad.clone()   # equals x
loss.backward()
second = w.grad.clone()  # x + x: gradients accumulate
w.grad.zero_()           # zero_grad(set_to_none=False); the default sets w.grad = None
zeroed = w.grad.clone()
print(first, second, zeroed, sep="\\n")
"""


# -- the graph is freed after backward ---------------------------------------------------
@dataclass
class RetainGraph:
    error: str
    with_retain: torch.Tensor


def retain_graph_demo(seed: int) -> RetainGraph:
    """A second ``backward`` raises once the tensors the graph saved are freed; ``retain_graph=True`` keeps them."""
    g = _gen(seed)
    w = torch.randn(3, requires_grad=True, generator=g)
    out = (w * w).sum()
    out.backward()
    try:
        out.backward()
        error = ""
    except RuntimeError as err:
        error = str(err)
    w.grad = None
    out = (w * w).sum()
    out.backward(retain_graph=True)
    out.backward()
    return RetainGraph(error, grad_of(w).clone())


def retain_graph_code(seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
w = torch.randn(3, requires_grad=True)
out = (w * w).sum()
out.backward()
try:
    out.backward()  # the saved tensors were freed by the first call
except RuntimeError as err:
    error = str(err)
    print(error)

w.grad = None
out = (w * w).sum()
out.backward(retain_graph=True)
out.backward()
with_retain = w.grad.clone()  # 2 * (2 * w): two backward passes, accumulated
print(with_retain)
"""


# -- no_grad and detach ------------------------------------------------------------------
@dataclass
class NoGrad:
    normal: bool
    inside_no_grad: bool
    detached: bool
    shares_storage: bool


def no_grad_demo(seed: int) -> NoGrad:
    """Results under ``torch.no_grad()`` and ``detach()`` do not require grad."""
    g = _gen(seed)
    w = torch.randn(3, requires_grad=True, generator=g)
    normal = (w * 2).requires_grad
    with torch.no_grad():
        inside = (w * 2).requires_grad
    d = w.detach()
    return NoGrad(normal, inside, d.requires_grad, d.data_ptr() == w.data_ptr())


def no_grad_code(seed: int) -> str:
    return f"""import torch

torch.manual_seed({seed})
w = torch.randn(3, requires_grad=True)
normal = (w * 2).requires_grad          # True: tracked
with torch.no_grad():                   # inference, or updating weights by hand
    inside_no_grad = (w * 2).requires_grad  # False: no graph is built
d = w.detach()                          # same memory, cut off from the graph
detached = d.requires_grad              # False
shares_storage = d.data_ptr() == w.data_ptr()  # True
print(normal, inside_no_grad, detached, shares_storage)
"""


# -- vector-Jacobian products and the dynamic graph --------------------------------------
V = (0.1, 1.0, 0.0001)  # the blitz's v
SCALES = (0.01, 0.1, 1.0, 10.0, 100.0, 1000.0)


def _blitz(x: torch.Tensor, limit: float = 1000.0) -> tuple[torch.Tensor, int]:
    y = x * 2
    doublings = 1
    while y.detach().norm() < limit and doublings < 200:
        y = y * 2
        doublings += 1
    return y, doublings


@dataclass
class VJP:
    x: torch.Tensor
    y: torch.Tensor
    v: torch.Tensor
    jacobian: torch.Tensor
    jtv: torch.Tensor
    x_grad: torch.Tensor
    doublings: int

    @property
    def max_abs_diff(self) -> float:
        return float((self.jtv - self.x_grad).abs().max())


def vjp_demo(seed: int, scale: float = 1.0) -> VJP:
    """The blitz: ``y = x * 2`` doubled while its norm is below 1000, then ``y.backward(v)``."""
    x = (torch.randn(3, generator=_gen(seed)) * scale).requires_grad_(True)
    y, n = _blitz(x)
    v = torch.tensor(V)
    y.backward(v)
    jac = torch.autograd.functional.jacobian(lambda t: _blitz(t)[0], x.detach())
    return VJP(x.detach(), y.detach(), v, jac, jac.T @ v, grad_of(x).clone(), n)


def vjp_code(seed: int, scale: float = 1.0) -> str:
    return f"""import torch

torch.manual_seed({seed})
x = (torch.randn(3) * {scale!r}).requires_grad_(True)


def f(x):
    y = x * 2
    while y.detach().norm() < 1000:  # Python control flow: the graph depends on the data
        y = y * 2
    return y


y = f(x)
v = torch.tensor([0.1, 1.0, 0.0001])
y.backward(v)  # y is not a scalar: backward needs the vector v
jacobian = torch.autograd.functional.jacobian(f, x.detach())
jtv = jacobian.T @ v
print(x.grad, jtv, sep="\\n")  # equal: backward computes J^T v without building J
"""


def dynamic_program(seed: int, scale: float) -> tuple[torch.Tensor, torch.Tensor, int]:
    """The blitz loop on ``randn(3) * scale``: x, y (with its graph) and the number of ops."""
    x = (torch.randn(3, generator=_gen(seed)) * scale).requires_grad_(True)
    y, n = _blitz(x)
    return x, y, n


def dynamic_graph_code(seed: int, scales: tuple[float, float]) -> str:
    return f"""import torch

torch.manual_seed({seed})
x = torch.randn(3)
lengths = []
for scale in {scales!r}:
    y = (x * scale).requires_grad_(True) * 2
    ops = 1
    while y.detach().norm() < 1000:  # a data-dependent loop: each run records its own graph
        y = y * 2
        ops += 1
    lengths.append(ops)
print(lengths)  # number of MulBackward0 nodes in each graph
"""
