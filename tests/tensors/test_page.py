"""AppTest: the Tensors page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from tests.apptest import INDEX, VIEWS, interact, open_page, texts


def test_tensors_page_updates_the_index_result():
    at = open_page("pages/tensors.py", **INDEX)
    assert any("torch.tensor" in c.value for c in at.code)
    interact(at, "text_input", "t_index", "[t > 5]")
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
    at = open_page("pages/tensors.py", **(INDEX if key == "t_index" else {}))
    if key == "t_shape":
        interact(at, "selectbox", "t_creator", "zeros")
    interact(at, kind, key, value)
    assert message in texts(at)
    assert at.title[0].value  # the page is still up


def test_views_tab_explains_view_on_a_non_contiguous_tensor():
    at = open_page("pages/tensors.py", **VIEWS)
    interact(at, "selectbox", "t_view", "t.T.view(-1)")
    body = texts(at)
    assert "view size is not compatible" in body and ".contiguous()" in body


def test_a_refusal_speaks_chinese():
    at = open_page("pages/tensors.py", lang="zh")
    interact(at, "selectbox", "t_creator", "zeros")
    interact(at, "text_input", "t_shape", "(-1, 2)")
    body = texts(at)
    assert "(-1, 2) 含有负的尺寸；尺寸必须是 0 或更大。" in body and "negative size" not in body


def test_views_say_what_minus_one_became_in_both_languages():
    at = open_page("pages/tensors.py", **VIEWS, t_view="t.view(2, -1, 3)")
    assert "In `t.view(2, -1, 3)`, -1 was inferred as 2: 12 elements ÷ 6" in texts(at)
    at = open_page("pages/tensors.py", lang="zh", t_tab="视图与变形", t_view="t.view(2, -1, 3)")
    assert "-1 被推断为 2" in texts(at)


def test_a_one_row_matmul_has_no_row_slider_and_no_error():
    at = open_page("pages/tensors.py", t_tab="Arithmetic", t_n=1, t_m=1)
    assert not at.exception, [e.value for e in at.exception]
    assert [s.key for s in at.slider if s.key in ("t_i", "t_j")] == []
