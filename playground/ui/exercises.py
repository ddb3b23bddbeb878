"""Check yourself: one chapter's exercises at the foot of its page, and the progress code.

Predict, submit, and only then see what PyTorch does. The variant comes from the sidebar seed;
the open exercise and the seed are in the link, so a teacher's link gives a class the same
numbers. Progress lives in the session and, as a short code, in the URL (``?xp=…``).
"""

from __future__ import annotations

from collections.abc import Callable

import plotly.graph_objects as go
import streamlit as st

from playground import exercises as xq
from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.exercises import progress as pg
from playground.exercises.bugs import MAX_LINE_CHARS, run_loop
from playground.exercises.hints import second_hint, what_to_check
from playground.exercises.spec import inputs_script
from playground.plots.wire import SharedFigure
from playground.training.config import LEARNING_RATES, OPTIMIZERS
from playground.ui.frame import on_every_page
from playground.ui.i18n import current_lang, ntr, tr
from playground.ui.notebook import record_script
from playground.ui.panel import in_slot
from playground.ui.shared import class_resource
from playground.ui.state import training_data
from playground.ui.widgets import bound, show_code, show_error

__all__ = [
    "answer_of",
    "answer_widgets",
    "check_yourself",
    "exercise_panel",
    "on_graded",
    "progress",
    "progress_figure",
    "reset_progress",
    "show_result",
    "show_setup",
    "show_solution",
    "sync_progress",
]

_KEY, _BAD = "xq_progress", "xq_bad_code"
# Who else hears of a graded attempt (the class pulse): called with the exercise, its seed and
# the grade, after the session's own progress is recorded.
_ON_GRADED: list[Callable[[xq.Exercise, int, xq.Graded], None]] = []


def on_graded(hook: Callable[[xq.Exercise, int, xq.Graded], None]) -> None:
    _ON_GRADED.append(hook)


def progress() -> dict[str, pg.Record]:
    return st.session_state.get(_KEY, {})


def sync_progress() -> None:
    """Once per session, read ``?xp=`` into the session; after that, keep the URL up to date."""
    if _KEY not in st.session_state:
        try:
            st.session_state[_KEY] = pg.decode(st.query_params.get("xp", ""))
        except PlaygroundError as err:  # a mangled link: start afresh and say so
            st.session_state[_KEY], st.session_state[_BAD] = {}, err
    code = pg.encode(progress())
    if code:
        st.query_params["xp"] = code
    else:
        st.query_params.pop("xp", None)


def check_yourself(chapter: str) -> None:
    """The chapter's "Check yourself" section, at the end of its page: closed, it draws
    nothing inside (a class opening one link pays for no exercise), and it opens by itself
    when the link names one of its exercises. Opened once, it stays open for the session."""
    if err := st.session_state.pop(_BAD, None):  # a mangled ?xp= says so, open or not
        show_error(err)
    # The label is the expander's identity in the browser: one that changed (a solved count)
    # would close it after every answer, so it holds the count only, and each language has its
    # own expander that opens where the other was open, as lazy_tabs does for tabs.
    opened, key = f"xq_open_{chapter}", f"xq_open_{chapter}__{current_lang()}"
    if key not in st.session_state and (
        st.session_state.get(opened) or f"xq_{chapter}" in st.query_params  # a link names one
    ):
        st.session_state[key] = True
    box = st.expander(ntr("xq.title_n", len(xq.by_chapter(chapter))), icon=":material/quiz:",
                      key=key, on_change="rerun")  # fmt: skip
    st.session_state[opened] = bool(box.open)
    if box.open:
        with box:
            st.caption(tr("xq.intro"))
            exercise_panel(chapter)


