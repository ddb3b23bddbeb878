"""AppTest: the Save & load page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

from tests.apptest import open_page, texts


def test_save_load_page_explores_state_dict_and_modes():
    at = open_page("pages/save_load.py")
    table = at.dataframe[0].value
    assert list(table["key"])[:2] == ["linear_relu_stack.0.weight", "linear_relu_stack.0.bias"]
    assert "freshly initialised model" in texts(at)
    at = open_page("pages/save_load.py", s_tab="eval() vs train()")
    assert list(at.dataframe[0].value["differ"]) == [True, False, False]
    at = open_page("pages/save_load.py", s_tab="Inference")
    assert not at.exception and "Predicted:" in texts(at)


def test_a_model_that_does_not_fit_is_explained_and_never_run():
    from playground import layers as md

    bad = [
        md.LayerSpec.of("Flatten"),
        md.LayerSpec.of("Linear", 784, 100),
        md.LayerSpec.of("Linear", 20, 5),
    ]
    for tab, lang, said in (
        ("Inference", "en", "nothing here runs it"),
        ("推理", "zh", "这里不会运行它"),
    ):
        at = open_page(
            "pages/save_load.py", lang=lang, s_tab=tab, model_specs=bad, model_input=(1, 28, 28)
        )
        assert not at.exception, [e.value for e in at.exception]
        body = texts(at)
        assert said in body and "in_features=100" in body
        assert "Predicted:" not in body


def test_the_whole_model_warns_before_the_file_is_taken():
    at = open_page("pages/save_load.py", s_tab="Save", s_fmt="pth")
    assert "will refuse this file" not in texts(at)
    at = open_page("pages/save_load.py", s_tab="Save", s_fmt="whole")
    assert "will refuse this file when it comes back" in texts(at)
    at = open_page("pages/save_load.py", lang="zh", s_tab="保存", s_fmt="whole")
    assert "本页面（以及任何安全的加载方式）都会拒绝它" in texts(at)


def test_file_sizes_read_as_a_browser_shows_them():
    from playground.save_load import file_size

    assert file_size(999) == "999 bytes"
    assert file_size(2_681_408) == "2.7 MB, 2,681,408 bytes"
    assert file_size(1_500) == "1.5 kB, 1,500 bytes"
