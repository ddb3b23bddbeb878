"""The class pulse on both real databases: a SQLite file and a PostgreSQL server."""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa

from playground.teach import Pulse, make_engine
from tests import pgserver


class Clock:
    """A clock the test moves: rate limits and expiry without sleeping."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def postgres_url():
    url = os.environ.get("PLAYGROUND_TEST_DATABASE_URL")
    if url:
        yield url
        return
    try:
        url, folder = pgserver.start()
    except (RuntimeError, OSError, KeyError) as err:
        pytest.skip(f"no PostgreSQL server could start here ({err}); .ci/run installs one")
    yield url
    pgserver.stop(folder)


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server: each test migrates its own."""
    name = f"pulse_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pulse.sqlite3'}"
    return fresh_database(request.getfixturevalue("postgres_url"))


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def pulse(database_url, clock):
    engine = make_engine(database_url)
    yield Pulse(engine, hours=12, clock=clock)
    engine.dispose()
