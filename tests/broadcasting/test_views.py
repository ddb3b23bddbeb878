"""The budgeted views behind the Broadcasting page, checked against real PyTorch."""

from __future__ import annotations

import pytest
import torch

from playground import broadcasting as shp
from playground.core.errors import BudgetError, PlaygroundError


@pytest.mark.parametrize(
    ("first", "other"),
    [((3, 1), (1, 4)), ((1,), (2, 3)), ((2, 1, 4), (3, 1)), ((0, 3), (1, 3)), ((1, 1), (5, 5))],
)
def test_expand_and_repeat_match_real_tensors(first, other):
    ex = shp.explain_broadcast(first, other)
    rows, refused = shp.expand_and_repeat(ex.padded[0], ex.result)
    assert refused is None
    small = torch.arange(float(torch.Size(ex.padded[0]).numel())).reshape(ex.padded[0])
    factors = tuple(r // s if s else 1 for r, s in zip(ex.result, ex.padded[0], strict=True))
    for row, real in zip(rows, (small.expand(ex.result), small.repeat(factors)), strict=True):
        assert row.shape == tuple(real.shape) and row.stride == real.stride()
        assert row.nbytes == real.untyped_storage().nbytes()
        if real.numel():  # empty storages all have data_ptr 0
            same = real.untyped_storage().data_ptr() == small.untyped_storage().data_ptr()
            assert row.shares == same


def test_a_repeat_over_budget_keeps_the_free_expand():
    ex = shp.explain_broadcast((1, 1), (1, 1, 8192), (1, 8192, 1))
    rows, refused = shp.expand_and_repeat(ex.padded[0], ex.result)
    assert [r.op.split("(")[0] for r in rows] == ["t0.expand"] and rows[0].nbytes == 4
    assert isinstance(refused, BudgetError) and "67,108,864" in str(refused)


def test_split_lists_real_piece_shapes_and_refuses_thousands():
    r = shp.split_tensor((6, 4), size=4, chunks=3, dim=0)
    t = torch.arange(24.0).reshape(6, 4)
    assert r.pieces == tuple(tuple(p.shape) for p in torch.split(t, 4, dim=0))
    assert r.parts == tuple(tuple(p.shape) for p in torch.chunk(t, 3, dim=0))
    assert r.inverse and r.sources.dtype == torch.uint8 and r.sources[5, 0] == 1
    with pytest.raises(PlaygroundError, match="2,048 pieces"):
        shp.split_tensor((2048, 2048), size=1, chunks=1, dim=0)


def test_a_failing_join_gets_pytorchs_own_message_without_allocating():
    small = shp.join_error("cat", [(3, 4), (2, 3)], 1)
    with pytest.raises(RuntimeError) as real:
        torch.cat([torch.zeros(3, 4), torch.zeros(2, 3)], 1)
    assert small == str(real.value).splitlines()[0]
    assert "Sizes of tensors must match" in shp.join_error("cat", [(1, 16777216), (16777216, 1)], 0)
    assert shp.join_error("stack", [(2, 3), (2, 3)], 0) is None
