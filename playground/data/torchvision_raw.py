"""torchvision's datasets from their raw files, with one locked download per server.

FashionMNIST and MNIST are read by torchvision's own IDX readers, CIFAR-10 from its
pickled batches; a download runs under a thread lock and a file lock, and its progress
is read from the bytes on disk.
"""

from __future__ import annotations

import contextlib
import functools
import pickle
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import torch

from playground.core.errors import DatasetError
from playground.data.datasets import (
    DATASETS,
    TORCHVISION_FILES,
    ImageDataset,
    data_root,
    is_available,
    make_offline_dataset,
)

_thread_locks: dict[str, threading.Lock] = {}
_thread_locks_guard = threading.Lock()


@contextlib.contextmanager
def download_lock(root: Path, name: str) -> Iterator[None]:
    """One download per dataset per machine: a thread lock, then an OS file lock.

    The thread lock serialises the sessions of one server (threads of one
    process); ``fcntl.flock`` on ``root/.name.lock`` serialises server processes.
    """
    with _thread_locks_guard:
        lock = _thread_locks.setdefault(name, threading.Lock())
    root.mkdir(parents=True, exist_ok=True)
    with lock, open(root / f".{name}.lock", "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows: the thread lock alone
            yield
            return
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def load_dataset(
    name: str,
    *,
    train: bool = True,
    root: Path | None = None,
    download: bool = False,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> ImageDataset:
    """Open a dataset from the registry as an :class:`ImageDataset`.

    torchvision datasets are read from their raw files; with ``download=True``
    missing files are fetched by torchvision's own code, under the lock, while
    ``progress(fraction)`` is called with the share of the dataset's bytes on disk.
    Raises :class:`DatasetError` with a message for the page.
    """
    if name == "offline":  # kept in the data folder once drawn, for the next start
        return make_offline_dataset(
            seed, train=train, folder=data_root() if root is None else Path(root)
        )
    if name not in TORCHVISION_FILES:
        raise DatasetError("err.data.unknown_dataset_name", name=name)
    root = data_root() if root is None else Path(root)
    if not is_available(name, root, train):
        if not download:
            raise DatasetError("err.data.name_server_yet", name=name, root=root)
        with download_lock(root, name):
            if not is_available(name, root, train):  # another session may have finished it
                _download_watched(name, root, train, progress)
    try:
        if name == "CIFAR10":
            return _read_cifar(root, train)
        return _read_mnist(name, root, train)
    except (OSError, ValueError, AssertionError, KeyError, pickle.UnpicklingError, EOFError) as err:
        raise DatasetError("err.data.name_files_root", name=name, root=root, err=err) from None


@functools.cache
def offline_set(train: bool = True) -> ImageDataset:
    """The server's one default offline set per split (seed 0): pages and exercises share it,
    read-only, so a process holds its 55 MB once."""
    return load_dataset("offline", train=bool(train))


# Bytes on disk once torchvision has downloaded and extracted a dataset (archives included).
DOWNLOAD_BYTES = {"FashionMNIST": 85_000_000, "MNIST": 66_000_000, "CIFAR10": 340_000_000}


def _folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) if folder.exists() else 0


def _download_watched(
    name: str, root: Path, train: bool, progress: Callable[[float], None] | None
) -> None:
    """torchvision's download in a thread; meanwhile report how much of it is on disk."""
    if progress is None:
        _download(name, root, train)
        return
    folder = root / TORCHVISION_FILES[name][0].split("/")[0]
    errors: list[BaseException] = []

    def work() -> None:
        try:
            _download(name, root, train)
        except BaseException as err:
            errors.append(err)

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    while worker.is_alive():
        progress(min(_folder_bytes(folder) / DOWNLOAD_BYTES[name], 0.99))
        worker.join(timeout=0.5)
    if errors:
        raise errors[0]
    progress(1.0)


def _download(name: str, root: Path, train: bool) -> None:
    import torchvision

    cls = getattr(torchvision.datasets, name)
    try:
        cls(root=str(root), train=train, download=True)
    except Exception as err:
        raise DatasetError(
            "err.data.downloading_name_failed", name=name, type_name=type(err).__name__, err=err
        ) from None


def _read_mnist(name: str, root: Path, train: bool) -> ImageDataset:
    """torchvision's own IDX readers, per split (its class insists on both splits' files)."""
    from torchvision.datasets.mnist import read_image_file, read_label_file

    raw = root / name / "raw"
    prefix = "train" if train else "t10k"
    images = read_image_file(str(raw / f"{prefix}-images-idx3-ubyte"))
    targets = read_label_file(str(raw / f"{prefix}-labels-idx1-ubyte"))
    if len(images) != len(targets):
        raise ValueError(f"{len(images)} images but {len(targets)} labels")
    return ImageDataset(images.unsqueeze(1).contiguous(), targets, DATASETS[name].classes)


def _read_cifar(root: Path, train: bool) -> ImageDataset:
    """Read CIFAR-10's pickled batches the way torchvision does (``encoding="latin1"``).

    These are files torchvision downloaded and checked by MD5, or that the
    server's admin placed; uploads never reach this function.
    """
    base = root / "cifar-10-batches-py"
    names = [f"data_batch_{i}" for i in range(1, 6)] if train else ["test_batch"]
    data, labels = [], []
    for n in names:
        with open(base / n, "rb") as f:
            entry = pickle.load(f, encoding="latin1")
        data.append(torch.as_tensor(entry["data"], dtype=torch.uint8).reshape(-1, 3, 32, 32))
        labels += list(entry["labels"] if "labels" in entry else entry["fine_labels"])
    with open(base / "batches.meta", "rb") as f:
        meta = pickle.load(f, encoding="latin1")
    classes = tuple(meta["label_names"])
    return ImageDataset(torch.cat(data), torch.tensor(labels), classes)