def exercise_panel(chapter: str) -> None:
    """Pick an exercise, read its setup, answer; then PyTorch's result and the explanation.

    Buttons act through ``on_click`` callbacks, so a click survives any rerun of the page.
    """
    if err := st.session_state.pop(_BAD, None):
        show_error(err)
    exercise = xq.by_id(_pick(chapter))
    if exercise is None:
        return
    seed = int(st.session_state.get("seed", 0))
    setup = xq.variant(exercise, seed)
    key = f"xq_{exercise.id}_{seed}"
    status = st.empty()  # filled last: a kind that trains is graded further down this run
    show_setup(exercise, setup)
    answer_widgets(exercise, setup, key)
    c = st.container(horizontal=True)
    c.button(tr("xq.check"), icon=":material/task_alt:", type="primary", key=f"{key}_go",
             on_click=_submit, args=(exercise, setup, key))  # fmt: skip
    hints = int(st.session_state.get(f"{key}_hinted", 0))
    c.button(tr("xq.hint_more" if hints else "xq.hint"), icon=":material/lightbulb:",
             key=f"{key}_hint", on_click=_more_hint, args=(key,), disabled=hints >= 2)  # fmt: skip
    c.button(tr("xq.solution"), icon=":material/visibility:", key=f"{key}_sol",
             on_click=_reveal, args=(exercise, key))  # fmt: skip
    if st.session_state.get(f"{key}_train", False):  # a kind that trains waits for a slot
        with st.spinner(tr("xq.training")):
            in_slot(lambda: _grade(exercise, setup, key), run=_ticket(exercise, key), into=status)
        del st.session_state[f"{key}_train"]  # graded (or refused): a rerun in line keeps it
        sync_progress()
    if err := st.session_state.pop(f"{key}_refused", None):
        show_error(err)
    if hints:  # two steps: the exercise's own hint, then one computed from the variant
        st.info(tr(f"{exercise.text_key}.hint", **_params(setup)), icon=":material/lightbulb:")
    if hints >= 2:
        hint_key, values = second_hint(exercise, setup)
        st.info(tr(hint_key, **values), icon=":material/lightbulb:")
    graded = st.session_state.get(key)
    revealed = bool(st.session_state.get(f"{key}_revealed"))
    # PyTorch's result and the solution after two graded attempts, a right one, or on request:
    # one wrong guess must not turn "solved" into retyping.
    opened = revealed or graded is not None and (graded.correct or _tries(key) >= 2)
    if graded is not None:
        why = xq.diagnose(exercise, setup, graded)
        check = None if why or graded.correct else what_to_check(exercise, setup, graded)
        show_result(graded, why, real=opened, check=check)
        if not opened:
            st.caption(tr("xq.try_again"))
    if opened:
        show_solution(exercise, setup)
    if (record := progress().get(exercise.id)) is not None:
        done = tr("xq.status_solved") if record.solved else tr("xq.status_open")
        status.caption(tr("xq.status", attempts=record.attempts, status=done))


def _tries(key: str) -> int:
    return int(st.session_state.get(f"{key}_tries", 0))


def _more_hint(key: str) -> None:
    st.session_state[f"{key}_hinted"] = min(int(st.session_state.get(f"{key}_hinted", 0)) + 1, 2)


def _reveal(exercise: xq.Exercise, key: str) -> None:
    """Show the solution, and record that it was asked for before the exercise was solved."""
    st.session_state[f"{key}_revealed"] = True
    st.session_state[_KEY] = pg.record_reveal(progress(), exercise.id)


def _submit(exercise: xq.Exercise, setup: xq.Setup, key: str) -> None:
    if exercise.kind in xq.RUNS:
        st.session_state[f"{key}_train"] = True  # the page trains under the queue, not here
        return
    try:
        _grade(exercise, setup, key)
    except PlaygroundError as err:  # a refusal: shown once, and not an attempt
        st.session_state[f"{key}_refused"] = err


