"""backward() with every node's gradient caught by hooks, and the float64 numerical check.

Central differences, re-run from the same seed, against what autograd computed; a check
that costs more than ``AUTO_CHECK_COST`` statement evaluations runs on request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from playground.autograd.graph import Graph
from playground.autograd.program import Computation, Statement, make_generator, run_program
from playground.core.errors import ExpressionError

MAX_CHECKED_ELEMENTS = 128
AUTO_CHECK_COST = 300  # forward statements; above this the page runs the check on request
# Element operations the check may do on page view (about 0.1 s on one core); above it, on request.
AUTO_CHECK_FLOPS = 100_000_000


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

        def hook(grad_inputs, grad_outputs, nid=nid):
            if grad_outputs and grad_outputs[0] is not None:
                node_grads[nid] = grad_outputs[0].detach().clone()

        handles.append(fn.register_hook(hook))
    out = comp.output
    vector = None if out.numel() == 1 else torch.ones_like(out)
    try:
        out.backward(vector)
    except RuntimeError as err:
        raise ExpressionError(
            "err.autograd.backward_failed_value",
            value=str(err).splitlines()[0],
            torch_message=str(err),
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
        raise ExpressionError("err.autograd.no_leaf_requires")
    comp = run_program(
        statements, generator=make_generator("cpu", seed), overrides=leaves64, float64=True
    )
    out = comp.output
    if not out.is_floating_point():
        raise ExpressionError("err.autograd.output_floating_point")
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


def check_flops(forward_flops: int, n_elements: int) -> int:
    """The numerical check's work: two forward passes per checked element, in float64."""
    return 2 * min(n_elements, MAX_CHECKED_ELEMENTS) * max(1, forward_flops)


def check_on_request(statements: list[Statement], n_elements: int, forward_flops: int) -> bool:
    """Whether the check is too heavy to run on page view: it then waits for a click."""
    return (
        check_cost(statements, n_elements) > AUTO_CHECK_COST
        or check_flops(forward_flops, n_elements) > AUTO_CHECK_FLOPS
    )


def _evenly_spaced(total: int, limit: int) -> set[int]:
    if total <= limit:
        return set(range(total))
    return {round(k * (total - 1) / (limit - 1)) for k in range(limit)}
