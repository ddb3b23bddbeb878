"""Two versions of the app side by side: herds of new sessions, interleaved, on each page.

A herd's p95 on this 2-core machine moves by ±25 % from minute to minute, more than most
changes make. So both servers run at once (an idle server costs nothing) and each round sends
one herd to each, alternating which goes first; the medians are compared, with the ratio.

    git worktree add /tmp/before <commit>
    python benchmarks/herd_ab.py --before /tmp/before [--pages home,convolution] [--rounds 5]

Run it with the CPU wheels Cloud installs (``benchmarks/cpu_venv.py``) for the README's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.class_test import herd, page_paths  # noqa: E402
from benchmarks.load_test import cpu_seconds, p95  # noqa: E402
from tests.e2e.test_browser import free_port, start_server, stop_server  # noqa: E402


async def main(args: argparse.Namespace) -> int:
    pages = page_paths(args.pages)
    servers = {}
    for name, root in (("before", Path(args.before).resolve()), ("now", ROOT)):
        port = free_port()  # each server reads its own code and .streamlit/config.toml
        servers[name] = (port, start_server(port, app=root / "app.py", cwd=root,
                                            env={"PYTHONPATH": str(root)}))  # fmt: skip
    try:
        for port, _ in servers.values():
            for path in pages:  # first runs (imports, caches, the start-up warm) off the clock
                await herd(port, path, "", 2)
        await asyncio.sleep(8)  # the start-up warm thread
        seen: dict[tuple[str, str], list[tuple[float, float]]] = {}
        failed = 0
        for r in range(args.rounds):
            for path in pages:
                for name in ("before", "now") if r % 2 == 0 else ("now", "before"):
                    port, proc = servers[name]
                    cpu = cpu_seconds(proc.pid)
                    seconds, errors = await herd(port, path, "", args.herd)
                    await asyncio.sleep(0.8)  # the last sessions' teardown, on the clock
                    failed += len(errors)
                    ms = 1000 * (cpu_seconds(proc.pid) - cpu) / args.herd
                    seen.setdefault((path, name), []).append((p95(seconds), ms))
        print(f"{'page':14s} {'p95 before':>11s} {'p95 now':>8s} {'ratio':>6s}   "
              f"{'CPU/session before':>19s} {'now':>6s}   (medians of {args.rounds} rounds)")  # fmt: skip
        for path in pages:
            b, n = seen[(path, "before")], seen[(path, "now")]
            pb, pn = (statistics.median(x[0] for x in v) for v in (b, n))
            cb, cn = (statistics.median(x[1] for x in v) for v in (b, n))
            print(f"{path or 'home':14s} {pb:10.2f}s {pn:7.2f}s {pn / pb:6.2f}   "
                  f"{cb:16.1f} ms {cn:6.1f}")  # fmt: skip
        print(f"failed sessions: {failed}")
        return 1 if failed else 0
    finally:
        for _, proc in servers.values():
            stop_server(proc)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="a checkout of the version to compare")
    parser.add_argument("--pages", default="", help="comma-separated slugs ('' is Home)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--herd", type=int, default=100)
    sys.exit(asyncio.run(main(parser.parse_args())))
