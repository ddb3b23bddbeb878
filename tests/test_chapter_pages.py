"""AppTest: the Tensors and Broadcasting pages react to their widgets, and survive hostile input."""

from __future__ import annotations

import pytest

from tests.apptest import open_page, texts


def _interact(at, kind: str, key: str, value: object):
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_tensors_page_updates_the_index_result():
    at = open_page("pages/tensors.py")
    assert any("torch.tensor" in c.value for c in at.code)
    _interact(at, "text_input", "t_index", "[t > 5]")
    assert "t[t > 5] → shape (7,)" in texts(at)


@pytest.mark.parametrize(
    ("kind", "key", "value", "message"),
    [
        ("text_input", "t_shape", "(100000, 100000)", "Nothing was allocated"),
        ("text_input", "t_shape", "(2, -1)", "negative"),
        ("text_input", "t_data", "[[1, 2], [3]", "not valid Python"),
        ("text_input", "t_data", "().__class__", "refused"),
        ("text_input", "t_index", "[:, 9]", "out of bounds"),
        ("text_input", "t_index", "[__import__('os')]", "private"),
    ],
)
def test_tensors_page_explains_hostile_input(kind, key, value, message):
    at = open_page("pages/tensors.py")
    if key == "t_shape":
        _interact(at, "selectbox", "t_creator", "zeros")
    _interact(at, kind, key, value)
    assert message in texts(at)
    assert at.title[0].value  # the page is still up


def test_views_tab_explains_view_on_a_non_contiguous_tensor():
    at = open_page("pages/tensors.py")
    _interact(at, "selectbox", "t_view", "t.T.view(-1)")
    body = texts(at)
    assert "view size is not compatible" in body and ".contiguous()" in body


def test_broadcasting_page_states_result_and_clash():
    at = open_page("pages/broadcasting.py")
    assert "Result shape: (3, 4)" in texts(at)
    _interact(at, "text_input", "b_shapes", "(3, 2), (4, 2)")
    body = texts(at)
    assert "Dimension -2" in body and "3 and 4" in body and "PyTorch says" in body


@pytest.mark.parametrize(
    ("value", "message"),
    [("(100000, 100000), (1,)", "limit"), ("(2, 3), 'x'", "not allowed"), ("(1, 2", "not valid")],
)
def test_broadcasting_page_explains_hostile_shapes(value, message):
    at = open_page("pages/broadcasting.py")
    _interact(at, "text_input", "b_shapes", value)
    assert message in texts(at)


def test_cat_tab_reports_the_tutorial_shape_and_mismatches():
    at = open_page("pages/broadcasting.py")
    assert "torch.cat(…, dim=1) → (3, 6)" in texts(at)
    _interact(at, "text_input", "cat_shapes", "(3, 4), (2, 2)")
    body = texts(at)
    assert "dimension 0" in body and "PyTorch says" in body
