"""A real browser: Playwright drives Chromium against `streamlit run app.py`.

Opens every page, fails on any Streamlit exception box, switches language and
saves a screenshot of each page to docs/screenshots/ (the README shows them).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from playground.chapters import CHAPTERS
from tests.conftest import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHOTS = ROOT / "docs" / "screenshots"
PAGES = ["", *(c.slug for c in CHAPTERS)]  # "" is Home


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not exited in 20 s: Streamlit waits for a script
    thread still running (a follower's loop) before it exits."""
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


def start_server(
    port: int, *, env: dict[str, str] | None = None, app: Path = ROOT / "app.py", cwd: Path = ROOT
) -> subprocess.Popen:
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
    ]
    # The server's log goes to a file: an unread pipe would block the server once it fills.
    log = tempfile.NamedTemporaryFile(prefix="streamlit-test-", suffix=".log", delete=False)
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    proc.log_path = log.name  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("streamlit did not become healthy in 60 s")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    playwright = pytest.importorskip("playwright.sync_api")
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


def wait_until_rendered(page, timeout_ms: int = 60_000) -> None:
    page.wait_for_selector("h1", timeout=timeout_ms)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        " && !document.querySelector('[data-testid=\"stSkeleton\"]')",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(500)


@contextlib.contextmanager
def fresh_page(browser, height: int = 1000) -> Iterator[object]:
    """A page in a new browser context (its own session), closed afterwards."""
    context = browser.new_context(viewport={"width": 1400, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def exception_boxes(page) -> list[str]:
    return page.locator('[data-testid="stException"]').all_inner_texts()


@pytest.mark.parametrize("lang", ["English", "简体中文"])
def test_every_page_renders_in_a_real_browser(browser, server, lang):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with fresh_page(browser, 1000) as page:
        for path in PAGES:
            page.goto(f"{server}/{path}?language={lang}")
            wait_until_rendered(page)
            assert exception_boxes(page) == [], f"/{path}: {exception_boxes(page)}"
            assert page.locator("h1").first.inner_text().strip()
            suffix = "" if lang == "English" else "-zh"
            page.screenshot(path=str(SHOTS / f"{path or 'home'}{suffix}.png"), full_page=True)


def test_every_page_renders_on_a_phone(browser, server):
    """390 px wide, as a student's phone: no crash box, and a screenshot to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)  # fmt: skip
    try:
        page = context.new_page()
        for path in PAGES:
            page.goto(f"{server}/{path}")
            wait_until_rendered(page)
            assert exception_boxes(page) == [], f"/{path}: {exception_boxes(page)}"
            page.screenshot(path=str(SHOTS / f"phone-{path or 'home'}.png"))
    finally:
        context.close()


def test_switching_language_and_pages_keeps_the_settings(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/?seed=42")
        wait_until_rendered(page)
        assert page.locator("h1").first.inner_text() == "Learn PyTorch by doing"
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="简体中文").click()
        page.wait_for_function(
            "() => document.querySelector('h1').innerText.includes('动手学')", timeout=30_000
        )
        assert "seed=42" in page.url and "language=" in page.url
        page.locator('[data-testid="stSidebarNavLink"]').nth(3).click()  # Autograd
        wait_until_rendered(page)
        assert "autograd" in page.url and "seed=42" in page.url
        assert page.locator('[data-testid="stSidebar"] input[type="number"]').input_value() == "42"
        assert "自动求导" in page.locator("h1").first.inner_text()
        assert exception_boxes(page) == []
    finally:
        page.close()


def test_switching_language_keeps_the_open_tab_and_the_link(browser, server):
    """The URL holds a tab's name, not its label: a language switch and a shared link keep it."""
    with fresh_page(browser, 1000) as page:
        page.goto(f"{server}/tensors?t_tab=views&t_vshape=(2, 6)")
        wait_until_rendered(page)
        selected = page.locator('[role="tab"][aria-selected="true"]')
        assert selected.inner_text().strip() == "Views & reshaping"
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="简体中文").click()
        page.wait_for_function(
            "() => document.querySelector('h1').innerText.includes('张量')", timeout=30_000
        )
        wait_until_rendered(page)
        assert selected.inner_text().strip() != "Views & reshaping"  # the label is Chinese now
        assert page.get_by_role("tab").nth(2).get_attribute("aria-selected") == "true"
        assert "t_tab=views" in page.url and "t_vshape=" in page.url
        page.get_by_role("tab").nth(1).click()
        wait_until_rendered(page)
        page.wait_for_function("() => location.search.includes('t_tab=index')")
        assert exception_boxes(page) == []


def test_new_seed_button_draws_a_new_seed_into_the_url(browser, server):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    try:
        page.goto(f"{server}/tensors?seed=5")
        wait_until_rendered(page)
        seed = page.locator('[data-testid="stSidebar"] input[type="number"]')
        assert seed.input_value() == "5"
        page.locator('[data-testid="stSidebar"] [data-testid="stButton"] button').first.click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=\"stSidebar\"] input[type=\"number\"]').value !== '5'"
        )
        new_seed = seed.input_value()
        page.wait_for_function(f"() => location.search.includes('seed={new_seed}')")
        assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0
    finally:
        page.close()


