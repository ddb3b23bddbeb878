"""playground.device: listing, fallback and timing."""

from __future__ import annotations

import pytest
import torch

from playground.core.config import limits
from playground.core.device import (
    available_devices,
    configure_threads,
    device_names,
    environment_code,
    environment_info,
    resolve_device,
    time_call,
)
from playground.server.memory import return_freed_memory


def test_cpu_is_always_listed_first():
    devices = available_devices()
    assert devices[0].name == "cpu" and devices[0].kind == "cpu"
    assert [d.name for d in devices] == device_names()
    cuda = [d for d in devices if d.kind == "cuda"]
    assert len(cuda) == torch.cuda.device_count()


def test_missing_device_falls_back_to_cpu_with_a_message():
    assert resolve_device("cpu") == (torch.device("cpu"), None)
    device, message = resolve_device("cuda:99")
    assert device == torch.device("cpu") and "cuda:99" in message


def test_time_call_measures_each_repeat():
    calls = []
    timing = time_call(lambda: calls.append(1), device="cpu", warmup=2, repeat=4)
    assert len(calls) == 6 and len(timing.seconds) == 4
    assert 0 <= timing.best <= timing.median


def test_configure_threads_reads_the_environment(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setenv("PLAYGROUND_TORCH_THREADS", "1")
        assert configure_threads(limits().torch_threads) == 1
    finally:
        torch.set_num_threads(before)


def test_environment_info_reports_real_versions():
    import torchvision

    info = environment_info()
    assert info.torch_version == torch.__version__
    assert info.torchvision_version == torchvision.__version__
    assert len(info.cuda) == torch.cuda.device_count()


def test_environment_snippet_matches_the_page():
    from tests.snippets import run_snippet

    info = environment_info()
    result = run_snippet(environment_code(info.python_threads))["result"]  # as Home calls it
    assert result["torch"] == info.torch_version
    assert result["torchvision"] == info.torchvision_version
    assert result["threads"] == info.python_threads
    assert len(result["cuda"]) == len(info.cuda)


@pytest.mark.slow
def test_the_environment_script_prints_the_pages_thread_count_in_a_fresh_python():
    import ast
    import subprocess
    import sys

    info = environment_info()
    out = subprocess.run(
        [sys.executable, "-c", environment_code(info.python_threads)],
        capture_output=True, text=True, timeout=120, env={"PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert ast.literal_eval(out.stdout.strip())["threads"] == info.python_threads


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_devices_are_named_and_sized():
    cuda = [d for d in available_devices() if d.kind == "cuda"]
    assert cuda[0].total_memory > 0 and torch.cuda.get_device_name(0) in cuda[0].label
    timing = time_call(
        lambda: torch.ones(256, 256, device="cuda") @ torch.ones(256, 256, device="cuda"),
        device="cuda",
    )
    assert timing.best > 0


def test_freed_memory_goes_back_to_the_os_on_glibc():
    import platform

    trimmed = return_freed_memory()
    assert trimmed == (platform.system() == "Linux" and platform.libc_ver()[0] == "glibc")
    assert return_freed_memory() == trimmed  # the library is loaded once, then reused


def test_every_session_thread_runs_with_the_configured_thread_count():
    """Streamlit runs each script in a new thread, and OpenMP keeps the count per thread."""
    import threading

    from playground.core.device import configure_threads

    seen: list[tuple[int, int]] = []

    def script_run():  # in worker threads only: this process's own count stays as it is
        seen.append((configure_threads(), torch.get_num_threads()))

    for _ in range(2):
        worker = threading.Thread(target=script_run)
        worker.start()
        worker.join()
    n = seen[0][0]
    assert seen == [(n, n), (n, n)]
