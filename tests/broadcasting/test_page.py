"""AppTest: the Broadcasting page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from tests.apptest import CAT, interact, open_page, texts


def test_broadcasting_page_states_result_and_clash():
    at = open_page("pages/broadcasting.py")
    assert "Result shape: (3, 4)" in texts(at)
    interact(at, "text_input", "b_shapes", "(3, 2), (4, 2)")
    body = texts(at)
    assert "Dimension -2" in body and "3 and 4" in body and "PyTorch says" in body


@pytest.mark.parametrize(
    ("value", "message"),
    [("(100000, 100000), (1,)", "limit"), ("(2, 3), 'x'", "not allowed"), ("(1, 2", "not valid")],
)
def test_broadcasting_page_explains_hostile_shapes(value, message):
    at = open_page("pages/broadcasting.py")
    interact(at, "text_input", "b_shapes", value)
    assert message in texts(at)


def test_cat_tab_reports_the_tutorial_shape_and_mismatches():
    at = open_page("pages/broadcasting.py", **CAT)
    assert "torch.cat(…, dim=1) → (3, 6)" in texts(at)
    interact(at, "text_input", "cat_shapes", "(3, 4), (2, 2)")
    body = texts(at)
    assert "dimension 0" in body and "PyTorch says" in body


def test_a_clash_is_explained_in_chinese():
    at = open_page("pages/broadcasting.py", lang="zh")
    interact(at, "text_input", "b_shapes", "(3, 2), (4, 2)")
    body = texts(at)
    assert "第 -2 维（从右往左数）的大小分别是 3 和 4" in body and "cannot be broadcast" not in body


@pytest.mark.parametrize(
    "shapes", ["(0, 3), (1, 3)", "(2, 0), (1,)", "(0,), (0,)", "(3, 0, 2), (1, 2)"]
)
def test_size_zero_shapes_broadcast_without_an_error_box(shapes):
    import ast

    import torch

    at = open_page("pages/broadcasting.py")
    interact(at, "text_input", "b_shapes", shapes)
    parsed = ast.literal_eval(f"[{shapes}]")
    want = tuple(torch.broadcast_shapes(*parsed))
    assert f"Result shape: {want}" in texts(at)


def test_the_expand_explanation_names_the_stretched_operand_or_says_none_is():
    at = open_page("pages/broadcasting.py", b_shapes="(3, 4), (4,)")
    body = texts(at)
    assert "t1.expand(3, 4)" in body and "t1.repeat(3, 1)" in body  # t0 is already (3, 4)
    at = open_page("pages/broadcasting.py", b_shapes="(2, 3), (2, 3)")
    assert "nothing is stretched" in texts(at)
    at = open_page("pages/broadcasting.py", lang="zh", b_shapes="(2, 3), (2, 3)")
    assert "没有任何维度被拉伸" in texts(at)
