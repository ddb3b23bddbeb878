"""Figures carry the real values: traces hold the tensors, outlines sit on the right cells."""

from __future__ import annotations

import torch

from playground.broadcasting.figures import make_broadcast_figure, make_join_figure
from playground.broadcasting.rules import explain_broadcast
from playground.plots.heatmap import make_tensor_figure
from playground.tensors.figures import make_blocks_figure, make_matmul_figure, make_storage_figure


def _cells(fig, xref: str = "x") -> set[tuple[int, int]]:
    return {(round(s.y0 + 0.5), round(s.x0 + 0.5)) for s in fig.layout.shapes if s.xref == xref}


def test_tensor_figure_holds_values_and_outlines_selection():
    t = torch.arange(6.0).reshape(2, 3)
    mask = t > 3
    fig = make_tensor_figure(t, selected=mask)
    assert [list(r) for r in fig.data[0].z] == t.tolist()
    assert _cells(fig) == {(1, 1), (1, 2)}
    assert fig.data[0].text[1][2] == "5"


def test_one_d_tensor_is_one_row():
    fig = make_tensor_figure(torch.tensor([1.0, 2.0, 3.0]))
    assert [list(r) for r in fig.data[0].z] == [[1.0, 2.0, 3.0]]


def test_matmul_figure_outlines_row_column_and_cell():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(3, 4, generator=g), torch.randn(4, 2, generator=g)
    c = a @ b
    fig = make_matmul_figure(a, b, c, 2, 1)
    assert len(fig.data) == 3
    assert torch.allclose(torch.tensor(fig.data[2].z, dtype=torch.float64), c.double())
    assert {d.xaxis for d in fig.data} == {"x", "x2", "x3"}
    assert _cells(fig, "x") == {(2, k) for k in range(4)}
    assert _cells(fig, "x2") == {(k, 1) for k in range(4)}
    assert _cells(fig, "x3") == {(2, 1)}
    assert [a.text for a in fig.layout.annotations] == ["A", "B", "C = A @ B"]
    # The three panels do not overlap.
    domains = [fig.layout[f"xaxis{k}" if k > 1 else "xaxis"].domain for k in (1, 2, 3)]
    assert all(domains[k][1] < domains[k + 1][0] for k in range(2))


def test_storage_figure_shows_storage_and_offsets():
    base = torch.arange(6.0).reshape(2, 3)
    view = base.t()
    offsets = torch.tensor([[0, 3], [1, 4], [2, 5]])
    fig = make_storage_figure(base, offsets)
    assert [list(r) for r in fig.data[0].z] == [[0.0, 1.0, 2.0, 3.0, 4.0, 5.0]]
    assert [list(r) for r in fig.data[1].z] == offsets.double().tolist()
    assert view.stride() == (1, 3)


def test_broadcast_figure_marks_real_cells():
    fig = make_broadcast_figure(explain_broadcast((3, 1), (1, 4)))
    first, second, result = (torch.tensor(d.z) for d in fig.data)
    assert first.shape == second.shape == result.shape == (3, 4)
    assert (first[:, 0] == 1).all() and (first[:, 1:] < 1).all()  # one real column
    assert (second[0] == 1).all() and (second[1:] < 1).all()  # one real row
    assert fig.layout.annotations[-1].text == "result: (3, 4)"


def test_broadcast_figure_without_result_has_only_operands():
    ex = explain_broadcast((3, 2), (4,))
    assert ex.result is None
    assert len(make_broadcast_figure(ex).data) == 2


def test_join_figure_labels_sources():
    source = torch.cat([torch.zeros(2, 3), torch.ones(2, 2)], dim=1)
    fig = make_join_figure(source)
    assert list(fig.data[0].text[0]) == ["t0", "t0", "t0", "t1", "t1"]
    stacked = torch.stack([torch.zeros(2, 3), torch.ones(2, 3)])
    assert len(make_join_figure(stacked).data) == 2


def test_blocks_figure_has_one_marker_per_element():
    t = torch.arange(24.0).reshape(2, 3, 4)
    fig = make_blocks_figure(t)
    assert len(fig.data[0].x) == 24
    assert sorted(fig.data[0].marker.color) == t.reshape(-1).tolist()


def test_compare_figure_overlays_loss_and_accuracy_per_run():
    from playground.training.figures import make_compare_figure
    from playground.training.loop import History

    a = History(train_steps=[0, 640], train_loss=[2.3, 1.9], test_accuracy=[0.4, 0.5])
    b = History(train_steps=[0, 640], train_loss=[2.3, 2.2], test_accuracy=[0.2])
    fig = make_compare_figure([("a", a), ("b", b)])
    assert [t.name for t in fig.data] == ["a", "a", "b", "b"]
    assert list(fig.data[0].y) == [2.3, 1.9] and list(fig.data[1].y) == [40.0, 50.0]
    assert list(fig.data[3].x) == [1] and fig.data[3].yaxis == "y2"


def test_confusion_figure_cells_are_clickable_and_map_back():
    from playground.training.figures import make_confusion_figure, selected_cell

    m = torch.tensor([[5, 1], [2, 7]])
    fig = make_confusion_figure(m, ["cat", "dog"])
    points = fig.data[1]
    assert list(points.customdata[2]) == [1, 0] and str(points.text[2]) == "2"
    assert (points.x[2], points.y[2]) == ("cat", "dog")
    click = {"selection": {"points": [{"x": "cat", "y": "dog", "customdata": [1, 0]}]}}
    assert selected_cell(click, ["cat", "dog"]) == (1, 0)
    assert selected_cell({"selection": {"points": [{"x": "dog", "y": "cat"}]}}, ["cat", "dog"]) == (
        0,
        1,
    )
    assert selected_cell({"selection": {"points": []}}, ["cat", "dog"]) is None
    assert selected_cell(None, ["cat", "dog"]) is None
    outlined = make_confusion_figure(m, ["cat", "dog"], selected=(1, 0)).layout.shapes[0]
    assert (outlined.x0, outlined.x1, outlined.y0, outlined.y1) == (-0.5, 0.5, 0.5, 1.5)
    assert fig.layout.shapes == ()
