"""Devices: which exist, how to move work onto them, and how to time it honestly.

Follows the tutorial's note that tensors and models live on a device
(``tensor.to(device)``, ``model.to(device)``), and that GPU work is
asynchronous, so timings must ``synchronize`` first.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import torch

from playground.core.config import limits

T = TypeVar("T")


@dataclass(frozen=True)
class DeviceInfo:
    """One device a tensor can live on."""

    name: str  # what torch.device() accepts: "cpu", "cuda:0", "mps"
    label: str  # what the sidebar shows
    kind: str  # "cpu" | "cuda" | "mps"
    total_memory: int | None = None  # bytes, where the backend says


def _mps_available() -> bool:
    mps = getattr(torch.backends, "mps", None)
    return bool(mps and mps.is_available())


def available_devices() -> list[DeviceInfo]:
    """CPU, then every CUDA device with its name and memory, then MPS if present."""
    n = torch.get_num_threads()
    devices = [DeviceInfo("cpu", f"cpu · {n} thread{'' if n == 1 else 's'}", "cpu")]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            gib = props.total_memory / 2**30
            devices.append(
                DeviceInfo(
                    f"cuda:{i}",
                    f"cuda:{i} · {props.name} ({gib:.0f} GiB)",
                    "cuda",
                    props.total_memory,
                )
            )
    if _mps_available():
        devices.append(DeviceInfo("mps", "mps · Apple GPU", "mps"))
    return devices


def device_names() -> list[str]:
    return [d.name for d in available_devices()]


def resolve_device(name: str | None) -> tuple[torch.device, str | None]:
    """The device to use for ``name``, or CPU with a message when it is gone."""
    if name and name in device_names():
        return torch.device(name), None
    if not name or name == "cpu":
        return torch.device("cpu"), None
    return torch.device("cpu"), f"Device '{name}' is not available here; using the CPU instead."


def synchronize(device: torch.device | str) -> None:
    """Wait for queued GPU work; a no-op on the CPU."""
    device = torch.device(device)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


@dataclass(frozen=True)
class Timing:
    """Wall-clock seconds of repeated runs, measured after warm-up and synchronize."""

    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)


def time_call(
    fn: Callable[[], Any], *, device: torch.device | str = "cpu", warmup: int = 1, repeat: int = 5
) -> Timing:
    """Time ``fn`` on ``device``: warm up, then synchronize around every run."""
    for _ in range(warmup):
        fn()
    synchronize(device)
    seconds = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        synchronize(device)
        seconds.append(time.perf_counter() - start)
    return Timing(tuple(seconds))


_configured: int | None = None


def configure_threads(n: int | None = None) -> int:
    """``torch.set_num_threads`` from ``PLAYGROUND_TORCH_THREADS``, in the calling thread.

    OpenMP keeps the count per thread and Streamlit runs each script in a new thread, so
    ``app.py`` calls this on every run: once per process would leave every later session's
    thread with all the cores.
    """
    global _configured
    if _configured is None or n is not None:
        _configured = n or limits().torch_threads
    if torch.get_num_threads() != _configured:
        torch.set_num_threads(_configured)
    return _configured


def threads_code() -> str:
    """Pins the calling thread's count in a shown script: another count changes the last
    digits of every number."""
    return f"torch.set_num_threads({torch.get_num_threads()})  # as the app runs PyTorch\n"


@dataclass(frozen=True)
class EnvironmentInfo:
    """What the Home page reports about this machine."""

    torch_version: str
    torchvision_version: str
    python_threads: int
    cpu_count: int
    cuda: tuple[DeviceInfo, ...] = field(default_factory=tuple)
    mps: str = "home.mps.none"  # a translation key: available, built or none


def environment_info() -> EnvironmentInfo:
    import torchvision  # imported here: only the Home page needs its version

    cuda = tuple(d for d in available_devices() if d.kind == "cuda")
    if _mps_available():
        mps = "home.mps.available"
    elif getattr(torch.backends, "mps", None) and torch.backends.mps.is_built():
        mps = "home.mps.built"
    else:
        mps = "home.mps.none"
    return EnvironmentInfo(
        torch_version=torch.__version__,
        torchvision_version=torchvision.__version__,
        python_threads=torch.get_num_threads(),
        cpu_count=os.cpu_count() or 1,
        cuda=cuda,
        mps=mps,
    )


def environment_code(threads: int | None = None) -> str:
    """The plain PyTorch that prints what the Home page shows; ``threads`` pins the server's
    per-session thread count, since a fresh Python would use every core."""
    pin = (
        ""
        if threads is None
        else (
            f"torch.set_num_threads({threads})  # as this server runs PyTorch for each session\n\n"
        )
    )
    return (
        """import os
import torch
import torchvision

"""
        + pin
        + """result = {
    "torch": torch.__version__,
    "torchvision": torchvision.__version__,
    "threads": torch.get_num_threads(),
    "cpu_count": os.cpu_count(),
    "cuda": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
    "mps": torch.backends.mps.is_available(),
}
print(result)
"""
    )
