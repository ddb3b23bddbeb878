"""A class in real browsers: two students on the teacher's link press Train; one run serves both."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    browser,
    exception_boxes,
    free_port,
    start_server,
    stop_server,
    wait_until_rendered,
)

pytestmark = pytest.mark.browser

LINK = "/training?tr_subset=3000&tr_epochs=2&seed=11"


def _log(page) -> str:
    return page.locator('[data-testid="stCode"]').first.inner_text()


def test_two_students_on_one_link_train_once_and_see_the_same_run(browser, tmp_path):  # noqa: F811
    port = free_port()
    proc = start_server(port, env={"PLAYGROUND_MAX_TRAININGS": "1"})  # unshared, B would wait
    url = f"http://127.0.0.1:{port}"
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        pages = [c.new_page() for c in contexts]
        for page in pages:
            page.goto(url + LINK)
            wait_until_rendered(page)
        for page in pages:
            page.get_by_role("button", name="Train", exact=True).click()
        for page in pages:
            page.get_by_role("button", name="Train again").wait_for(timeout=90_000)
            page.get_by_text("The class's run: 2 sessions follow it").wait_for(timeout=10_000)
        logs = [_log(p) for p in pages]
        assert logs[0] == logs[1] and len(re.findall(r"Accuracy: \d+\.\d%", logs[0])) == 2
        pages[0].screenshot(path=str(tmp_path / "class_run.png"), full_page=True)
        pages[1].goto(url)
        wait_until_rendered(pages[1])
        pages[1].wait_for_function(  # both students hold one run: the server trained once
            "() => document.body.innerText.includes('0 waiting, 1 run held')", timeout=15_000
        )
        assert all(exception_boxes(p) == [] for p in pages)
    finally:
        for c in contexts:
            c.close()
        stop_server(proc)
