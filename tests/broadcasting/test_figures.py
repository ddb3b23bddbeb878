"""The broadcasting and join figures hold the real values and outline what they say they outline."""

from __future__ import annotations

import torch

from playground.broadcasting.figures import make_broadcast_figure, make_join_figure
from playground.broadcasting.rules import explain_broadcast


def test_broadcast_figure_marks_real_cells():
    fig = make_broadcast_figure(explain_broadcast((3, 1), (1, 4)))
    first, second, result = (torch.tensor(d.z) for d in fig.data)
    assert first.shape == second.shape == result.shape == (3, 4)
    assert (first[:, 0] == 1).all() and (first[:, 1:] < 1).all()  # one real column
    assert (second[0] == 1).all() and (second[1:] < 1).all()  # one real row
    assert fig.layout.annotations[-1].text == "result: (3, 4)"


def test_a_3d_broadcast_draws_every_dimension_in_blocks():
    fig = make_broadcast_figure(explain_broadcast((2, 1, 4), (3, 1)))
    first, second, result = (torch.tensor(d.z, dtype=torch.float64) for d in fig.data)
    assert first.shape == second.shape == result.shape == (7, 4)  # 2 blocks of 3 rows + a gap
    assert torch.isnan(first[3]).all()
    # (2, 1, 4): dim 1 is stretched in both blocks, dim 0 is real in both.
    assert (first[0] == 1).all() and (first[1:3] < 1).all() and (first[4] == 1).all()
    # (3, 1) pads to (1, 3, 1): real only in block [0], and there only in column 0.
    assert (second[:3, 0] == 1).all() and (second[:3, 1:] < 1).all() and (second[4:] < 1).all()
    assert fig.layout.yaxis.ticktext[:4] == ("[0] 0", "1", "2", "[1] 0")
    assert [a.text for a in fig.layout.annotations][-1] == "result: (2, 3, 4)"


def test_the_result_has_its_own_colour_even_with_many_operands():
    fig = make_broadcast_figure(explain_broadcast(*[(1, 3)] * 5, (2, 1)), lang="zh")
    tops = [d.colorscale[-1][1] for d in fig.data]
    assert len(set(tops)) == len(tops) == 7
    assert [a.text for a in fig.layout.annotations][-1] == "结果：(2, 3)"


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
