"""A classroom on one server: N concurrent browser sessions against the real `streamlit run`.

Each session is a Playwright browser context in one headless Chromium, driven
concurrently with asyncio. Two of them train on the offline dataset again and
again; the others behave like students: open chapters, switch tabs, type shapes
and programs, browse data, rebuild models. Traffic goes to loopback only, and
the run stops by itself after ``--seconds``.

With ``--attackers N``, N more sessions open the worst links (tensors of 16M
cells, broadcasting and split bombs, typed code over the FLOP budget) in a loop,
and one of them uploads hostile files (a checkpoint whose record inflates to 1 GiB,
a pickle gadget, a Deflate64 dataset zip, an EPS named .png) through the real
file uploaders. Their latencies are reported apart; the students' p95 is the target.

Prints: errors (exception boxes, disconnections, failed requests), p50/p95
latency per kind of interaction, peak server RSS, and the RSS each extra idle
session costs.

Run: python benchmarks/load_test.py [--sessions 30] [--seconds 120] [--trainers 2] [--attackers 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_startup import rss_mb  # noqa: E402
from playground.chapters import CHAPTERS  # noqa: E402
from tests.e2e.test_browser import CHROMIUM, CHROMIUM_ARGS, free_port, start_server  # noqa: E402

RENDERED = (
    "() => document.querySelector('h1') && "
    "!document.querySelector('[data-testid=\"stStatusWidget\"]') && "
    "!document.querySelector('[data-testid=\"stSkeleton\"]')"
)


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []
        self.peak_rss = 0.0


async def settled(page, timeout_ms: int = 60_000) -> None:
    await page.wait_for_timeout(150)  # let the rerun start
    await page.wait_for_function(RENDERED, timeout=timeout_ms)


async def timed(stats: Stats, kind: str, page, action) -> None:
    start = time.perf_counter()
    try:
        await action()
        await settled(page, 120_000 if kind == "train" else 60_000)
    except Exception as err:
        stats.errors.append(f"{kind}: {type(err).__name__}: {str(err).splitlines()[0][:120]}")
        return
    stats.latency[kind].append(time.perf_counter() - start)
    boxes = await page.locator('[data-testid="stException"]').count()
    if boxes:
        stats.errors.append(f"{kind}: {boxes} exception box(es) on {page.url}")


def student_actions(base: str, rng: random.Random):
    """(kind, url or None, async callable on the page) for one student step."""

    async def goto(page, path):
        await page.goto(f"{base}/{path}")

    async def click_tab(page, name):
        await page.get_by_role("tab", name=name, exact=True).click()

    async def fill(page, label, text):
        box = page.get_by_label(label, exact=True).first
        await box.fill(text)
        await box.press("Enter")

    shapes = ["(3, 1), (1, 4)", "(2, 3, 1), (3, 4)", "(5, 4), (4,)", "(3, 2), (4, 2)"]
    steps = [
        (
            "open chapter",
            lambda p: goto(
                p,
                rng.choice([c.slug for c in CHAPTERS[:5]]),  # the first five chapters
            ),
        ),
        ("tensors: index", lambda p: goto(p, "tensors?t_tab=index")),
        ("broadcast: shapes", lambda p: goto(p, "broadcasting")),
        ("autograd: graph", lambda p: goto(p, "autograd")),
        ("data: browse", lambda p: goto(p, f"data?seed={rng.randrange(1000)}")),
        ("layers: trace", lambda p: goto(p, "layers")),
    ]
    follow_ups = {
        "tensors: index": (
            "tensors: type index",
            lambda p: fill(p, "Index", rng.choice(["[:, 1]", "[0]", "[t > 5]"])),
        ),
        "broadcast: shapes": (
            "broadcast: type shapes",
            lambda p: fill(p, "Shapes (two or three)", rng.choice(shapes)),
        ),
        "autograd: graph": (
            "autograd: switch tab",
            lambda p: click_tab(p, rng.choice(["Concepts, live", "Gradient descent by hand"])),
        ),
        "data: browse": (
            "data: switch tab",
            lambda p: click_tab(p, rng.choice(["Transforms", "DataLoader"])),
        ),
        "layers: trace": (
            "layers: switch tab",
            lambda p: click_tab(p, rng.choice(["Parameters", "Inside each layer"])),
        ),
    }
    return steps, follow_ups


async def new_session(browser, base: str, stats: Stats):
    """A browser context that only talks to the server under test (loopback)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900})

    async def only_loopback(route):
        if route.request.url.startswith(base):
            await route.continue_()
        else:  # e.g. icon fonts from a CDN: never leave the machine
            await route.abort()

    if not os.environ.get("LOAD_TEST_NO_ROUTE"):
        await context.route("**/*", only_loopback)
    page = await context.new_page()
    page.on(
        "requestfailed",
        lambda r: (
            stats.errors.append(f"request failed: {r.url}") if r.url.startswith(base) else None
        ),
    )
    return context, page


