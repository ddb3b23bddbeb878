"""Teach in the app: the student's class banner on every page, and the teacher's dashboard.

A student who joined sees, at the top of every page, the question their teacher pushed
until they answer it, and PyTorch's answer once the teacher reveals it. A fragment looks at
the class every few seconds (one cached read per server per second, whatever the class's
size) and reruns the page only when the question or the reveal changed. Their graded
"Check yourself" attempts on any page go to the class too.

The teacher's dashboard redraws itself every second from the database, so replicas
behind the load balancer show one class.
"""

from __future__ import annotations

import functools
import time

import streamlit as st

from playground import exercises as xq
from playground import teach
from playground.core.errors import PlaygroundError
from playground.core.i18n import Code
from playground.exercises.spec import format_result
from playground.ui.exercises import (
    answer_of,
    answer_widgets,
    on_graded,
    show_result,
    show_setup,
    show_solution,
)
from playground.ui.frame import on_every_page
from playground.ui.i18n import tr
from playground.ui.streamlit_internals import session_id
from playground.ui.widgets import chart, show_error, table

__all__ = [
    "BOARD_SECONDS",
    "WATCH_SECONDS",
    "class_banner",
    "class_state",
    "dashboard",
    "join_class",
    "join_from_form",
    "joined_as",
    "open_teacher_link",
    "pulse",
    "pushable",
    "start_class",
    "student",
    "teacher",
]

WATCH_SECONDS, BOARD_SECONDS, HEARTBEAT_SECONDS = 3, 1, 30
_STUDENT, _TEACHER, _SEEN, _ERROR, _BEAT = (
    "pulse_student", "pulse_teacher", "pulse_seen", "pulse_error", "pulse_beat",
)  # fmt: skip


@st.cache_resource(show_spinner=False)
def pulse() -> teach.Pulse:
    """One store per server process: its engine's pool is shared by every session. Classes
    past ``PLAYGROUND_CLASS_HOURS`` are deleted now and whenever a class starts."""
    store = teach.Pulse(teach.make_engine(teach.database_url()))
    store.expire()
    return store


@st.cache_data(ttl=1, show_spinner=False, max_entries=1000)
def class_state(code: str) -> teach.ClassState | None:
    """A class's pushed question: read once a second per server, for all of its students."""
    return pulse().state(code)


def student() -> teach.Student | None:
    return st.session_state.get(_STUDENT)


def teacher() -> tuple[str, str] | None:
    return st.session_state.get(_TEACHER)


def _fail(err: PlaygroundError) -> None:
    st.session_state[_ERROR] = err  # shown once, on the next run of the page


def _show_failure() -> None:
    if err := st.session_state.pop(_ERROR, None):
        show_error(err)


# ---- students ------------------------------------------------------------------------------


def join_class(code: str, nickname: str) -> None:
    """``on_click`` of Join: the session becomes a student of the class."""
    try:
        st.session_state[_STUDENT] = pulse().join(code, nickname, session=session_id())
    except PlaygroundError as err:
        _fail(err)


def join_from_form() -> None:
    """``on_click`` of the Teach page's Join: its code and nickname fields."""
    join_class(
        str(st.session_state.get("tc_code", "")), str(st.session_state.get("tc_nickname", ""))
    )


def joined_as(me: teach.Student) -> None:
    st.markdown(tr("teach.joined", code=Code(me.code)))  # code in a caption is too faint (axe)
    st.caption(tr("teach.as"))
    st.text(me.nickname)  # untrusted: plain text, never Markdown


def _leave() -> None:
    st.session_state.pop(_STUDENT, None)
    st.session_state.pop(_SEEN, None)


def class_banner() -> None:
    """At the top of every page: the class, and its pushed question for a student."""
    failure = st.session_state.pop(_ERROR, None)
    me = student()
    state = None
    if me is not None:
        try:
            state = class_state(me.code)
        except PlaygroundError as err:
            failure = failure or err  # one message, even when both say "down"
    if failure is not None:
        show_error(failure)
    if me is None or failure is not None and state is None:
        return
    if state is None:
        st.warning(tr("teach.ended"), icon=":material/event_busy:")
        _leave()
        return
    st.session_state[_SEEN] = (state.push_id, state.revealed)
    _watch(me.code)
    with st.sidebar.container(border=True):
        joined_as(me)
        st.button(tr("teach.leave"), key="pulse_leave", on_click=_leave, icon=":material/logout:")
    if state.push_exercise:
        _pushed_card(me, state)


@st.fragment(run_every=WATCH_SECONDS)
def _watch(code: str) -> None:
    """Reruns the page when the teacher pushes or reveals; keeps the student "active"."""
    me = student()
    if me is None or me.code != code:
        return
    try:
        state = class_state(code)
        now = time.monotonic()
        if now - st.session_state.get(_BEAT, 0.0) > HEARTBEAT_SECONDS:
            st.session_state[_BEAT] = now
            pulse().seen(me)
    except PlaygroundError:
        return  # the banner says so on the next full run; the page keeps working
    current = (state.push_id, state.revealed) if state else None
    if current != st.session_state.get(_SEEN):
        st.rerun()


