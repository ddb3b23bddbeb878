"""Autograd, shown from the inside: programs, the real grad_fn graph, backward and checks.

A *program* is what a learner types, one ``name = expression`` per line, in the
tutorial's own words::

    x = torch.ones(5)
    w = torch.randn(5, 3, requires_grad=True)
    z = x @ w

Each expression goes through :func:`playground.expr.evaluate`. The graph is read
back from the tensors' ``grad_fn`` and ``next_functions``: it is the graph
PyTorch built, never a re-derivation from the text.
"""

from __future__ import annotations

import contextlib
import keyword
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.overrides import TorchFunctionMode

from playground.expr import ExpressionError, evaluate

__all__ = [
    "PRESETS",
    "BackwardResult",
    "Computation",
    "GradCheck",
    "Graph",
    "GraphEdge",
    "GraphNode",
    "ProgramError",
    "Statement",
    "backward",
    "check_cost",
    "computation_code",
    "extract_graph",
    "graph_of",
    "make_generator",
    "layered_layout",
    "numerical_check",
    "parse_program",
    "program_code",
    "run_program",
]

MAX_LINES = 60
MAX_GRAPH_NODES = 400
MAX_CHECKED_ELEMENTS = 128
AUTO_CHECK_COST = 300  # forward statements; above this the page runs the check on request

# The presets, each in the form the tutorial or the blitz writes it.
PRESETS: dict[str, str] = {
    "tutorial": """\
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = x @ w + b
loss = F.binary_cross_entropy_with_logits(z, y)""",
    "blitz": """\
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = y * y * 3
out = z.mean()""",
    "mlp": """\
x = torch.randn(4, 3)  # a batch of 4 samples, 3 features
W1 = torch.randn(3, 8, requires_grad=True)
b1 = torch.zeros(8, requires_grad=True)
W2 = torch.randn(8, 2, requires_grad=True)
b2 = torch.zeros(2, requires_grad=True)
h = F.relu(x @ W1 + b1)
logits = h @ W2 + b2
target = torch.tensor([0, 1, 1, 0])
loss = F.cross_entropy(logits, target)""",
    "mse": """\
x = torch.tensor([1.0, 2.0, 3.0, 4.0])
y = torch.tensor([2.1, 3.9, 6.2, 7.8])
w = torch.tensor(0.5, requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
pred = w * x + b
loss = ((pred - y) ** 2).mean()""",
}

_ASSIGN = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(?!=)\s*(.*)$")
_RESERVED = frozenset({"torch", "F", "pi", "e", "inf", "nan"})


class ProgramError(ExpressionError):
    """A program line that could not be parsed or run; ``line`` is 1-based."""

    def __init__(self, line: int, message: str, *, torch_message: str | None = None) -> None:
        super().__init__(f"Line {line}: {message}", torch_message=torch_message)
        self.line = line


@dataclass(frozen=True)
class Statement:
    name: str
    expression: str
    line: int


def parse_program(text: str) -> list[Statement]:
    """Split a program into ``name = expression`` statements; comments and blank lines skipped."""
    if not isinstance(text, str) or not text.strip():
        raise ProgramError(1, "the program is empty: write one `name = expression` per line.")
    lines = text.splitlines()
    statements: list[Statement] = []
    for number, raw in enumerate(lines, start=1):
        code = raw.split("#", 1)[0].rstrip()
        if not code.strip():
            continue
        if len(statements) >= MAX_LINES:
            raise ProgramError(number, f"a program may have at most {MAX_LINES} statements.")
        match = _ASSIGN.match(code)
        if not match:
            raise ProgramError(number, "write `name = expression`, for example `y = x * 2`.")
        name, expression = match.groups()
        if name.startswith("_") or name in _RESERVED or keyword.iskeyword(name):
            raise ProgramError(number, f"`{name}` cannot be used as a name here.")
        if not expression.strip():
            raise ProgramError(number, f"`{name} =` needs an expression on the right.")
        statements.append(Statement(name, expression.strip(), number))
    if not statements:
        raise ProgramError(1, "the program is empty: write one `name = expression` per line.")
    return statements