async def student(
    browser, base: str, stats: Stats, deadline: float, seed: int, delay: float = 0.0
) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(delay)  # students arrive over the first minute, not in one millisecond
    context, page = await new_session(browser, base, stats)
    steps, follow_ups = student_actions(base, rng)
    await timed(stats, "open home", page, lambda: page.goto(f"{base}/"))
    while time.monotonic() < deadline:
        kind, action = rng.choice(steps)
        await timed(stats, kind, page, lambda a=action: a(page))
        if kind in follow_ups and time.monotonic() < deadline:
            k2, a2 = follow_ups[kind]
            await timed(stats, k2, page, lambda a=a2: a(page))
        await page.wait_for_timeout(rng.randint(300, 1500))  # reading time
    await context.close()


# What a ws student does: (kind, page, query string). Each is a real script run on the server.
WS_STEPS = [
    ("open home", "", ""),
    ("tensors: index", "tensors", "t_tab=index&t_index=[:, 1]"),
    ("tensors: views", "tensors", "t_tab=views"),
    ("broadcast: shapes", "broadcasting", "b_shapes=(2,3,1),(3,4)"),
    ("broadcast: cat", "broadcasting", "b_tab=cat"),
    ("autograd: graph", "autograd", ""),
    ("autograd: descent", "autograd", "ag_tab=descent&ag_lr=0.3"),
    ("data: browse", "data", ""),
    ("data: loader", "data", "d_tab=loader"),
    ("layers: trace", "layers", ""),
    ("layers: inside", "layers", "m_tab=inside"),
    ("save: state_dict", "save_load", ""),
]


# The worst links a stranger can hand a class: each must answer with a message, fast.
ATTACK_STEPS = [
    ("attack: zeros 4096^2", "tensors", "t_creator=zeros&t_shape=(4096,4096)"),
    ("attack: t.T of 4096^2", "tensors", "t_tab=views&t_vshape=(4096,4096)&t_view=t.T"),
    ("attack: broadcast bomb", "broadcasting", "b_shapes=(1,16777216),(16777216,1)"),
    ("attack: repeat bomb", "broadcasting", "b_shapes=(1,1),(1,1,8192),(1,8192,1)"),
    ("attack: split 2048^2", "broadcasting", "b_tab=split&sp_shape=(2048,2048)&sp_size=1"),
    (
        "attack: cat bomb",
        "broadcasting",
        "b_tab=cat&cat_shapes=(4096,4096),(4096,4096),(4096,4096)",
    ),
    (
        "attack: F.linear",
        "autograd",
        "ag_preset=custom&ag_program=a%20%3D%20torch.ones(4096%2C%204096)%0Ay%20%3D%20F.linear(a%2C%20a).sum()",
    ),
    ("attack: markup", "tensors", "t_tab=index&t_index=[click](https://evil.example)"),
    ("attack: -inf epochs", "training", "tr_epochs=-inf&tr_bs=99999999"),
]


def hostile_files() -> list[tuple[str, str, bytes]]:
    """(page path, file name, bytes) for the uploaders: built by the hostile test suite's helpers."""
    from tests.hostile import files

    stored = files.zipped(
        files.dataset({"a.png": files.png()}, "file,label\na.png,cat\n"), method=0
    )
    return [
        ("save_load?s_tab=load", "bomb.pth", files.inflating_zip()),
        (
            "save_load?s_tab=load",
            "gadget.pth",
            files.torch_zip(b"\x80\x02cbuiltins\nbytearray\nJ\x00\x00\x00@\x85R."),
        ),
        ("save_load?s_tab=inference", "eps.png", files.EPS),
        ("data?d_tab=upload", "deflate64.zip", files.patched(stored, method=9)),
    ]


