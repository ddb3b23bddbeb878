"""The show-the-code harness: run a page's generated script in a fresh namespace.

Only the tests execute snippets; the app never runs code it displays.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any


def run_snippet(code: str) -> dict[str, Any]:
    """Run ``code`` as a learner would (:func:`run_standalone`) and return its globals.

    Values come back by pickle: tensors, numbers, strings and containers of them; what
    cannot be pickled (modules, functions, the script's own classes) is left out.
    ``__stdout__`` holds what it printed.
    """
    with tempfile.TemporaryDirectory() as folder:
        out = run_standalone(code + DUMP_GLOBALS, Path(folder))
        with open(Path(folder) / "globals.pkl", "rb") as f:
            pickled: dict[str, bytes] = pickle.load(f)  # written just now by our own script
    namespace: dict[str, Any] = {}
    for name, blob in pickled.items():
        with contextlib.suppress(Exception):  # e.g. an instance of the script's own class
            value = pickle.loads(blob)
            is_module = isinstance(value, tuple) and value[:1] == ("__module__",)
            namespace[name] = ModuleCopy(*value[1:]) if is_module else value
    namespace["__stdout__"] = out
    return namespace


class ModuleCopy:
    """What a script's ``nn.Module`` brings back: ``print(model)`` and its ``state_dict``."""

    def __init__(self, text: str, state: dict[str, Any]) -> None:
        self.text, self.state = text, state

    def __str__(self) -> str:
        return self.text

    def state_dict(self) -> dict[str, Any]:
        return self.state


def run_in_process(code: str) -> dict[str, Any]:
    """Execute ``code`` in this process (for scripts that need this process's files)."""
    namespace: dict[str, Any] = {"__name__": "__snippet__"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "<show-the-code>", "exec"), namespace)
    return namespace


DUMP_GLOBALS = """

def __dump_globals():
    import pickle as _pickle

    import torch

    kept = {}
    for _k, _v in list(globals().items()):
        if _k.startswith("__"):
            continue
        if isinstance(_v, torch.nn.Module):  # its class may be the script's own
            _v = ("__module__", str(_v), dict(_v.state_dict()))
        try:
            kept[_k] = _pickle.dumps(_v)
        except Exception:
            continue
    with open("globals.pkl", "wb") as _f:
        _pickle.dump(kept, _f)


__dump_globals()
"""


HIDE_PLAYGROUND = "import sys\nsys.modules['playground'] = None\n"

# Scripts run in children forked from one warm Python that has imported torch and
# torchvision and nothing else (a fresh Python spends about 3.7 s of CPU on those imports).
# Each child execs the script in a new __main__, so a forgotten ``import`` still fails. The
# full suite's sweep over every script the app shows (tests/ui/test_standalone_scripts.py)
# starts a truly fresh Python for each (``fresh=True``): nothing is imported for it there.


def run_standalone(code: str, cwd: Path, *, timeout: float = 240, fresh: bool = False) -> str:
    """Run ``code`` as a learner would: its own Python, an empty folder, no ``playground``.

    Returns what it printed; a traceback fails the calling test with the script's stderr.
    """
    script = cwd / "snippet.py"
    script.write_text(code, encoding="utf-8")
    if not fresh and hasattr(os, "fork"):
        returncode, stdout, stderr = _WARM.run(cwd, timeout)
    else:
        runner = (
            HIDE_PLAYGROUND + "exec(compile(open('snippet.py').read(), 'snippet.py', 'exec'))\n"
        )
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
        returncode, stdout, stderr = done.returncode, done.stdout, done.stderr
    assert returncode == 0, f"the script failed:\n{code}\n---\n{stderr[-4000:]}"
    return stdout


# The warm Python: reads a folder per line, forks, and the child runs that folder's
# snippet.py with stdout and stderr in files; the parent answers with the exit status.
_SERVER = """
import os, sys, torch, torchvision
for line in sys.stdin:
    folder, timeout = line.rstrip("\\n").rsplit("\\t", 1)
    pid = os.fork()
    if pid == 0:
        os.chdir(folder)
        sys.modules["playground"] = None
        import signal; signal.alarm(int(float(timeout)))  # a hung script dies, and fails
        out = os.open("stdout.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        err = os.open("stderr.txt", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(out, 1); os.dup2(err, 2)
        sys.stdout = os.fdopen(1, "w", buffering=1); sys.stderr = os.fdopen(2, "w", buffering=1)
        code = 0
        import types
        main = sys.modules["__main__"] = types.ModuleType("__main__")  # pickle finds classes
        try:
            exec(compile(open("snippet.py").read(), "snippet.py", "exec"), main.__dict__)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException:
            import traceback; traceback.print_exc(); code = 1
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class _WarmPython:
    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None

    def run(self, cwd: Path, timeout: float) -> tuple[int, str, str]:
        if self.proc is None or self.proc.poll() is not None:
            env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
            self.proc = subprocess.Popen(
                [sys.executable, "-c", _SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                text=True, env=env, cwd=cwd,
            )  # fmt: skip
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(f"{cwd}\t{timeout}\n")
        self.proc.stdin.flush()
        returncode = int(self.proc.stdout.readline() or 1)
        out, err = (cwd / "stdout.txt", cwd / "stderr.txt")
        return returncode, *(f.read_text() if f.exists() else "" for f in (out, err))


_WARM = _WarmPython()
