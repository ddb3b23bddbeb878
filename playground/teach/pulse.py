"""A class's pulse: classes, joins, graded attempts and the teacher's pushed question.

Every write is one short transaction with bound parameters. Secrets (the teacher's key, each
student's token) are random (``secrets``), stored only as SHA-256 and compared in constant
time; a wrong key is answered exactly as a missing class is. A student writes only through
their own token, at a bounded rate checked before the database is touched, so a flood from
one session costs the others nothing. A database that is down or locked raises
:class:`PulseError` (``err.pulse.down``) within seconds; nothing is acknowledged that was not
committed.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from playground.core.config import env_int
from playground.core.errors import PlaygroundError
from playground.teach.db import (
    ANSWER_CHARS,
    ATTEMPTS,
    CLASSES,
    EXERCISE_CHARS,
    NICK_CHARS,
    STUDENTS,
    migrate,
)

__all__ = [
    "CODE_ALPHABET",
    "ClassState",
    "NewClass",
    "Pulse",
    "PulseError",
    "Student",
    "class_hours",
    "clean_nickname",
]

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a projector
CODE_LENGTH = 6
_DUMMY_HASH = hashlib.sha256(b"no such class").hexdigest()


class PulseError(PlaygroundError):
    """The class pulse refused or could not answer: no class, too fast, database down."""


@dataclass(frozen=True)
class NewClass:
    code: str
    teacher_key: str  # shown once, in the teacher link; the database has only its hash


@dataclass(frozen=True)
class Student:
    code: str
    token: str
    nickname: str


@dataclass(frozen=True)
class ClassState:
    """What every student's page needs: the pushed question and whether it is revealed."""

    code: str
    expires_at: float
    push_exercise: str | None
    push_seed: int | None
    push_id: int
    revealed: bool


def class_hours() -> int:
    """``PLAYGROUND_CLASS_HOURS``: how long a class and its rows are kept (default 12)."""
    return env_int("PLAYGROUND_CLASS_HOURS", 12)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def clean_nickname(text: str) -> str:
    """Letters, digits, marks, punctuation and spaces only, at most 24 characters."""
    kept = "".join(
        ch for ch in unicodedata.normalize("NFKC", text or "")
        if unicodedata.category(ch)[0] in "LNPMS" or ch == " "
    )  # fmt: skip
    nickname = " ".join(kept.split())[:NICK_CHARS]
    if not nickname:
        raise PulseError("err.pulse.nickname", max_chars=NICK_CHARS)
    return nickname


