"""The Autograd page's graph, computed and drawn once per server for each program and seed.

Thirty students on the teacher's link run the same program: the first session computes the
graph, the backward pass and the figures; every other one draws those very objects. They are
shared and read-only. A refused program raises its error each time (nothing is stored).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch

from playground import autograd as ag
from playground.autograd.figures import make_graph_figure
from playground.plots.heatmap import make_tensor_figure
from playground.plots.wire import SharedFigure
from playground.ui.shared import class_resource

__all__ = ["GraphView", "gradient_check", "graph_view"]


@dataclass(frozen=True)
class GraphView:
    statements: list[Any]
    graph: Any  # ag.Graph
    result: ag.BackwardResult | None  # None when backward is off
    figure: SharedFigure  # the graph, with each node's gradient when backward ran
    grad_figures: dict[str, SharedFigure]  # leaf name -> its .grad as a heatmap
    code: str  # the page's script for this program
    flops: int
    output_numel: int


@class_resource(max_entries=32)
def graph_view(program: str, seed: int, device: str, backward: bool, lang: str) -> GraphView:
    statements = ag.parse_program(program)
    comp = ag.run_program(
        statements, device=torch.device(device), generator=ag.make_generator(device, seed)
    )
    graph = ag.extract_graph(comp)
    result = ag.backward(comp, graph) if backward else None
    figure = SharedFigure(
        make_graph_figure(graph, result.node_grads if result else None, lang=lang)
    )
    grads = (
        {n: SharedFigure(make_tensor_figure(g)) for n, g in result.grads.items()} if result else {}
    )
    code = ag.computation_code(comp, seed, torch.device(device))
    return GraphView(
        statements, graph, result, figure, grads, code, comp.flops, comp.output.numel()
    )


# Shared by the class, read only (cache_data would unpickle its tensors for every session).
# Here, not in the page: a page's module runs again on every run, and so would the decorator.
@class_resource(max_entries=64)
def gradient_check(program: str, seed: int) -> tuple[ag.GradCheck, tuple[tuple[str, str], ...]]:
    """The check, and its rows per leaf as the page shows them."""
    check = ag.numerical_check(ag.parse_program(program), seed)
    return check, tuple((n, f"{d:.2e}") for n, d in check.per_leaf().items())