def test_autograd_costly_check_runs_on_request(browser, server):
    with fresh_page(browser, 1400) as page:
        page.goto(f"{server}/autograd")
        wait_until_rendered(page)
        page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="A small MLP forward pass").click()
        wait_until_rendered(page)
        assert page.get_by_text("Autograd agrees with the numerical gradient.").count() == 0
        page.get_by_text("Run the check (900 statement evaluations)").click()
        page.get_by_text("Autograd agrees with the numerical gradient.").wait_for(timeout=30_000)
        assert exception_boxes(page) == []


def test_uploaded_checkpoints_are_checked_in_the_browser(browser, server, tmp_path):
    import io
    import os
    import pickle

    import torch

    from playground import layers as md
    from playground import save_load as ck

    class Gadget:
        def __reduce__(self):
            return os.system, (f"touch {tmp_path}/pwned",)

    evil = tmp_path / "evil.pth"
    evil.write_bytes(pickle.dumps({"w": Gadget()}, protocol=2))
    good = tmp_path / "model.safetensors"
    good.write_bytes(ck.safetensors_bytes(md.build_model(md.PRESETS["tutorial"], seed=1)))
    buf = io.BytesIO()
    torch.save({"linear_relu_stack.0.weight": torch.zeros(3)}, buf)
    wrong = tmp_path / "wrong.pth"
    wrong.write_bytes(buf.getvalue())
    with fresh_page(browser, 1200) as page:
        page.goto(f"{server}/save_load?s_tab=load")
        wait_until_rendered(page)
        for path, expected in (
            (evil, "not just tensors, so it was refused"),
            (wrong, "shape mismatch: linear_relu_stack.0.weight"),
            (good, "Loaded 6 tensors"),
        ):
            page.locator("input[type=file]").set_input_files(str(path))
            page.get_by_text(expected).first.wait_for(timeout=30_000)
            assert exception_boxes(page) == []
        assert not (tmp_path / "pwned").exists()


def test_training_compare_transfer_and_confusion_click(browser, server):
    """The Training page's heavier tabs, clicked as a learner clicks them."""
    with fresh_page(browser, 1600) as page:
        base = f"{server}/training?tr_subset=500&tr_epochs=1&tr_opt=Adam"
        page.goto(f"{base}&tr_tab=compare")
        wait_until_rendered(page)
        page.get_by_role("button", name="Run the comparison").click()
        page.get_by_text("#3 Adam lr=0.001", exact=False).first.wait_for(timeout=60_000)
        wait_until_rendered(page)
        # Three runs, each a train-loss curve and a test-accuracy line.
        assert page.locator(".js-plotly-plot .scatterlayer .trace").count() == 6
        assert exception_boxes(page) == []

        page.goto(f"{base}&tr_tab=transfer&tl_src=1&tl_epochs=1&tl_n=300")
        wait_until_rendered(page)
        page.get_by_role("button", name="Run the three scenarios").click()
        page.get_by_text("Source model on classes 0–4").wait_for(timeout=90_000)
        wait_until_rendered(page)
        assert exception_boxes(page) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "training-transfer.png"), full_page=True)

        page.goto(f"{base}&tr_tab=results")
        wait_until_rendered(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("Misclassified test images").wait_for(timeout=90_000)
        wait_until_rendered(page)
        heatmap = page.locator(".js-plotly-plot:has(g.heatmaplayer)")
        box = heatmap.locator(".nsewdrag").first.bounding_box()
        # Cell (actual 2, predicted 2) of the 10×10 matrix, from the plot area's corners.
        page.mouse.click(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
        caption = page.get_by_text("test images of frame were predicted as frame", exact=False)
        caption.wait_for(timeout=30_000)
        assert exception_boxes(page) == []
        heatmap.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "training-results.png"), full_page=True)


