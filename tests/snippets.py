"""The show-the-code harness: run a page's generated script in a fresh namespace.

Only the tests execute snippets; the app never runs code it displays.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


def run_snippet(code: str) -> dict[str, Any]:
    """Execute ``code`` as its own script and return its globals (``result`` by convention)."""
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<show-the-code>", "exec"), namespace)
    return namespace


HIDE_PLAYGROUND = "import sys\nsys.modules['playground'] = None\n"


def run_standalone(code: str, cwd: Path, *, timeout: float = 240) -> str:
    """Run ``code`` as a learner would: a fresh Python, an empty folder, no ``playground``.

    Returns what it printed; a traceback fails the calling test with the script's stderr.
    """
    script = cwd / "snippet.py"
    script.write_text(code, encoding="utf-8")
    runner = HIDE_PLAYGROUND + "exec(compile(open('snippet.py').read(), 'snippet.py', 'exec'))\n"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(
        [sys.executable, "-c", runner],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"the script failed:\n{code}\n---\n{done.stderr[-4000:]}"
    return done.stdout
