"""The class's shared cache: called by keyword, so Streamlit never builds a signature a call."""

from __future__ import annotations

import ast

import pytest
import streamlit as st

from playground.ui.shared import class_resource
from tests.conftest import ROOT


@pytest.fixture
def signature_lookups(monkeypatch):
    """How often Streamlit looks up a cached function's parameters."""
    from streamlit import type_util

    calls = []
    real = type_util.get_func_parameters
    monkeypatch.setattr(
        type_util, "get_func_parameters", lambda func: calls.append(func) or real(func)
    )
    return calls


def test_a_call_by_position_is_a_call_by_keyword_with_one_entry(signature_lookups):
    runs = []

    @class_resource(max_entries=4)
    def total(a: int, b: int, _log: list) -> int:  # "_log": never hashed (a list is not)
        runs.append((a, b))
        return a + b

    try:
        assert total(2, 3, []) == 5
        assert total(2, b=3, _log=[]) == 5
        assert total(a=2, b=3, _log=[1]) == 5
        assert runs == [(2, 3)]  # one entry, whatever the call's shape
        assert signature_lookups == []
        assert total(3, 3, []) == 6 and runs == [(2, 3), (3, 3)]
        total.clear()
        assert total(2, 3, []) == 5 and runs[-1] == (2, 3) and len(runs) == 3
    finally:
        total.clear()


def test_without_it_streamlit_looks_up_the_signature_per_positional_argument(signature_lookups):
    @st.cache_resource(max_entries=4, show_spinner=False)
    def total(a: int, b: int) -> int:
        return a + b

    try:
        assert total(2, 3) == 5
        assert len(signature_lookups) == 2  # what ByKeyword saves on every call
    finally:
        total.clear()


def test_every_cached_function_is_called_by_keyword_and_none_lives_in_a_page():
    """A page's module runs again on every run, so would its decorator (source read, hashed)."""
    plain = []
    for path in [
        *(ROOT / "pages").glob("*.py"),
        *(ROOT / "playground").rglob("*.py"),
        ROOT / "app.py",
    ]:
        if path.name == "shared.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = [ast.unparse(d).split("(")[0] for d in node.decorator_list]
            for k, name in enumerate(names):
                if name in {"st.cache_resource", "st.cache_data"}:
                    wrapped = k > 0 and names[k - 1] == "ByKeyword"
                    if path.parent.name == "pages" or not wrapped:
                        plain.append(f"{path.name}:{node.name}")
    assert plain == []


def test_a_dataclass_hashed_by_repr_keys_by_every_field():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Spec:
        kind: str
        args: tuple = ()

    runs = []

    @class_resource(max_entries=8, by_repr=(Spec,))
    def build(specs: tuple, seed: int) -> int:
        runs.append(specs)
        return len(runs)

    try:
        one = (Spec("Linear", (784, 512)), Spec("ReLU"))
        assert build(one, 0) == build(tuple(Spec(s.kind, s.args) for s in one), 0) == 1
        assert build((Spec("Linear", (784, 511)), Spec("ReLU")), 0) == 2  # one number differs
        assert build((Spec("Linear", ("784", 512)), Spec("ReLU")), 0) == 3  # a str is not an int
        assert build(one, 1) == 4 and len(runs) == 4
    finally:
        build.clear()
