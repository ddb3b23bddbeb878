"""Alembic's environment: always given a connection by ``playground.teach.db.migrate``."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Replicas that start together: one migrates, the others wait and find it done.
    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7262311)")
context.configure(connection=connection, version_table="pulse_alembic_version")
with context.begin_transaction():
    context.run_migrations()
