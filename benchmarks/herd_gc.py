"""The garbage collector during a herd: Python's default youngest generation against the app's.

Two servers of this checkout run at once, one with ``PLAYGROUND_GC_GEN0=700`` (Python's
default) and one with the app's own (``playground.server.memory.GC_GEN0``). Each round sends a
herd of new sessions to each page of each server, alternating which goes first, and reads:

- the seconds the server spent in collections (``gc.callbacks``, from a probe that each
  server loads at start-up as ``sitecustomize``; it runs the environment's own one too);
- the server's CPU per new session, and the herd's p95.

    python benchmarks/herd_gc.py [--pages convolution,autograd] [--rounds 3]

Run it with the CPU wheels Cloud installs (``benchmarks/cpu_venv.py``) for the README's figures.
"""

from __future__ import annotations

import argparse
import ast
import asyncio
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.class_test import herd, page_paths  # noqa: E402
from benchmarks.load_test import cpu_seconds, p95  # noqa: E402
from playground.server.memory import GC_GEN0  # noqa: E402
from tests.e2e.test_browser import free_port, start_server, stop_server  # noqa: E402

# Loaded by the server at start-up: sums each generation's collections into a file, every
# 0.2 s; then runs the environment's own sitecustomize (the CPU venv's has one).
PROBE = """
import gc, importlib.machinery, importlib.util, os, sys, threading, time
_out, _here = os.environ["HERD_GC_OUT"], os.path.dirname(os.path.abspath(__file__))
_seconds, _count, _start = [0.0, 0.0, 0.0], [0, 0, 0], [0.0]
def _probe(phase, info):
    if phase == "start":
        _start[0] = time.perf_counter()
    else:
        _seconds[info["generation"]] += time.perf_counter() - _start[0]
        _count[info["generation"]] += 1
def _dump():
    while True:
        time.sleep(0.2)
        with open(_out + ".tmp", "w") as f:
            f.write(repr((_count, _seconds)))
        os.replace(_out + ".tmp", _out)
gc.callbacks.append(_probe)
threading.Thread(target=_dump, daemon=True).start()
_rest = [p for p in sys.path if os.path.abspath(p or ".") != _here]
_spec = importlib.machinery.PathFinder.find_spec("sitecustomize", _rest)
if _spec is not None:  # kept in sys.modules: what it registers lives as long as its module
    sys.modules["_env_sitecustomize"] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules["_env_sitecustomize"])
"""


def gc_seconds(out: Path) -> tuple[int, float]:
    """Collections so far and their seconds, all generations."""
    count, seconds = ast.literal_eval(out.read_text())
    return sum(count), sum(seconds)


async def main(args: argparse.Namespace) -> int:
    pages = page_paths(args.pages)
    gen0 = {"python": 700, "app": GC_GEN0}
    servers = {}
    with tempfile.TemporaryDirectory() as tmp:
        probe = Path(tmp, "probe")
        probe.mkdir()
        (probe / "sitecustomize.py").write_text(PROBE)
        try:
            for name, threshold in gen0.items():
                port, out = free_port(), Path(tmp, f"gc-{name}")
                env = {"PYTHONPATH": f"{probe}:{ROOT}", "HERD_GC_OUT": str(out),
                       "PLAYGROUND_GC_GEN0": str(threshold)}  # fmt: skip
                servers[name] = (port, start_server(port, env=env), out)
            for port, _, _ in servers.values():
                for path in pages:  # first runs (imports, caches, the start-up warm) off the clock
                    await herd(port, path, "", 2)
            await asyncio.sleep(8)  # the start-up warm thread
            seen: dict[tuple[str, str], list[tuple[float, float, float, int]]] = {}
            failed = 0
            for r in range(args.rounds):
                for path in pages:
                    for name in ("python", "app") if r % 2 == 0 else ("app", "python"):
                        port, proc, out = servers[name]
                        await asyncio.sleep(0.5)  # the probe's file is fresh
                        cpu, (n0, gc0) = cpu_seconds(proc.pid), gc_seconds(out)
                        seconds, errors = await herd(port, path, "", args.herd)
                        await asyncio.sleep(0.8)  # the last sessions' teardown, on the clock
                        failed += len(errors)
                        n1, gc1 = gc_seconds(out)
                        ms = 1000 * (cpu_seconds(proc.pid) - cpu) / args.herd
                        seen.setdefault((path, name), []).append(
                            (p95(seconds), ms, gc1 - gc0, n1 - n0)
                        )
        finally:
            for _, proc, _ in servers.values():
                stop_server(proc)
    print(f"youngest generation: Python's {gen0['python']} against the app's {gen0['app']}; "
          f"{args.herd} new sessions a herd, medians of {args.rounds} rounds")  # fmt: skip
    print(f"{'page':14s} {'GC s/herd 700':>14s} {'app':>6s}   {'GC share 700':>12s} {'app':>6s}   "
          f"{'CPU/session 700':>15s} {'app':>6s}   {'p95 700':>7s} {'app':>6s}")  # fmt: skip
    for path in pages:
        row = []
        for name in gen0:
            v = seen[(path, name)]
            ms, gc_s = statistics.median(x[1] for x in v), statistics.median(x[2] for x in v)
            share = statistics.median(x[2] / (x[1] * args.herd / 1000) for x in v)
            row.append((gc_s, share, ms, statistics.median(x[0] for x in v)))
        (g_p, s_p, c_p, p_p), (g_a, s_a, c_a, p_a) = row
        print(f"{path or 'home':14s} {g_p:13.2f}s {g_a:5.2f}s   {100 * s_p:11.0f}% {100 * s_a:5.0f}%   "
              f"{c_p:12.1f} ms {c_a:6.1f}   {p_p:6.2f}s {p_a:5.2f}s")  # fmt: skip
    print(f"failed sessions: {failed}")
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="convolution,autograd,home",
                        help="comma-separated slugs ('' is Home)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--herd", type=int, default=100)
    sys.exit(asyncio.run(main(parser.parse_args())))
