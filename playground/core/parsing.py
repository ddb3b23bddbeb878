"""One lock around ``ast.parse`` for the whole app.

CPython 3.11's ``ast`` module is not safe when several threads parse at once: under ten
concurrent page loads the server logged ``SystemError: AST constructor recursion depth
mismatch`` and a page did not render. Every parse of typed text goes through here
(Streamlit's "magic", which parsed each page, is off in ``.streamlit/config.toml``).

A class parses the same few texts (the pages' defaults, the exercises' setups): each text is
parsed once and its tree shared, so a hundred sessions do not queue on the lock one parse at
a time. Callers only read the trees (``ast.unparse`` and walks); never change one.
"""

from __future__ import annotations

import ast
import functools
import inspect
import threading
from typing import Any

__all__ = ["parse_expression", "parse_statements", "source_of"]

_LOCK = threading.Lock()


@functools.lru_cache(maxsize=256)  # texts are at most a few thousand characters
def _parse(text: str, mode: str) -> ast.AST:
    with _LOCK:
        return ast.parse(text, mode=mode)


def parse_expression(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")``, one thread at a time (raises ``SyntaxError``)."""
    return _parse(text, "eval")  # type: ignore[return-value]


def parse_statements(text: str) -> ast.Module:
    """``ast.parse(text)``: statements, parsed (never run), one thread at a time."""
    return _parse(text, "exec")  # type: ignore[return-value]


_SOURCES: dict[Any, str] = {}


def source_of(obj: Any) -> str:
    """``inspect.getsource(obj)``, once per object: for a class it parses the whole module
    with ``ast`` (the same 3.11 bug: a hundred students opening Save & load at once crashed
    one page), and it cost milliseconds on every run of every page that shows a model."""
    if (known := _SOURCES.get(obj)) is not None:
        return known
    with _LOCK:
        if obj not in _SOURCES:
            _SOURCES[obj] = inspect.getsource(obj)
        return _SOURCES[obj]