class _Recorder(TorchFunctionMode):
    """Keeps every tensor that an op created with a grad_fn, keyed by (node, output_nr).

    This gives each node of the graph its forward value, including unnamed
    intermediates such as ``y * y`` inside ``y * y * 3``.
    """

    def __init__(self) -> None:
        super().__init__()
        self.outputs: dict[tuple[Any, int], torch.Tensor] = {}

    def __torch_function__(self, func, types, args=(), kwargs=None):  # noqa: ANN001
        out = func(*args, **(kwargs or {}))
        for t in out if isinstance(out, tuple | list) else (out,):
            if isinstance(t, torch.Tensor) and t.grad_fn is not None and not t.is_meta:
                self.outputs[(t.grad_fn, t.output_nr)] = t
        return out


@dataclass
class Computation:
    """The values a program produced, its output, and every op output seen on the way."""

    statements: list[Statement]
    values: dict[str, Any]
    output_name: str
    recorded: dict[tuple[Any, int], torch.Tensor] = field(repr=False)

    @property
    def output(self) -> torch.Tensor:
        return self.values[self.output_name]

    def leaves(self) -> dict[str, torch.Tensor]:
        """The named tensors that require grad and were not produced by an op."""
        return {
            n: v
            for n, v in self.values.items()
            if isinstance(v, torch.Tensor) and v.is_leaf and v.requires_grad
        }


def make_generator(device: torch.device | str, seed: int) -> torch.Generator:
    """A generator on ``device`` seeded like ``torch.manual_seed(seed)`` seeds that device."""
    device = torch.device(device)
    if device.type == "cpu":
        return torch.Generator().manual_seed(seed)
    return torch.Generator(device=device).manual_seed(seed)


def run_program(
    statements: list[Statement],
    *,
    device: torch.device | str = "cpu",
    generator: torch.Generator | None = None,
    overrides: Mapping[str, torch.Tensor] | None = None,
    float64: bool = False,
    record: bool = True,
    shapes_checked: bool = False,
) -> Computation:
    """Run each statement through the safe evaluator; the last one is the output.

    ``overrides`` replaces named values after their statement ran (the random
    draws still happen, so later statements see the same random numbers).
    ``float64`` casts every floating tensor a line creates from scratch to float64.
    """
    values: dict[str, Any] = {}
    recorder = _Recorder()
    with recorder if record else contextlib.nullcontext():
        for st in statements:
            try:
                value = evaluate(
                    st.expression,
                    values,
                    device=device,
                    generator=generator,
                    shapes_checked=shapes_checked,
                )
            except ExpressionError as err:
                raise ProgramError(st.line, str(err), torch_message=err.torch_message) from None
            if overrides and st.name in overrides:
                value = overrides[st.name]
            elif (
                float64
                and isinstance(value, torch.Tensor)
                and value.grad_fn is None
                and value.is_floating_point()
            ):
                value = value.detach().to(torch.float64).requires_grad_(value.requires_grad)
            values[st.name] = value
    last = statements[-1]
    if not isinstance(values[last.name], torch.Tensor):
        raise ProgramError(
            last.line, f"the last line must give a tensor; `{last.name}` is not one."
        )
    return Computation(statements, values, last.name, recorder.outputs)


# -- the graph ---------------------------------------------------------------------
@dataclass(frozen=True)
class GraphNode:
    """One node of the backward graph: an op's ``grad_fn`` or a leaf's ``AccumulateGrad``."""

    id: int
    op: str  # type(grad_fn).__name__, e.g. "MulBackward0" or "AccumulateGrad"
    kind: str  # "output", "op" or "leaf"
    tensor_name: str | None  # the program's name for this node's tensor, if it has one
    shape: tuple[int, ...] | None
    value: torch.Tensor | None = field(default=None, compare=False, repr=False)

    @property
    def label(self) -> str:
        if self.kind == "leaf":
            return self.tensor_name or "leaf"
        return self.op


@dataclass(frozen=True)
class GraphEdge:
    """``source`` (nearer the output) lists ``target`` in its ``next_functions``."""

    source: int
    target: int
    shape: tuple[int, ...] | None


