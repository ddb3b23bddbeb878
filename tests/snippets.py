"""The show-the-code harness: run a page's generated script in a fresh namespace.

Only the tests execute snippets; the app never runs code it displays.
"""

from __future__ import annotations

import contextlib
import io
from typing import Any


def run_snippet(code: str) -> dict[str, Any]:
    """Execute ``code`` as its own script and return its globals (``result`` by convention)."""
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<show-the-code>", "exec"), namespace)
    return namespace
