"""Accessibility in a real browser: axe-core's WCAG 2.0-2.2 A/AA rules on every page and tab,
in both languages; charts named for screen readers; tabs worked by keyboard alone.

axe-core comes from npm (``npm install axe-core``); ``.ci/run`` installs it and sets
``PLAYGROUND_REQUIRE_AXE=1``, so there a missing axe fails instead of skipping.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    PAGES,
    browser,
    exception_boxes,
    fresh_page,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
UNTABBED = {"", "exercises", "teach"}  # Teach is scanned with a class in test_teach_browser


def _axe_source() -> str:
    candidates = [
        os.environ.get("AXE_CORE_JS", ""),
        ROOT / "node_modules" / "axe-core" / "axe.min.js",
        ROOT / ".ci-node" / "node_modules" / "axe-core" / "axe.min.js",
    ]
    for path in candidates:
        if path and Path(path).is_file():
            return Path(path).read_text()
    if os.environ.get("PLAYGROUND_REQUIRE_AXE") == "1":
        pytest.fail("axe-core is required here but missing (npm install axe-core)")
    pytest.skip("axe-core is not installed (npm install axe-core); .ci/run installs it")


@pytest.fixture(scope="module")
def axe() -> str:
    return _axe_source()


RUN = """async (tags) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => `${v.id} (${v.impact}): ` + v.nodes.slice(0, 3)
      .map(n => n.html.slice(0, 120) + ' -> ' + n.failureSummary.split('\\n')[1]).join(' | '));
}"""


def _violations(page, axe_js: str) -> list[str]:
    # A rerun dims the elements it has not redrawn yet: wait until none is stale (and faded).
    page.wait_for_function("() => !document.querySelector('[data-stale=\"true\"]')")
    page.wait_for_timeout(400)
    page.add_script_tag(content=axe_js)
    return page.evaluate(RUN, TAGS)


@pytest.mark.parametrize("lang", ["English", "简体中文"])
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_no_serious_or_critical_axe_violation_on_any_tab(browser, server, axe, path, lang):  # noqa: F811
    found = {}
    with fresh_page(browser) as page:
        page.goto(f"{server}/{path}?language={lang}")
        wait_until_rendered(page)
        tabs = page.get_by_role("tab")
        if path not in UNTABBED:
            tabs.first.wait_for(timeout=60_000)  # Data draws its tabs after the dataset loads
        for i in range(max(tabs.count(), 1)):
            if tabs.count():
                tabs.nth(i).click()
                wait_until_rendered(page)
            if found_here := _violations(page, axe):
                found[tabs.nth(i).inner_text() if tabs.count() else "page"] = found_here
        assert exception_boxes(page) == []
    assert found == {}, f"/{path} ({lang}): {found}"


def test_every_chart_has_a_text_alternative_in_the_page_language(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/tensors?language=简体中文")
        wait_until_rendered(page)
        charts = page.locator('[data-testid="stPlotlyChart"]')
        charts.first.wait_for()
        names = [c.evaluate(_ACCESSIBLE_NAME) for c in charts.all()]
        assert names and all(names), names
        assert any("热力图" in n for n in names), names


# The chart's accessible name: its own aria-label, or that of the element it labels.
_ACCESSIBLE_NAME = """e => {
  const named = e.matches('[aria-label]') ? e : e.querySelector('[aria-label]');
  return named ? named.getAttribute('aria-label') : '';
}"""


def test_tabs_are_reached_and_switched_by_keyboard_alone(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/broadcasting")
        wait_until_rendered(page)
        for _ in range(80):  # Tab through the sidebar and the page until a tab has focus
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.getAttribute('role')") == "tab":
                break
        else:
            pytest.fail("no tab was reached with the Tab key")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("Enter")
        wait_until_rendered(page)
        page.wait_for_function("() => location.search.includes('_tab=')")
        selected = page.locator('[role="tab"][aria-selected="true"]').first.inner_text()
        assert selected.strip() == page.get_by_role("tab").nth(1).inner_text().strip()
