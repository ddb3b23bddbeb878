"""The page's language: the sidebar's choice, and ``tr``/``ntr`` that translate in it."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from playground.core.i18n import LANGUAGES, class_name, in_language, md, nt
from playground.ui.streamlit_internals import run_memo

__all__ = ["class_names", "current_lang", "hold_lang", "localized", "ntr", "tr"]

_LANG_CODES = {label: code for code, label in LANGUAGES.items()}
_HELD = "lang"


def current_lang() -> str:
    """The sidebar language as a code ("en" or "zh")."""
    memo = run_memo()
    held = memo.get(_HELD) if memo is not None else None
    return held if held is not None else _LANG_CODES.get(st.session_state.get("language", ""), "en")


def hold_lang(ready: bool) -> None:
    """The frame's word on this run's language: True once the sidebar's language widget has
    run (every later ``tr`` of the run reads it from here), False before it runs (read it
    from the session state). Only a full run, through the frame, can change the language."""
    memo = run_memo()
    if memo is None:
        return
    memo.pop(_HELD, None)
    if ready:
        memo[_HELD] = current_lang()


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
