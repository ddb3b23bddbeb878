"""Teach: the class pulse. A teacher starts a class, students join with a code and a
nickname, their graded "Check yourself" attempts reach the teacher's live dashboard, and the
teacher pushes a question to every page and reveals PyTorch's answer to all at once.

``db`` (tables, engines, Alembic migrations), ``pulse`` (the store: SQLite or PostgreSQL),
``board`` (the dashboard's numbers, chart and CSV) and ``qr`` (the join link's QR code).
"""

from __future__ import annotations

from playground.teach.board import (
    Answer,
    Board,
    by_student,
    csv_bytes,
    distribution_figure,
    make_board,
)
from playground.teach.db import database_url, make_engine, migrate
from playground.teach.pulse import ClassState, NewClass, Pulse, PulseError, Student, class_hours
from playground.teach.qr import qr_png

__all__ = [
    "Answer",
    "Board",
    "ClassState",
    "NewClass",
    "Pulse",
    "PulseError",
    "Student",
    "by_student",
    "class_hours",
    "csv_bytes",
    "database_url",
    "distribution_figure",
    "make_board",
    "make_engine",
    "migrate",
    "qr_png",
]
