"""Teach: the teacher's dashboard. The join code, link and QR for the projector; push and
reveal; the live board, redrawn every second from the database, so replicas behind the load
balancer show one class."""

from __future__ import annotations

import functools
import time
from collections.abc import Mapping
from types import MappingProxyType

import streamlit as st

from playground import exercises as xq
from playground import teach
from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.ui.exercises import show_setup, show_solution
from playground.ui.i18n import tr
from playground.ui.teach import TEACHER_KEY, fail, forget_class_states, pulse, show_failure
from playground.ui.widgets import chart, show_error, table

__all__ = ["BOARD_SECONDS", "dashboard", "known_wrong", "pushable"]

BOARD_SECONDS = 1
Why = tuple[str, dict[str, object]]  # a catalog key and the variant's values


def _close() -> None:
    st.session_state.pop(TEACHER_KEY, None)


def pushable() -> dict[str, str]:
    """Every exercise a class can answer at once (not those that train: "reach the target",
    "find the bug")."""
    labels: dict[str, str] = {}
    for chapter in xq.CHAPTER_IDS:
        for n, e in enumerate(xq.by_chapter(chapter), start=1):
            if e.kind not in xq.RUNS:
                labels[e.id] = tr("teach.exercise_item", chapter=tr(f"nav.{chapter}"), n=n,
                                  kind=tr(f"xq.kind.{e.kind}"))  # fmt: skip
    return labels


@functools.lru_cache(maxsize=256)
def known_wrong(exercise_id: str, seed: int) -> Mapping[str, Why]:
    """The exercise's explained mistakes as grading shows them, computed by torch, each with
    why it is wrong (read-only: the cache shares it). Only these are marked "a common
    mistake": an answer the board marks always comes with its explanation."""
    exercise = xq.by_id(exercise_id)
    if exercise is None or exercise.kind in (*xq.RUNS, "state_dict"):
        return MappingProxyType({})
    return MappingProxyType(xq.known_mistakes(exercise, xq.variant(exercise, seed)))


def _reference(exercise: xq.Exercise, setup: xq.Setup) -> str:
    """The reference answer as grading shows a student's (``(12, 5)``)."""
    try:
        return xq.grade(exercise, setup, setup.answer).yours
    except (PlaygroundError, TypeError, ValueError):
        return setup.answer


def dashboard(code: str, key: str, seed: int) -> None:
    """The join code, link and QR for the projector; push and reveal; the live board."""
    show_failure()
    base = (st.context.url or "").split("?", 1)[0]
    join_url, teacher_url = f"{base}?join={code}", f"{base}?class={code}&key={key}"
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.caption(tr("teach.join_code"))
        st.title(code, anchor=False)
        st.image(
            teach.qr_png(join_url),
            caption=tr("teach.scan"),
            width=280,
            output_format="PNG",
            alt=f"{tr('teach.qr_alt')}: {join_url}",
        )  # PNG: JPEG's blur hurts scanning
        st.code(join_url, language=None, wrap_lines=True)
        with st.expander(tr("teach.teacher_link"), icon=":material/key:"):
            st.caption(tr("teach.teacher_link_help"))
            st.code(teacher_url, language=None, wrap_lines=True)
        st.button(tr("teach.end"), on_click=_close, icon=":material/close:")
    with right:
        st.subheader(tr("teach.push_title"), anchor=False)
        labels = pushable()
        c = st.columns([3, 1], vertical_alignment="bottom")
        c[0].selectbox(tr("teach.exercise"), list(labels), key="tc_exercise",
                       format_func=labels.__getitem__)  # fmt: skip
        c[1].number_input(tr("teach.seed"), 0, 2**31 - 1, seed, key="tc_seed")
        b = st.container(horizontal=True)
        b.button(tr("teach.push"), type="primary", icon=":material/campaign:", key="tc_push",
                 on_click=_act, args=("push", code, key))  # fmt: skip
        b.button(tr("teach.reveal"), icon=":material/visibility:", key="tc_reveal",
                 on_click=_act, args=("reveal", code, key))  # fmt: skip
        b.button(tr("teach.hide"), icon=":material/visibility_off:", key="tc_hide",
                 on_click=_act, args=("hide", code, key))  # fmt: skip
        b.button(tr("teach.take_down"), icon=":material/cancel_presentation:", key="tc_down",
                 on_click=_act, args=("down", code, key))  # fmt: skip
        _board(code, key)


