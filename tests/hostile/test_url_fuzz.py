"""Every URL-bound parameter of every page and tab, set to hostile values: no error box, ever.

The parameters are found, not listed: ``bound`` records each key it binds. Each
run sets every parameter of the page at once to one hostile value, with one tab
open, and asserts that the page rendered without an exception and that no
markup from the link reached the page as a link.
"""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from playground.ui.widgets import BOUND_KEYS
from tests.apptest import PAGES
from tests.conftest import ROOT

HOSTILE = {
    "huge": "999999999999999999999",
    "negative": "-12345678",
    "nan": "nan",
    "inf": "-inf",
    "huge shape": "(4096, 4096, 4096)",
    "broadcast bomb": "(1, 16777216), (16777216, 1)",
    "zero size": "(0, 3)",
    "unicode": "张量²½\u202e\u0000",
    "long": "x" * 10_000,
    "markup": "[Your upload failed: click to retry](https://evil.example/login) <b>x</b> $x$",
    "comment": "[0] # x ]",
    "bare url": "(3, 4) # https://evil.example/login www.evil.example a@evil.example ]",
}
SHARED = {"language", "device", "seed"}
# Parameters a page reads itself rather than through a bound widget.
UNBOUND = {page: ["m_model", "m_input"] for page in ("pages/layers.py", "pages/training.py")}
# Controls that only appear for some choices: open those choices too.
CHOICES = {
    "pages/tensors.py": [{"t_creator": "zeros"}, {"t_creator": "full"}, {"t_creator": "ones_like"}],
    "pages/autograd.py": [{"ag_preset": "custom"}],
}


def _open(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    at.session_state["device"] = "cpu"
    at.query_params.update(query)
    at.run()
    at.switch_page(page)
    at.run()
    return at


def _page_keys(page: str) -> dict[str, str | tuple[str, ...]]:
    """Every bound key of ``page``, with each tab opened once to bind what it holds."""
    BOUND_KEYS.clear()
    for choice in [{}, *CHOICES.get(page, [])]:
        _open(page, choice)
    for opening in _openings(dict(BOUND_KEYS), page):
        _open(page, opening)
    return dict(BOUND_KEYS)


def _openings(keys: dict[str, str | tuple[str, ...]], page: str) -> list[dict[str, str]]:
    """The page as it opens, each other tab, and each choice that shows more controls."""
    tabs = [{key: slug} for key, v in keys.items() if isinstance(v, tuple) for slug in v[1:]]
    return [{}, *tabs, *CHOICES.get(page, [])]


def _markdown(at: AppTest) -> str:
    """Everything rendered as Markdown, raw: an escaped link has a backslash before "]("."""
    kinds = ("markdown", "caption", "info", "warning", "error", "success", "title", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind))


_CODE_SPAN = re.compile(r"`[^`]*`")
_URL = re.compile(r"(?i)(https?://|www\.)\S*evil|\S+@evil\.")


def _live_urls(markdown: str) -> list[str]:
    """Bare URLs, www. names and e-mail addresses outside code spans: GFM would link them."""
    return [m.group(0) for m in _URL.finditer(_CODE_SPAN.sub("", markdown))]


@pytest.fixture(scope="module")
def page_keys():
    return {page: _page_keys(page) for page in PAGES}


def _cases():
    for page in PAGES:
        for name in HOSTILE:
            yield pytest.param(page, name, id=f"{page.split('/')[-1][:-3]}-{name}")


@pytest.mark.slow
@pytest.mark.parametrize(("page", "value"), list(_cases()))
def test_hostile_link_values_never_raise(page_keys, page, value):
    keys = page_keys[page]
    params = [k for k, v in keys.items() if not isinstance(v, tuple) and k not in SHARED]
    params += UNBOUND.get(page, [])
    for opening in _openings(keys, page):
        query = {k: HOSTILE[value] for k in params if k not in opening} | opening
        at = _open(page, query)
        assert not at.exception, (opening, [e.value for e in at.exception])
        assert "](https://evil.example" not in _markdown(at), opening
        assert _live_urls(_markdown(at)) == [], opening
        for code in at.code:  # a value never changes a shown script's structure
            if code.language == "python":
                compile(code.value, f"{page} {opening}", "exec")


@pytest.mark.slow
def test_every_page_has_bound_parameters(page_keys):
    assert all(page_keys[p] for p in PAGES)
    assert sum(len(k) for k in page_keys.values()) >= 40
