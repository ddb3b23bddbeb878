"""Run hostile cases in a worker process that watches what they do.

``python -m tests.hostile.sandbox <family>`` imports ``tests.hostile.cases_<family>``,
installs an audit hook (a hook cannot be removed, hence the separate process) and
runs every case in ``CASES``. For each it prints, as JSON, what the case raised (the
error class, catalog key and message in both languages), the audit events that would
mean an escape (``subprocess``, ``os.system``, ``open`` for writing outside the
temporary folder, ``ctypes``, ``socket``), the CPU seconds it used, and its peak RSS
growth (``VmHWM`` after resetting it with ``/proc/self/clear_refs``).
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ESCAPES = ("subprocess", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
           "ctypes", "socket.connect", "socket.bind", "socket.__new__", "webbrowser")  # fmt: skip


@dataclass
class Outcome:
    error: str | None = None  # the exception class, None if the case returned
    key: str | None = None
    message: str = ""
    message_zh: str = ""
    markdown: str = ""  # the message as the page renders it
    result: str = ""  # what the case returned, for accepted cases
    events: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    rss_mb: float = 0.0


def run_family(family: str, *, timeout: float = 600) -> dict[str, Outcome]:
    """Every case of ``family`` in one fresh worker process."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.hostile.sandbox", family],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
        env={**os.environ, "PYTHONHASHSEED": "0"},
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise AssertionError(f"worker failed ({done.returncode}): {done.stderr[-3000:]}")
    return {name: Outcome(**o) for name, o in json.loads(lines[-1]).items()}


def _rss_kb(field_name: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1])
    return 0


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _worker(family: str) -> None:
    module = importlib.import_module(f"tests.hostile.cases_{family}")
    cases = module.CASES
    if hasattr(module, "WARMUP"):
        module.WARMUP()
    tmp = tempfile.gettempdir()
    events: list[str] = []
    watching = [False]

    def hook(event: str, args: tuple) -> None:
        if not watching[0]:
            return
        if event.startswith(ESCAPES):
            events.append(event)
        elif event == "open" and args and len(args) > 1:
            path, mode = str(args[0]), str(args[1] or "r")
            if any(m in mode for m in "wax+") and not path.startswith(tmp):
                events.append(f"open for writing: {path}")

    sys.addaudithook(hook)
    from playground.core.errors import PlaygroundError

    outcomes: dict[str, dict] = {}
    for name, case in cases.items():
        events.clear()
        _reset_peak()
        base = _rss_kb("VmRSS")
        start = time.process_time()
        watching[0] = True
        out = Outcome()
        try:
            value = case()
            out.result = str(value)[:200]
        except PlaygroundError as err:
            out.error, out.key = type(err).__name__, err.key
            out.message, out.message_zh = err.message("en"), err.message("zh")
            out.markdown = err.message("en", markdown=True)
        except Exception as err:  # the failure the suite exists to catch
            out.error, out.message = type(err).__name__, str(err)[:500]
        finally:
            watching[0] = False
        out.cpu_s = time.process_time() - start
        out.rss_mb = max(0, _rss_kb("VmHWM") - base) / 1024
        out.events = list(events)
        outcomes[name] = asdict(out)
    print(json.dumps(outcomes))


if __name__ == "__main__":
    import torch

    torch.set_num_threads(1)  # as on the server: one intra-op thread per session
    _worker(sys.argv[1])
