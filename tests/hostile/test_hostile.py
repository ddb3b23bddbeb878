"""Hostile input, one worker process per family: refused with a clear message, nothing escapes.

Each case runs under an audit hook (see ``sandbox.py``). It must end in the refusal
its spec names (a translated :class:`PlaygroundError`, never a raw exception) or,
for cases that are allowed, run to the end; either way within 2 s of CPU and
+300 MB of peak RSS, with no subprocess, socket, ctypes or stray file write.
"""

from __future__ import annotations

import importlib
import re

import pytest

from tests.hostile.sandbox import run_family

FAMILIES = ["expressions", "checkpoints", "images", "zips", "models", "budget", "convolution"]
MAX_CPU_S = 2.0
MAX_RSS_MB = 300.0
_LIVE_LINK = re.compile(r"(?<!\\)\]\(")  # "](" not escaped: Markdown would make a link


def _specs():
    for family in FAMILIES:
        module = importlib.import_module(f"tests.hostile.cases_{family}")
        for name in module.CASES:
            yield pytest.param(family, name, module.EXPECT[name], id=f"{family}-{name}")


@pytest.fixture(scope="module")
def outcomes():
    return {family: run_family(family) for family in FAMILIES}


@pytest.mark.slow
@pytest.mark.parametrize(("family", "name", "expected"), list(_specs()))
def test_hostile_case_is_refused_cleanly(outcomes, family, name, expected):
    out = outcomes[family][name]
    assert out.events == [], out.events
    if expected is None:
        assert out.error is None, (out.error, out.message)
    else:
        assert out.key is not None, f"not a PlaygroundError: {out.error}: {out.message}"
        assert out.key.startswith(expected), (out.key, out.message)
        assert out.message and out.message_zh and out.message != out.message_zh
        assert "{" not in out.message and "{" not in out.message_zh  # every placeholder filled
        assert not _LIVE_LINK.search(out.markdown), out.markdown
    assert out.cpu_s <= MAX_CPU_S, f"{out.cpu_s:.2f} s of CPU"
    assert out.rss_mb <= MAX_RSS_MB, f"+{out.rss_mb:.0f} MB peak RSS"


@pytest.mark.slow
def test_each_family_has_enough_cases():
    counts = {f: len(importlib.import_module(f"tests.hostile.cases_{f}").CASES) for f in FAMILIES}
    assert all(n >= 10 for n in counts.values()), counts
