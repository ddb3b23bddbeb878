"""Two replicas behind nginx with the sticky configuration from deploy/nginx.conf.template."""

from __future__ import annotations

import contextlib
import http.cookiejar
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.e2e.test_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    exception_boxes,
    free_port,
    start_server,
    wait_until_rendered,
)

sys.path.insert(0, str(ROOT / "deploy"))
from render_nginx import render

pytestmark = [pytest.mark.browser, pytest.mark.slow]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@contextlib.contextmanager
def running_cluster(prefix: Path, env: dict[str, str]):
    """Two replicas sharing ``env`` behind nginx: (base URL, ports, processes)."""
    if not Path(NGINX).exists():
        pytest.skip("nginx is not installed (apt-get install nginx); .ci/run installs it")
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": "shared-by-every-replica", **env}
    ports = [free_port(), free_port()]
    replicas = [start_server(p, env=env) for p in ports]
    listen = free_port()
    conf = prefix / "nginx.conf"
    conf.write_text(
        render([f"127.0.0.1:{p}" for p in ports], listen=str(listen), prefix=str(prefix))
    )
    nginx = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(prefix), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{listen}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    try:
        yield base, ports, replicas
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        for r in replicas:
            if r.poll() is None:
                r.terminate()
                r.wait(timeout=20)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with running_cluster(tmp_path_factory.mktemp("nginx"), {}) as running:
        yield running


def _client() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _replica(opener, url: str) -> str:
    with opener.open(url, timeout=10) as r:
        assert r.status == 200
        # nginx lists every replica it tried; the last one answered.
        return r.headers["X-Playground-Replica"].split(", ")[-1]


def test_sessions_stick_and_both_replicas_serve(cluster):
    base, ports, _ = cluster
    seen = set()
    for _ in range(24):  # new browsers spread over the replicas
        client = _client()
        first = _replica(client, f"{base}/")
        seen.add(first)
        assert {_replica(client, f"{base}/_stcore/health") for _ in range(5)} == {first}  # sticky
    assert seen == {f"127.0.0.1:{p}" for p in ports}


def test_the_app_works_through_the_balancer(cluster):
    base, _, _ = cluster
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(f"{base}/broadcasting")
        wait_until_rendered(page)  # the websocket runs through nginx
        assert exception_boxes(page) == []
        assert "Broadcasting" in page.locator("h1").first.inner_text()
        browser.close()


def test_killing_a_replica_leaves_new_sessions_working(cluster):
    base, ports, replicas = cluster
    replicas[0].terminate()
    replicas[0].wait(timeout=20)
    survivors = {_replica(_client(), f"{base}/") for _ in range(12)}
    assert survivors == {f"127.0.0.1:{ports[1]}"}
