"""The Autograd engine: the graph PyTorch built, exact gradients, checks, demos and refusals."""

from __future__ import annotations

from collections import Counter

import pytest
import torch

from playground import autograd as ag
from playground import autograd as cc
from playground.autograd.figures import make_descent_figure, make_graph_figure
from playground.core.errors import (
    NotDifferentiableError,
    PlaygroundError,
    ProgramError,
)
from playground.core.i18n import t
from tests.snippets import run_in_process, run_snippet

SEED = 7


def _run(src: str, seed: int = SEED):
    comp = ag.run_program(ag.parse_program(src), generator=ag.make_generator("cpu", seed))
    return comp, ag.extract_graph(comp)


# -- the graph PyTorch built, per preset --------------------------------------------
EXPECTED = {
    "blitz": (
        ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0", "AccumulateGrad"],
        {
            ("MeanBackward0", "MulBackward0"),
            ("MulBackward0", "MulBackward0"),
            ("MulBackward0", "AddBackward0"),
            ("AddBackward0", "x"),
        },
    ),
    "tutorial": (
        [
            "BinaryCrossEntropyWithLogitsBackward0",
            "AddBackward0",
            "SqueezeBackward4",
            "AccumulateGrad",
            "MmBackward0",
            "AccumulateGrad",
        ],
        {
            ("BinaryCrossEntropyWithLogitsBackward0", "AddBackward0"),
            ("AddBackward0", "SqueezeBackward4"),
            ("AddBackward0", "b"),
            ("SqueezeBackward4", "MmBackward0"),
            ("MmBackward0", "w"),
        },
    ),
    "mse": (
        [
            "MeanBackward0",
            "PowBackward0",
            "SubBackward0",
            "AddBackward0",
            "MulBackward0",
            "AccumulateGrad",
            "AccumulateGrad",
        ],
        {
            ("MeanBackward0", "PowBackward0"),
            ("PowBackward0", "SubBackward0"),
            ("SubBackward0", "AddBackward0"),
            ("AddBackward0", "MulBackward0"),
            ("AddBackward0", "b"),
            ("MulBackward0", "w"),
        },
    ),
}


@pytest.mark.parametrize("preset", sorted(EXPECTED))
def test_graph_is_the_one_pytorch_built(preset):
    names, edges = EXPECTED[preset]
    comp, graph = _run(ag.PRESETS[preset])
    assert graph.op_names() == names
    assert graph.named_edges() == edges
    # Cross-check against a plain walk of grad_fn.next_functions.
    seen, stack = set(), [comp.output.grad_fn]
    while stack:
        fn = stack.pop()
        if fn in seen:
            continue
        seen.add(fn)
        stack += [f for f, _ in fn.next_functions if f is not None]
    assert len(seen) == len(graph.nodes)


def test_blitz_graph_has_both_edges_of_y_times_y_and_skips_constants():
    comp, graph = _run(ag.PRESETS["blitz"])
    counts = Counter((e.source, e.target) for e in graph.edges)
    add = graph.node("AddBackward0").id
    assert sorted(counts.values()) == [1, 1, 1, 2]
    assert any(t == add and n == 2 for (_, t), n in counts.items())
    assert graph.skipped_inputs == 2  # the constants 2 and 3 need no gradient
    assert all(e.shape == (2, 2) for e in graph.edges)
    assert graph.node("y").op == "AddBackward0"
    assert torch.equal(graph.node("y").value, torch.full((2, 2), 3.0))


def test_mlp_graph_names_every_parameter():
    comp, graph = _run(ag.PRESETS["mlp"])
    leaves = {n.tensor_name for n in graph.nodes if n.kind == "leaf"}
    assert leaves == {"W1", "b1", "W2", "b2"}
    assert graph.op_names()[:2] == ["NllLossBackward0", "LogSoftmaxBackward0"]
    assert graph.node("ReluBackward0").shape == (4, 8)


