"""Where a class's pulse is kept: SQLite by default, PostgreSQL when configured.

The tables are SQLAlchemy Core (no ORM: every statement is a parameterised query built
from these objects, never from text). The schema is versioned with Alembic: a server runs
the migrations at start-up, so an upgrade keeps a running class's rows.

- **SQLite**: ``pulse.sqlite3`` under ``PLAYGROUND_DATA_DIR``, in WAL mode (readers never
  wait for the writer), a busy timeout instead of "database is locked".
- **PostgreSQL**: ``PLAYGROUND_DATABASE_URL`` (``postgresql+psycopg://…``), shared by every
  replica behind the sticky load balancer. Replicas that start together take an advisory
  lock, so the migration runs once.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
)

from playground.core.config import limits

__all__ = [
    "ATTEMPTS",
    "CLASSES",
    "METADATA",
    "STUDENTS",
    "database_url",
    "make_engine",
    "migrate",
]

METADATA = MetaData()
CODE_CHARS, NICK_CHARS, ANSWER_CHARS, EXERCISE_CHARS = 8, 24, 120, 80

CLASSES = Table(
    "pulse_classes",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("code", String(CODE_CHARS), nullable=False, unique=True),
    Column("teacher_hash", String(64), nullable=False),  # sha256 of the secret, never the secret
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False, index=True),
    Column("push_exercise", String(EXERCISE_CHARS)),  # the question on every student's page
    Column("push_seed", Integer),
    Column("push_id", Integer, nullable=False, default=0),  # +1 on each push: "a new question"
    Column("revealed", Boolean, nullable=False, default=False),
)
STUDENTS = Table(
    "pulse_students",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_id", ForeignKey("pulse_classes.id", ondelete="CASCADE"), nullable=False),
    Column("nickname", String(NICK_CHARS), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("joined_at", Float, nullable=False),
    Column("seen_at", Float, nullable=False),
    Index("pulse_students_class", "class_id"),
)
ATTEMPTS = Table(
    "pulse_attempts",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("class_id", ForeignKey("pulse_classes.id", ondelete="CASCADE"), nullable=False),
    Column("student_id", ForeignKey("pulse_students.id", ondelete="CASCADE"), nullable=False),
    Column("exercise_id", String(EXERCISE_CHARS), nullable=False),
    Column("seed", Integer, nullable=False),
    Column("answer", String(ANSWER_CHARS), nullable=False),  # as graded: "(2, 3, 4)"
    Column("correct", Boolean, nullable=False),
    Column("push_id", Integer),  # the pushed question it answered, if any
    Column("at", Float, nullable=False),
    Index("pulse_attempts_class", "class_id", "exercise_id"),
)


def database_url() -> str:
    """``PLAYGROUND_DATABASE_URL``, or the SQLite file under the data folder."""
    url = os.environ.get("PLAYGROUND_DATABASE_URL", "").strip()
    if url:
        return url
    folder = limits().data_dir
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(folder) / 'pulse.sqlite3'}"


def make_engine(url: str, *, wait_seconds: float = 5.0) -> Engine:
    """An engine with short timeouts: a database that is down or locked answers within
    ``wait_seconds``, not minutes."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": wait_seconds, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        pool_size=5,
        max_overflow=5,
        pool_timeout=5,
        pool_pre_ping=True,  # a replica outlives a database restart
        connect_args={"connect_timeout": max(1, round(wait_seconds))},
    )


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLAlchemy's documented recipe: let SQLAlchemy, not pysqlite, open transactions.
    # pysqlite's own ``timeout`` already sets the busy timeout.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(conn) -> None:
    # A writer takes the write lock at BEGIN: a deferred transaction that read first and then
    # wrote would fail at once (SQLITE_BUSY_SNAPSHOT) instead of waiting its turn.
    write = conn.get_execution_options().get("write", True)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


_MIGRATED: set[str] = set()
_MIGRATE_LOCK = threading.Lock()


def migrate(engine: Engine) -> None:
    """Alembic's ``upgrade head``, once per process and database."""
    from alembic import command
    from alembic.config import Config

    key = engine.url.render_as_string(hide_password=True)
    with _MIGRATE_LOCK:
        if key in _MIGRATED:
            return
        config = Config()
        config.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
        _MIGRATED.add(key)
