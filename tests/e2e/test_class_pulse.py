"""The class pulse across replicas: two app servers behind the sticky nginx, one PostgreSQL.

A teacher's dashboard on one replica shows the answers of students on the other within 2 s;
the teacher's replica dies, the teacher link opens the same class on the survivor, and the
class goes on.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from tests.conftest import fresh_database
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, exception_boxes, wait_until_rendered
from tests.e2e.test_replicas import running_cluster

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def pulse_cluster(tmp_path_factory, postgres_url):
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    env = {"PLAYGROUND_DATABASE_URL": fresh_database(postgres_url)}
    with running_cluster(tmp_path_factory.mktemp("nginx-pulse"), env) as running:
        yield running


def _replica(context, base: str) -> str:
    response = context.request.get(f"{base}/_stcore/health")  # the context's sticky cookie
    return response.headers["x-playground-replica"].split(", ")[-1]


def _codes(page) -> list[str]:
    return page.locator('[data-testid="stCode"] code').all_text_contents()


def _answered(page) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Answered the question")
    return metric.locator('[data-testid="stMetricValue"]').inner_text() if metric.count() else ""


def _wait_for(predicate, timeout: float = 20.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError("timed out")


def _answer(page, text: str) -> None:
    box = page.locator('[data-testid="stTextInput"] input').first
    _wait_for(lambda: box.count() > 0 and box.is_visible(), timeout=15)  # the pushed card
    box.fill(text)
    box.press("Enter")
    page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Sent to your teacher").wait_for(timeout=10_000)


def test_a_class_spans_replicas_and_survives_one_dying(pulse_cluster):
    from playwright.sync_api import sync_playwright

    base, ports, replicas = pulse_cluster
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        teacher_context = browser.new_context(viewport={"width": 1400, "height": 2000})
        teacher = teacher_context.new_page()
        teacher.goto(f"{base}/teach")
        wait_until_rendered(teacher)
        teacher.get_by_role("button", name="Start a class").click()
        teacher.get_by_text("Push a question", exact=True).wait_for(timeout=15_000)
        teacher.locator('[data-testid="stCode"]').filter(has_text="?join=").wait_for(timeout=10_000)
        join = next(c for c in _codes(teacher) if "?join=" in c).strip()
        teacher.get_by_text("Teacher link (keep it secret)").click()
        teacher.get_by_text("This link is the only way back").wait_for(timeout=5_000)
        teacher_link = next(c for c in _codes(teacher) if "&key=" in c).strip()
        assert join.startswith(base) and "key=" not in teacher.url  # the secret is not shown
        home = _replica(teacher_context, base)

        students = []
        for _ in range(40):  # new browsers until three land on the other replica
            context = browser.new_context()
            page = context.new_page()
            page.goto(join)
            wait_until_rendered(page)
            if _replica(context, base) == home:
                context.close()
                continue
            page.get_by_label("Nickname").fill(f"student {len(students)}")
            page.get_by_role("button", name="Join", exact=True).click()
            page.get_by_role("button", name="Leave the class").wait_for(timeout=10_000)
            students.append(page)
            if len(students) == 3:
                break
        assert len(students) == 3

        teacher.get_by_role("button", name="Push to every student").click()
        for k, page in enumerate(students):
            _answer(page, ["(3, 4)", "(12, 5)", "(3, 4)"][k])
        sent = time.monotonic()
        _wait_for(lambda: _answered(teacher) == "3 / 3", timeout=10)
        assert time.monotonic() - sent < 2.0  # the dashboard shows them within 2 s
        try:
            _wait_for(lambda: teacher.locator('[data-testid="stPlotlyChart"]').count() == 1, 10)
        except AssertionError:
            teacher.screenshot(path="/tmp/shots/e2e_fail.png", full_page=True)
            raise

        # The teacher's replica dies: the teacher link opens the same class on the survivor.
        dead = ports.index(int(home.rsplit(":", 1)[1]))
        replicas[dead].terminate()
        replicas[dead].wait(timeout=20)
        teacher.goto(teacher_link)
        teacher.get_by_text("Push a question", exact=True).wait_for(timeout=20_000)
        _wait_for(lambda: _answered(teacher) == "3 / 3", timeout=10)
        teacher.get_by_role("button", name="Reveal PyTorch's answer").click()
        for page in students:  # each student's page reruns by itself when the reveal lands
            page.get_by_text("Your teacher revealed PyTorch's answer.").wait_for(timeout=15_000)
        teacher.get_by_role("button", name="Push to every student").click()
        _wait_for(lambda: _answered(teacher) == "0 / 3", timeout=10)
        for page in students:
            _answer(page, "(12, 5)")
        _wait_for(lambda: _answered(teacher) == "3 / 3", timeout=10)
        for page in [teacher, *students]:
            assert exception_boxes(page) == []
        assert re.search(r"\b3\b", teacher.locator('[data-testid="stMetric"]').first.inner_text())
        browser.close()