def test_layout_puts_every_edge_one_layer_down_or_more():
    src = "x = torch.randn(3, requires_grad=True)\n" + "\n".join(
        f"x = x * 1.01 + {k}" if k % 2 else "x = torch.tanh(x) + x" for k in range(25)
    )
    comp, graph = _run(src)
    assert len(graph.nodes) >= 50
    pos = ag.layered_layout(graph)
    assert all(pos[e.target][1] > pos[e.source][1] for e in graph.edges)
    layers = Counter(p[1] for p in pos.values())
    for layer in layers:  # nodes of a layer never share a position
        xs = [p[0] for p in pos.values() if p[1] == layer]
        assert len(xs) == len(set(xs))


# -- gradients -------------------------------------------------------------------------
def test_blitz_gradient_is_four_and_a_half():
    comp, graph = _run(ag.PRESETS["blitz"])
    result = ag.backward(comp, graph)
    assert torch.equal(result.grads["x"], torch.full((2, 2), 4.5))
    # The hook on y's node sees d out / d y = 6 y / 4 = 4.5 as well.
    assert torch.allclose(result.node_grads[graph.node("y").id], torch.full((2, 2), 4.5))


def test_tutorial_gradient_matches_the_closed_form():
    comp, graph = _run(ag.PRESETS["tutorial"])
    result = ag.backward(comp, graph)
    v = comp.values
    dz = (torch.sigmoid(v["z"].detach()) - v["y"]) / 3  # d mean(BCE) / dz
    assert torch.allclose(result.grads["w"], torch.outer(v["x"], dz), atol=1e-7)
    assert torch.allclose(result.grads["b"], dz, atol=1e-7)


def test_mse_gradient_matches_the_closed_form():
    comp, graph = _run(ag.PRESETS["mse"])
    result = ag.backward(comp, graph)
    v = comp.values
    r = v["pred"].detach() - v["y"]
    assert torch.allclose(result.grads["w"], (2 * r * v["x"]).mean())
    assert torch.allclose(result.grads["b"], (2 * r).mean())


def test_non_scalar_output_backward_uses_ones():
    comp, graph = _run("w = torch.randn(3, requires_grad=True)\ny = w * 5")
    result = ag.backward(comp, graph)
    assert result.vector is not None and torch.equal(result.vector, torch.ones(3))
    assert torch.equal(result.grads["w"], torch.full((3,), 5.0))
    # What the page says: ones gives the gradients of output.sum(); the blitz's v is another.
    w = comp.values["w"].detach().requires_grad_()
    (w * 5).sum().backward()
    assert torch.equal(w.grad, result.grads["w"])
    from playground.autograd.concepts import V

    assert V == (0.1, 1.0, 0.0001)
    for lang in ("en", "zh"):
        assert "[0.1, 1.0, 0.0001]" in t("ag.nonscalar", lang, n=3) and "ones_like" in t(
            "ag.nonscalar", lang, n=3
        )


@pytest.mark.parametrize("preset", sorted(ag.PRESETS))
def test_numerical_check_agrees_in_float64(preset):
    check = ag.numerical_check(ag.parse_program(ag.PRESETS[preset]), SEED)
    assert check.ok and check.max_abs_diff < 1e-6
    assert check.checked == check.total
    comp, graph = _run(ag.PRESETS[preset])
    grads = ag.backward(comp, graph).grads
    for name, g in grads.items():  # the page's float32 gradients agree with float64 ones
        assert torch.allclose(g.double(), check.analytic[name], atol=1e-5)
    assert max(check.per_leaf().values()) == pytest.approx(check.max_abs_diff)


def test_numerical_check_catches_a_kink():
    # At 0, autograd uses relu's subgradient 0; the central difference sees slope 0.5.
    src = "w = torch.zeros(1, requires_grad=True)\nout = F.relu(w).sum()"
    check = ag.numerical_check(ag.parse_program(src), 0)
    assert check.max_abs_diff == pytest.approx(0.5)
    assert not check.ok