async def attacker_ws(port: int, stats: Stats, deadline: float, seed: int) -> None:
    """A stranger opening the worst links in a loop, as fast as the server answers."""
    import websockets

    rng = random.Random(1000 + seed)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    while time.monotonic() < deadline:
        try:
            async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
                for kind, page, query in rng.sample(ATTACK_STEPS, len(ATTACK_STEPS)):
                    if time.monotonic() >= deadline:
                        break
                    seconds, exceptions = await asyncio.wait_for(ws_rerun(ws, page, query), 120)
                    stats.latency[kind].append(seconds)
                    if exceptions:
                        stats.errors.append(f"{kind}: {exceptions} exception element(s)")
        except Exception as err:
            stats.errors.append(f"attacker ws: {type(err).__name__}: {str(err)[:100]}")


async def attacker_uploads(browser, base: str, stats: Stats, deadline: float) -> None:
    """Hostile files through the real uploaders, in a browser, in a loop."""
    uploads = hostile_files()
    context, page = await new_session(browser, base, stats)
    while time.monotonic() < deadline:
        for path, name, data in uploads:
            if time.monotonic() >= deadline:
                break

            async def upload(path=path, name=name, data=data) -> None:
                await page.goto(f"{base}/{path}")
                await settled(page)
                files = {"name": name, "mimeType": "application/octet-stream", "buffer": data}
                await page.locator('input[type="file"]').first.set_input_files(files)
                # every hostile file ends in a message; leaving earlier would cancel the upload
                await page.wait_for_selector('[data-testid="stAlert"]', timeout=60_000)

            await timed(stats, f"attack: upload {name}", page, upload)
            if await page.locator('[data-testid="stException"]').count():
                stats.errors.append(f"upload {name}: an exception box")
    await context.close()


