"""Teach in the app: the student's class banner on every page, and the teacher's dashboard.

A student who joined sees, at the top of every page, the question their teacher pushed
until they answer it, and PyTorch's answer once the teacher reveals it. A fragment looks at
the class every few seconds (one cached read per server per second, whatever the class's
size) and reruns the page only when the question or the reveal changed. Their graded
"Check yourself" attempts on any page go to the class too.

The teacher's dashboard is ``teach_dashboard``.
"""

from __future__ import annotations

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
from playground.ui.shared import ByKeyword, class_resource
from playground.ui.streamlit_internals import session_id
from playground.ui.widgets import show_error

__all__ = [
    "WATCH_SECONDS",
    "TEACHER_KEY",
    "class_banner",
    "class_state",
    "fail",
    "forget_class_states",
    "join_class",
    "join_from_form",
    "joined_as",
    "open_teacher_link",
    "pulse",
    "show_failure",
    "start_class",
    "student",
    "teacher",
]

WATCH_SECONDS, HEARTBEAT_SECONDS = 3, 30
_STUDENT, TEACHER_KEY, _SEEN, _ERROR, _BEAT = (
    "pulse_student", "pulse_teacher", "pulse_seen", "pulse_error", "pulse_beat",
)  # fmt: skip


@class_resource()
def pulse() -> teach.Pulse:
    """One store per server process: its engine's pool is shared by every session. Classes
    past ``PLAYGROUND_CLASS_HOURS`` are deleted now and whenever a class starts."""
    store = teach.Pulse(teach.make_engine(teach.database_url()))
    store.expire()
    return store


# When the database is down, a class's 100 watchers must not each wait out the connect
# timeout every few seconds: the failure is remembered for a few seconds and given at once.
_DOWN: dict[str, object] = {"until": 0.0, "error": None}
DOWN_SECONDS = 10.0


def class_state(code: str) -> teach.ClassState | None:
    """A class's pushed question: read once a second per server, for all of its students."""
    if time.monotonic() < float(_DOWN["until"]):  # type: ignore[arg-type]
        raise _DOWN["error"]  # type: ignore[misc]
    try:
        return _class_state(code)
    except teach.PulseError as err:
        if err.key == "err.pulse.down":
            _DOWN.update(until=time.monotonic() + DOWN_SECONDS, error=err)
        raise


@ByKeyword
@st.cache_data(ttl=1, show_spinner=False, max_entries=1000)
def _class_state(code: str) -> teach.ClassState | None:
    return pulse().state(code)


def forget_class_states() -> None:
    """The next look reads the database: after a push or a reveal, and in tests."""
    _class_state.clear()
    _DOWN.update(until=0.0, error=None)


def student() -> teach.Student | None:
    return st.session_state.get(_STUDENT)


def teacher() -> tuple[str, str] | None:
    return st.session_state.get(TEACHER_KEY)


def fail(err: PlaygroundError) -> None:
    st.session_state[_ERROR] = err  # shown once, on the next run of the page


def show_failure() -> None:
    if err := st.session_state.pop(_ERROR, None):
        show_error(err)


# ---- students ------------------------------------------------------------------------------


def join_class(code: str, nickname: str) -> None:
    """``on_click`` of Join: the session becomes a student of the class."""
    try:
        st.session_state[_STUDENT] = pulse().join(code, nickname, session=session_id())
    except PlaygroundError as err:
        fail(err)


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
    if exercise is None or exercise.kind in xq.RUNS:
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
            show_result(graded, xq.diagnose(exercise, setup, graded))
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
        fail(err)


# ---- the teacher ---------------------------------------------------------------------------


def start_class() -> None:
    """``on_click`` of "Start a class"."""
    try:
        new = pulse().create_class()
    except PlaygroundError as err:
        fail(err)
        return
    st.session_state[TEACHER_KEY] = (new.code, new.teacher_key)


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
            st.session_state[TEACHER_KEY] = (code.upper(), key)
            return
        show_error(teach.PulseError("err.pulse.no_class", hours=teach.class_hours()))
    except PlaygroundError as err:
        show_error(err)


on_every_page(class_banner)
on_graded(_to_class)
