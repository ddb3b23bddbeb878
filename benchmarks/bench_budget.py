"""The worst case of every hostile-input family: server CPU seconds and peak RSS growth.

Targets on the 2-core development machine: no single interaction over 2 s of CPU
or +300 MB, whatever the input. Each family's cases (tests/hostile/cases_*.py) run
in one worker process under the audit hook, exactly as the test suite runs them;
the URL family opens every page with every bound parameter set to each hostile
value. It also prints what the budget itself costs: a typed expression evaluated
with its ``meta`` dry run against the same expression without it.

Run: python benchmarks/bench_budget.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402

from playground.core.expr import evaluate  # noqa: E402
from tests.hostile.sandbox import _reset_peak, _rss_kb, run_family  # noqa: E402
from tests.hostile.test_hostile import FAMILIES  # noqa: E402


def families() -> None:
    print(f"{'family':12s} {'cases':>5s}  {'worst CPU':>9s}  case{'':34s} {'worst RSS':>9s}  case")
    for family in FAMILIES:
        out = run_family(family)
        cpu = max(out.items(), key=lambda kv: kv[1].cpu_s)
        rss = max(out.items(), key=lambda kv: kv[1].rss_mb)
        print(
            f"{family:12s} {len(out):5d}  {cpu[1].cpu_s:8.2f}s  {cpu[0][:38]:38s} "
            f"{rss[1].rss_mb:+8.0f}MB  {rss[0][:38]}"
        )


def links() -> None:
    from tests.apptest import PAGES
    from tests.hostile.test_url_fuzz import HOSTILE, SHARED, _open, _openings, _page_keys

    worst_cpu, worst_rss = (0.0, ""), (0.0, "")
    for page in PAGES:
        keys = _page_keys(page)
        params = [k for k, v in keys.items() if not isinstance(v, tuple) and k not in SHARED]
        for name, value in HOSTILE.items():
            for opening in _openings(keys, page):
                _reset_peak()
                base, start = _rss_kb("VmRSS"), time.process_time()
                _open(page, {k: value for k in params if k not in opening} | opening)
                cpu, rss = time.process_time() - start, (_rss_kb("VmHWM") - base) / 1024
                label = f"{page.split('/')[-1]} {name} {opening or ''}"
                worst_cpu = max(worst_cpu, (cpu, label))
                worst_rss = max(worst_rss, (rss, label))
    print(
        f"{'links':12s} {'':5s}  {worst_cpu[0]:8.2f}s  {worst_cpu[1][:38]:38s} {worst_rss[0]:+8.0f}MB  {worst_rss[1][:38]}"
    )
    print("  (links: one AppTest page run, which includes rendering the whole page)")


def overhead(repeats: int = 200) -> None:
    names = {"x": torch.randn(64, 32), "w": torch.randn(32, 16), "b": torch.randn(16)}
    text = "torch.relu(x @ w + b).sum(dim=0)"
    evaluate(text, names)
    timings = {}
    for checked in (False, True):
        start = time.perf_counter()
        for _ in range(repeats):
            evaluate(text, names, shapes_checked=checked)
        timings[checked] = (time.perf_counter() - start) / repeats
    print(
        f"\nbudget overhead on {text!r}: {timings[False] * 1e3:.2f} ms with the meta dry run, "
        f"{timings[True] * 1e3:.2f} ms without: x{timings[False] / timings[True]:.1f}"
    )


if __name__ == "__main__":
    torch.set_num_threads(1)
    families()
    links()
    overhead()
