"""The page's language: the sidebar's choice, and ``tr``/``ntr`` that translate in it."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from playground.core.i18n import LANGUAGES, class_name, in_language, md, nt

__all__ = ["class_names", "current_lang", "localized", "ntr", "tr"]

_LANG_CODES = {label: code for code, label in LANGUAGES.items()}


def current_lang() -> str:
    """The sidebar language as a code ("en" or "zh")."""
    return _LANG_CODES.get(st.session_state.get("language", ""), "en")


def tr(key: str, /, **values: object) -> str:
    """``key`` in the page's language, as Markdown: text values are shown literally."""
    return md(key, current_lang(), **values)


def ntr(key: str, n: int, /, **values: object) -> str:
    """The plural form of ``key`` for ``n``, in the page's language."""
    return nt(key, n, current_lang(), **values)


def localized(value: object) -> str:
    """An engine message (``Msg``) or refusal in the page's language, safe as Markdown."""
    return str(in_language(value, current_lang(), markdown=True))


def class_names(classes: Iterable[object], lang: str | None = None) -> list[str]:
    """A dataset's class names as the page shows them: built-in classes in its language (or
    in ``lang``, for work done outside a page)."""
    lang = lang or current_lang()
    return [class_name(str(c), lang) for c in classes]
