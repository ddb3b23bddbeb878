"""The class pulse's store, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

import hashlib
import threading
import time

import pytest
import sqlalchemy as sa

from playground.teach import Pulse, PulseError, Student, make_board, make_engine
from playground.teach.db import migrate
from playground.teach.pulse import CODE_ALPHABET, clean_nickname


def _class_of(pulse, n=3):
    new = pulse.create_class()
    students = [pulse.join(new.code, f"s{k}", session=f"tab{k}") for k in range(n)]
    return new, students


def test_a_class_gathers_its_students_graded_attempts(pulse, clock):
    new, (ada, bob, cy) = _class_of(pulse)
    assert len(new.code) == 6 and set(new.code) <= set(CODE_ALPHABET)
    push = pulse.push(new.code, new.teacher_key, "broadcasting.result_shape", 4)
    assert push == 1
    pulse.record(ada, "broadcasting.result_shape", 4, "(3, 4)", False, push_id=push)
    pulse.record(ada, "broadcasting.result_shape", 4, "(2, 3, 4)", True, push_id=push)
    pulse.record(bob, "broadcasting.result_shape", 4, "(2, 3, 4)", True, push_id=push)
    pulse.record(cy, "broadcasting.result_shape", 4, "(3, 4)", False, push_id=push)
    pulse.record(cy, "tensors.view_infer", 0, "(4, 5)", True)
    attempts = pulse.attempts(new.code, new.teacher_key)
    assert [a["nickname"] for a in attempts] == ["s0", "s0", "s1", "s2", "s2"]
    board = make_board(pulse.students(new.code, new.teacher_key), attempts, now=clock.now,
                       push_id=push, known_wrong=["(3, 4)"])  # fmt: skip
    assert (board.joined, board.active, board.attempts, board.answered) == (3, 3, 5, 3)
    rows = {r["exercise"]: r for r in board.per_exercise}
    assert rows["broadcasting.result_shape"] == {"exercise": "broadcasting.result_shape",
        "tried": 3, "solved": 2, "first_try": 1, "attempts": 4}  # fmt: skip
    assert rows["tensors.view_infer"]["first_try"] == 1
    # Each student's first answer to the pushed question: ada's retry is not counted twice.
    assert [(a.text, a.count, a.correct, a.known) for a in board.answers] == [
        ("(3, 4)", 2, False, True), ("(2, 3, 4)", 1, True, False)]  # fmt: skip
    assert pulse.answered(ada, push) == "(3, 4)" and pulse.answered(ada, push + 1) is None
    clock.now += 121  # two minutes without a look: no longer active
    pulse.seen(bob)
    assert make_board(pulse.students(new.code, new.teacher_key), [], now=clock.now).active == 1


def test_push_and_reveal_reach_the_class_state(pulse):
    new = pulse.create_class()
    state = pulse.state(new.code.lower())  # codes are read case-insensitively
    assert state is not None and (state.push_exercise, state.push_id, state.revealed) == (
        None,
        0,
        False,
    )
    pulse.push(new.code, new.teacher_key, "autograd.grad_value", 9)
    pulse.reveal(new.code, new.teacher_key)
    state = pulse.state(new.code)
    assert (state.push_exercise, state.push_seed, state.push_id, state.revealed) == (
        "autograd.grad_value", 9, 1, True)  # fmt: skip
    assert pulse.push(new.code, new.teacher_key, "tensors.view_infer", 1) == 2
    assert pulse.state(new.code).revealed is False  # a new question starts hidden
    pulse.push(new.code, new.teacher_key, None)
    assert pulse.state(new.code).push_exercise is None


def test_a_wrong_key_is_answered_as_a_missing_class(pulse):
    new = pulse.create_class()
    other = pulse.create_class()
    assert pulse.is_teacher(new.code, new.teacher_key)
    for code, key in [(new.code, "guess"), (new.code, other.teacher_key), ("ZZZZZZ", new.teacher_key),
                      (new.code, ""), ("", "")]:  # fmt: skip
        assert not pulse.is_teacher(code, key)
        with pytest.raises(PulseError) as err:
            pulse.push(code, key, "tensors.view_infer")
        assert err.value.key == "err.pulse.no_class"
        with pytest.raises(PulseError) as err:
            pulse.attempts(code, key)
        assert err.value.key == "err.pulse.no_class"


def test_secrets_are_stored_only_as_hashes(pulse):
    new, (ada,) = _class_of(pulse, 1)
    with pulse.engine.connect() as conn:
        dump = " ".join(
            str(v) for t in ("pulse_classes", "pulse_students") for row in conn.execute(sa.text(f"SELECT * FROM {t}")) for v in row
        )  # fmt: skip
    assert new.teacher_key not in dump and ada.token not in dump
    assert hashlib.sha256(new.teacher_key.encode()).hexdigest() in dump


def test_a_student_writes_only_through_their_own_token(pulse):
    a, (ada,) = _class_of(pulse, 1)
    b = pulse.create_class()
    for forged in (Student(b.code, ada.token, "ada"), Student(a.code, "not-a-token", "ada")):
        with pytest.raises(PulseError) as err:
            pulse.record(forged, "tensors.view_infer", 0, "(1,)", True)
        assert err.value.key == "err.pulse.no_class"
    assert pulse.counts()["pulse_attempts"] == 0


HOSTILE = [
    "Robert'); DROP TABLE pulse_students;--",
    "<script>alert(1)</script>",
    "[click](javascript:alert(1)) **bold** :red[x]",
    "名字\u0000\u202e\x1b[31m",
    "x" * 500,
]


@pytest.mark.parametrize("text", HOSTILE)
def test_untrusted_nicknames_and_answers_are_bounded_text(pulse, text):
    new = pulse.create_class()
    student = pulse.join(new.code, text)
    assert student.nickname == clean_nickname(text) and len(student.nickname) <= 24
    assert not any(ch in student.nickname for ch in "\x00\u202e\x1b")
    pulse.record(student, "tensors.view_infer", 0, text, False)
    (row,) = pulse.attempts(new.code, new.teacher_key)
    assert row["nickname"] == student.nickname
    printable = " ".join("".join(c for c in text if c.isprintable() or c.isspace()).split())
    assert row["answer"] == (printable if len(printable) <= 120 else printable[:119] + "…")
    assert pulse.counts() == {"pulse_classes": 1, "pulse_students": 1, "pulse_attempts": 1}


def test_an_empty_nickname_or_a_missing_class_is_refused(pulse):
    new = pulse.create_class()
    with pytest.raises(PulseError) as err:
        pulse.join(new.code, " \u200b\t ")
    assert err.value.key == "err.pulse.nickname"
    with pytest.raises(PulseError) as err:
        pulse.join("NOPE99", "ada")
    assert err.value.key == "err.pulse.no_class"


def test_a_flood_from_one_student_is_refused_before_the_database(pulse, clock):
    new, (ada, bob) = _class_of(pulse, 2)
    for _ in range(8):
        pulse.record(ada, "tensors.view_infer", 0, "(1,)", False)
    with pytest.raises(PulseError) as err:
        pulse.record(ada, "tensors.view_infer", 0, "(1,)", False)
    assert err.value.key == "err.pulse.too_fast"
    pulse.record(bob, "tensors.view_infer", 0, "(1,)", False)  # the others write on
    clock.now += 10.5
    pulse.record(ada, "tensors.view_infer", 0, "(1,)", True)
    assert pulse.counts()["pulse_attempts"] == 10


def test_classes_expire_with_all_their_rows(pulse, clock):
    new, (ada,) = _class_of(pulse, 1)
    pulse.record(ada, "tensors.view_infer", 0, "(1,)", False)
    keep = pulse.create_class()
    clock.now += 12 * 3600 - 1
    assert pulse.state(new.code) is not None and pulse.expire() == 0
    clock.now += 2
    assert pulse.state(new.code) is None
    with pytest.raises(PulseError):
        pulse.record(ada, "tensors.view_infer", 0, "(1,)", False)
    assert pulse.expire() == 2  # both classes are 12 h old now
    assert pulse.counts() == {"pulse_classes": 0, "pulse_students": 0, "pulse_attempts": 0}
    assert pulse.state(keep.code) is None


def test_many_students_answering_at_once_all_land(pulse):
    new = pulse.create_class()
    students = [pulse.join(new.code, f"s{k}", session=f"t{k}") for k in range(24)]
    errors: list[BaseException] = []

    def answer(s):
        try:
            for k in range(3):
                pulse.record(s, "tensors.view_infer", 0, f"({k},)", k == 2)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=answer, args=(s,)) for s in students]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert pulse.counts()["pulse_attempts"] == 72


def test_the_schema_is_versioned_and_an_upgrade_keeps_a_running_class(database_url, clock):
    engine = make_engine(database_url)
    pulse = Pulse(engine, clock=clock)
    new, (ada,) = _class_of(pulse, 1)
    pulse.record(ada, "tensors.view_infer", 0, "(1,)", True)
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT version_num FROM pulse_alembic_version")).scalar()
            == "0001"
        )
    from playground.teach import db

    db._MIGRATED.clear()  # a new server process starting on the same database
    migrate(engine)
    again = Pulse(make_engine(database_url), clock=clock)
    assert len(again.attempts(new.code, new.teacher_key)) == 1
    assert sorted(sa.inspect(engine).get_table_names()) == [
        "pulse_alembic_version", "pulse_attempts", "pulse_classes", "pulse_students"]  # fmt: skip
    engine.dispose()


def test_a_database_that_is_down_answers_within_seconds():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once the socket closes
    engine = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres")
    start = time.perf_counter()
    with pytest.raises(PulseError) as err:
        Pulse(engine)
    assert err.value.key == "err.pulse.down"
    assert time.perf_counter() - start < 10


def test_a_locked_sqlite_file_answers_within_the_wait_and_keeps_what_was_committed(tmp_path, clock):
    url = f"sqlite:///{tmp_path / 'pulse.sqlite3'}"
    pulse = Pulse(make_engine(url, wait_seconds=0.2), clock=clock)
    new, (ada,) = _class_of(pulse, 1)
    pulse.record(ada, "tensors.view_infer", 0, "(1,)", True)  # acknowledged: committed
    holder = make_engine(url).connect()
    held = holder.begin()  # BEGIN IMMEDIATE: another writer holds the lock
    start = time.perf_counter()
    with pytest.raises(PulseError) as err:
        pulse.record(ada, "tensors.view_infer", 0, "(2,)", False)
    assert err.value.key == "err.pulse.down" and time.perf_counter() - start < 2
    assert len(pulse.attempts(new.code, new.teacher_key)) == 1  # readers are not blocked (WAL)
    held.rollback()
    holder.close()
    clock.now += 10
    pulse.record(ada, "tensors.view_infer", 0, "(2,)", False)
    assert [a["answer"] for a in pulse.attempts(new.code, new.teacher_key)] == ["(1,)", "(2,)"]
