"""One lock around ``ast.parse`` for the whole app.

CPython 3.11's ``ast`` module is not safe when several threads parse at once: under ten
concurrent page loads the server logged ``SystemError: AST constructor recursion depth
mismatch`` and a page did not render. Every parse of typed text goes through here
(Streamlit's "magic", which parsed each page, is off in ``.streamlit/config.toml``).
"""

from __future__ import annotations

import ast
import threading

__all__ = ["parse_expression"]

_LOCK = threading.Lock()


def parse_expression(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")``, one thread at a time (raises ``SyntaxError``)."""
    with _LOCK:
        return ast.parse(text, mode="eval")
