"""Shared fixtures: the repository root on sys.path, and where the real sample data lives."""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Tests see the real error text; hosted users get the redacted message from config.toml.
os.environ.setdefault("STREAMLIT_CLIENT_SHOW_ERROR_DETAILS", "full")
# The class pulse of every page and server the tests start: a throwaway SQLite file.
os.environ.setdefault(
    "PLAYGROUND_DATABASE_URL",
    f"sqlite:///{tempfile.mkdtemp(prefix='playground-tests-')}/pulse.sqlite3",
)

SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "fashion-mnist-sample"


@pytest.fixture
def fashion_sample() -> Path:
    if not (SHARED_SAMPLE / "images-idx3-ubyte.gz").is_file():
        pytest.skip(f"real FashionMNIST sample not present at {SHARED_SAMPLE}")
    return SHARED_SAMPLE


@pytest.fixture
def fashion_root(fashion_sample, tmp_path) -> Path:
    """A data folder holding the real sample as torchvision's raw FashionMNIST test split."""
    raw = tmp_path / "FashionMNIST" / "raw"
    raw.mkdir(parents=True)
    for src, dst in (
        ("images-idx3-ubyte.gz", "t10k-images-idx3-ubyte"),
        ("labels-idx1-ubyte.gz", "t10k-labels-idx1-ubyte"),
    ):
        (raw / dst).write_bytes(gzip.decompress((fashion_sample / src).read_bytes()))
    return tmp_path


BROWSER_DIR = "tests/e2e/"  # every browser test lives here (tests/test_architecture.py checks)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Under ``-n 2 --dist loadfile`` (as CI runs), every browser test goes to one worker, in
    order: they wait on Chromium and servers most of the time, so the other worker's
    CPU-bound modules run beside them instead of after them. Other tests go by module, so a
    module's costly fixture (the hostile harness, the script sweep) runs once.

    A scheduler, not ``--dist loadgroup``: pytest-xdist 3.8 marks a group by rewriting
    ``item._nodeid``, which pytest 9.2 no longer reads, so every group silently split."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ModuleScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return BROWSER_DIR if nodeid.startswith(BROWSER_DIR) else nodeid.split("::")[0]

    return ModuleScheduling(config, log)


@pytest.fixture(autouse=True)
def _fresh_result_store():
    """Each test starts with the server's result store empty: no test gets another's run."""
    from playground.server.store import STORE

    STORE.clear()
    yield
    STORE.clear()


@pytest.fixture(scope="session")
def postgres_url():
    """A real PostgreSQL server: .ci/run's (``PLAYGROUND_TEST_DATABASE_URL``) or our own."""
    from tests import pgserver

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
    import sqlalchemy as sa

    name = f"pulse_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name
