"""The gettext catalogs: complete in both languages, nothing fuzzy, nothing unused, real plurals."""

from __future__ import annotations

import ast
import re
import string

import pytest
from babel.messages.pofile import read_po

from playground.core.errors import ModelError, ProgramError
from playground.core.i18n import LANGUAGES, LOCALES, catalog, nt, po_path, t
from tests.conftest import ROOT

SOURCES = [
    ROOT / "app.py",
    *sorted((ROOT / "pages").glob("*.py")),
    *(ROOT / "playground").rglob("*.py"),
]
KEY = re.compile(r"[a-z_]+\.[a-z_0-9.]*[a-z_0-9]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _all_keys(lang: str) -> set[str]:
    c = catalog(lang)
    return set(c.messages) | set(c.plurals)


def _literals_and_prefixes() -> tuple[set[str], set[str]]:
    """Every string constant in the app, and the constant heads of f-strings ("ag.preset.")."""
    consts, prefixes = set(), set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                consts.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values:
                head = node.values[0]
                if isinstance(head, ast.Constant) and str(head.value).endswith("."):
                    prefixes.add(str(head.value))
    return consts, prefixes


def _keys_asked_for() -> set[str]:
    """Literal keys passed to tr/t/ntr/nt or to an error class, anywhere in the app."""
    keys = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", ""))
            if name in {"tr", "t", "ntr", "nt"} or name.endswith("Error"):
                for arg in node.args[:2]:
                    if isinstance(arg, ast.Constant) and KEY.fullmatch(str(arg.value)):
                        keys.add(str(arg.value))
    return keys


def test_both_languages_have_the_same_keys():
    assert _all_keys("en") == _all_keys("zh")


@pytest.mark.parametrize("key", sorted(_all_keys("en")))
def test_every_entry_is_translated_with_the_same_placeholders(key):
    en, zh = catalog("en"), catalog("zh")
    if key in en.plurals:
        forms = [*en.plurals[key], *zh.plurals[key]]
        assert all(f.strip() for f in forms), key
        assert len({frozenset(_fields(f)) for f in forms}) == 1, key
    else:
        assert en.messages[key].strip() and zh.messages[key].strip(), key
        assert _fields(en.messages[key]) == _fields(zh.messages[key]), key


@pytest.mark.parametrize("lang", list(LANGUAGES))
def test_no_entry_is_fuzzy_and_babel_finds_no_error(lang):
    assert catalog(lang).fuzzy == frozenset()
    with po_path(lang).open("rb") as f:
        po = read_po(f, locale=LOCALES[lang])
    assert po.locale_identifier == LOCALES[lang]
    assert [(m.id, errors) for m, errors in po.check()] == []


def test_no_entry_is_unused():
    consts, prefixes = _literals_and_prefixes()
    unused = sorted(
        k for k in _all_keys("en") if k not in consts and not any(k.startswith(p) for p in prefixes)
    )
    assert unused == []


def test_every_key_the_app_asks_for_exists():
    assert sorted(_keys_asked_for() - _all_keys("en")) == []


def test_chinese_is_really_chinese():
    # Strings that must be translated contain CJK characters; pure code/names may not.
    code_only = re.compile(
        r"^[\w.(){}=,:\s→…\[\]*!'-]+$"
    )  # e.g. "torch.split(t, {size}) → {shapes}"
    en, zh = catalog("en").messages, catalog("zh").messages
    untranslated = [
        k
        for k, v in en.items()
        if v == zh[k] and len(v) > 12 and not (code_only.match(v) and " " not in v.split("(")[0])
    ]
    assert untranslated == []
    assert re.search(r"[\u4e00-\u9fff]", t("home.title", "zh"))


def test_lookup_formats_and_falls_back_to_english():
    assert t("home.chapter", "zh", n=3) == "第 3 章"
    assert t("home.chapter", "xx", n=3) == "Chapter 3"


def test_plural_forms_follow_each_catalog():
    assert nt("sidebar.cpu", 1) == "cpu · PyTorch uses 1 thread per session"
    assert nt("sidebar.cpu", 2) == "cpu · PyTorch uses 2 threads per session"
    assert nt("home.runs_held", 0) == "0 runs held"
    assert "1 个线程" in nt("sidebar.cpu", 1, "zh") and "5 个线程" in nt("sidebar.cpu", 5, "zh")
    assert len(catalog("zh").plurals["sidebar.cpu"]) == 1  # nplurals=1 in Chinese


def test_errors_are_keys_translated_once():
    err = ModelError("err.layers.kind_name_whole", kind="Linear", name="in_features", value=2.5)
    assert str(err) == "Linear: in_features must be a whole number, got 2.5."
    assert err.message("zh") == "Linear：in_features 必须是整数，实际是 2.5。"
    line = ProgramError(3, "err.autograd.name_cannot_used", name="torch")
    assert line.message("zh").startswith("第 3 行：") and str(line).startswith("Line 3: ")


def test_broadcast_rules_are_translated():
    from playground.broadcasting import explain_broadcast

    rules = {s.rule for s in explain_broadcast((3, 1), (3, 4), (2, 1, 1)).steps} | {"incompatible"}
    assert all(f"bc.rule.{r}" in catalog("en").messages for r in rules)
