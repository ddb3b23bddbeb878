"""Every script the app shows runs as a learner runs it: pasted into a fresh Python, in an
empty folder, with torch and torchvision but without ``playground``.

The sweep renders every page and every tab in both languages, collects each distinct Python
block, and runs it in a subprocess (:func:`tests.snippets.run_standalone`). The chapters' own
tests compare each script's values with the page's (they run through the same harness).
"""

from __future__ import annotations

import functools

import pytest
from streamlit.testing.v1 import AppTest

from playground.chapters import CHAPTERS, SCRIPT_PAGES
from playground.core.i18n import LANGUAGES
from playground.examples.levels import LEVELS
from playground.ui import widgets
from tests.apptest import PAGES
from tests.conftest import ROOT
from tests.snippets import run_standalone

# The sweep renders every page and tab in both languages (about 20 s) before any script runs:
# the whole module belongs to the full suite. The chapters' own script tests stay in the fast loop.
pytestmark = pytest.mark.slow


def _render(page: str, lang: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["language"] = LANGUAGES[lang]
    at.session_state["device"] = "cpu"
    at.query_params.update(query)
    at.run()
    if page != "pages/home.py":
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _tabs(page: str) -> list[dict[str, str]]:
    """One query per tab of ``page`` (its lazy tabs' key and slugs, as the page registers them)."""
    _render(page, "en", {})
    keys = [k for k, v in widgets.BOUND_KEYS.items() if k.endswith("_tab") and isinstance(v, tuple)]
    prefix = next((c.prefix for c in CHAPTERS if c.page == page), None)
    key = next((k for k in keys if prefix and k.startswith(prefix)), None)
    tabs = [{key: slug} for slug in widgets.BOUND_KEYS[key]] if key else [{}]
    if page == "pages/examples.py":  # each problem and level shows its own script
        tabs += [{"ex_problem": p, "ex_level": level.key} for p in LEVELS for level in LEVELS[p]]
    return tabs


@functools.cache
def scripts() -> dict[str, str]:
    """Each distinct Python block the app shows -> where it was first seen."""
    found: dict[str, str] = {}
    for page in PAGES:
        for query in _tabs(page):
            for lang in LANGUAGES:
                at = _render(page, lang, query)
                for block in at.code:
                    if block.language == "python":
                        found.setdefault(block.value, f"{page} {query} {lang}")
    return found


def test_the_sweep_sees_every_chapters_scripts():
    where = " ".join(scripts().values())
    assert 30 <= len(scripts()) <= 88  # the runs below are indexed up to 72 + 16
    for page in SCRIPT_PAGES:
        # The Exercises page shows the chapters' own exercises: their blocks are seen there first.
        assert page in where or page == "pages/exercises.py"


def _blocks(trains: bool) -> list[tuple[str, str]]:
    """The scripts that train (an optimizer ``.step()``: seconds to a minute each) or the rest."""
    return [(c, w) for c, w in scripts().items() if (".step()" in c) == trains]


def _run(blocks: list[tuple[str, str]], index: int, tmp_path) -> None:
    if index >= len(blocks):
        pytest.skip(f"the app shows {len(blocks)} such scripts")
    code, where = blocks[index]
    out = run_standalone(code, tmp_path, timeout=420, fresh=True)  # nothing imported before
    assert out.strip() or "print(" not in code, f"{where}: printed nothing"


@pytest.mark.parametrize("index", range(72))
def test_every_shown_script_runs_standalone(index, tmp_path):
    _run(_blocks(trains=False), index, tmp_path)


@pytest.mark.parametrize("index", range(16))
def test_every_shown_training_script_runs_standalone(index, tmp_path):
    _run(_blocks(trains=True), index, tmp_path)


def test_the_training_scripts_are_few_enough_for_their_slots():
    assert 1 <= len(_blocks(trains=True)) <= 16 and len(_blocks(trains=False)) <= 72


# What a fresh Python with torch and torchvision has: the standard library, torch, and
# torchvision's own dependencies (numpy, pillow).
_INSTALLED_WITH_TORCHVISION = {"torch", "torchvision", "numpy", "PIL"}
_PIP_NAMES = {"PIL": "pillow", "sklearn": "scikit-learn"}


def test_every_shown_script_declares_what_it_needs_beyond_torch_and_torchvision():
    import ast
    import sys

    declared = set()
    for code, where in scripts().items():
        modules = set()
        for node in ast.walk(ast.parse(code)):
            if isinstance(node, ast.Import):
                modules |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                modules.add(node.module.split(".")[0])
        extra = modules - _INSTALLED_WITH_TORCHVISION - set(sys.stdlib_module_names)
        for name in extra:
            assert f"pip install {_PIP_NAMES.get(name, name)}" in code, (where, name)
        declared |= extra
    assert "safetensors" in declared  # the sweep sees Save & load's safetensors script
