"""AppTest: the Save & load page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

from tests.apptest import open_page, texts


def test_save_load_page_explores_state_dict_and_modes():
    at = open_page("pages/save_load.py")
    table = at.dataframe[0].value
    assert list(table["key"])[:2] == ["linear1.weight", "linear1.bias"]
    assert "freshly initialised model" in texts(at)
    at = open_page("pages/save_load.py", s_tab="eval() vs train()")
    assert list(at.dataframe[0].value["differ"]) == [True, False, False]
    at = open_page("pages/save_load.py", s_tab="Inference")
    assert not at.exception and "Predicted:" in texts(at)