def _grade(exercise: xq.Exercise, setup: xq.Setup, key: str) -> None:
    if exercise.kind == "target":  # the server's shared, read-only offline dataset
        setup.extra["data"] = training_data("offline")
    graded = xq.grade(exercise, setup, answer_of(exercise, key))
    st.session_state[key] = graded
    st.session_state[f"{key}_tries"] = _tries(key) + 1
    st.session_state[_KEY] = pg.record_attempt(progress(), exercise.id, graded.correct)
    for hook in _ON_GRADED:
        hook(exercise, int(st.session_state.get("seed", 0)), graded)


def _ticket(exercise: xq.Exercise, key: str) -> object:
    """A class submitting the same answer to "reach the target" trains it once: one place in
    the queue for all of them (the engine shares the run itself)."""
    if exercise.kind != "target":
        return None
    return "target", int(st.session_state.get("seed", 0)), answer_of(exercise, key)


def answer_of(exercise: xq.Exercise, key: str) -> object:
    state = st.session_state
    if exercise.kind == "state_dict":
        return state.get(f"{key}_missing", []), state.get(f"{key}_unexpected", [])
    if exercise.kind == "target":
        return state.get(f"{key}_opt", OPTIMIZERS[0]), state.get(f"{key}_lr", LEARNING_RATES[0])
    if exercise.kind == "find_bug":
        return state.get(f"{key}_line", 0), state.get(f"{key}_text", "")
    return state.get(f"{key}_text", "")


def _pick(chapter: str) -> str:
    items = xq.by_chapter(chapter)
    # Labels are made now (a format_func that reads the session later sees another language)
    # and never change with progress: a changed option list would reset the widget.
    labels = {
        e.id: tr("xq.pick_item", n=k + 1, total=len(items), kind=tr(f"xq.kind.{e.kind}"))
        for k, e in enumerate(items)
    }
    return str(bound(st.selectbox, tr("xq.pick"), list(labels), key=f"xq_{chapter}",
                     format_func=labels.__getitem__))  # fmt: skip


def _params(setup: xq.Setup) -> dict[str, object]:
    """The variant's values for its texts; code-like ones are shown as code."""
    code = {k: Code(str(v)) for k, v in setup.params.items() if k in ("expr", "show", "fix")}
    return {**setup.params, **code, "answer": Code(setup.answer)}


def show_setup(exercise: xq.Exercise, setup: xq.Setup) -> None:
    kind, params = exercise.kind, _params(setup)
    if exercise.kind == "expression":
        st.markdown(tr(f"{exercise.text_key}.task", **params))
    elif kind == "target":
        st.markdown(tr("xq.ask.target", **params))
    elif kind in ("shape", "value") and "expr" in setup.params:
        st.markdown(tr(f"xq.ask.{kind}", **params))
    elif kind in ("shape", "value"):
        st.markdown(tr(f"xq.ask.{kind}_after", **params))
    else:
        st.markdown(tr(f"xq.ask.{kind}", **params))
    if kind == "find_bug":
        _show_buggy_script(setup)
        return
    if setup.tensors:  # the inputs, as a script a learner can paste and explore
        code = inputs_script(setup.tensors)
    else:
        code = setup.question if exercise.kind != "expression" else ""
    if code.strip():
        st.code(code, language="python", wrap_lines=True)
        record_script(code)  # the Exercises page's notebook holds the exercise's inputs


def _show_buggy_script(setup: xq.Setup) -> None:
    """The script with its line numbers, and what it prints as it is (run once per server)."""
    st.code(setup.question, language="python", line_numbers=True, wrap_lines=True)
    record_script(setup.question)
    run = run_loop(setup.extra["loop"])
    st.caption(tr("xq.bug.prints"))
    st.code(run.printed(), language=None, wrap_lines=True)
    for warning in run.warnings:
        st.caption(tr("xq.bug.warned", warning=Code(warning[:300])))


def _prefill(state_key: str, lines: dict[int, str]) -> None:
    """Picking a line puts its text in the answer box, ready to edit."""
    line = int(st.session_state.get(f"{state_key}_line") or 0)
    st.session_state[f"{state_key}_text"] = lines.get(line, "")


