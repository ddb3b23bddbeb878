"""Convolution & pooling in a real browser: Play slides the window frame by frame in the page
(no rerun), in both languages, and the README's screenshots come from here."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SHOTS,
    browser,
    exception_boxes,
    fresh_page,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize(("lang", "suffix"), [("English", ""), ("简体中文", "-zh")])
def test_play_slides_the_window_in_the_browser(browser, server, lang, suffix):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    with fresh_page(browser, 1300) as page:
        page.goto(f"{server}/convolution?cv_tab=slide&language={lang}")
        wait_until_rendered(page)
        assert exception_boxes(page) == []
        label = page.locator("text.slider-label").first
        before = label.text_content()
        page.locator(".updatemenu-button").first.click()  # Play
        page.wait_for_function(
            "(b) => document.querySelector('text.slider-label').textContent !== b",
            arg=before,
            timeout=30_000,
        )
        assert (
            page.locator('[data-testid="stStatusWidget"]').count() == 0
        )  # no rerun: it plays here
        page.locator(".updatemenu-button").nth(1).click()  # Pause, then look: a frame redraws
        page.wait_for_timeout(1000)
        assert label.text_content() != before and exception_boxes(page) == []
        chart = page.locator('[data-testid="stPlotlyChart"]').first
        assert chart.locator(".heatmaplayer image, .hm image").count() >= 4  # no panel blanked
        page.screenshot(path=str(SHOTS / f"convolution{suffix}.png"), full_page=True)


def test_every_tab_of_the_chapter_renders(browser, server):  # noqa: F811
    with fresh_page(browser, 1300) as page:
        for tab in ("channels", "pooling", "receptive", "trained"):
            page.goto(f"{server}/convolution?cv_tab={tab}")
            wait_until_rendered(page)
            assert exception_boxes(page) == [], tab
            if tab == "receptive":  # a click on an output cell traces that cell
                chart = page.locator('[data-testid="stPlotlyChart"]').first
                chart.locator(".scatterlayer .point").nth(5).click(force=True)  # (1, 1) of 4 × 4
                page.wait_for_timeout(2500)
                row, col = page.locator('[data-testid="stNumberInput"] input').all()[-2:]
                assert (row.input_value(), col.input_value()) == ("1", "1")
                assert exception_boxes(page) == []
                page.screenshot(path=str(SHOTS / "convolution-receptive.png"), full_page=True)