async def ws_rerun(ws, page: str, query: str) -> tuple[float, int]:
    """Ask for a script run, as the browser does on navigation; wait for script_finished."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = BackMsg()
    msg.rerun_script.page_name = page
    msg.rerun_script.query_string = query
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    exceptions = 0
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await ws.recv())
        kind = fwd.WhichOneof("type")
        if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
            exceptions += fwd.delta.new_element.WhichOneof("type") == "exception"
        if kind == "script_finished":
            return time.perf_counter() - start, exceptions


async def ws_student(port: int, stats: Stats, deadline: float, seed: int, delay: float) -> None:
    """A student as a websocket client speaking Streamlit's protocol: no browser to render,
    so a 2-core machine spends its CPU on the server under test."""
    import websockets

    rng = random.Random(seed)
    await asyncio.sleep(delay)
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    while time.monotonic() < deadline:
        try:  # a new session per visit round, like a student reopening the shared link
            async with websockets.connect(url, subprotocols=["streamlit"], max_size=None) as ws:
                for kind, page, query in [WS_STEPS[0], *rng.sample(WS_STEPS[1:], 4)]:
                    if time.monotonic() >= deadline:
                        break
                    seconds, exceptions = await asyncio.wait_for(ws_rerun(ws, page, query), 120)
                    stats.latency[kind].append(seconds)
                    if exceptions:
                        stats.errors.append(f"{kind}: {exceptions} exception element(s)")
                    await asyncio.sleep(rng.uniform(0.5, 2.0))  # reading time
        except Exception as err:
            stats.errors.append(f"ws session: {type(err).__name__}: {str(err)[:100]}")


async def trainer(browser, base: str, stats: Stats, deadline: float) -> None:
    context, page = await new_session(browser, base, stats)
    await timed(stats, "open training", page, lambda: page.goto(f"{base}/training"))
    running = '[data-testid="stStatusWidget"]'

    async def train_to_the_end() -> None:
        await page.get_by_role("button", name="Train", exact=True).click()
        await page.wait_for_selector(running, timeout=15_000)  # the run started…
        await page.wait_for_selector(running, state="detached", timeout=600_000)  # …and ended

    while time.monotonic() < deadline:
        button = page.get_by_role("button", name="Reset", exact=True)
        if await button.is_enabled():  # disabled until there is a run to forget
            await timed(stats, "train: reset", page, button.click)
        await timed(stats, "train (5 epochs × 10,000 samples)", page, train_to_the_end)
    await context.close()


async def watch_rss(pid: int, stats: Stats, deadline: float) -> None:
    while time.monotonic() < deadline + 5:
        stats.peak_rss = max(stats.peak_rss, rss_mb(pid))
        await asyncio.sleep(0.5)


async def idle_session_cost(browser, base: str, pid: int, n: int = 10) -> float:
    contexts = []
    await asyncio.sleep(2)
    before = rss_mb(pid)
    for _ in range(n):
        context = await browser.new_context()
        page = await context.new_page()
        await page.goto(f"{base}/")
        await page.wait_for_function(RENDERED, timeout=60_000)
        contexts.append(context)
    await asyncio.sleep(3)
    after = rss_mb(pid)
    for c in contexts:
        await c.close()
    return (after - before) / n


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(
    sessions: int,
    seconds: float,
    trainers: int,
    ramp: float = 0.0,
    clients: str = "ws",
    attackers: int = 0,
) -> Stats:
    from playwright.async_api import async_playwright

    port = free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    stats = Stats()
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            warm = await browser.new_page()  # one visit so the first students do not pay imports
            await warm.goto(f"{base}/")
            await warm.wait_for_function(RENDERED, timeout=120_000)
            await warm.close()
            deadline = time.monotonic() + seconds
            cpu0, wall0 = cpu_seconds(proc.pid), time.monotonic()
            students = sessions - trainers
            tasks = [watch_rss(proc.pid, stats, deadline)]
            tasks += [trainer(browser, base, stats, deadline) for _ in range(trainers)]
            for k in range(students):
                delay = ramp * k / max(students, 1)
                if clients == "ws":
                    tasks.append(ws_student(port, stats, deadline, k, delay))
                else:
                    tasks.append(student(browser, base, stats, deadline, k, delay))
            tasks += [attacker_ws(port, stats, deadline, k) for k in range(max(attackers - 1, 0))]
            if attackers:
                tasks.append(attacker_uploads(browser, base, stats, deadline))
            await asyncio.gather(*tasks)
            stats.server_cpu = (cpu_seconds(proc.pid) - cpu0) / (time.monotonic() - wall0)  # type: ignore[attr-defined]
            stats.idle_mb = await idle_session_cost(browser, base, proc.pid)  # type: ignore[attr-defined]
            await browser.close()
        if proc.poll() is not None:
            stats.errors.append("the server died")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return stats


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def report(stats: Stats, sessions: int, seconds: float) -> None:
    print(f"sessions: {sessions}, seconds: {seconds:.0f}, cpu cores: {os.cpu_count()}")
    print(f"errors: {len(stats.errors)}")
    for e in stats.errors[:20]:
        print("  ", e)
    print(f"{'interaction':28s} {'n':>5s} {'p50 s':>7s} {'p95 s':>7s}")
    non_training = []
    for kind, values in sorted(stats.latency.items()):
        print(f"{kind:28s} {len(values):5d} {statistics.median(values):7.2f} {p95(values):7.2f}")
        if not kind.startswith(("train", "attack")):
            non_training += values
    if non_training:
        print(f"students' non-training p95: {p95(non_training):.2f} s   (target < 2 s)")
    print(f"peak_server_rss_mb: {stats.peak_rss:.0f}   (target < 1500)")
    print(
        f"server CPU use: {getattr(stats, 'server_cpu', float('nan')):.2f} cores of {os.cpu_count()} "
        "(the rest went to the Chromium that plays the students)"
    )
    print(f"rss_per_idle_session_mb: {getattr(stats, 'idle_mb', float('nan')):.1f}   (target < 30)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--trainers", type=int, default=2)
    parser.add_argument("--ramp", type=float, default=60, help="seconds over which students arrive")
    parser.add_argument(
        "--clients",
        choices=["ws", "browser"],
        default="ws",
        help="students as Streamlit websocket clients (default) or as Chromium pages",
    )
    parser.add_argument(
        "--attackers", type=int, default=0, help="sessions sending the worst links and files"
    )
    args = parser.parse_args()
    stats = asyncio.run(
        run(args.sessions, args.seconds, args.trainers, args.ramp, args.clients, args.attackers)
    )
    report(stats, args.sessions, args.seconds)


if __name__ == "__main__":
    main()