def test_numerical_check_samples_large_leaves():
    src = "w = torch.randn(20, 20, requires_grad=True)\nout = (w * w).sum()"
    check = ag.numerical_check(ag.parse_program(src), 0)
    assert check.total == 400 and check.checked == ag.MAX_CHECKED_ELEMENTS
    assert check.ok
    assert int((~check.numeric["w"].isnan()).sum()) == ag.MAX_CHECKED_ELEMENTS


@pytest.mark.slow
@pytest.mark.parametrize("preset", sorted(ag.PRESETS))
def test_program_snippet_gives_the_page_gradients(preset):
    statements = ag.parse_program(ag.PRESETS[preset])
    comp, graph = _run(ag.PRESETS[preset])
    page = ag.backward(comp, graph).grads
    ns = run_snippet(
        ag.program_code(statements, SEED, "cpu", leaves=list(comp.leaves()), scalar=True)
    )
    assert set(ns["grads"]) == set(page)
    for name in page:
        assert torch.equal(ns["grads"][name], page[name])


@pytest.mark.slow
def test_non_scalar_snippet_passes_v():
    src = "w = torch.randn(3, requires_grad=True)\ny = w * 5"
    code = ag.program_code(ag.parse_program(src), 1, "cpu", leaves=["w"], scalar=False)
    assert "backward(torch.ones_like(y))" in code
    assert torch.equal(run_snippet(code)["grads"]["w"], torch.full((3,), 5.0))


# -- refusals ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("src", "needle"),
    [
        ("", "empty"),
        ("x = ", "needs an expression"),
        ("x + 1", "name = expression"),
        ("torch = torch.ones(2)", "cannot be used"),
        ("__class__ = torch.ones(2)", "cannot be used"),
        ("import os", "name = expression"),
        ("y = x * 2", "'x'"),
        ("x = torch.ones(3, dtype=torch.long, requires_grad=True)", "floating point"),
        ("x = torch.ones(100000, 100000, requires_grad=True)", "limit"),
        ("x = torch.ones(2)\ny = x.__class__", "Line 2"),
        ("x = 3", "must give a tensor"),
        ("\n".join(f"x{k} = torch.ones(1)" for k in range(61)), "at most"),
    ],
)
def test_bad_programs_get_clear_messages(src, needle):
    with pytest.raises(PlaygroundError) as info:
        comp = ag.run_program(ag.parse_program(src))
        ag.extract_graph(comp)
    assert needle in str(info.value)


def test_int_requires_grad_keeps_pytorchs_words():
    with pytest.raises(ProgramError) as info:
        ag.run_program(ag.parse_program("x = torch.ones(3, dtype=torch.long, requires_grad=True)"))
    assert info.value.line == 1
    assert "Only Tensors of floating point" in info.value.torch_message


def test_non_differentiable_output_is_explained():
    src = "w = torch.randn(4, requires_grad=True)\ni = torch.argmax(w)"
    comp = ag.run_program(ag.parse_program(src))
    with pytest.raises(NotDifferentiableError, match="no grad_fn"):
        ag.extract_graph(comp)


def test_output_that_is_a_leaf_is_one_node():
    comp, graph = _run("w = torch.randn(2, requires_grad=True)")
    assert [n.kind for n in graph.nodes] == ["leaf"] and graph.edges == []
    assert torch.equal(ag.backward(comp, graph).grads["w"], torch.ones(2))


# -- concept demos and their snippets -----------------------------------------------------
def test_flags_demo_matches_its_snippet():
    rows = {r.name: r for r in cc.flags_demo(SEED)}
    assert (rows["x"].requires_grad, rows["x"].is_leaf, rows["x"].grad_fn) == (False, True, "None")
    assert (rows["w"].requires_grad, rows["w"].is_leaf, rows["w"].grad_fn) == (True, True, "None")
    assert (rows["y"].requires_grad, rows["y"].grad_fn) == (True, "MulBackward0")
    assert rows["s"].grad_fn == "SumBackward0"
    ns = run_in_process(cc.flags_code(SEED))  # .grad and grad_fn do not pickle
    assert type(ns["s"].grad_fn).__name__ == "SumBackward0" and ns["w"].is_leaf


