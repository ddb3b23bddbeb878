"""Every click lands: tabs in a row, dropdowns after a language switch, the copied link,
and numbers out of range, as a learner meets them in Chromium."""

from __future__ import annotations

import urllib.parse

import pytest

from playground.exercises import CHAPTER_IDS
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    browser,
    exception_boxes,
    fresh_page,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

TABBED = list(CHAPTER_IDS)  # every chapter page has tabs


def selected_tab(page) -> str:
    return page.locator('[role="tab"][aria-selected="true"]').first.inner_text().strip()


def _query(page) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(page.url).query))


@pytest.mark.parametrize("path", TABBED)
def test_every_tab_click_lands_in_a_row(browser, server, path):  # noqa: F811
    """Each tab once, left to right, then back to the first: one click each, never two. Tabs
    run lazily, so each click also draws that tab: its charts or code, no exception box."""
    with fresh_page(browser) as page:
        page.goto(f"{server}/{path}")
        wait_until_rendered(page)
        tabs = page.get_by_role("tab")
        tabs.first.wait_for(timeout=60_000)  # Data draws its tabs after the dataset loads
        count = tabs.count()
        assert count >= 2
        for i in [*range(1, count), 0]:
            name = tabs.nth(i).inner_text().strip()
            tabs.nth(i).click()
            wait_until_rendered(page)
            assert selected_tab(page) == name, f"/{path}: clicked {name!r}"
            assert exception_boxes(page) == [], f"/{path} tab {name!r}: {exception_boxes(page)}"
            drawn = "[role='tabpanel']:visible [data-testid='stElementContainer']"
            assert page.locator(drawn).count() > 0, name  # the open tab drew its section
            tab_params = [v for k, v in _query(page).items() if k.endswith("_tab")]
            assert (tab_params == []) if i == 0 else (len(tab_params) == 1), page.url
        assert exception_boxes(page) == []


def _selected_options(page) -> list[str]:
    boxes = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]')
    return [
        b.evaluate("e => Array.from(e.querySelectorAll('input')).map(i => i.value).join('')")
        for b in boxes.all()
    ]


def _switch_to_chinese(page) -> None:
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="简体中文").click()
    page.wait_for_function("() => location.search.includes('language=')", timeout=30_000)
    wait_until_rendered(page)


@pytest.mark.parametrize(
    "path, english",
    [
        ("examples", ["Fit y = sin(x) with a cubic (the tutorial)", "1. NumPy by hand"]),
        ("data", ["Offline shapes (built in, synthetic)"]),
        ("layers", ["Tutorial: NeuralNetwork (MLP)"]),
        ("training", ["Offline shapes (built in, synthetic)", "Tutorial: NeuralNetwork (MLP)"]),
    ],
)
def test_a_language_switch_redraws_every_dropdown(browser, server, path, english):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/{path}")
        wait_until_rendered(page)
        page.locator('[data-testid="stExpander"] summary', has_text="Check yourself").click()
        wait_until_rendered(page)  # its exercise picker is drawn once it is opened
        before = _selected_options(page)
        assert set(english) <= set(before)
        assert any(o.endswith(" · predict the value") or "predict" in o for o in before)
        _switch_to_chinese(page)
        after = _selected_options(page)  # Check yourself stays open across the switch
        assert not set(english) & set(after), after
        assert not any("predict" in o for o in after), after
        assert any("预测" in o for o in after), after
        assert exception_boxes(page) == []


def _copied_link(page) -> str:
    page.locator('[data-testid="stSidebar"] button', has_text="Copy link").click()
    link = page.locator('[data-testid="stPopoverBody"] code').inner_text().strip()
    page.keyboard.press("Escape")
    return link


def test_the_copied_link_follows_a_tab_switch_and_reset(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/training?tr_epochs=3&tr_opt=Adam")
        wait_until_rendered(page)
        page.get_by_role("tab").nth(1).click()
        wait_until_rendered(page)
        link = _copied_link(page)
        assert "tr_tab=results" in link and "tr_epochs=3" in link and "tr_opt=Adam" in link
        page.get_by_role("button", name="Reset to defaults").click()
        wait_until_rendered(page)
        link = _copied_link(page)
        assert "tr_tab=results" in link
        assert "tr_epochs" not in link and "tr_opt" not in link, link
    with fresh_page(browser) as other:  # the link opens the same setup elsewhere
        other.goto(link)
        wait_until_rendered(other)
        assert selected_tab(other) == "Results"
        assert other.get_by_role("spinbutton", name="epochs").input_value() == "5"


def _alerts(page) -> list[str]:
    return page.locator('[data-testid="stMain"] [data-testid="stAlert"]').all_inner_texts()


def _toasts(page) -> list[str]:
    return page.locator('[data-testid="stToast"]').all_inner_texts()


def _type_number(page, url: str, name: str, value: str):
    """Open ``url``, type ``value`` into the number box ``name`` and press Enter."""
    page.goto(url)
    wait_until_rendered(page)
    box = page.get_by_role("spinbutton", name=name)
    box.fill(value)
    box.press("Enter")
    wait_until_rendered(page)
    return box


def test_a_typed_number_out_of_range_says_what_is_used(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        box = _type_number(page, f"{server}/training", "epochs", "10000")
        assert box.input_value() == "50"
        assert any("10000 was given, so 50 is used" in a for a in _alerts(page)), _alerts(page)
        assert _query(page).get("tr_epochs") == "50"
        lr = _type_number(page, f"{server}/examples", "learning_rate", "1000000000")
        assert lr.input_value() == "1"
        assert any("1e+09 was given, so 1 is used" in a for a in _alerts(page)), _alerts(page)


def test_a_links_values_out_of_range_are_named_in_the_pages_language(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/training?tr_epochs=900&tr_lr=5&language=简体中文")
        wait_until_rendered(page)
        assert any("输入的是 900，所以使用 50" in a for a in _alerts(page)), _alerts(page)
        assert any("tr_lr" in t and "0.001" in t for t in _toasts(page)), _toasts(page)
        assert _query(page).get("tr_epochs") == "50" and "tr_lr" not in _query(page)
        page.goto(f"{server}/tensors?t_tab=arithmetic")
        wait_until_rendered(page)
        assert any("t_tab" in t and "Create" in t for t in _toasts(page)), _toasts(page)
        assert selected_tab(page) == "Create"
        assert exception_boxes(page) == []


@pytest.mark.parametrize(
    ("path", "name", "typed", "used"),
    [
        ("data", "Inspect sample", "999999", "59999"),
        ("training?tr_tab=transfer", "target training samples", "5", "50"),
        ("examples", "iterations", "-3", "1"),
        ("", "Seed", "-5", "0"),
    ],
)
def test_every_kind_of_number_box_clamps_and_says_so(browser, server, path, name, typed, used):  # noqa: F811
    """The same rule on every page: the box shows the value used, a warning names both."""
    with fresh_page(browser) as page:
        box = _type_number(page, f"{server}/{path}", name, typed)
        page.wait_for_function("v => document.activeElement && true", arg=used)
        assert box.input_value() == used
        said = page.locator('[data-testid="stAlert"]').all_inner_texts()
        assert any(f"{typed} was given, so {used} is used" in a for a in said), said
        assert exception_boxes(page) == []
