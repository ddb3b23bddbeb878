"""Helpers for AppTest page tests: open app.py, switch to a page, and collect what rendered."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from playground import chapters
from playground.core.i18n import LANGUAGES
from tests.conftest import ROOT

PAGES = list(chapters.PAGES)


def open_page(
    page: str,
    *,
    lang: str = "en",
    timeout: float = 60,
    query: dict[str, str] | None = None,
    **state: object,
) -> AppTest:
    """Run the real app.py, then the page, with sidebar state (and a link's ``query``) preset."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params.update(query or {})
    at.session_state["language"] = LANGUAGES[lang]
    at.session_state["device"] = "cpu"
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    if page != "pages/home.py":
        at.switch_page(page)
        at.run()
    return at


def texts(at: AppTest) -> str:
    """Everything the page wrote, as one string, for assertions on content."""
    parts = [
        e.value
        for kind in (
            "title",
            "header",
            "subheader",
            "markdown",
            "caption",
            "info",
            "warning",
            "error",
            "success",
        )
        for e in getattr(at, kind)
    ]
    # Markdown shows "\(" as "(": compare what a learner reads, not the escapes.
    shown = [_MARKDOWN_ESCAPE.sub(r"\1", str(p)) for p in parts]
    return "\n".join(shown + [str(c.value) for c in at.code])


_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def interact(at, kind: str, key: str, value: object):
    getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


# Tabs run lazily: a test opens the tab that holds its widget.
INDEX = {"t_tab": "Index & slice"}
VIEWS = {"t_tab": "Views & reshaping"}
CAT = {"b_tab": "cat"}
DESCENT = {"ag_tab": "Gradient descent by hand"}
