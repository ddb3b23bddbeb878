"""Every user-facing string, in English and 简体中文, from gettext catalogs.

The catalogs are ``playground/locales/<locale>/LC_MESSAGES/playground.po``, one file per language,
edited with Poedit or Weblate and read with Babel at start-up (no compile step). The
msgids are stable keys (``home.title``); the English catalog holds the English text, and
each Chinese entry carries the English as a translator comment. Plural forms follow each
catalog's ``Plural-Forms`` header, so ``nt("sidebar.cpu", 1)`` says "1 thread".
PyTorch names stay as code in both languages (``张量 (tensor)``, ``requires_grad``).
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.pofile import read_po

__all__ = [
    "LANGUAGES",
    "LOCALES",
    "LOCALE_DIR",
    "Catalog",
    "Code",
    "Msg",
    "catalog",
    "class_name",
    "column_label",
    "escape_markdown",
    "md",
    "nt",
    "t",
]

LANGUAGES: dict[str, str] = {"en": "English", "zh": "简体中文"}
LOCALES: dict[str, str] = {"en": "en", "zh": "zh_Hans"}  # language code -> catalog folder
LOCALE_DIR = Path(__file__).resolve().parents[1] / "locales"  # package data: pip install . ships it


@dataclass(frozen=True)
class Catalog:
    """One language's messages: singular ones, plural ones, and the plural rule."""

    messages: dict[str, str]
    plurals: dict[str, tuple[str, ...]]
    plural: Callable[[int], int]
    fuzzy: frozenset[str]


def po_path(lang: str) -> Path:
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / "playground.po"


@functools.cache
def catalog(lang: str) -> Catalog:
    """The parsed catalog for ``lang``, read once per process (it is data, never mutated)."""
    with po_path(lang).open("rb") as f:
        po = read_po(f, locale=LOCALES[lang], ignore_obsolete=True)
    messages: dict[str, str] = {}
    plurals: dict[str, tuple[str, ...]] = {}
    fuzzy = set()
    for m in po:
        if not m.id:
            continue  # the header
        key = str(m.id[0] if isinstance(m.id, tuple | list) else m.id)
        if m.fuzzy:
            fuzzy.add(key)
        if isinstance(m.string, tuple | list):
            plurals[key] = tuple(str(s) for s in m.string)
        else:
            messages[key] = str(m.string or "")
    return Catalog(messages, plurals, gettext.c2py(po.plural_expr), frozenset(fuzzy))


def _lookup(lang: str) -> Catalog:
    return catalog(lang if lang in LOCALES else "en")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def column_label(name: str, lang: str = "en") -> str:
    """A table column's header in ``lang``: ``col.<name>`` where the catalog has it, else ``name``."""
    key = f"col.{_slug(name)}"
    return t(key, lang) if key in _lookup(lang).messages else name


def class_name(name: str, lang: str = "en") -> str:
    """A built-in dataset's class (``Shirt``, ``half disc``) in ``lang``; other names as given."""
    key = f"class.{_slug(name)}"
    return t(key, lang) if key in _lookup(lang).messages else name


def t(key: str, lang: str = "en", /, **values: object) -> str:
    """The string for ``key`` in ``lang`` (English if missing there), formatted with ``values``."""
    text = _lookup(lang).messages.get(key) or catalog("en").messages[key]
    return text.format(**values) if values else text


class Code(str):
    """Text to show as inline code in Markdown: a name, a shape or an expression."""


# Every ASCII punctuation mark CommonMark lets a backslash escape, so untrusted text
# can never open a link, an image, emphasis, HTML, LaTeX ($) or a Streamlit
# directive (:red[...], :material/...:).
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:=^&'\"%@;,?/")


# GFM links bare URLs, www. names and e-mail addresses even when their punctuation is
# escaped: a word joiner (U+2060, invisible) inside each breaks the pattern, not the text.
_AUTOLINKS = re.compile(r"(?i)(?<=[a-z0-9]):(?=//)|(?<![a-z0-9])www(?=\.)|@")
_JOINER = "\u2060"


def escape_markdown(text: str) -> str:
    """``text`` that Markdown shows literally: punctuation escaped, line breaks as spaces,
    and no bare URL, ``www.`` name or e-mail address that could become a live link."""
    text = " ".join(text.splitlines())
    text = _AUTOLINKS.sub(lambda m: m.group(0) + _JOINER, text)
    return "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in text)


def _code_span(text: str) -> str:
    return "`" + " ".join(str(text).splitlines()).replace("`", "ˋ") + "`"


class _Rendered(str):
    """Markdown that :func:`md` already made safe (a nested message)."""


def md(key: str, lang: str = "en", /, **values: object) -> str:
    """:func:`t` for text rendered as Markdown: every ``str`` value is shown literally.

    Values inside a backtick span of the template keep their text but cannot close
    the span; :class:`Code` values become code spans; messages are rendered the same way.
    """
    text = _lookup(lang).messages.get(key) or catalog("en").messages[key]
    return _Rendered(text.format(**_safe_values(text, lang, values)) if values else text)


def _safe_values(template: str, lang: str, values: dict[str, object]) -> dict[str, object]:
    safe: dict[str, object] = {}
    for name, value in values.items():
        value = in_language(value, lang, markdown=True)
        if isinstance(value, Code):
            safe[name] = _code_span(value)
        elif isinstance(value, _Rendered):
            safe[name] = str(value)
        elif isinstance(value, str):
            at = template.find("{" + name)
            in_code = at >= 0 and template[:at].count("`") % 2 == 1
            safe[name] = value.replace("`", "ˋ") if in_code else escape_markdown(value)
        else:
            safe[name] = value
    return safe


def nt(key: str, n: int, lang: str = "en", /, **values: object) -> str:
    """``ngettext``: the plural form of ``key`` for the count ``n``, formatted with ``n``."""
    cat = _lookup(lang)
    if key not in cat.plurals:
        cat = catalog("en")
    forms = cat.plurals[key]
    return forms[min(cat.plural(n), len(forms) - 1)].format(n=n, **values)


class Msg(str):
    """A message the engine returns for a person to read: English as a ``str``, plus its key.

    It behaves as its English text everywhere a string is expected (logs, tests); the page
    shows ``msg.text(lang)``. Parameters that are messages themselves are translated too.
    """

    key: str
    params: dict[str, object]

    def __new__(cls, key: str, /, **params: object) -> Msg:
        msg = super().__new__(cls, _render(key, "en", params))
        msg.key, msg.params = key, params
        return msg

    def text(self, lang: str = "en", *, markdown: bool = False) -> str:
        """The message in ``lang``; ``markdown=True`` shows every parameter literally."""
        if markdown:
            return md(self.key, lang, **self.params)
        return _render(self.key, lang, self.params)

    def __reduce__(self) -> tuple[object, ...]:  # pickles (st.session_state) keep the key
        return (_rebuild, (self.key, self.params))


def _rebuild(key: str, params: dict[str, object]) -> Msg:
    return Msg(key, **params)


def in_language(value: object, lang: str, *, markdown: bool = False) -> object:
    """``value`` in ``lang`` when it is a translatable message, else itself."""
    if isinstance(value, Msg):
        return value.text(lang, markdown=markdown)
    message = getattr(value, "message", None)  # a PlaygroundError (errors.py imports this module)
    if isinstance(value, Exception) and callable(message):
        return message(lang, markdown=markdown)
    return value


def _render(key: str, lang: str, params: dict[str, object]) -> str:
    return t(key, lang, **{k: in_language(v, lang) for k, v in params.items()})
