"""The tensor figures hold the real values and outline what they say they outline."""

from __future__ import annotations

import torch

from playground.plots.heatmap import make_tensor_figure
from playground.tensors.figures import make_matmul_figure, make_storage_figure


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


def test_a_3d_tensor_is_drawn_as_one_labelled_panel_per_slice():
    t = torch.arange(12.0).reshape(3, 1, 4)  # what x[:, None] gives for a (3, 4) x
    fig = make_tensor_figure(t)
    assert [list(map(list, d.z)) for d in fig.data] == [t[k].tolist() for k in range(3)]
    titles = [a.text for a in fig.layout.annotations]
    note = titles[3].replace("<br>", " ")
    assert titles[:3] == ["[0]", "[1]", "[2]"] and "rows are dim 1, its columns dim 2" in note
    assert {(d.zmin, d.zmax) for d in fig.data} == {(0.0, 11.0)}  # one colour scale
    assert "[1, %{y}, %{x}]" in fig.data[1].hovertemplate


def test_a_4d_tensor_puts_dim_0_down_and_dim_1_across():
    t = torch.randn(2, 3, 4, 5)
    fig = make_tensor_figure(t)
    titles = [a.text for a in fig.layout.annotations][:6]
    assert titles == ["[0, 0]", "[0, 1]", "[0, 2]", "[1, 0]", "[1, 1]", "[1, 2]"]
    assert torch.allclose(torch.tensor(fig.data[4].z, dtype=torch.float64), t[1, 1].double())
    x = [fig.layout[f"xaxis{k}"].domain[0] for k in (2, 5)]
    y = [fig.layout[f"yaxis{k}"].domain[1] for k in (2, 5)]
    assert x[0] == x[1] and y[0] > y[1]  # [0, 1] sits above [1, 1]
    chinese = make_tensor_figure(t, lang="zh").layout.annotations[-1].text.replace("<br>", "")
    assert "每个面板是一个切片 [i, j]" in chinese


def test_many_slices_are_capped_and_the_figure_says_how_many():
    t = torch.randn(100, 50, 50)
    fig = make_tensor_figure(t)
    assert len(fig.data) == 24
    cells = sum(len(d.z) * len(d.z[0]) for d in fig.data)
    assert cells <= 4096
    note = fig.layout.annotations[-1].text.replace("<br>", " ")
    assert "The first 24 of 100 slices are drawn." in note and "(100, 50, 50)" in note
    selected = torch.zeros(2, 2, 3, dtype=torch.bool)
    selected[1, 0, 2] = True
    fig = make_tensor_figure(torch.zeros(2, 2, 3), selected=selected)
    assert [(s.xref, s.x0, s.y0) for s in fig.layout.shapes] == [("x2", 1.5, -0.5)]


def test_a_size_0_tensor_is_drawn_as_empty_with_its_shape():
    for shape, dims in (((0, 3), "0"), ((2, 0, 3), "1"), ((0,), "0")):
        fig = make_tensor_figure(torch.zeros(shape))
        text = fig.layout.annotations[0].text.replace("<br>", " ")
        assert fig.data == () and f"shape {shape} has no elements (size 0 in dim {dims})" in text
    chinese = make_tensor_figure(torch.zeros(0, 3), lang="zh").layout.annotations[0].text
    assert "空张量" in chinese


def test_axes_span_exactly_the_cells_so_ticks_never_run_past_the_tensor():
    """randn(2, 3, 4) ticks columns 0..3 (not -2..5); a 28-pixel image runs to 27, not 40."""
    slices = make_tensor_figure(torch.randn(2, 3, 4)).layout
    for axis in ("xaxis", "xaxis2"):
        assert list(slices[axis].range) == [-0.5, 3.5]
        assert slices[axis].constrain == "domain"  # a square panel shrinks, never widens
    assert list(slices.yaxis2.range) == [2.5, -0.5]  # rows top to bottom, as printed
    image = make_tensor_figure(torch.rand(28, 28), square=True).layout
    assert list(image.xaxis.range) == [-0.5, 27.5] and list(image.yaxis.range) == [27.5, -0.5]
    assert image.yaxis.scaleanchor == "x"


def test_slice_titles_sit_below_the_toolbar_and_above_the_ticks():
    layout = make_tensor_figure(torch.randn(2, 3, 4)).layout
    titles = [a for a in layout.annotations if a.text in ("[0]", "[1]")]
    assert len(titles) == 2
    # Plotly's toolbar is about 30 px tall at the figure's top; the title's 14 px text ends
    # yshift (28 px) above the panel, which starts margin.t px down.
    assert all(layout.margin.t - t.yshift - 20 >= 30 for t in titles)
