"""AppTest: every chapter's "Check yourself" in both languages, a submitted answer, progress
through the URL, a mangled progress code, and the Exercises page."""

from __future__ import annotations

import pytest

from playground.core.i18n import nt, t
from playground.exercises import CHAPTER_IDS, by_chapter, by_id, variant
from tests.apptest import open_page, texts
from tests.ui.test_standalone_scripts import _render


def _page(chapter: str) -> str:
    return f"pages/{chapter}.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("chapter", CHAPTER_IDS)
def test_each_chapter_ends_with_check_yourself(chapter, lang):
    at = open_page(_page(chapter), lang=lang, timeout=120, **{f"xq_open_{chapter}": True})
    assert not at.exception, [e.value for e in at.exception]
    # Opened, it draws its exercise (closed, nothing: tests/ui/test_pages.py)
    assert nt("xq.title_n", len(by_chapter(chapter)), lang) in [e.label for e in at.expander]
    picker = at.selectbox(key=f"xq_{chapter}")
    assert picker.options[0].startswith(
        t("xq.pick_item", lang, n=1, total=len(by_chapter(chapter)), kind="")[:1]
    )
    assert len(picker.options) == len(by_chapter(chapter))


def _answer(at, exercise_id: str, text: str, seed: int = 0):
    at.text_input(key=f"xq_{exercise_id}_{seed}_text").input(text)
    at.button(key=f"xq_{exercise_id}_{seed}_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_submitted_answer_shows_pytorchs_result_and_the_why(lang):
    at = open_page("pages/tensors.py", lang=lang, timeout=120, xq_open_tensors=True)
    setup = variant(by_chapter("tensors")[0], 0)
    _answer(at, "tensors.view_infer", "(1, 1)")
    assert t("xq.wrong", lang) in [e.value for e in at.error]
    # One wrong guess does not give the answer away: no real shape, no solution yet.
    assert setup.answer not in [c.value for c in at.code]
    assert setup.script.strip() not in [c.value.strip() for c in at.code]
    assert t("xq.try_again", lang) in [c.value for c in at.caption]
    _answer(at, "tensors.view_infer", "(2, 2)")
    assert setup.answer in [c.value for c in at.code]  # after two: PyTorch's real shape
    _answer(at, "tensors.view_infer", setup.answer)
    assert t("xq.right", lang) in [e.value for e in at.success]
    assert setup.script.strip() in [c.value.strip() for c in at.code]  # the reference's code
    record = at.session_state["xq_progress"]["tensors.view_infer"]
    assert (record.attempts, record.first_try, record.solved) == (3, False, True)


def test_show_the_solution_opens_it_before_any_attempt():
    at = open_page("pages/tensors.py", timeout=120, xq_open_tensors=True)
    setup = variant(by_chapter("tensors")[0], 0)
    at.button(key="xq_tensors.view_infer_0_sol").click().run()
    assert setup.script.strip() in [c.value.strip() for c in at.code]
    record = at.session_state["xq_progress"]["tensors.view_infer"]
    assert record.solution_first and record.attempts == 0  # the choice is recorded
    _answer(at, "tensors.view_infer", setup.answer)
    record = at.session_state["xq_progress"]["tensors.view_infer"]
    assert record.solved and not record.first_try  # right, but not at the first try unseen
    assert "xp" in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_hints_come_in_two_steps(lang):
    from playground.exercises.hints import second_hint

    at = open_page("pages/tensors.py", lang=lang, timeout=120, xq_open_tensors=True)
    exercise = by_chapter("tensors")[0]
    setup = variant(exercise, 0)
    hint = at.button(key="xq_tensors.view_infer_0_hint")
    assert hint.label == t("xq.hint", lang)
    hint.click().run()
    assert len(at.info) == 1 and at.button(key="xq_tensors.view_infer_0_hint").label == t(
        "xq.hint_more", lang
    )
    at.button(key="xq_tensors.view_infer_0_hint").click().run()
    key, values = second_hint(exercise, setup)
    assert t(key, lang, **values) in [i.value for i in at.info]
    assert at.button(key="xq_tensors.view_infer_0_hint").disabled
    assert not at.session_state["xq_progress"]  # a hint is not an attempt


def test_find_the_bug_runs_the_edited_line_in_the_queue_and_says_what_went_wrong():
    at = _render("pages/training.py", "en", {"xq_training": "training.bug_target_dtype"})
    key = "xq_training.bug_target_dtype_0"
    setup = variant(by_id("training.bug_target_dtype"), 0)
    line = int(setup.params["line"])
    at.selectbox(key=f"{key}_line").set_value(line).run()
    assert at.text_input(key=f"{key}_text").value == "loss = F.cross_entropy(logits, y.float())"
    at.button(key=f"{key}_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("xq.wrong", "en") in [e.value for e in at.error]
    assert any("expected target dtype" in i.value for i in at.info)  # why: the error
    at.text_input(key=f"{key}_text").input("loss = F.cross_entropy(logits, y)")
    at.button(key=f"{key}_go").click().run()
    assert t("xq.right", "en") in [e.value for e in at.success]
    record = at.session_state["xq_progress"]["training.bug_target_dtype"]
    assert (record.attempts, record.solved) == (2, True)
    at.text_input(key=f"{key}_text").input("import os")
    at.button(key=f"{key}_go").click().run()
    assert t("err.xq.bug_statement", "en") in [e.value for e in at.error]
    assert at.session_state["xq_progress"]["training.bug_target_dtype"].attempts == 2


def test_a_refusal_is_shown_and_is_not_an_attempt():
    at = open_page("pages/tensors.py", timeout=120, xq_open_tensors=True)
    _answer(at, "tensors.view_infer", "__import__('os')")
    assert at.error and "xq_progress" in at.session_state
    assert at.session_state["xq_progress"] == {}


def test_the_seed_changes_the_numbers_and_a_link_gives_the_same_ones():
    first = open_page("pages/broadcasting.py", timeout=120, seed=3, xq_open_broadcasting=True)
    again = open_page("pages/broadcasting.py", timeout=120, seed=3, xq_open_broadcasting=True)
    other = open_page("pages/broadcasting.py", timeout=120, seed=4, xq_open_broadcasting=True)
    code = [c.value for c in first.code]
    assert code == [c.value for c in again.code] and code != [c.value for c in other.code]


def test_progress_survives_a_rerun_and_a_reload_through_the_url():
    at = open_page("pages/tensors.py", timeout=120, xq_open_tensors=True)
    _answer(at, "tensors.view_infer", variant(by_chapter("tensors")[0], 0).answer)
    at.run()
    code = at.query_params["xp"]
    fresh = _render("pages/exercises.py", "en", {"xp": code})
    assert fresh.session_state["xq_progress"] == at.session_state["xq_progress"]
    assert "1 / " in " ".join(str(m.value) for m in fresh.metric)
    assert fresh.query_params["xp"] == code  # and it stays in the link


def test_a_malformed_progress_code_is_ignored_with_a_message():
    at = _render("pages/exercises.py", "en", {"xp": "1AAcI"})  # a bad checksum
    assert not at.exception
    assert t("err.xq.bad_code", "en") in texts(at)
    assert at.session_state["xq_progress"] == {} and "xp" not in at.query_params


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_exercises_page_summarises_every_chapter(lang):
    at = open_page("pages/exercises.py", lang=lang, timeout=120)
    assert not at.exception
    table = at.dataframe[0].value
    assert len(table) == len(CHAPTER_IDS) and table.iloc[:, 1].sum() >= 60
    assert at.selectbox(key="xs_set").value == "tensors"


@pytest.mark.slow
def test_reach_the_target_trains_in_the_queue_and_reports_the_accuracy():
    at = _render("pages/training.py", "en", {"xq_training": "training.reach_target"})
    key = "xq_training.reach_target_0"
    at.selectbox(key=f"{key}_opt").set_value("Adam")
    at.select_slider(key=f"{key}_lr").set_value(1e-3)
    at.button(key=f"{key}_go").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert t("xq.right", "en") in [e.value for e in at.success]
    accuracy = float(at.session_state[key].real.rstrip("%"))
    assert accuracy >= 80 and at.session_state["xq_progress"]["training.reach_target"].solved


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_known_mistake_is_explained_with_the_variants_numbers(lang):
    from playground.core.i18n import t
    from playground.exercises import by_id, variant
    from tests.apptest import open_page, texts

    exercise = by_id("tensors.view_infer")
    setup = variant(exercise, 0)
    wrong = setup.wrong[0]  # x's own shape: the shape before the view
    at = open_page("pages/tensors.py", lang=lang, xq_open_tensors=True)
    at.text_input(key=f"xq_{exercise.id}_0_text").input(str(wrong))
    next(b for b in at.button if b.label == t("xq.check", lang)).click().run()
    assert not at.exception
    body = texts(at)
    assert t(wrong.why, lang, **wrong.values) in body and t("xq.because", lang) in body
