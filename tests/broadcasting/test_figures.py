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