def test_leaf_grad_demo_shows_the_real_warning():
    demo = cc.leaf_grad_demo(SEED)
    assert demo.y_grad_before is None
    assert "not a leaf Tensor" in demo.warning and "retain_grad" in demo.warning
    assert torch.equal(demo.w_grad, torch.full((3,), 2.0))
    assert torch.equal(demo.y_grad_retained, torch.ones(3))
    with pytest.warns(UserWarning):
        ns = run_in_process(cc.leaf_grad_code(SEED))  # .grad and grad_fn do not pickle
    assert torch.equal(ns["y_grad"], demo.y_grad_retained)


@pytest.mark.slow  # over 2 s here
def test_accumulate_demo_doubles_then_zeroes():
    demo = cc.accumulate_demo(SEED)
    assert torch.allclose(demo.second, 2 * demo.first)
    assert torch.equal(demo.zeroed, torch.zeros(3))
    ns = run_snippet(cc.accumulate_code(SEED))
    assert torch.equal(ns["first"], demo.first) and torch.equal(ns["second"], demo.second)
    assert torch.equal(ns["first"], ns["x"])  # d (w · x) / dw = x


def test_retain_graph_demo_raises_pytorchs_error():
    demo = cc.retain_graph_demo(SEED)
    assert "Trying to backward through the graph a second time" in demo.error
    ns = run_snippet(cc.retain_graph_code(SEED))
    assert ns["error"] == demo.error
    assert torch.allclose(demo.with_retain, 4 * ns["w"].detach())
    assert torch.equal(ns["with_retain"], demo.with_retain)


def test_no_grad_demo():
    demo = cc.no_grad_demo(SEED)
    assert (demo.normal, demo.inside_no_grad, demo.detached, demo.shares_storage) == (
        True,
        False,
        False,
        True,
    )
    ns = run_snippet(cc.no_grad_code(SEED))
    assert (ns["normal"], ns["inside_no_grad"], ns["detached"], ns["shares_storage"]) == (
        True,
        False,
        False,
        True,
    )


@pytest.mark.parametrize("scale", [0.01, 1.0, 100.0])
def test_vjp_equals_jacobian_transpose_times_v(scale):
    demo = cc.vjp_demo(SEED, scale)
    n = demo.doublings
    assert torch.allclose(demo.jacobian, torch.eye(3) * 2.0**n)
    assert demo.max_abs_diff <= 1e-6 * demo.x_grad.abs().max().item()
    assert demo.y.norm() >= 1000 or n == 1
    ns = run_in_process(cc.vjp_code(SEED, scale))  # .grad and grad_fn do not pickle
    assert torch.equal(ns["x"].grad, demo.x_grad)
    assert torch.allclose(ns["jtv"], demo.jtv)


def test_dynamic_graph_depends_on_the_data():
    lengths = []
    for scale in (1.0, 100.0):
        x, y, n = cc.dynamic_program(SEED, scale)
        graph = ag.graph_of(y, {"x": x})
        assert graph.op_names().count("MulBackward0") == n
        assert graph.node("x").kind == "leaf"
        lengths.append(n)
    assert lengths[0] > lengths[1]
    assert run_snippet(cc.dynamic_graph_code(SEED, (1.0, 100.0)))["lengths"] == lengths


# -- gradient descent by hand -------------------------------------------------------------
def test_descent_converges_to_least_squares():
    fit = cc.fit_line(0.3, 300, SEED)
    assert fit.diverged_at is None
    assert fit.path[-1] == pytest.approx(fit.best, abs=1e-3)
    assert all(a >= b - 1e-6 for a, b in zip(fit.losses, fit.losses[1:], strict=False))
    ns = run_snippet(cc.descent_code(0.3, 300, SEED))
    assert (ns["w"].item(), ns["b"].item()) == pytest.approx(fit.path[-1], abs=1e-6)
    assert ns["losses"] == pytest.approx(fit.losses)


