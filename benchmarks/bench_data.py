"""The data layer's costs: building the offline dataset, browsing, and a second session's memory.

Prints:
* offline dataset build time (train 10,000 + test 2,000 images), p50 of 3;
* server time to browse a new random grid ("New samples" on the Data page), p50/p95 via AppTest;
* server RSS before any session, after one browser session opened the Data page, and after a
  second, independent session did the same: the dataset is decoded once per server, so the
  second session should add almost nothing.

Run: python benchmarks/bench_data.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")

from benchmarks.bench_startup import p95, rss_mb  # noqa: E402
from playground.data.datasets import make_offline_dataset  # noqa: E402
from tests.apptest import open_page  # noqa: E402
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402


def build_times() -> list[float]:
    out = []
    for seed in range(3):
        start = time.perf_counter()
        make_offline_dataset(seed, train=True)
        make_offline_dataset(seed, train=False)
        out.append(time.perf_counter() - start)
    return out


def browse_times(repeats: int = 20) -> list[float]:
    at = open_page("pages/data.py")
    out = []
    for _ in range(repeats):
        button = next(b for b in at.button if b.label == "New samples")
        start = time.perf_counter()
        button.click().run()
        out.append(time.perf_counter() - start)
        assert not at.exception
    return out


def session_memory() -> tuple[float, float, float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    proc = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            readings = []
            pages = []
            for k in range(3):
                if k:
                    context = browser.new_context()  # a separate session, as another student
                    page = context.new_page()
                    page.goto(f"http://127.0.0.1:{port}/data")
                    page.wait_for_selector("h1", timeout=60_000)
                    page.wait_for_function(
                        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                    )
                    pages.append(page)
                else:  # the server with Home open: torch imported, no dataset yet
                    page = browser.new_page()
                    page.goto(f"http://127.0.0.1:{port}/")
                    page.wait_for_selector("h1", timeout=60_000)
                time.sleep(2)
                readings.append(rss_mb(proc.pid))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return readings[0], readings[1], readings[2]


def main() -> None:
    builds = build_times()
    print(f"offline_build_s p50: {statistics.median(builds):.2f}   (target < 2)")
    browse = browse_times()
    print(
        f"browse_new_grid_ms p50/p95: {statistics.median(browse) * 1e3:.1f} / "
        f"{p95(browse) * 1e3:.1f}   (target < 200, full-page rerun through AppTest)"
    )
    base, first, second = session_memory()
    print(
        f"server_rss_mb: home only {base:.0f}, first Data session {first:.0f}, second {second:.0f}"
    )
    print(
        f"first session added {first - base:.0f} MB; second added {second - first:.0f} MB "
        f"(ratio second/first: {(second - first) / max(first - base, 1e-9):.2f})"
    )


if __name__ == "__main__":
    main()
