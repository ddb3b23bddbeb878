"""The Layers builder's table, edited as a learner edits it in Chromium: the page rebuilds the
model from the edited row (the edit path), and a fresh page reads the table as drawn."""

from __future__ import annotations

import pytest

from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    browser,
    exception_boxes,
    fresh_page,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GRID = '[data-testid="stDataFrame"]'


def _cells(page, n: int) -> list[str]:
    return page.locator(GRID).nth(n).locator('[role="gridcell"]').all_inner_texts()


def _edit_cell(page, row: int, col: int, text: str) -> None:
    """Select the cell on the grid's canvas (its accessible twin says when it is selected),
    then type over it: glide's editor opens on the first key, and Enter commits."""
    twin = page.locator(GRID).first.locator(f'[data-testid="glide-cell-{col}-{row}"]')
    for _ in range(5):  # the grid settles its layout after the first draw
        box = page.locator(GRID).first.bounding_box()
        header = 35
        page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + header + 35 * row + 17)
        if twin.get_attribute("aria-selected") == "true":
            break
        page.wait_for_timeout(500)
    assert twin.get_attribute("aria-selected") == "true"
    page.keyboard.type(text)
    page.wait_for_timeout(300)
    page.keyboard.press("Enter")


def test_an_edited_row_rebuilds_the_model(browser, server):  # noqa: F811
    with fresh_page(browser) as page:
        page.goto(f"{server}/layers")
        wait_until_rendered(page)
        assert _cells(page, 0)[-3:] == ["6", "Linear", "512, 10"]  # the tutorial's table
        assert _cells(page, 1)[-3:-2] == ["(3, 10)"]
        for _ in range(3):  # under load a keystroke can reach the grid before its editor opens
            _edit_cell(page, row=5, col=3, text="512, 7")
            page.wait_for_timeout(1000)
            if "512, 7" in _cells(page, 0):
                break
        page.wait_for_function(
            "() => Array.from(document.querySelectorAll('[role=\"gridcell\"]'))"
            ".some(c => c.textContent === '(3, 7)')",
            timeout=30_000,
        )
        wait_until_rendered(page)
        trace = _cells(page, 1)
        assert trace[-5:] == ["linear3", "Linear(in_features=512, out_features=7, bias=True)",
                              "(3, 7)", "3,591", "3,584"]  # fmt: skip
        assert exception_boxes(page) == []