def test_examples_run_a_level_and_compare_levels_one_to_three(browser, server):
    """Run level 3 live, then the side-by-side run of levels 1-3, as a learner clicks them."""
    with fresh_page(browser, 1500) as page:
        page.goto(f"{server}/examples?ex_level=autograd&ex_dtype=float64&ex_tab=agree")
        wait_until_rendered(page)
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Result: y = ", exact=False).first.wait_for(timeout=60_000)
        page.get_by_role("button", name="Run levels 1–3 side by side").click()
        page.get_by_text("largest relative difference").wait_for(timeout=60_000)
        wait_until_rendered(page)
        assert exception_boxes(page) == []
        assert page.locator(".js-plotly-plot").count() >= 3  # loss, fit, the three curves
        assert page.get_by_text("loss.backward() computes every gradient", exact=False).count()
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "examples-run.png"), full_page=True)
        page.get_by_text("largest relative difference").scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / "examples-agree.png"))


def test_a_session_that_leaves_mid_training_frees_its_slot_and_memory(browser):
    """One training slot; student A starts a long run and closes the tab; B trains at once,
    and A's run is freed after the disconnect TTL (here 2 s)."""
    port = free_port()
    proc = start_server(
        port,
        env={"PLAYGROUND_MAX_TRAININGS": "1", "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": "2"},
    )
    url = f"http://127.0.0.1:{port}"
    a = browser.new_context(viewport={"width": 1400, "height": 1000})
    b = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = a.new_page()
        page.goto(f"{url}/training?tr_subset=10000&tr_epochs=60")  # 600,000 samples: minutes
        wait_until_rendered(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("samples/s").wait_for(timeout=30_000)
        a.close()  # the websocket drops mid-training
        started = time.monotonic()
        page = b.new_page()
        page.goto(f"{url}/training?tr_subset=500&tr_epochs=1")
        wait_until_rendered(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.wait_for_function(  # the log's test line, not the hidden code's f-string
            r"() => /Accuracy: \d+\.\d%/.test(document.body.innerText)", timeout=30_000
        )
        assert time.monotonic() - started < 30  # A's run would hold the slot for minutes
        page.goto(url)
        wait_until_rendered(page)
        status = page.get_by_text("This server now:")
        page.wait_for_function(
            "() => document.body.innerText.includes('0 waiting, 1 run held')", timeout=15_000
        )
        assert "0 trainings running" in status.inner_text()  # only B's finished run is held
        assert exception_boxes(page) == []
    finally:
        b.close()
        stop_server(proc)


def test_the_only_stop_during_a_run_is_the_panels_and_it_holds_the_run(browser, server):
    """Streamlit's header "Stop" would end the script and freeze the page mid-run; it is
    hidden, and the panel's Stop leaves the run stopped where it was, ready to resume."""
    with fresh_page(browser, 1200) as page:
        page.goto(f"{server}/training?tr_epochs=4&seed=4242")  # 240,000 samples: ~15 s
        wait_until_rendered(page)
        page.get_by_role("button", name="Train", exact=True).click()
        page.get_by_text("samples/s").first.wait_for(timeout=30_000)
        running = page.locator('[data-testid="stStatusWidget"]')
        running.wait_for(timeout=10_000)  # the header's "Running…" figure stays
        assert running.locator("button").first.is_hidden()
        page.locator('[data-testid="stMain"]').get_by_role("button", name="Stop").click()
        page.get_by_text("Resume goes on from here", exact=False).wait_for(timeout=30_000)
        assert page.get_by_role("button", name="Resume").is_enabled()
        assert exception_boxes(page) == []


def test_an_upload_over_the_server_limit_is_refused_and_the_app_goes_on(browser, server, tmp_path):
    """maxUploadSize (20 MB, .streamlit/config.toml) is enforced before any of our code runs."""
    from playground import layers as md
    from playground import save_load as ck

    big = tmp_path / "huge.safetensors"
    big.write_bytes(b"\0" * (21 * 2**20))
    good = tmp_path / "model.safetensors"
    good.write_bytes(ck.safetensors_bytes(md.build_model(md.PRESETS["tutorial"], seed=1)))
    with fresh_page(browser, 1200) as page:
        page.goto(f"{server}/save_load?s_tab=load")
        wait_until_rendered(page)
        chooser = page.locator("input[type=file]")
        chooser.set_input_files(str(big))
        page.get_by_text("or smaller", exact=False).first.wait_for(timeout=20_000)
        assert exception_boxes(page) == []
        chooser.set_input_files(str(good))  # the same session goes on
        page.get_by_text("Loaded 6 tensors").first.wait_for(timeout=30_000)
        assert exception_boxes(page) == []


def test_no_request_leaves_the_machine(browser, server):
    """The page icon and every font come from the app: offline servers log no fetch errors."""
    outside: list[str] = []
    with fresh_page(browser) as page:
        page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
        for path in ("", "tensors", "training"):
            page.goto(f"{server}/{path}")
            wait_until_rendered(page)
    assert [u for u in outside if not u.startswith(("data:", "blob:"))] == []


@pytest.mark.parametrize("lang", ["English", "简体中文"])
def test_reset_to_defaults_in_a_fresh_browser(browser, server, lang, tmp_path):
    """A teacher's link, then Reset: the controls and the URL are back to the page's defaults."""
    label = "Reset to defaults" if lang == "English" else "恢复默认设置"
    with fresh_page(browser) as page:
        page.goto(f"{server}/training?language={lang}&tr_opt=Adam&tr_epochs=2&seed=7")
        wait_until_rendered(page)
        page.get_by_role("button", name=label).click()
        page.wait_for_function("() => !location.search.includes('tr_opt')", timeout=30_000)
        wait_until_rendered(page)
        assert "tr_epochs" not in page.url and "seed=7" in page.url
        assert exception_boxes(page) == []
        page.screenshot(path=str(tmp_path / "reset.png"))


def test_resume_restores_the_controls_and_continues_for_more_epochs(browser, server, tmp_path):
    """Save at epoch 2, upload, Resume: the Training page shows the run; 2 more epochs make 4."""
    from playground import layers as md
    from playground import training as trn
    from playground.data.datasets import make_offline_dataset

    cfg = trn.TrainConfig(learning_rate=3e-3, epochs=2, optimizer="Adam", seed=7)
    t = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), make_offline_dataset(0),
                    make_offline_dataset(0, train=False), cfg, subset=500, dataset="offline")  # fmt: skip
    while not t.done:
        t.run(max_seconds=10)
    ckpt = tmp_path / "run.ckpt"
    ckpt.write_bytes(t.checkpoint())
    with fresh_page(browser, 1400) as page:
        page.goto(f"{server}/save_load?s_tab=load")
        wait_until_rendered(page)
        page.locator("input[type=file]").set_input_files(str(ckpt))
        page.get_by_role("button", name="Resume this run on the Training page").click()
        page.get_by_text("Resumed: the Training page now shows").wait_for(timeout=30_000)
        wait_until_rendered(page)
        for kept in ("tr_opt=Adam", "tr_lr=0.003", "seed=7", "tr_epochs=2", "tr_subset=500"):
            assert kept in page.url, (kept, page.url)
        assert page.get_by_text("The settings changed").count() == 0
        assert page.get_by_text("done · ").count() == 1
        page.get_by_role("button", name="Continue for 2 more epochs").click()
        page.wait_for_function("() => location.search.includes('tr_epochs=4')", timeout=60_000)
        page.get_by_role("button", name="Train again").wait_for(timeout=60_000)
        wait_until_rendered(page)
        assert page.get_by_text("Accuracy:").count() >= 1 and exception_boxes(page) == []
        page.screenshot(path=str(tmp_path / "resumed.png"), full_page=True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "training-continue.png"))


