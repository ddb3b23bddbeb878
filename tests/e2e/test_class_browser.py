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


_FADED = """() => {
  const stale = document.querySelectorAll('[data-stale="true"]').length;
  const parts = '[data-stale="true"], [data-testid="stExpander"] summary, [role="tablist"]';
  const faded = [...document.querySelectorAll(parts)].filter(e => getComputedStyle(e).opacity < 1);
  return [stale, faded.length];
}"""


def test_a_student_in_line_sees_the_place_and_the_page_below_stays_as_drawn(browser):  # noqa: F811
    """One slot, held by A's long run: B waits. B's run restarts every second while it waits,
    which would fade the page below the queue message in and out."""
    port = free_port()
    proc = start_server(port, env={"PLAYGROUND_MAX_TRAININGS": "1"})
    url = f"http://127.0.0.1:{port}/training?tr_subset=10000"
    contexts = [browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(2)]
    try:
        a, b = (c.new_page() for c in contexts)
        a.goto(url + "&tr_epochs=60&seed=3")  # 600,000 samples: minutes
        wait_until_rendered(a)
        a.get_by_role("button", name="Train", exact=True).click()
        a.get_by_text("samples/s").wait_for(timeout=30_000)
        b.goto(url + "&tr_epochs=1&seed=4")
        wait_until_rendered(b)
        b.get_by_role("button", name="Train", exact=True).click()
        b.get_by_text("you are number 1 in line").wait_for(timeout=15_000)
        seen = []
        for _ in range(24):  # four restarts of B's run
            seen.append(b.evaluate(_FADED))
            b.wait_for_timeout(150)
        assert any(stale for stale, _ in seen)  # the page below is last second's drawing
        assert all(faded == 0 for _, faded in seen), seen
        assert exception_boxes(b) == []
    finally:
        for c in contexts:
            c.close()
        stop_server(proc)
