"""Chromium: a learner solves one exercise per chapter, in both languages; the progress code in
the link brings the solved count to the Exercises page of a fresh browser."""

from __future__ import annotations

import urllib.parse

import pytest

from playground.core.i18n import LANGUAGES, t
from playground.exercises import CHAPTER_IDS, by_chapter, variant
from tests.e2e.test_browser import (  # noqa: F401  # the module's fixtures
    SHOTS,
    browser,
    exception_boxes,
    fresh_page,
    server,
    wait_until_rendered,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _typed(chapter: str):
    """The chapter's first exercise answered by typing, and its variant for seed 0."""
    exercise = next(e for e in by_chapter(chapter) if e.kind in ("shape", "value", "expression"))
    return exercise, variant(exercise, 0)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_learner_solves_one_exercise_per_chapter(browser, server, lang):  # noqa: F811
    query = {"language": LANGUAGES[lang]}
    with fresh_page(browser, 1100) as page:
        for chapter in CHAPTER_IDS:
            exercise, setup = _typed(chapter)
            link = urllib.parse.urlencode({**query, f"xq_{chapter}": exercise.id})
            page.goto(f"{server}/{chapter}?{link}")
            wait_until_rendered(page)
            box = page.get_by_label(t(f"xq.answer.{exercise.kind}", lang))  # opened by the link
            box.scroll_into_view_if_needed()
            box.fill(setup.answer)
            box.press("Enter")
            wait_until_rendered(page)
            page.get_by_role("button", name=t("xq.check", lang)).click()
            page.get_by_text(t("xq.right", lang)).wait_for(timeout=30_000)
            assert exception_boxes(page) == [], chapter
            query["xp"] = urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)["xp"][0]
            if chapter == "broadcasting":
                page.get_by_text(t("xq.right", lang)).scroll_into_view_if_needed()
                SHOTS.mkdir(parents=True, exist_ok=True)
                suffix = "" if lang == "en" else "-zh"
                page.screenshot(path=str(SHOTS / f"check-yourself{suffix}.png"))
    with fresh_page(browser, 1100) as page:  # a new session: only the link carries the progress
        page.goto(f"{server}/exercises?{urllib.parse.urlencode(query)}")
        wait_until_rendered(page)
        metric = page.locator('[data-testid="stMetricValue"]').first.inner_text()
        assert metric.replace(" ", "").startswith(f"{len(CHAPTER_IDS)}/"), metric
        if lang == "en":
            page.screenshot(path=str(SHOTS / "exercises.png"), full_page=True)
