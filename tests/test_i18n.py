"""Every string exists in both languages, and every key the UI asks for exists."""

from __future__ import annotations

import ast
import re
import string

import pytest

from playground.i18n import LANGUAGES, STRINGS, t
from tests.conftest import ROOT

UI_FILES = [ROOT / "app.py", ROOT / "playground" / "ui.py", *sorted((ROOT / "pages").glob("*.py"))]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == set(LANGUAGES)
    assert all(entry[lang].strip() for lang in LANGUAGES), key
    assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_chinese_is_really_chinese():
    # Strings that must be translated contain CJK characters; pure code/names may not.
    code_only = re.compile(r"^[\w.(){}=,:\s→…\[\]*-]+$")  # e.g. "torch.split(t, {size}) → {shapes}"
    untranslated = [
        k
        for k, v in STRINGS.items()
        if v["en"] == v["zh"]
        and len(v["en"]) > 12
        and not (code_only.match(v["en"]) and " " not in v["en"].split("(")[0])
    ]
    assert untranslated == []
    assert re.search(r"[\u4e00-\u9fff]", t("home.title", "zh"))


def test_lookup_formats_and_falls_back_to_english():
    assert t("home.chapter", "zh", n=3) == "第 3 章"
    assert t("home.chapter", "xx", n=3) == "Chapter 3"


def _keys_used(path) -> set[str]:
    """Literal keys passed to tr()/t()/coming_soon(), and the title/blurb keys in page tables."""
    keys = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in {
            "tr",
            "t",
            "coming_soon",
            "concept",
        }:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and re.fullmatch(
                    r"[a-z_]+\.[a-z_0-9.]+", str(arg.value)
                ):
                    keys.add(arg.value)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(
                r"(nav|blurb|plan|tab|ag|data|layers|train|save)\.[a-z_.]*[a-z_]", node.value
            ):
                keys.add(node.value)
    return keys


def test_broadcast_rules_are_translated():
    from playground.broadcasting.rules import explain_broadcast

    rules = {s.rule for s in explain_broadcast((3, 1), (3, 4), (2, 1, 1)).steps} | {"incompatible"}
    assert all(f"bc.rule.{r}" in STRINGS for r in rules)


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: p.name)
def test_every_key_used_by_the_ui_exists(path):
    missing = sorted(k for k in _keys_used(path) if k not in STRINGS)
    assert missing == []
