"""ui.bound: a translated selectbox keeps its option, not its label, in the URL."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from playground.core.i18n import LANGUAGES
from tests.conftest import ROOT


def _examples(lang: str, **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["language"] = LANGUAGES[lang]
    at.session_state["device"] = "cpu"
    at.run()
    at.query_params.update(query)
    at.switch_page("pages/examples.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_link_opens_the_same_level_in_either_language():
    for lang in ("en", "zh"):
        at = _examples(lang, ex_problem="relu", ex_level="function")
        assert at.selectbox(key="ex_problem").value == "relu"
        assert at.selectbox(key="ex_level").value == "function"
        assert "MyReLU" in at.info[0].value  # the level's explanation


def test_the_url_holds_the_option_and_drops_the_default():
    at = _examples("zh", ex_level="optim")
    assert at.query_params["ex_level"] == ["optim"] or at.query_params["ex_level"] == "optim"
    at.selectbox(key="ex_level").set_value("numpy").run()
    assert "ex_level" not in at.query_params


def test_a_hostile_link_falls_back_to_the_default():
    at = _examples("en", ex_level="<script>alert(1)</script>", ex_problem="x" * 10_000)
    assert at.selectbox(key="ex_level").value == "numpy"
    assert at.selectbox(key="ex_problem").value == "sin"
    assert "ex_level" not in at.query_params and "ex_problem" not in at.query_params