def _pushed_card(me: teach.Student, state: teach.ClassState) -> None:
    exercise = xq.by_id(state.push_exercise or "")
    if exercise is None or exercise.kind == "target":
        return
    setup = xq.variant(exercise, int(state.push_seed or 0))
    key = f"pulse_{me.code}_{state.push_id}"
    graded: xq.Graded | None = st.session_state.get(key)
    with st.container(border=True):
        st.markdown(tr("teach.asks", code=Code(me.code)))
        show_setup(exercise, setup)
        if graded is None and not state.revealed:
            answer_widgets(exercise, setup, key)
            st.button(tr("teach.send"), key=f"{key}_send", type="primary", icon=":material/send:",
                      on_click=_send, args=(me, state, exercise, setup, key))  # fmt: skip
        if err := st.session_state.pop(f"{key}_error", None):
            show_error(err)
        if not state.revealed:
            if graded is not None:
                st.caption(tr("xq.yours"))
                st.code(graded.yours, language=None, wrap_lines=True)
                st.info(tr("teach.sent"), icon=":material/hourglass_top:")
            return
        st.success(tr("teach.revealed"), icon=":material/visibility:")
        if graded is not None:
            show_result(graded)
        else:
            st.caption(tr("xq.pytorch"))
            st.code(format_result(xq.real_result(setup)), language=None, wrap_lines=True)
        show_solution(exercise, setup)


def _send(me: teach.Student, state: teach.ClassState, exercise: xq.Exercise, setup: xq.Setup,
          key: str) -> None:  # fmt: skip
    try:
        graded = xq.grade(exercise, setup, answer_of(exercise, key))
        pulse().record(me, exercise.id, int(state.push_seed or 0), graded.yours, graded.correct,
                       push_id=state.push_id)  # fmt: skip
    except PlaygroundError as err:  # refused, or not sent: the form stays for another try
        st.session_state[f"{key}_error"] = err
        return
    st.session_state[key] = graded  # acknowledged only once the class has it


def _to_class(exercise: xq.Exercise, seed: int, graded: xq.Graded) -> None:
    """A graded "Check yourself" attempt on any page goes to the student's class."""
    me = student()
    if me is None:
        return
    try:
        pulse().record(me, exercise.id, seed, graded.yours, graded.correct)
    except PlaygroundError as err:
        _fail(err)


# ---- the teacher ---------------------------------------------------------------------------


def start_class() -> None:
    """``on_click`` of "Start a class"."""
    try:
        new = pulse().create_class()
    except PlaygroundError as err:
        _fail(err)
        return
    st.session_state[_TEACHER] = (new.code, new.teacher_key)


def open_teacher_link() -> None:
    """``?class=…&key=…`` opens the dashboard; the key leaves the address bar at once."""
    params = st.query_params
    if "key" not in params and "class" not in params:
        return
    code, key = str(params.get("class", "")), str(params.get("key", ""))
    params.pop("class", None)
    params.pop("key", None)
    try:
        if pulse().is_teacher(code, key):
            st.session_state[_TEACHER] = (code.upper(), key)
            return
        show_error(teach.PulseError("err.pulse.no_class", hours=teach.class_hours()))
    except PlaygroundError as err:
        show_error(err)


def _close() -> None:
    st.session_state.pop(_TEACHER, None)


def pushable() -> dict[str, str]:
    """Every exercise a class can answer at once (not "reach the target", which trains)."""
    labels: dict[str, str] = {}
    for chapter in xq.CHAPTER_IDS:
        for n, e in enumerate(xq.by_chapter(chapter), start=1):
            if e.kind != "target":
                labels[e.id] = tr("teach.exercise_item", chapter=tr(f"nav.{chapter}"), n=n,
                                  kind=tr(f"xq.kind.{e.kind}"))  # fmt: skip
    return labels


@functools.lru_cache(maxsize=256)
def known_wrong(exercise_id: str, seed: int) -> frozenset[str]:
    """The exercise's known wrong answers as grading shows them, computed by torch."""
    exercise = xq.by_id(exercise_id)
    if exercise is None or exercise.kind in ("target", "state_dict"):
        return frozenset()
    setup = xq.variant(exercise, seed)
    shown = set()
    for wrong in setup.wrong:
        try:
            shown.add(xq.grade(exercise, setup, wrong).yours)
        except (PlaygroundError, TypeError, ValueError):
            continue
    return frozenset(shown)


def _reference(exercise: xq.Exercise, setup: xq.Setup) -> str:
    """The reference answer as grading shows a student's (``(12, 5)``)."""
    try:
        return xq.grade(exercise, setup, setup.answer).yours
    except (PlaygroundError, TypeError, ValueError):
        return setup.answer


def dashboard(code: str, key: str, seed: int) -> None:
    """The join code, link and QR for the projector; push and reveal; the live board."""
    _show_failure()
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
        class_state.clear()  # this server's students see it on their next look
    except PlaygroundError as err:
        _fail(err)


@st.fragment(run_every=BOARD_SECONDS)
def _board(code: str, key: str) -> None:
    try:
        state = pulse().state(code)
        students, attempts = pulse().students(code, key), pulse().attempts(code, key)
    except PlaygroundError as err:
        show_error(err)
        return
    if state is None:
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
        tr("teach.csv"), teach.csv_bytes(attempts, titles), file_name=f"class-{code}.csv",
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
    for a in board.answers:
        if a.known:
            st.markdown(tr("teach.mistake_line", count=a.count, answer=Code(a.text)))
    show_solution(exercise, setup)


on_every_page(class_banner)
on_graded(_to_class)
