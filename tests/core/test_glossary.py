"""One Chinese term for each English one: playground/locales/glossary.csv, checked against
every entry of the Chinese catalog."""

from __future__ import annotations

import csv
import re

import pytest

from playground.core.i18n import catalog
from tests.conftest import ROOT

GLOSSARY = list(csv.DictReader((ROOT / "playground/locales/glossary.csv").open(encoding="utf-8")))


def _pairs() -> list[tuple[str, str, str]]:
    en, zh = catalog("en").messages, catalog("zh").messages
    return [(key, en[key], zh.get(key, "")) for key in en]


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda row: row["english"])
def test_each_term_has_one_chinese_translation(term):
    avoided = [a for a in term["avoid"].split("|") if a]
    drift = [(k, v) for k, _, v in _pairs() if any(a in v for a in avoided)]
    assert drift == [], f"{term['english']} is {term['chinese']}, not {avoided}: {drift[:3]}"


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda row: row["english"])
def test_where_english_says_the_term_chinese_says_the_glossarys(term):
    unless = term["unless_followed_by"]
    tail = rf"(?!{re.escape(unless)})" if unless else ""  # "in place of", "batch size"
    word = re.compile(rf"\b{re.escape(term['english'])}(?:e?s)?\b{tail}", re.I)
    missing = [k for k, en, zh in _pairs() if word.search(en) and term["chinese"] not in zh]
    assert missing == [], f"{term['english']} → {term['chinese']} missing in {missing[:5]}"


def test_the_glossary_is_well_formed():
    assert len(GLOSSARY) >= 10
    assert len({row["english"] for row in GLOSSARY}) == len(GLOSSARY)
    for row in GLOSSARY:
        assert row["chinese"] and row["note"]
        assert row["chinese"] not in row["avoid"].split("|")
