"""Streamlit's private API, used in one module only: fail loudly if a release moves it."""

from __future__ import annotations

import ast
import inspect

import pytest

from playground.ui import streamlit_internals as internals
from tests.conftest import ROOT


def test_the_private_names_still_exist_with_the_shapes_we_use():
    from streamlit.runtime import Runtime
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    assert hasattr(PagesManager, "uses_pages_directory")  # the deep-link hand-over
    assert callable(Runtime.exists) and callable(Runtime.instance)
    assert "session_id" in inspect.signature(Runtime.is_active_session).parameters
    assert get_script_run_ctx() is None  # outside a script run: no context, no session


def test_outside_a_server_the_helpers_answer_safely():
    assert internals.session_id() == ""
    assert internals.active_session_check() is None  # AppTest and tests run without a Runtime


def test_legacy_pages_mode_is_left_once():
    from streamlit.runtime.pages_manager import PagesManager

    before = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        assert internals.leave_legacy_pages_mode() is True
        assert PagesManager.uses_pages_directory is False
        assert internals.leave_legacy_pages_mode() is False
    finally:
        PagesManager.uses_pages_directory = before


def test_no_other_module_touches_streamlit_internals():
    files = [ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "playground").rglob("*.py")]
    users = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("streamlit."):
                users.append(path.name)
            elif isinstance(node, ast.Import) and any(
                a.name.startswith("streamlit.") for a in node.names
            ):
                users.append(path.name)
    assert set(users) == {"streamlit_internals.py"}


@pytest.mark.parametrize("value", ["-inf", "inf", "nan", "1e999"])
def test_a_non_finite_link_value_opens_the_default_with_a_message(value):
    """Streamlit seeds from the initial URL and would raise in int(); forget_link_value stops it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["device"] = "cpu"
    at.query_params["tr_epochs"] = value
    at.run()
    at.switch_page("pages/training.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.number_input(key="tr_epochs").value == 5
    assert "tr_epochs" not in at.query_params
    assert any("`tr_epochs`" in t.value for t in at.toast)


def test_outside_a_run_there_is_no_run_memo():
    assert internals.run_memo() is None


def test_the_held_language_is_each_sessions_own_on_every_run_and_page():
    """The frame holds the language on the run's context: two sessions in two languages,
    run in turn, each keep their own on the page, in the sidebar and after a page switch."""
    from playground.core.i18n import t
    from tests.apptest import open_page

    zh, en = open_page("pages/home.py", lang="zh"), open_page("pages/home.py", lang="en")
    for at, lang in ((zh, "zh"), (en, "en"), (zh, "zh")):
        at.run()
        assert at.sidebar.subheader[0].value == t("sidebar.settings", lang)
        assert at.title[0].value == t("home.title", lang)
        assert [
            c.value for c in at.sidebar.caption if c.value == t("sidebar.streamlit_words", "zh")
        ] == ([t("sidebar.streamlit_words", "zh")] if lang == "zh" else [])
    zh.switch_page("pages/autograd.py").run()
    en.switch_page("pages/autograd.py").run()
    assert zh.title[0].value == t("nav.autograd", "zh") != t("nav.autograd", "en")
    assert en.title[0].value == t("nav.autograd", "en")


def test_the_page_icon_is_a_data_url_streamlit_passes_through_untouched():
    import base64
    import io

    from PIL import Image
    from streamlit.commands.page_config import _get_favicon_string

    from playground.ui import PAGE_ICON

    # Unchanged means no per-run file read, no hash and no media file in every session.
    assert _get_favicon_string(PAGE_ICON) == PAGE_ICON
    head, data = PAGE_ICON.split(",", 1)
    assert head == "data:image/png;base64"
    with Image.open(io.BytesIO(base64.b64decode(data)), formats=["PNG"]) as icon:
        assert icon.size == (64, 64)


def test_page_copies_are_new_objects_with_the_same_page():
    class Page:  # st.Page needs a script run; a copy is a copy of any object's attributes
        def __init__(self, title: str) -> None:
            self.title, self._can_be_called = title, False

    built = [Page("Home"), Page("Tensors")]
    copies = internals.page_copies(built)
    assert [c.title for c in copies] == ["Home", "Tensors"]
    assert all(c is not b for c, b in zip(copies, built, strict=True))
    copies[0]._can_be_called = True  # what st.navigation does to the page it returns
    assert built[0]._can_be_called is False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sessions_navigate_with_their_own_copies_of_pages_built_once(lang, monkeypatch):
    """Two sessions in one language: the 12 pages are built once (st.Page resolves its file
    each time), and both navigate, titled in their language."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from playground.chapters import CHAPTERS
    from playground.core.i18n import LANGUAGES, t
    from playground.ui.frame import _navigation_pages

    built = []
    page_class = st.Page

    def counting_page(*args, **kwargs):
        built.append(kwargs["title"])
        return page_class(*args, **kwargs)

    monkeypatch.setattr(st, "Page", counting_page)
    _navigation_pages.clear()
    for _ in range(2):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["device"] = "cpu"
        at.session_state["language"] = LANGUAGES[lang]
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        at.switch_page("pages/tensors.py")  # navigation still runs the page it returns
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.title[0].value == t("nav.tensors", lang)
    assert built == [t("nav.home", lang), *(t(c.title_key, lang) for c in CHAPTERS)]