def test_the_prepared_file_downloads_with_its_exact_size_and_stays(browser, server):
    from playground import layers as md
    from playground import save_load as ck

    size = ck.file_size(len(ck.weights_bytes(md.build_model(md.PRESETS["tutorial"], seed=0))))
    with fresh_page(browser, 1200) as page:
        page.goto(f"{server}/save_load?s_tab=save&s_fmt=pth")
        wait_until_rendered(page)
        page.get_by_role("button", name="Prepare the file").click()
        button = page.get_by_role("button", name=f"Download model_weights.pth ({size})")
        button.wait_for(timeout=30_000)
        with page.expect_download() as info:
            button.click()
        path = info.value.path()
        assert Path(path).stat().st_size == int(size.split(", ")[1].split()[0].replace(",", ""))
        page.wait_for_timeout(1500)
        assert button.is_visible() and exception_boxes(page) == []


def test_a_teachers_link_brings_every_control_back_in_a_fresh_browser(browser, server):
    """Three pages opened from a link in a new context: each bound control shows the link's value."""
    links = {
        "training?tr_opt=Adam&tr_epochs=2&tr_lr=0.01&tr_bs=128&tr_nesterov=true": [
            ("tr_opt", "Adam"), ("tr_epochs", "2"), ("tr_lr", "0.01"), ("tr_bs", "128"),
        ],
        "data?d_tab=loader&d_bs=16&d_drop=true": [("d_bs", "16")],
        "tensors?t_creator=arange&t_shape=(2, 5)&t_dtype=float64": [
            ("t_creator", "arange"), ("t_shape", "(2, 5)"), ("t_dtype", "float64"),
        ],
    }  # fmt: skip
    for link, expected in links.items():
        with fresh_page(browser) as page:
            page.goto(f"{server}/{link}")
            wait_until_rendered(page)
            for key, value in expected:
                box = page.locator(f".st-key-{key}")
                shown = box.locator("input").first
                if shown.get_attribute("type") == "range":
                    shown = box  # a slider shows its value as text beside the thumb
                    assert value in shown.inner_text(), (link, key)
                else:
                    assert shown.input_value() == value, (link, key)
            assert exception_boxes(page) == []
    with fresh_page(browser) as page:
        page.goto(f"{server}/data?d_tab=loader&d_drop=true")
        wait_until_rendered(page)
        assert page.locator(".st-key-d_drop input").first.is_checked()