@dataclass
class Graph:
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    skipped_inputs: int  # next_functions entries that are None: inputs that need no gradient
    functions: list[Any] = field(default_factory=list, repr=False)  # node id -> grad_fn

    def node(self, name: str) -> GraphNode:
        return next(n for n in self.nodes if n.tensor_name == name or n.op == name)

    def op_names(self) -> list[str]:
        return [n.op for n in self.nodes]

    def named_edges(self) -> set[tuple[str, str]]:
        """Edges as (source label, target label), for tests and captions."""
        labels = {n.id: n.label for n in self.nodes}
        return {(labels[e.source], labels[e.target]) for e in self.edges}


class NotDifferentiableError(ExpressionError):
    pass


def extract_graph(comp: Computation) -> Graph:
    """Walk ``output.grad_fn`` and ``next_functions``, breadth first, into nodes and edges."""
    out = comp.output
    names_by_node: dict[Any, str] = {}
    leaf_names: dict[int, str] = {}
    for name, v in comp.values.items():
        if isinstance(v, torch.Tensor):
            if v.grad_fn is not None:
                names_by_node.setdefault((v.grad_fn, v.output_nr), name)
            elif v.requires_grad:
                leaf_names[id(v)] = name
    if out.grad_fn is None:
        if out.requires_grad:  # the output is itself a leaf
            node = GraphNode(0, "AccumulateGrad", "leaf", comp.output_name, tuple(out.shape), out)
            return Graph([node], [], 0, [None])
        raise NotDifferentiableError(
            f"`{comp.output_name}` has no grad_fn: nothing it was computed from has "
            "requires_grad=True, or an op on the way (argmax, comparisons, integer "
            "casts) is not differentiable. Give a leaf requires_grad=True."
        )
    ids: dict[Any, int] = {out.grad_fn: 0}
    functions = [out.grad_fn]
    nodes: list[GraphNode] = []
    edges: list[GraphEdge] = []
    skipped = 0
    queue = [out.grad_fn]
    while queue:
        fn = queue.pop(0)
        nid = ids[fn]
        nodes.append(_make_node(fn, nid, comp, names_by_node, leaf_names))
        for nxt, output_nr in fn.next_functions:
            if nxt is None:
                skipped += 1
                continue
            if nxt not in ids:
                if len(ids) >= MAX_GRAPH_NODES:
                    raise ExpressionError(
                        f"The graph has more than {MAX_GRAPH_NODES} nodes; use fewer steps."
                    )
                ids[nxt] = len(ids)
                functions.append(nxt)
                queue.append(nxt)
            edges.append(GraphEdge(nid, ids[nxt], _output_shape(nxt, output_nr, comp)))
    nodes.sort(key=lambda n: n.id)
    return Graph(nodes, edges, skipped, functions)


def graph_of(output: torch.Tensor, names: Mapping[str, torch.Tensor] | None = None) -> Graph:
    """The graph behind any tensor, naming the tensors in ``names`` (e.g. from a demo)."""
    values = dict(names or {})
    values["output"] = output
    return extract_graph(Computation([], values, "output", {}))


def _output_shape(fn: Any, output_nr: int, comp: Computation) -> tuple[int, ...] | None:
    if type(fn).__name__ == "AccumulateGrad":
        return tuple(fn.variable.shape)
    value = comp.recorded.get((fn, output_nr))
    return tuple(value.shape) if value is not None else None


def _make_node(
    fn: Any,
    nid: int,
    comp: Computation,
    names_by_node: dict[Any, str],
    leaf_names: dict[int, str],
) -> GraphNode:
    op = type(fn).__name__
    if op == "AccumulateGrad":
        var = fn.variable
        return GraphNode(nid, op, "leaf", leaf_names.get(id(var)), tuple(var.shape), var)
    value = comp.recorded.get((fn, 0))
    name = names_by_node.get((fn, 0))
    kind = "output" if nid == 0 else "op"
    shape = tuple(value.shape) if value is not None else None
    return GraphNode(nid, op, kind, name, shape, value)


