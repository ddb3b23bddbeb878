"""One lock around ``ast.parse`` for the whole app.

CPython 3.11's ``ast`` module is not safe when several threads parse at once: under ten
concurrent page loads the server logged ``SystemError: AST constructor recursion depth
mismatch`` and a page did not render. Every parse of typed text goes through here
(Streamlit's "magic", which parsed each page, is off in ``.streamlit/config.toml``).
"""

from __future__ import annotations

import ast
import inspect
import threading
from typing import Any

__all__ = ["parse_expression", "parse_statements", "source_of"]

_LOCK = threading.Lock()


def parse_expression(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")``, one thread at a time (raises ``SyntaxError``)."""
    with _LOCK:
        return ast.parse(text, mode="eval")


def parse_statements(text: str) -> ast.Module:
    """``ast.parse(text)``: statements, parsed (never run), one thread at a time."""
    with _LOCK:
        return ast.parse(text, mode="exec")


_SOURCES: dict[Any, str] = {}


def source_of(obj: Any) -> str:
    """``inspect.getsource(obj)``, once per object: for a class it parses the whole module
    with ``ast`` (the same 3.11 bug: a hundred students opening Save & load at once crashed
    one page), and it cost milliseconds on every run of every page that shows a model."""
    with _LOCK:
        if obj not in _SOURCES:
            _SOURCES[obj] = inspect.getsource(obj)
        return _SOURCES[obj]
