"""The real autograd graph, read from ``grad_fn`` and ``next_functions``, and its layout.

Each node carries the forward value the recorder saw and, after ``backward()``, the
gradient a hook caught. The layout is layered by longest path with one barycentre pass.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import torch

from playground.autograd.program import Computation
from playground.core.errors import ExpressionError, NotDifferentiableError

MAX_GRAPH_NODES = 400


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
        raise NotDifferentiableError("err.autograd.output_name_no", output_name=comp.output_name)
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
                        "err.autograd.graph_more_than", max_graph_nodes=MAX_GRAPH_NODES
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