class _RateLimit:
    """At most ``limit`` events per ``window`` seconds for each key, in this process."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float]) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            events = self._events.setdefault(key, deque())
            while events and events[0] <= now - self.window:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            if len(self._events) > 10_000:  # forget keys with nothing inside the window
                for k in [k for k, v in self._events.items() if v[-1] <= now - self.window]:
                    del self._events[k]
            return True


class Pulse:
    """The class pulse over one database. One instance per server process (it is shared)."""

    def __init__(
        self,
        engine: Engine,
        *,
        hours: float | None = None,
        clock: Callable[[], float] = time.time,
        writes_per_10s: int = 8,
    ) -> None:
        self.engine, self.clock = engine, clock
        self.hours = hours if hours is not None else class_hours()
        self._writes = _RateLimit(writes_per_10s, 10.0, clock)
        self._joins = _RateLimit(6, 60.0, clock)
        try:
            migrate(engine)
        except SQLAlchemyError as err:
            raise PulseError("err.pulse.down", reason=type(err).__name__) from err

    @contextmanager
    def _tx(self, *, write: bool = True) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.execution_options(write=write).begin():
                yield conn
        except PulseError:
            raise
        except SQLAlchemyError as err:
            raise PulseError("err.pulse.down", reason=type(err).__name__) from err

    # ---- teacher ------------------------------------------------------------------------

    def create_class(self) -> NewClass:
        """A class with a fresh join code and teacher key; expired classes go first."""
        self.expire()
        key = secrets.token_urlsafe(24)
        now = self.clock()
        for _ in range(8):  # a code already taken: draw again
            code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            row = {"code": code, "teacher_hash": _hash(key), "created_at": now,
                   "expires_at": now + 3600 * self.hours, "push_id": 0, "revealed": False}  # fmt: skip
            try:
                with self._tx() as conn:
                    conn.execute(insert(CLASSES), row)
                return NewClass(code, key)
            except PulseError as err:
                if not isinstance(err.__cause__, IntegrityError):
                    raise
        raise PulseError("err.pulse.down", reason="code space")

    def is_teacher(self, code: str, key: str) -> bool:
        """Constant time, and the same answer for a wrong key as for a missing class."""
        try:
            with self._tx(write=False) as conn:
                self._teacher_class(conn, code, key)
        except PulseError as err:
            if err.key != "err.pulse.no_class":
                raise
            return False
        return True

    def _teacher_class(self, conn: Connection, code: str, key: str) -> int:
        row = conn.execute(
            select(CLASSES.c.id, CLASSES.c.teacher_hash).where(
                CLASSES.c.code == _code(code), CLASSES.c.expires_at > self.clock()
            )
        ).first()
        ok = hmac.compare_digest(row.teacher_hash if row else _DUMMY_HASH, _hash(key or ""))
        if row is None or not ok:
            raise self._no_class()
        return int(row.id)

    def push(self, code: str, key: str, exercise_id: str | None, seed: int = 0) -> int:
        """Put a question on every student's page (``None`` takes it down); the new push id."""
        with self._tx() as conn:
            class_id = self._teacher_class(conn, code, key)
            conn.execute(
                update(CLASSES).where(CLASSES.c.id == class_id).values(
                    push_exercise=(exercise_id or None) and exercise_id[:EXERCISE_CHARS],
                    push_seed=int(seed), push_id=CLASSES.c.push_id + 1, revealed=False,
                )
            )  # fmt: skip
            return int(
                conn.execute(select(CLASSES.c.push_id).where(CLASSES.c.id == class_id)).scalar_one()
            )

    def reveal(self, code: str, key: str, revealed: bool = True) -> None:
        with self._tx() as conn:
            class_id = self._teacher_class(conn, code, key)
            conn.execute(update(CLASSES).where(CLASSES.c.id == class_id).values(revealed=revealed))

    def attempts(self, code: str, key: str) -> list[dict[str, object]]:
        """Every attempt of the class, oldest first, with the student's nickname."""
        with self._tx(write=False) as conn:
            return _attempts(conn, self._teacher_class(conn, code, key))

    def students(self, code: str, key: str) -> list[dict[str, object]]:
        with self._tx(write=False) as conn:
            return _students(conn, self._teacher_class(conn, code, key))

    def board_rows(
        self, code: str, key: str
    ) -> tuple[ClassState, list[dict[str, object]], list[dict[str, object]]]:
        """The dashboard's one read a second: the class, its students and its attempts, in
        one transaction with one check of the key."""
        with self._tx(write=False) as conn:
            class_id = self._teacher_class(conn, code, key)
            state = _state(conn.execute(select(CLASSES).where(CLASSES.c.id == class_id)).one())
            return state, _students(conn, class_id), _attempts(conn, class_id)

    # ---- everyone -----------------------------------------------------------------------

    def state(self, code: str) -> ClassState | None:
        """The class as its students see it, or ``None`` (no such class, or it expired)."""
        with self._tx(write=False) as conn:
            row = conn.execute(
                select(CLASSES).where(
                    CLASSES.c.code == _code(code), CLASSES.c.expires_at > self.clock()
                )
            ).first()
        return None if row is None else _state(row)

    # ---- students -----------------------------------------------------------------------

    def join(self, code: str, nickname: str, *, session: str = "") -> Student:
        """A new student of the class (no account: a nickname and a random token)."""
        nickname = clean_nickname(nickname)
        if not self._joins.allow(session or code):
            raise PulseError("err.pulse.too_fast")
        token, now = secrets.token_urlsafe(24), self.clock()
        with self._tx() as conn:
            class_id = conn.execute(
                select(CLASSES.c.id).where(
                    CLASSES.c.code == _code(code), CLASSES.c.expires_at > now
                )
            ).scalar()
            if class_id is None:
                raise self._no_class()
            conn.execute(insert(STUDENTS), {"class_id": class_id, "nickname": nickname,
                         "token_hash": _hash(token), "joined_at": now, "seen_at": now})  # fmt: skip
        return Student(_code(code), token, nickname)

    def record(
        self,
        student: Student,
        exercise_id: str,
        seed: int,
        answer: str,
        correct: bool,
        *,
        push_id: int | None = None,
    ) -> None:
        """One graded attempt, written by its own student only. Returns once committed."""
        if not self._writes.allow(student.token):
            raise PulseError("err.pulse.too_fast")
        now = self.clock()
        with self._tx() as conn:
            row = self._student(conn, student)
            conn.execute(insert(ATTEMPTS), {
                "class_id": row.class_id, "student_id": row.id,
                "exercise_id": exercise_id[:EXERCISE_CHARS], "seed": int(seed),
                "answer": _clip(answer), "correct": bool(correct), "push_id": push_id, "at": now,
            })  # fmt: skip
            conn.execute(update(STUDENTS).where(STUDENTS.c.id == row.id).values(seen_at=now))

    def seen(self, student: Student) -> None:
        """The student's page is open: they count as active for two minutes."""
        with self._tx() as conn:
            row = self._student(conn, student)
            conn.execute(
                update(STUDENTS).where(STUDENTS.c.id == row.id).values(seen_at=self.clock())
            )

    def answered(self, student: Student, push_id: int) -> str | None:
        """The student's graded answer to push ``push_id``, if they gave one."""
        with self._tx(write=False) as conn:
            row = self._student(conn, student)
            return conn.execute(
                select(ATTEMPTS.c.answer).where(
                    ATTEMPTS.c.student_id == row.id, ATTEMPTS.c.push_id == push_id
                ).order_by(ATTEMPTS.c.id).limit(1)
            ).scalar()  # fmt: skip

    def _student(self, conn: Connection, student: Student) -> Row[Any, Any]:
        row = conn.execute(
            select(STUDENTS.c.id, STUDENTS.c.class_id)
            .join(CLASSES, CLASSES.c.id == STUDENTS.c.class_id)
            .where(
                STUDENTS.c.token_hash == _hash(student.token),
                CLASSES.c.code == _code(student.code),
                CLASSES.c.expires_at > self.clock(),
            )
        ).first()
        if row is None:
            raise self._no_class()
        return row

    def _no_class(self) -> PulseError:
        return PulseError("err.pulse.no_class", hours=f"{self.hours:g}")

    # ---- upkeep -------------------------------------------------------------------------

    def expire(self) -> int:
        """Delete classes past ``PLAYGROUND_CLASS_HOURS`` with all their rows; how many."""
        with self._tx() as conn:
            old = select(CLASSES.c.id).where(CLASSES.c.expires_at <= self.clock())
            ids = [int(i) for i in conn.execute(old).scalars()]
            if ids:
                conn.execute(delete(ATTEMPTS).where(ATTEMPTS.c.class_id.in_(ids)))
                conn.execute(delete(STUDENTS).where(STUDENTS.c.class_id.in_(ids)))
                conn.execute(delete(CLASSES).where(CLASSES.c.id.in_(ids)))
            return len(ids)

    def counts(self) -> dict[str, int]:
        """Rows per table (for tests and the benchmark)."""
        with self._tx(write=False) as conn:
            return {
                t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                for t in (CLASSES, STUDENTS, ATTEMPTS)
            }


