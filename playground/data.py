"""Datasets ("Datasets & DataLoaders" chapter): where they live and which work offline.

The torchvision datasets keep their own raw layout under the data folder
(``PLAYGROUND_DATA_DIR``, default ``~/.cache/pytorch-playground``), exactly
where ``torchvision.datasets.X(root, download=True)`` puts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.settings import limits

__all__ = ["TORCHVISION_FILES", "DatasetStatus", "data_root", "dataset_status"]

# The files torchvision needs to open each dataset without a network.
TORCHVISION_FILES: dict[str, tuple[str, ...]] = {
    "FashionMNIST": tuple(
        f"FashionMNIST/raw/{n}"
        for n in (
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte",
        )
    ),
    "MNIST": tuple(
        f"MNIST/raw/{n}"
        for n in (
            "train-images-idx3-ubyte",
            "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte",
        )
    ),
    "CIFAR10": tuple(
        f"cifar-10-batches-py/{n}"
        for n in ("batches.meta", *(f"data_batch_{i}" for i in range(1, 6)), "test_batch")
    ),
}


@dataclass(frozen=True)
class DatasetStatus:
    name: str
    offline: bool  # usable right now with no network
    detail: str


def data_root() -> Path:
    return limits().data_dir


def dataset_status(root: Path | None = None) -> list[DatasetStatus]:
    """Which datasets open with no network: the built-in one always, torchvision's if their files exist."""
    root = data_root() if root is None else root
    rows = [
        DatasetStatus("Offline shapes (built in)", True, "generated from the seed, no files needed")
    ]
    for name, files in TORCHVISION_FILES.items():
        missing = [f for f in files if not (root / f).is_file()]
        detail = (
            str(root / files[0].split("/")[0])
            if not missing
            else f"{len(missing)} of {len(files)} files missing"
        )
        rows.append(DatasetStatus(name, not missing, detail))
    return rows
