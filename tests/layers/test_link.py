"""The built model in the address bar: readable, validated, and restored by a fresh session."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground import layers as md
from playground.core.errors import ModelError
from playground.layers.link import decode_input, decode_model, encode_model
from tests.conftest import ROOT

LENET = md.PRESETS["lenet"]


@pytest.mark.parametrize("name", list(md.PRESETS))
def test_every_preset_survives_the_round_trip(name):
    text = encode_model(md.PRESETS[name])
    assert decode_model(text) == md.PRESETS[name]
    assert "nn." not in text and text.count(";") == len(md.PRESETS[name]) - 1


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "1 to 64"),
        ("ReLU();" * 65, "65 layers"),
        ("Linear(784, 512", "not written like"),
        ("os.system('id')", "not written like"),
        ("Exec(1)", "Unknown layer"),
        ("Linear(__import__('os'), 5)", "arguments must be numbers"),
        ("Linear(784, 10**10)", "arguments must be numbers"),
        ("[x](https://evil.example)", "not written like"),
        ("x" * 5000, "5,000 characters"),
    ],
)
def test_a_hostile_model_link_is_refused_with_a_message(text, fragment):
    with pytest.raises(ModelError, match=fragment.replace("(", r"\(").replace("*", r"\*")):
        decode_model(text)


def test_input_shapes_are_checked():
    assert decode_input("(3, 32, 32)") == (3, 32, 32)
    for bad in ("(1, 2, 3, 4)", "(0, 28, 28)", "()", "x"):
        with pytest.raises(ModelError):
            decode_input(bad)


def _open(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["device"] = "cpu"
    at.query_params.update(query)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_opens_its_model_and_the_page_keeps_it_in_the_link():
    at = _open("pages/layers.py", {"m_model": encode_model(LENET)})
    table = at.get("arrow_data_frame")
    assert any("Conv2d" in str(t.value) for t in table) or "Conv2d" in str(
        at.session_state["model_specs"]
    )
    assert at.session_state["model_specs"] == LENET
    assert at.selectbox(key="m_preset").value == "lenet"
    assert at.query_params["m_model"] == encode_model(LENET)
    shown = " ".join(c.value for c in at.code)
    assert "nn.Conv2d(1, 6, 5, padding=2)" in shown


def test_the_tutorial_model_is_the_default_and_not_in_the_link():
    at = _open("pages/layers.py", {})
    assert "m_model" not in at.query_params


def test_a_bad_model_link_shows_its_message_and_the_default_model():
    at = _open("pages/layers.py", {"m_model": "Linear(784, 512);Exec(1)"})
    assert any("Unknown layer" in e.value for e in at.error)
    assert at.session_state["model_specs"] == md.PRESETS["tutorial"]
    assert "m_model" not in at.query_params


def test_reset_to_defaults_brings_back_the_tutorial_model():
    at = _open("pages/layers.py", {"m_model": encode_model(LENET), "m_tab": "inside"})
    [b for b in at.sidebar.button if b.label == "Reset to defaults"][0].click().run()
    assert not at.exception
    assert at.session_state["model_specs"] == md.PRESETS["tutorial"]
    assert "m_model" not in at.query_params and at.query_params.get("m_tab") == "inside"


def test_a_training_link_with_a_model_trains_that_model():
    cifar = md.PRESETS["cifar_lenet"]
    at = _open(
        "pages/training.py",
        {"m_model": encode_model(cifar), "m_input": "(3, 32, 32)", "tr_data": "offline"},
    )
    assert at.session_state["model_specs"] == cifar
    assert at.session_state["model_input"] == (3, 32, 32)
    assert at.toggle(key="tr_builder").value is True


def test_the_preset_box_names_a_linked_model_that_is_no_preset_as_your_own():
    deep = "Flatten();" + ";".join(["Linear(784, 784)", "ReLU()"] * 9) + ";Linear(784, 10)"
    at = _open("pages/layers.py", {"m_model": deep})
    assert at.selectbox(key="m_preset").value == "custom"
    assert "Your own model" in at.selectbox(key="m_preset").format_func("custom")
    at.selectbox(key="m_preset").set_value("lenet").run()
    assert at.selectbox(key="m_preset").value == "lenet"
    assert at.session_state["model_specs"] == LENET


def test_a_typed_input_shape_is_refused_as_typed_not_as_the_links():
    at = _open("pages/layers.py", {})
    at.text_input(key="m_shape").set_value("(0, 28, 28)").run()
    text = " ".join(e.value for e in at.error).replace("\\", "")  # Markdown-escaped
    assert "(0, 28, 28)" in text and "link" not in text