def test_switching_language_on_training_keeps_the_compare_tab_and_its_values(browser, server):
    with fresh_page(browser) as page:
        page.goto(f"{server}/training?tr_tab=compare&tr_cmp_field=optimizer&tr_opt=Adam")
        wait_until_rendered(page)
        page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').first.click()
        page.get_by_role("option", name="简体中文").click()
        page.wait_for_function(
            "() => document.querySelector('h1').innerText.includes('训练')", timeout=30_000
        )
        wait_until_rendered(page)
        selected = page.locator('[role="tab"][aria-selected="true"]').inner_text().strip()
        assert selected == "对比"
        for kept in ("tr_tab=compare", "tr_cmp_field=optimizer", "tr_opt=Adam", "language="):
            assert kept in page.url, kept
        assert page.locator(".st-key-tr_opt input").first.input_value() == "Adam"
        assert exception_boxes(page) == []


@pytest.mark.parametrize(
    "path", ["save_load?s_tab=inference", "exercises", *(c.slug for c in CHAPTERS if c.scripts)]
)
def test_every_page_and_the_inference_tab_offer_the_notebook(browser, server, path):
    with fresh_page(browser) as page:
        page.goto(f"{server}/{path}")
        wait_until_rendered(page)
        sidebar = page.locator('[data-testid="stSidebar"]')
        # Drawn after the page: on Data, after the dataset has loaded.
        sidebar.get_by_text("Download as notebook").first.wait_for(timeout=60_000)
