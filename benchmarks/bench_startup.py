"""Start-up and interaction cost of the app, measured on this machine.

Prints:
* cold start: from `streamlit run app.py` to the Home page's title rendered in Chromium;
* server RSS after a browser visited every page;
* server time of one widget interaction per page (p50/p95 over 20, through AppTest).

Run: python benchmarks/bench_startup.py [--repeats 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")  # AppTest's bare-mode warnings
sys.path.insert(0, str(ROOT))

from playground.chapters import CHAPTERS  # noqa: E402
from tests.apptest import open_page  # noqa: E402
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402

PAGES = ["", *(c.slug for c in CHAPTERS if c.exercises)]  # "" is Home


def _chain(n_ops: int, k: int) -> str:
    """A typed program whose graph has about ``n_ops`` op nodes (varied by ``k``)."""
    lines = ["x = torch.randn(3, requires_grad=True)"]
    lines += [
        f"x = x * 1.0{k} + {i}" if i % 2 else "x = torch.tanh(x) + x" for i in range(n_ops // 2)
    ]
    return "\n".join(lines)


# One realistic interaction per page: (page file, widget kind, key, values to cycle through).
# An optional fifth item presets session state (the open tab).
INTERACTIONS: dict[str, tuple] = {
    "pages/home.py": ("number_input", "seed", [1, 2]),
    "pages/tensors.py": (
        "text_input",
        "t_index",
        ["[:, 1]", "[0]", "[..., -1]", "[1:3, :]"],
        {"t_tab": "Index & slice"},
    ),
    "pages/broadcasting.py": (
        "text_input",
        "b_shapes",
        ["(3, 1), (1, 4)", "(2, 3, 1), (3, 4)", "(5, 4), (4,)"],
    ),
    "pages/autograd.py": ("selectbox", "ag_preset", None),
    "pages/autograd.py (50-op program)": (
        "text_area",
        "ag_program",
        [_chain(50, k) for k in range(4)],
    ),
    "pages/data.py": ("number_input", "seed", [3, 4, 5, 6]),  # a new random grid each time
    "pages/layers.py": ("selectbox", "m_preset", None),  # rebuild and trace each preset
    "pages/training.py": ("number_input", "seed", [3, 4]),
    "pages/save_load.py": ("number_input", "seed", [3, 4]),
}


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def browser_figures() -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    start = time.perf_counter()
    proc = start_server(port)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_selector("h1", timeout=60_000)
            cold = time.perf_counter() - start
            for path in PAGES:
                page.goto(f"http://127.0.0.1:{port}/{path}")
                page.wait_for_selector("h1", timeout=60_000)
                page.wait_for_function(
                    "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
                )
            time.sleep(1)
            rss = rss_mb(proc.pid)
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    return cold, rss


def interaction_times(page: str, repeats: int) -> list[float]:
    kind, key, values, *state = INTERACTIONS[page]
    at = open_page(page.split(" ")[0], **(state[0] if state else {}))
    widget = getattr(at, kind)(key=key)
    if values is None:  # a selectbox: cycle its own options
        values = list(widget.options)
    times = []
    for i in range(repeats):
        widget = getattr(at, kind)(key=key)
        widget.set_value(values[i % len(values)])
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, [e.value for e in at.exception]
    return times


def graph_times(repeats: int) -> list[float]:
    """Server time to run a typed 50-op program, read its graph, backward, and build the figure."""
    from playground import autograd as ag
    from playground.autograd.figures import make_graph_figure

    out = []
    for i in range(repeats + 1):
        start = time.perf_counter()
        comp = ag.run_program(
            ag.parse_program(_chain(50, i % 4)), generator=ag.make_generator("cpu", 0)
        )
        graph = ag.extract_graph(comp)
        result = ag.backward(comp, graph)
        make_graph_figure(graph, result.node_grads).to_json()
        if i:  # the first includes one-off imports
            out.append(time.perf_counter() - start)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


IMPORT_RSS = (
    "import torch, torch._dynamo\n"  # torchvision.ops imports torch._dynamo
    "for line in open('/proc/self/status'):\n"
    "    if line.startswith('VmRSS:'): print(int(line.split()[1]) / 1024)"
)


def import_rss_mb(python: str) -> float:
    """RSS of ``import torch`` (plus the torch._dynamo torchvision pulls in) under ``python``."""
    out = subprocess.run([python, "-c", IMPORT_RSS], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument(
        "--cpu-python",
        help="a Python whose torch is a +cpu build (what requirements.txt installs on "
        "Community Cloud): its import RSS is measured beside this build's",
    )
    args = parser.parse_args()

    cold, rss = browser_figures()
    print(f"cold_start_s: {cold:.2f}   (target < 10)")
    print(f"server_rss_after_all_pages_mb: {rss:.0f}   (target < 600)")
    here = import_rss_mb(sys.executable)
    print(f"import torch + torch._dynamo, this build ({torch.__version__}): {here:.0f} MB")
    if args.cpu_python:
        cpu = import_rss_mb(args.cpu_python)
        print(f"import torch + torch._dynamo, --cpu-python build: {cpu:.0f} MB")
        print(
            f"server_rss_estimate_with_cpu_wheels_mb: {rss - here + cpu:.0f}   (target < 600; "
            "the server's RSS with this build's torch swapped for the CPU one)"
        )
    print(f"{'page':36s} {'p50 ms':>8s} {'p95 ms':>8s}")
    g = graph_times(args.repeats)
    print(
        f"{'autograd graph, 50 ops (engine+figure)':36s} "
        f"{statistics.median(g) * 1e3:8.1f} {p95(g) * 1e3:8.1f}   (target p95 < 150)"
    )
    for page in INTERACTIONS:
        try:
            times = interaction_times(page, args.repeats)
        except KeyError:  # the page does not have that widget yet
            print(f"{page:36s} {'(no widget)':>17s}")
            continue
        print(f"{page:36s} {statistics.median(times) * 1e3:8.1f} {p95(times) * 1e3:8.1f}")


if __name__ == "__main__":
    main()
