"""Streamlit's private API, used in one module only: fail loudly if a release moves it."""

from __future__ import annotations

import ast
import inspect

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