def layered_layout(graph: Graph) -> dict[int, tuple[float, int]]:
    """(x, layer) per node: layer = longest path from the output; x orders each layer.

    Within a layer, nodes sit in the order of the mean x of the nodes that point
    to them (one barycentre pass), centred on 0.
    """
    children: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    parents: dict[int, list[int]] = {n.id: [] for n in graph.nodes}
    for e in graph.edges:
        children[e.source].append(e.target)
        parents[e.target].append(e.source)
    # Kahn's order from the output, then longest-path layers.
    indegree = {k: len(set(v)) for k, v in parents.items()}
    order, ready = [], [n.id for n in graph.nodes if indegree[n.id] == 0]
    seen_edges: set[tuple[int, int]] = set()
    while ready:
        nid = ready.pop(0)
        order.append(nid)
        for c in children[nid]:
            if (nid, c) in seen_edges:
                continue
            seen_edges.add((nid, c))
            indegree[c] -= 1
            if indegree[c] == 0:
                ready.append(c)
    layer = dict.fromkeys(order, 0)
    for nid in order:
        for c in children[nid]:
            layer[c] = max(layer[c], layer[nid] + 1)
    by_layer: dict[int, list[int]] = {}
    for nid in order:
        by_layer.setdefault(layer[nid], []).append(nid)
    pos: dict[int, tuple[float, int]] = {}
    for depth in sorted(by_layer):
        members = by_layer[depth]
        if depth:
            members.sort(key=lambda m: sum(pos[p][0] for p in parents[m]) / max(len(parents[m]), 1))
        for k, nid in enumerate(members):
            pos[nid] = (k - (len(members) - 1) / 2, depth)
    return pos


# -- backward ------------------------------------------------------------------------
@dataclass
class BackwardResult:
    grads: dict[str, torch.Tensor]  # leaf name -> .grad
    node_grads: dict[int, torch.Tensor]  # node id -> gradient w.r.t. that node's output
    vector: torch.Tensor | None  # the v of output.backward(v) for a non-scalar output


def backward(comp: Computation, graph: Graph) -> BackwardResult:
    """``output.backward()``, with a hook on every node to catch the gradient flowing through it.

    A non-scalar output needs ``backward(v)``; like the blitz, ``v`` is then ones.
    """
    node_grads: dict[int, torch.Tensor] = {}
    handles = []
    for nid, fn in enumerate(graph.functions):
        if fn is None or type(fn).__name__ == "AccumulateGrad":
            continue

        def hook(grad_inputs, grad_outputs, nid=nid):  # noqa: ANN001
            if grad_outputs and grad_outputs[0] is not None:
                node_grads[nid] = grad_outputs[0].detach().clone()

        handles.append(fn.register_hook(hook))
    out = comp.output
    vector = None if out.numel() == 1 else torch.ones_like(out)
    try:
        out.backward(vector)
    except RuntimeError as err:
        raise ExpressionError(
            f"backward() failed: {str(err).splitlines()[0]}", torch_message=str(err)
        ) from None
    finally:
        for h in handles:
            h.remove()
    grads = {n: v.grad.detach().clone() for n, v in comp.leaves().items() if v.grad is not None}
    for node in graph.nodes:
        if node.kind == "leaf" and node.tensor_name in grads:
            node_grads[node.id] = grads[node.tensor_name]
    return BackwardResult(grads, node_grads, vector)


@dataclass
class GradCheck:
    analytic: dict[str, torch.Tensor]  # float64 autograd gradients
    numeric: dict[str, torch.Tensor]  # central differences (NaN where not checked)
    max_abs_diff: float
    checked: int
    total: int

    def per_leaf(self) -> dict[str, float]:
        """max |analytic - numeric| per leaf, over the checked elements."""
        out = {}
        for name, numeric in self.numeric.items():
            checked = ~numeric.isnan()
            diff = (numeric - self.analytic[name]).abs()[checked]
            out[name] = float(diff.max()) if diff.numel() else 0.0
        return out

    @property
    def ok(self) -> bool:
        return self.max_abs_diff <= 1e-6