def test_descent_detects_divergence_instead_of_plotting_nan():
    fit = cc.fit_line(1.5, 300, SEED)
    assert fit.diverged_at is not None and fit.diverged_at < 300
    assert all(torch.isfinite(torch.tensor(fit.losses)))
    assert fit.losses[-1] > 1e3 * fit.losses[0]
    ns = run_snippet(cc.descent_code(1.5, 300, SEED))
    assert len(ns["losses"]) == fit.diverged_at


def test_loss_surface_is_the_mse():
    fit = cc.fit_line(0.1, 20, SEED)
    gw, gb, surface = cc.loss_surface(SEED, fit.path, fit.best, n=9)
    x, y = cc.line_data(SEED)
    i, j = 3, 5
    assert surface[i, j].item() == pytest.approx(((gw[i] * x + gb[j] - y) ** 2).mean().item())
    assert gw.min() <= fit.best[0] <= gw.max() and gb.min() <= fit.best[1] <= gb.max()
    fig = make_descent_figure(fit.path, fit.losses, gw, gb, surface, best=fit.best)
    assert list(fig.data[1].x) == [p[0] for p in fit.path]


def test_graph_figure_has_one_marker_per_node_and_gradients_in_hover():
    comp, graph = _run(ag.PRESETS["tutorial"])
    result = ag.backward(comp, graph)
    fig = make_graph_figure(graph, result.node_grads)
    assert sum(len(t.x) for t in fig.data) == len(graph.nodes)
    hover = " ".join(h for t in fig.data for h in t.hovertext)
    assert "grad:" in hover and "BinaryCrossEntropyWithLogitsBackward0" in hover
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == len({(e.source, e.target) for e in graph.edges})


def test_every_preset_has_a_label_in_both_languages():
    from playground.core.i18n import catalog

    for lang in ("en", "zh"):
        assert all(f"ag.preset.{k}" in catalog(lang).messages for k in ag.PRESETS)


def test_an_lr_that_overshoots_is_told_apart_from_one_that_diverges_or_crawls():
    from playground.autograd import descent

    fits = {lr: descent.fit_line(lr, 60, 0) for lr in (0.01, 0.1, 1.0, 2.0)}
    assert fits[1.0].diverged_at is None and fits[1.0].overshoots
    assert fits[1.0].final_loss > 50 * fits[1.0].optimum_loss  # the issue's ~100x
    assert fits[2.0].diverged_at is not None and not fits[2.0].overshoots
    assert (
        not fits[0.1].overshoots and abs(fits[0.1].final_loss / fits[0.1].optimum_loss - 1) < 0.01
    )
    assert not fits[0.01].overshoots  # slow, but still falling


def test_what_the_page_says_about_backward_twice_zero_grad_and_detach_is_what_torch_does():
    x = torch.ones(3, requires_grad=True)
    y = (x + 2).sum()  # saves nothing: a second backward works and accumulates
    y.backward()
    y.backward()
    assert torch.equal(x.grad, torch.full((3,), 2.0))
    w = torch.ones(3, requires_grad=True)
    z = (w * w).sum()  # saves w: the second backward raises
    z.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        z.backward()
    opt = torch.optim.SGD([w], lr=0.1)
    opt.zero_grad()
    assert w.grad is None  # set_to_none=True is the default
    d = w.detach()
    assert d.data_ptr() == w.data_ptr() and not d.requires_grad  # shares memory, no graph


def test_grad_fn_names_break_before_backward_so_labels_do_not_collide():
    comp, graph = _run(ag.PRESETS["tutorial"])
    fig = make_graph_figure(graph)
    labels = [text for trace in fig.data for text in trace.text]
    assert "BinaryCrossEntropyWithLogits<br>Backward0<br>= loss" in labels
    ops = [n.op for n in graph.nodes if n.kind == "op"]
    assert ops and all(
        any(lbl.startswith(op.replace("Backward", "<br>Backward")) for lbl in labels) for op in ops
    )
    assert fig.layout.margin.t >= 30  # Plotly's toolbar sits above the top node's label
