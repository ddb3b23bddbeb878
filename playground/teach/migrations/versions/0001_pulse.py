"""The class pulse: classes, students and their graded attempts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pulse_classes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("code", sa.String(8), nullable=False, unique=True),
        sa.Column("teacher_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False, index=True),
        sa.Column("push_exercise", sa.String(80)),
        sa.Column("push_seed", sa.Integer),
        sa.Column("push_id", sa.Integer, nullable=False, server_default="0"),
        sa.Column("revealed", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "pulse_students",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "class_id",
            sa.Integer,
            sa.ForeignKey("pulse_classes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("nickname", sa.String(24), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("joined_at", sa.Float, nullable=False),
        sa.Column("seen_at", sa.Float, nullable=False),
    )
    op.create_index("pulse_students_class", "pulse_students", ["class_id"])
    op.create_table(
        "pulse_attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "class_id",
            sa.Integer,
            sa.ForeignKey("pulse_classes.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "student_id",
            sa.Integer,
            sa.ForeignKey("pulse_students.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("answer", sa.String(120), nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("push_id", sa.Integer),
        sa.Column("at", sa.Float, nullable=False),
    )
    op.create_index("pulse_attempts_class", "pulse_attempts", ["class_id", "exercise_id"])


def downgrade() -> None:
    op.drop_table("pulse_attempts")
    op.drop_table("pulse_students")
    op.drop_table("pulse_classes")
