"""The load test, short: 5 concurrent browser sessions for 20 s, one of them training."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.e2e.test_browser import CHROMIUM

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_five_sessions_for_twenty_seconds_without_errors():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    pytest.importorskip("playwright.async_api")
    from benchmarks.load_test import run

    stats = asyncio.run(run(sessions=5, seconds=20, trainers=1))
    assert stats.errors == []
    kinds = set(stats.latency)
    assert "open home" in kinds and any(k.startswith("train (") for k in kinds)
    assert sum(len(v) for v in stats.latency.values()) >= 10
    assert stats.peak_rss > 0
