"""Teach in real browsers: a teacher starts a class, three students join and answer a pushed
question, the answer distribution and the reveal appear. Screenshots for the README."""

from __future__ import annotations

import pytest

from playground import exercises as xq
from playground.core.i18n import LANGUAGES, t
from tests.e2e.test_accessibility_browser import _violations, axe  # noqa: F401 (fixture)
from tests.e2e.test_browser import (  # noqa: F401 (fixtures)
    SHOTS,
    browser,
    exception_boxes,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# While a run redraws the board, the last run's chart can linger, faded, beside the new one.
_LIVE_CHART = '[data-testid="stElementContainer"]:not([data-stale="true"]) .js-plotly-plot'


def _bars(page) -> dict[str, int] | None:
    """The live distribution chart's own data (answer -> students); None while two are drawn."""
    page.locator(_LIVE_CHART).first.wait_for(timeout=15_000)
    traces = page.evaluate(
        "(css) => [...document.querySelectorAll(css)].map((plot) => plot.data[0])", _LIVE_CHART
    )
    if len(traces) != 1:
        return None
    return dict(zip(traces[0]["y"], traces[0]["x"], strict=True))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_class_answers_a_pushed_question_and_sees_the_reveal(browser, server, axe, lang):  # noqa: F811
    query = f"language={LANGUAGES[lang]}"
    exercise = xq.by_chapter("tensors")[0]  # the push list's first entry, seed 0
    setup = xq.variant(exercise, 0)
    real = xq.grade(exercise, setup, setup.answer).yours
    teacher_context = browser.new_context(viewport={"width": 1400, "height": 2300})
    teacher = teacher_context.new_page()
    teacher.goto(f"{server}/teach?{query}")
    wait_until_rendered(teacher)
    teacher.get_by_role("button", name=t("teach.start", lang)).click()
    code_box = teacher.locator('[data-testid="stCode"]').filter(has_text="?join=")
    code_box.wait_for(timeout=15_000)
    join = code_box.inner_text().replace("\n", "").strip()
    students = []
    for k, answer in enumerate(["(3, 4)", real, "(3, 4)"]):
        page = browser.new_context(viewport={"width": 1200, "height": 1800}).new_page()
        page.goto(f"{join}&{query}")
        wait_until_rendered(page)
        page.get_by_label(t("teach.nickname", lang)).fill(f"<b>student {k}</b>")
        page.get_by_role("button", name=t("teach.join", lang), exact=True).click()
        page.get_by_role("button", name=t("teach.leave", lang)).wait_for(timeout=10_000)
        assert page.get_by_text(f"<b>student {k}</b>").count() >= 1  # typed, never markup
        assert page.locator("b", has_text=f"student {k}").count() == 0
        students.append((page, answer))
    teacher.get_by_role("button", name=t("teach.push", lang)).click()
    for page, answer in students:
        send = page.get_by_role("button", name=t("teach.send", lang))
        send.wait_for(timeout=15_000)  # the pushed card appears by itself
        box = page.locator('[data-testid="stTextInput"] input').first
        box.fill(answer)
        box.press("Enter")
        send.click()
        page.get_by_text(t("teach.sent", lang)).wait_for(timeout=10_000)
    teacher.get_by_text("3 / 3").wait_for(timeout=10_000)
    expected = {"(3, 4)": 2, real: 1}
    for _ in range(40):  # the count is text; Plotly redraws the chart a moment after it
        if (bars := _bars(teacher)) == expected:
            break
        teacher.wait_for_timeout(250)
    assert bars == expected
    teacher.get_by_role("button", name=t("teach.reveal", lang)).click()
    teacher.get_by_text(t("teach.hidden_note", lang)).wait_for(state="detached", timeout=10_000)
    suffix = "" if lang == "en" else "-zh"
    teacher.wait_for_timeout(800)
    teacher.screenshot(path=str(SHOTS / f"teach-dashboard{suffix}.png"), full_page=True)
    for page, answer in students:
        page.get_by_text(t("teach.revealed", lang)).wait_for(timeout=15_000)
        verdict = t("xq.right" if answer == real else "xq.wrong", lang)
        assert page.get_by_text(verdict).count() == 1
    students[0][0].screenshot(path=str(SHOTS / f"teach-student{suffix}.png"), full_page=True)
    for page in [teacher, *(p for p, _ in students)]:
        assert exception_boxes(page) == []
    # The dashboard and a student's revealed card meet the same axe rules as every page.
    assert _violations(teacher, axe) == [] and _violations(students[0][0], axe) == []