def _state(row: Row[Any, Any]) -> ClassState:
    return ClassState(row.code, row.expires_at, row.push_exercise, row.push_seed,
                      int(row.push_id), bool(row.revealed))  # fmt: skip


def _students(conn: Connection, class_id: int) -> list[dict[str, object]]:
    rows = conn.execute(
        select(STUDENTS.c.id, STUDENTS.c.nickname, STUDENTS.c.joined_at, STUDENTS.c.seen_at).where(
            STUDENTS.c.class_id == class_id
        )
    )
    return [dict(r._mapping) for r in rows]


def _attempts(conn: Connection, class_id: int) -> list[dict[str, object]]:
    rows = conn.execute(
        select(
            STUDENTS.c.id.label("student"), STUDENTS.c.nickname, ATTEMPTS.c.exercise_id,
            ATTEMPTS.c.seed, ATTEMPTS.c.answer, ATTEMPTS.c.correct, ATTEMPTS.c.push_id,
            ATTEMPTS.c.at,
        )
        .join(STUDENTS, STUDENTS.c.id == ATTEMPTS.c.student_id)
        .where(ATTEMPTS.c.class_id == class_id)
        .order_by(ATTEMPTS.c.id)
    )  # fmt: skip
    return [dict(r._mapping) for r in rows]


def _code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch in CODE_ALPHABET)[:CODE_LENGTH]


def _clip(answer: str) -> str:
    """One line of printable text (PostgreSQL refuses NUL; bidi controls would mislead)."""
    printable = (ch for ch in str(answer) if unicodedata.category(ch)[0] != "C" or ch.isspace())
    text = " ".join("".join(printable).split())
    return text if len(text) <= ANSWER_CHARS else text[: ANSWER_CHARS - 1] + "…"
