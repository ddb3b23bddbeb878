"""Shape explainers against the real ops: torch.broadcast_shapes, torch.cat and torch.stack."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from playground import broadcasting as shp
from playground.core.errors import PlaygroundError
from tests.snippets import run_snippet

small_shape = st.lists(st.integers(0, 4), min_size=0, max_size=4).map(tuple)
broadcastable_shape = st.lists(st.sampled_from([1, 1, 2, 3]), min_size=0, max_size=4).map(tuple)


def _meta(shape):
    return torch.empty(shape, device="meta")


@settings(max_examples=1200, deadline=None)
@given(shapes=st.lists(st.one_of(small_shape, broadcastable_shape), min_size=1, max_size=3))
def test_broadcast_explainer_agrees_with_torch(shapes):
    ex = shp.explain_broadcast(*shapes)
    try:
        want = tuple(torch.broadcast_shapes(*shapes))
    except RuntimeError:
        assert ex.result is None and ex.error
    else:
        assert ex.error is None and ex.result == want
        assert all(len(p) == len(want) for p in ex.padded)


@settings(max_examples=1200, deadline=None)
@given(
    base=st.lists(st.integers(1, 3), min_size=1, max_size=3).map(tuple),
    n=st.integers(1, 3),
    jitter=st.lists(st.tuples(st.integers(0, 2), st.integers(1, 3)), max_size=3),
    dim=st.integers(-4, 4),
)
@pytest.mark.slow
def test_cat_and_stack_explainers_agree_with_torch(base, n, jitter, dim):
    shapes = [list(base) for _ in range(n)]
    for k, (axis, size) in enumerate(jitter):  # perturb some sizes so mismatches happen too
        if k < n and axis < len(base):
            shapes[k][axis] = size
    shapes = [tuple(s) for s in shapes]
    for op, explain, real in (
        ("cat", shp.explain_cat, torch.cat),
        ("stack", shp.explain_stack, torch.stack),
    ):
        ex = explain(shapes, dim)
        try:
            want = tuple(real([_meta(s) for s in shapes], dim=dim).shape)
        except (RuntimeError, IndexError):
            assert ex.result is None and ex.error, (op, shapes, dim)
        else:
            assert ex.error is None and ex.result == want, (op, shapes, dim, ex)


def test_the_tutorials_cat_and_stack_examples():
    assert shp.explain_cat([(3, 4), (3, 2)], 1).result == (3, 6)
    assert shp.explain_cat([(2, 3), (2, 3)], 0).result == (4, 3)
    assert shp.explain_cat([(2, 3), (2, 3)], 1).result == (2, 6)
    assert shp.explain_stack([(2, 3), (2, 3)], 0).result == (2, 2, 3)


def test_errors_name_the_dimension_and_sizes():
    ex = shp.explain_broadcast((3, 2), (4, 2))
    assert ex.error and "Dimension -2" in ex.error and "3 and 4" in ex.error
    assert [s.rule for s in ex.steps] == ["incompatible", "equal"]
    ex = shp.explain_cat([(3, 4), (2, 2)], 1)
    assert "dimension 0" in ex.error and "size 3" in ex.error and "has 2" in ex.error
    assert "Dimension out of range" in shp.explain_cat([(3, 4)], 5).error


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("(100000, 100000)", "limit"),
        ("(2, -3)", "negative"),
        ("[1, 2", "not valid Python"),
        ("'a'", "not allowed"),
        ("(1,) * 9", "not on a tuple"),
        ("(1, 1, 1, 1, 1, 1, 1, 1, 1)", "dimensions"),
    ],
)
def test_hostile_shapes_get_a_clear_message(text, fragment):
    with pytest.raises(PlaygroundError, match=fragment):
        shp.parse_shapes(text)


def test_parse_shapes_accepts_one_or_many():
    assert shp.parse_shapes("(3, 1), (1, 4)") == [(3, 1), (1, 4)]
    assert shp.parse_shapes("(2, 3)") == [(2, 3)]
    assert shp.parse_shapes("5") == [(5,)]


@pytest.mark.parametrize("shapes", [[(3, 1), (1, 4)], [(5, 4), (4,)], [(2, 1, 3), (4, 1)]])
def test_broadcast_snippet_matches_the_explainer(shapes):
    assert (
        tuple(run_snippet(shp.broadcast_code(shapes))["result"])
        == shp.explain_broadcast(*shapes).result
    )


@pytest.mark.parametrize(
    ("shapes", "dim"), [([(3, 4), (3, 2)], 1), ([(2, 3), (2, 3)], 0), ([(2, 3), (2, 3)], -1)]
)
def test_join_snippets_match_the_page(shapes, dim):
    ns = run_snippet(shp.cat_code(shapes, dim))
    assert torch.equal(ns["result"], shp.real_join("cat", shapes, dim))
    if len(set(shapes)) == 1:
        ns = run_snippet(shp.stack_code(shapes, dim))
        assert torch.equal(ns["result"], shp.real_join("stack", shapes, dim)) and ns["same"]


def test_split_snippet_matches_torch():
    pieces, parts = run_snippet(shp.split_code((6, 4), split_size=4, chunks=3, dim=0))["result"]
    assert pieces == [torch.Size([4, 4]), torch.Size([2, 4])]
    assert parts == [torch.Size([2, 4])] * 3