def numerical_check(
    statements: list[Statement],
    seed: int,
    *,
    eps: float = 1e-6,
    max_elements: int = MAX_CHECKED_ELEMENTS,
) -> GradCheck:
    """Central differences in float64 on the CPU against autograd, also in float64.

    Every forward re-runs the program from the same seed, with the requires-grad
    leaves replaced by float64 copies, so random draws repeat exactly. Larger
    programs check ``max_elements`` evenly spaced elements.
    """
    base = run_program(statements, generator=make_generator("cpu", seed))
    leaves64 = {
        n: v.detach().to(torch.float64).requires_grad_(True) for n, v in base.leaves().items()
    }
    if not leaves64:
        raise ExpressionError("No leaf has requires_grad=True, so there is nothing to check.")
    comp = run_program(
        statements, generator=make_generator("cpu", seed), overrides=leaves64, float64=True
    )
    out = comp.output
    if not out.is_floating_point():
        raise ExpressionError("The output is not a floating-point tensor.")
    weights = torch.ones_like(out)  # checks sum(v * out), which is what backward(v) does
    grads = torch.autograd.grad((out * weights).sum(), list(leaves64.values()), allow_unused=True)
    analytic = {
        n: (g if g is not None else torch.zeros_like(leaves64[n]))
        for n, g in zip(leaves64, grads, strict=True)
    }

    def f(overrides: dict[str, torch.Tensor]) -> float:
        with torch.no_grad():
            c = run_program(
                statements,
                generator=make_generator("cpu", seed),
                overrides=overrides,
                float64=True,
                record=False,
                shapes_checked=True,  # the same program, same shapes, passed the dry run above
            )
            return float((c.output.to(torch.float64) * weights).sum())

    total = sum(v.numel() for v in leaves64.values())
    picks = _evenly_spaced(total, max_elements)
    numeric = {n: torch.full_like(v, math.nan) for n, v in leaves64.items()}
    fixed = {n: v.detach().clone() for n, v in leaves64.items()}
    offset, diff = 0, 0.0
    for name, v in fixed.items():
        flat = v.view(-1)
        for k in range(v.numel()):
            if offset + k not in picks:
                continue
            old = flat[k].item()
            flat[k] = old + eps
            up = f(fixed)
            flat[k] = old - eps
            down = f(fixed)
            flat[k] = old
            estimate = (up - down) / (2 * eps)
            numeric[name].view(-1)[k] = estimate
            diff = max(diff, abs(estimate - analytic[name].view(-1)[k].item()))
        offset += v.numel()
    return GradCheck({n: g.detach() for n, g in analytic.items()}, numeric, diff, len(picks), total)


def check_cost(statements: list[Statement], n_elements: int) -> int:
    """Statements the numerical check evaluates: two forwards per checked element."""
    return 2 * min(n_elements, MAX_CHECKED_ELEMENTS) * len(statements)


def _evenly_spaced(total: int, limit: int) -> set[int]:
    if total <= limit:
        return set(range(total))
    return {round(k * (total - 1) / (limit - 1)) for k in range(limit)}


def program_code(
    statements: list[Statement],
    seed: int,
    device: torch.device | str,
    *,
    leaves: list[str],
    scalar: bool = True,
) -> str:
    """The plain script for a program: seed, the lines as typed, backward, the gradients."""
    device = torch.device(device)
    lines = ["import torch", "import torch.nn.functional as F", "", f"torch.manual_seed({seed})"]
    if device.type != "cpu":
        lines.append(f'torch.set_default_device("{device}")')
    lines += [f"{s.name} = {s.expression}" for s in statements]
    out = statements[-1].name
    lines += ["", f"print({out}.grad_fn)  # the root of the graph autograd built"]
    if scalar:
        lines.append(f"{out}.backward()")
    else:
        lines.append(f"{out}.backward(torch.ones_like({out}))  # non-scalar: backward(v)")
    grads = ", ".join(f'"{n}": {n}.grad' for n in leaves)
    lines += [f"grads = {{{grads}}}", "for name, grad in grads.items():", "    print(name, grad)"]
    return "\n".join(lines) + "\n"


def computation_code(comp: Computation, seed: int, device: torch.device | str) -> str:
    """:func:`program_code` for a program that ran: its leaves, and whether it needs ``v``."""
    return program_code(
        comp.statements,
        seed,
        device,
        leaves=list(comp.leaves()),
        scalar=comp.output.numel() == 1,
    )
