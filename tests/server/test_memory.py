"""The server's garbage collector: the start-up heap frozen, a larger youngest generation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from playground.server.memory import GC_GEN0, gc_threshold
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("raw", "gen0"), [(None, GC_GEN0), ("20000", 20_000), ("junk", GC_GEN0), ("-5", 1)]
)
def test_the_youngest_generation_comes_from_the_environment(monkeypatch, raw, gen0):
    if raw is None:
        monkeypatch.delenv("PLAYGROUND_GC_GEN0", raising=False)
    else:
        monkeypatch.setenv("PLAYGROUND_GC_GEN0", raw)
    assert gc_threshold() == (gen0, 10, 10)  # Python's own ratios for the older two


@pytest.mark.slow  # a fresh interpreter imports torch: 1.8 s here
def test_start_up_freezes_the_heap_and_sets_the_threshold_once():
    # gc.freeze and the thresholds belong to the whole process.
    code = (
        "import gc, os\n"
        "from playground.server.memory import freeze_startup_objects\n"
        "before = gc.get_threshold()\n"
        "freeze_startup_objects()\n"
        "frozen, after = gc.get_freeze_count(), gc.get_threshold()\n"
        "gc.set_threshold(*before)\n"
        "freeze_startup_objects()  # a second page run changes nothing\n"
        "print(before[0], frozen > 1000, after, gc.get_threshold() == before)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "PLAYGROUND_GC_GEN0": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.split(maxsplit=2)
    assert out == ["700", "True", "(12345, 10, 10) True\n"]