def answer_widgets(exercise: xq.Exercise, setup: xq.Setup, state_key: str) -> None:
    kind = exercise.kind
    if kind == "find_bug":
        lines = setup.extra["loop"].editable()
        if f"{state_key}_line" not in st.session_state:
            st.session_state[f"{state_key}_line"] = next(iter(lines))
            _prefill(state_key, lines)
        st.selectbox(tr("xq.bug.pick_line"), list(lines), key=f"{state_key}_line",
                     format_func=lambda n: f"{n}: {lines[n]}", on_change=_prefill,
                     args=(state_key, lines))  # fmt: skip
    if kind == "state_dict":
        keys = list(setup.extra["keys"])
        c = st.columns(2)
        c[0].multiselect("missing_keys", keys, key=f"{state_key}_missing")
        c[1].multiselect("unexpected_keys", keys, key=f"{state_key}_unexpected")
        return
    if kind == "target":
        c = st.columns(2)
        c[0].selectbox(tr("train.optimizer"), OPTIMIZERS, key=f"{state_key}_opt")
        c[1].select_slider("learning_rate", LEARNING_RATES, 1e-4, key=f"{state_key}_lr")
        return
    st.text_input(
        tr(f"xq.answer.{kind}"),
        key=f"{state_key}_text",
        max_chars=MAX_LINE_CHARS if kind == "find_bug" else xq.MAX_ANSWER_CHARS,
        placeholder=tr(f"xq.placeholder.{kind}"),
    )


def show_result(
    graded: xq.Graded,
    why: tuple[str, dict[str, object]] | None = None,
    *,
    real: bool = True,
    check: tuple[str, dict[str, object]] | None = None,
) -> None:
    """Right or wrong, the learner's answer beside PyTorch's (when ``real``), and why, for
    a known mistake; for another wrong answer, what to check."""
    if graded.correct:
        st.success(tr("xq.right"), icon=":material/check_circle:")
    else:
        st.error(tr("xq.wrong"), icon=":material/cancel:")
    c = st.columns(2)
    c[0].caption(tr("xq.yours"))
    c[0].code(graded.yours, language=None, wrap_lines=True)
    if real:
        c[1].caption(tr("xq.pytorch"))
        c[1].code(graded.real, language=None, wrap_lines=True)
    if why is not None:
        key, values = why
        st.info(f"**{tr('xq.because')}** {tr(key, **values)}", icon=":material/psychology:")
    if check is not None:
        key, values = check
        st.info(f"**{tr('xq.check_this')}** {tr(key, **values)}", icon=":material/search:")


def show_solution(exercise: xq.Exercise, setup: xq.Setup) -> None:
    st.markdown(tr("xq.reference", answer=Code(setup.answer)))
    st.markdown(tr(f"{exercise.text_key}.why", **_params(setup)))
    show_code(setup.script)


def reset_progress() -> None:
    st.session_state[_KEY] = {}
    st.query_params.pop("xp", None)


on_every_page(sync_progress)  # a link's ?xp= progress is read on whichever page it opens


@class_resource(max_entries=256)
def progress_figure(
    names: tuple[str, ...],
    totals: tuple[int, ...],
    solved: tuple[int, ...],
    labels: tuple[str, str],
) -> SharedFigure:
    """Exercises and solved ones per chapter, as overlaid bars."""
    fig = go.Figure(
        [
            go.Bar(x=names, y=totals, name=labels[0], marker_color="#ddd"),
            go.Bar(x=names, y=solved, name=labels[1], marker_color="#EE4C2C"),
        ],
        layout={"barmode": "overlay", "height": 280, "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "plot_bgcolor": "white", "legend": {"orientation": "h", "y": 1.15}},
    )  # fmt: skip
    return SharedFigure(fig)
