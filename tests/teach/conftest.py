"""The class pulse on both real databases: a SQLite file and a PostgreSQL server."""

from __future__ import annotations

import pytest

from playground.teach import Pulse, make_engine
from tests.conftest import fresh_database


class Clock:
    """A clock the test moves: rate limits and expiry without sleeping."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


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