def _act(action: str, code: str, key: str) -> None:
    state = st.session_state  # read at the click: the choice made just before it counts
    try:
        if action == "push":
            pulse().push(code, key, str(state.get("tc_exercise", "")), int(state.get("tc_seed", 0)))
        elif action == "down":
            pulse().push(code, key, None)
        else:
            pulse().reveal(code, key, action == "reveal")
        forget_class_states()  # this server's students see it on their next look
    except PlaygroundError as err:
        fail(err)


@st.fragment(run_every=BOARD_SECONDS)
def _board(code: str, key: str) -> None:
    try:
        state, students, attempts = pulse().board_rows(code, key)
    except PlaygroundError as err:
        show_error(err)
        return
    pushed = xq.by_id(state.push_exercise or "")
    seed = int(state.push_seed or 0)
    board = teach.make_board(
        students, attempts, now=time.time(), push_id=state.push_id if pushed else None,
        known_wrong=known_wrong(pushed.id, seed) if pushed else (),
    )  # fmt: skip
    m = st.columns(4)
    m[0].metric(tr("teach.joined_n"), board.joined)
    m[1].metric(tr("teach.active_n"), board.active)
    m[2].metric(tr("teach.answers_n"), board.attempts)
    m[3].metric(tr("teach.answered_n"), f"{board.answered} / {board.joined}" if pushed else "–")
    st.caption(tr("teach.live", seconds=BOARD_SECONDS))
    if pushed is None:
        st.info(tr("teach.none_pushed"), icon=":material/campaign:")
    else:
        _pushed_board(board, pushed, seed, state.revealed)
        if st.toggle(tr("teach.show_names"), key="tc_names", help=tr("teach.show_names_help")):
            table(teach.by_student(attempts, state.push_id, revealed=state.revealed))
    titles = pushable()
    if board.per_exercise:
        st.subheader(tr("teach.per_exercise"), anchor=False)
        table([{**r, "exercise": titles.get(str(r["exercise"]), r["exercise"])}
               for r in board.per_exercise])  # fmt: skip
    st.download_button(
        tr("teach.csv"), lambda: teach.csv_bytes(attempts, titles), file_name=f"class-{code}.csv",
        mime="text/csv", icon=":material/download:", on_click="ignore", key="tc_csv",
    )  # fmt: skip


def _pushed_board(board: teach.Board, exercise: xq.Exercise, seed: int, revealed: bool) -> None:
    setup = xq.variant(exercise, seed)
    with st.container(border=True):
        st.markdown(tr("teach.current", seed=seed))
        show_setup(exercise, setup)
    if not board.answers:
        st.caption(tr("teach.no_answers"))
    else:
        answers = list(board.answers)
        if revealed and not any(a.correct for a in answers):  # nobody had it: show it, at 0
            answers.append(teach.Answer(_reference(exercise, setup), 0, True, False))
        labels = {k: tr(f"teach.{k}") for k in ("right", "known", "others", "students")}
        fig = teach.distribution_figure(answers, labels=labels, revealed=revealed)
        chart(fig, key="tc_answers")
    if not revealed:
        st.caption(tr("teach.hidden_note"))
        return
    mistakes = known_wrong(exercise.id, seed)
    for a in board.answers:
        if a.known:
            key, values = mistakes[a.text]
            st.markdown(tr("teach.mistake_line", count=a.count, answer=Code(a.text),
                           why=tr(key, **values)))  # fmt: skip
    show_solution(exercise, setup)
