"""The layering rules: the engine never imports streamlit, and nothing evaluates user text."""

from __future__ import annotations

import ast
import functools

import pytest

import playground
from playground.chapters import CHAPTERS, PAGES
from tests.conftest import ROOT

ENGINE = sorted((ROOT / "playground").rglob("*.py"))
APP_FILES = [ROOT / "app.py", *ENGINE, *sorted((ROOT / "pages").glob("*.py"))]


def _imports(path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_never_imports_streamlit(path):
    if path.parent.name == "ui":  # the small UI part the pages share
        return
    assert "streamlit" not in _imports(path)
    assert "matplotlib" not in _imports(path)


@pytest.mark.parametrize("path", APP_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_eval_exec_or_unsafe_load(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            assert (
                name not in {"eval", "exec", "compile"}
                or isinstance(func, ast.Attribute)
                and name != "exec"
            ), f"{path.name}:{node.lineno} calls {name}"
            if (
                name == "load"
                and isinstance(func, ast.Attribute)
                and getattr(func.value, "id", "") == "torch"
            ):
                kw = {k.arg: k.value for k in node.keywords}
                assert (
                    isinstance(kw.get("weights_only"), ast.Constant)
                    and kw["weights_only"].value is True
                )


@pytest.mark.parametrize("path", sorted((ROOT / "pages").glob("*.py")), ids=lambda p: p.name)
def test_pages_are_thin(path):
    # Debt: pages/tensors.py is ~289 lines after ruff format (snippets now live in
    # playground/tensors.py); its widget groups should shrink further toward 200.
    # Debt: pages/training.py holds six tabs of widgets (loop, slow step, results, compare,
    # transfer learning, pipeline lab); every computation is in playground/.
    # Debt: pages/examples.py holds a live run and five tabs; its computations are all in
    # playground/examples/.
    limit = {"tensors.py": 320, "training.py": 300, "examples.py": 220}.get(path.name, 200)
    assert len(path.read_text().splitlines()) <= limit


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda c: c.slug)
def test_one_chapter_one_place(chapter):
    """Registry line -> pages/<slug>.py -> playground/<slug>/ -> tests/<slug>/, one name."""
    assert (ROOT / chapter.page).is_file(), chapter.page
    package = ROOT / "playground" / chapter.slug
    assert (package / "__init__.py").is_file(), package
    assert "__all__" in (package / "__init__.py").read_text()
    assert list((ROOT / "tests" / chapter.slug).glob("test_*.py")), f"tests/{chapter.slug}/"
    assert chapter.slug in playground.__all__


def test_every_page_is_in_the_registry():
    assert {p.relative_to(ROOT).as_posix() for p in (ROOT / "pages").glob("*.py")} == set(PAGES)


SOURCES = [*APP_FILES, *sorted((ROOT / "tests").rglob("*.py")), *sorted((ROOT / "benchmarks").glob("*.py"))]  # fmt: skip


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_list_of_chapters_outside_the_registry(path):
    """Three or more chapter names (or page paths) written out in one list is a second list of
    chapters: derive it from playground.chapters instead."""
    if path.name == "chapters.py":
        return
    names = {c.slug for c in CHAPTERS} | {c.page for c in CHAPTERS}
    tree = ast.parse(path.read_text())
    surface = {  # a package's own __all__ (checked against the registry above)
        id(n.value) for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
    }  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.List | ast.Tuple | ast.Set) and id(node) not in surface:
            found = [e.value for e in node.elts if isinstance(e, ast.Constant) and e.value in names]
            assert len(found) < 3, f"{path.name}:{node.lineno} lists chapters {found}"


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_engine_module_is_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


@pytest.mark.parametrize(
    "path", sorted((ROOT / "playground").glob("*/__init__.py")), ids=lambda p: p.parent.name
)
def test_every_package_curates_its_public_surface(path):
    tree = ast.parse(path.read_text())
    exported = next(
        ast.literal_eval(n.value)
        for n in tree.body
        if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__all__"
    )
    assert exported == sorted(exported) and not any(name.startswith("_") for name in exported)


@pytest.mark.parametrize(
    "path", [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))], ids=lambda p: p.name
)
def test_pages_import_no_private_name(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("playground"):
            assert not [a.name for a in node.names if a.name.startswith("_")], node.module
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert not (
                node.attr.startswith("_")
                and node.value.id in {"md", "trn", "ck", "tl", "ag", "cc", "tns", "shp", "dt", "ld"}
            ), node.attr


def test_pages_share_state_only_through_the_typed_accessors():
    for page in (ROOT / "pages").glob("*.py"):
        text = page.read_text()
        for key in ('"trainer"', '"model_specs"', '"model_input"'):
            assert key not in text, f"{page.name} uses {key}: use playground.ui.state"


UI_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *sorted((ROOT / "playground" / "ui").glob("*.py"))]  # fmt: skip


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_chart_has_a_text_alternative_and_no_code_box_scrolls_sideways(path):
    """Charts go through ui.chart (its alt text reads the figure); code boxes wrap, since a
    box that scrolls sideways cannot be reached by keyboard (axe: scrollable-region-focusable)."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        where = f"{path.name}:{node.lineno}"
        if node.func.attr == "plotly_chart":
            assert path.name == "widgets.py", f"{where}: use ui.chart"
            assert any(k.arg == "alt" for k in node.keywords), where
        if node.func.attr == "code":
            wrap = [k for k in node.keywords if k.arg == "wrap_lines"]
            assert wrap and getattr(wrap[0].value, "value", None) is True, f"{where}: wrap_lines"


@functools.cache
def _module_graph() -> dict[str, set[str]]:
    """playground's modules -> the playground modules each imports (function-local too).
    ``from playground.data import offline`` is an edge to the submodule, not the package."""
    mods = {}
    for p in ENGINE:
        name = ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        mods[name] = p
    graph: dict[str, set[str]] = {m: set() for m in mods}
    for m, p in mods.items():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("playground"):
                subs = {f"{node.module}.{a.name}" for a in node.names}
                graph[m] |= subs if subs <= mods.keys() else {node.module} & mods.keys()
            elif isinstance(node, ast.Import):
                graph[m] |= {a.name for a in node.names} & mods.keys()
    return graph


GENERIC_UI = ["frame", "widgets", "i18n", "notebook", "panel", "ranges", "streamlit_internals"]
CHAPTER_PACKAGES = {c.slug for c in CHAPTERS}


@pytest.mark.parametrize("name", GENERIC_UI)
def test_the_generic_ui_imports_no_chapter(name):
    """Chapter UI (state, runs, exercises) hooks into the frame; the frame never reaches up."""
    imported = _module_graph()[f"playground.ui.{name}"]
    chapters = {m for m in imported if m.split(".")[1] in CHAPTER_PACKAGES}
    chapter_ui = imported & {f"playground.ui.{m}" for m in ("state", "runs", "exercises")}
    assert chapters == set() and chapter_ui == set(), (chapters, chapter_ui)


def test_playground_has_no_import_cycle():
    graph = _module_graph()

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo += graph[m]
        return seen

    assert [m for m in graph if m in reach(m)] == []


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_private_name_crosses_a_package(path):
    package = path.relative_to(ROOT).parts[1]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("playground."):
            if node.module.split(".")[1] != package:
                assert not [a.name for a in node.names if a.name.startswith("_")], node.module


def test_pages_keep_session_values_in_declared_slots_not_string_keys():
    """A page never touches ``st.session_state`` itself: each value it keeps is a declared
    ``Slot`` (its key and default in one place), and widgets take ``key=SLOT.key``."""
    for path in [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py"))]:
        text = path.read_text()
        assert "session_state" not in text, f"{path.name}: use playground.ui.session.Slot"


_SHOWN = ("code", "script", "question", "template", "source")


@pytest.mark.parametrize("path", ENGINE, ids=lambda p: str(p.relative_to(ROOT)))
def test_shown_code_is_composed_from_values_not_edited(path):
    """A shown script is built from its parts and values; editing a rendered script's text
    (``code.replace(...)``, ``script.split("\\n")``) is a second implementation in disguise."""
    edits = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in ("replace", "split", "splitlines"):
            continue
        target = node.func.value
        name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
        if name.lower().lstrip("_").endswith(_SHOWN):
            edits.append(f"line {node.lineno}: {name}.{node.func.attr}(...)")
    assert not edits, edits


def test_every_browser_test_lives_where_the_test_scheduler_groups_them():
    """CI's scheduler (tests/conftest.py) keeps tests/e2e/ on one worker; a browser test
    elsewhere would start Chromium beside it on the other."""
    from tests.conftest import BROWSER_DIR

    outside = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "tests").rglob("test_*.py")
        if "pytest.mark." + "browser" in p.read_text(encoding="utf-8")
        and not str(p.relative_to(ROOT)).startswith(BROWSER_DIR)
    ]
    assert outside == []
