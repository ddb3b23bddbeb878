"""Datasets ("Datasets & DataLoaders" chapter): the shared data layer of the app.

Every dataset here is an :class:`ImageDataset`: a real ``torch.utils.data.Dataset``
over uint8 images ``(N, C, H, W)`` decoded once, plus targets and class names.

* ``offline``: ten classes of shapes drawn with torch from a seed. It needs no
  file and no network, so the app works anywhere.
* FashionMNIST, MNIST and CIFAR-10 come from torchvision. Their files keep
  torchvision's own raw layout under the data folder (``PLAYGROUND_DATA_DIR``,
  default ``~/.cache/pytorch-playground``), exactly where
  ``torchvision.datasets.X(root, download=True)`` puts them. A file lock makes
  one server download each dataset once, however many users click at once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import load_file, save_file
from torch.utils.data import Dataset

from playground.core.config import limits
from playground.core.errors import DatasetError
from playground.data import offline

# The files torchvision needs to open each dataset without a network.
_MNIST_RAW = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
TORCHVISION_FILES: dict[str, tuple[str, ...]] = {
    "FashionMNIST": tuple(f"FashionMNIST/raw/{n}" for n in _MNIST_RAW),
    "MNIST": tuple(f"MNIST/raw/{n}" for n in _MNIST_RAW),
    "CIFAR10": tuple(
        f"cifar-10-batches-py/{n}"
        for n in ("batches.meta", *(f"data_batch_{i}" for i in range(1, 6)), "test_batch")
    ),
}

OFFLINE_CLASSES: tuple[str, ...] = offline.CLASSES
FASHION_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
MNIST_CLASSES = tuple(
    f"{d} - {w}" for d, w in enumerate("zero one two three four five six seven eight nine".split())
)


@dataclass(frozen=True)
class DatasetInfo:
    key: str
    title: str
    classes: tuple[str, ...]
    description: str
    torchvision: str | None  # the torchvision.datasets class, if any


DATASETS: dict[str, DatasetInfo] = {
    # Its claim is measured: tests/data/test_offline_claim.py.
    "offline": DatasetInfo(
        "offline",
        "Offline shapes (built in, synthetic)",
        OFFLINE_CLASSES,
        "A synthetic dataset, not a real one: ten classes of shapes drawn with torch from a seed, "
        "each with a faint shape of another class and pixel noise. 60,000 training and 10,000 "
        "test images of 28×28 grey pixels, FashionMNIST's size, but much easier to learn: with "
        "the tutorial's model, 3,443 training images, 5 epochs and Adam at lr 0.001, it reaches "
        "96–97 % test accuracy where real FashionMNIST images reach about 82 %.",
        None,
    ),
    "FashionMNIST": DatasetInfo(
        "FashionMNIST",
        "FashionMNIST",
        FASHION_CLASSES,
        "Zalando's 28×28 grey images of clothes, shoes and bags, the tutorial's dataset: 60,000 train, 10,000 test.",
        "FashionMNIST",
    ),
    "MNIST": DatasetInfo(
        "MNIST",
        "MNIST",
        MNIST_CLASSES,
        "Handwritten digits, 28×28 grey: 60,000 train, 10,000 test.",
        "MNIST",
    ),
    "CIFAR10": DatasetInfo(
        "CIFAR10",
        "CIFAR-10",
        ("plane", "car", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
        "The blitz's dataset: 32×32 colour photos in 10 classes, 50,000 train, 10,000 test.",
        "CIFAR10",
    ),
}


class ImageDataset(Dataset):
    """Images held as one uint8 tensor ``(N, C, H, W)``, with targets and class names.

    ``__getitem__`` returns ``(image, label)`` after the optional ``transform`` and
    ``target_transform``, like torchvision's datasets. The tensors are shared
    read-only: :meth:`with_transform` makes a new view, never a copy.
    """

    def __init__(
        self,
        images: torch.Tensor,
        targets: torch.Tensor,
        classes: tuple[str, ...],
        *,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> None:
        if images.dtype != torch.uint8 or images.dim() != 4:
            raise ValueError("images must be a uint8 tensor of shape (N, C, H, W)")
        if len(images) != len(targets):
            raise ValueError("images and targets must have the same length")
        self.images = images
        self.targets = targets.to(torch.int64)
        self.classes = tuple(classes)
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, idx: int) -> tuple[Any, Any]:
        image, label = self.images[idx], int(self.targets[idx])
        if self.transform is not None:
            image = self.transform(image)
        if self.target_transform is not None:
            label = self.target_transform(label)
        return image, label

    def with_transform(
        self,
        transform: Callable[[Any], Any] | None,
        target_transform: Callable[[Any], Any] | None = None,
    ) -> ImageDataset:
        return ImageDataset(
            self.images,
            self.targets,
            self.classes,
            transform=transform,
            target_transform=target_transform,
        )

    @property
    def nbytes(self) -> int:
        return self.images.nbytes + self.targets.nbytes

    def class_counts(self) -> torch.Tensor:
        return torch.bincount(self.targets, minlength=len(self.classes))


# -- the offline dataset -------------------------------------------------------------------
def make_offline_dataset(
    seed: int = 0,
    *,
    train: bool = True,
    n: int | None = None,
    size: int = 28,
    folder: Path | None = None,
) -> ImageDataset:
    """The offline shapes dataset (:mod:`playground.data.offline`), deterministic for ``seed``.

    With ``folder``, the drawn tensors are kept there as safetensors, named by the generator's
    source, torch's version and the arguments: a server that starts again reads 55 MB in
    milliseconds. Drawing takes a second alone, but its thousands of small ops each wait for
    the GIL behind every session of a class that is opening pages meanwhile.
    """
    path = None if folder is None else _offline_file(folder, seed, train, n, size)
    if path is not None and (kept := _read_kept(path)) is not None:
        return kept
    images, labels = offline.make_offline(train, seed, n, size)
    if path is not None:
        _keep(path, {"images": images, "labels": labels})
    return ImageDataset(images, labels, OFFLINE_CLASSES)


def _read_kept(path: Path) -> ImageDataset | None:
    """The kept set, or None: no file, or a torn or foreign one (then it is drawn again)."""
    if not path.is_file():
        return None
    try:
        kept = load_file(str(path))
        images, labels = kept["images"], kept["labels"]
    except Exception:  # safetensors' own error, a missing name, an unreadable file
        return None
    ok = images.dtype == torch.uint8 and images.dim() == 4 and labels.dtype == torch.int64
    return (
        ImageDataset(images, labels, OFFLINE_CLASSES) if ok and len(images) == len(labels) else None
    )


def _keep(path: Path, tensors: dict[str, torch.Tensor]) -> None:
    """Write ``tensors`` to ``path`` whole or not at all; a read-only folder keeps nothing."""
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        os.close(fd)
        tmp = Path(name)
        save_file(tensors, str(tmp))
        os.replace(tmp, path)  # atomic: a replica reading at the same time sees all or none
    except OSError:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _offline_file(folder: Path, seed: int, train: bool, n: int | None, size: int) -> Path:
    key = hashlib.sha256(Path(offline.__file__).read_bytes())
    key.update(f"{torch.__version__}:{seed}:{train}:{n}:{size}".encode())
    return folder / "offline" / f"shapes-{key.hexdigest()[:20]}.safetensors"


# -- torchvision datasets -------------------------------------------------------------------
@dataclass(frozen=True)
class DatasetStatus:
    key: str  # a key of DATASETS
    offline: bool  # usable right now with no network
    folder: str  # where torchvision's files are; "" for the built-in set
    missing: int  # how many of the files torchvision needs are not there
    total: int


def train_test_split(
    ds: ImageDataset, *, test_fraction: float = 0.2, seed: int = 0
) -> tuple[ImageDataset, ImageDataset]:
    """A learner's own dataset as a training and a test set, by one seeded permutation."""
    n = len(ds)
    if n < 2:
        raise DatasetError("err.dataset.too_few_to_split", n=n)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    k = max(1, round(n * test_fraction))
    test, train = perm[:k], perm[k:]
    return (
        ImageDataset(ds.images[train], ds.targets[train], ds.classes),
        ImageDataset(ds.images[test], ds.targets[test], ds.classes),
    )


def data_root() -> Path:
    return limits().data_dir


def dataset_status(root: Path | None = None) -> list[DatasetStatus]:
    """Which datasets open with no network: the built-in one always, torchvision's if their files exist."""
    root = data_root() if root is None else root
    rows = [DatasetStatus("offline", True, "", 0, 0)]
    for name, files in TORCHVISION_FILES.items():
        missing = sum(not (root / f).is_file() for f in files)
        folder = str(root / files[0].split("/")[0])
        rows.append(DatasetStatus(name, not missing, folder, missing, len(files)))
    return rows


def _split_files(name: str, train: bool) -> list[str]:
    files = TORCHVISION_FILES[name]
    if name == "CIFAR10":
        keep = (
            [f for f in files if "data_batch" in f] if train else [f for f in files if "test" in f]
        )
        return [files[0], *keep]
    prefix = "train" if train else "t10k"
    return [f for f in files if f.rsplit("/", 1)[-1].startswith(prefix)]


def dataset_title(name: str, lang: str = "en") -> str:
    """A dataset's name for a select box, in ``lang``."""
    from playground.core.i18n import t

    return t("data.offline_title", lang) if name == "offline" else DATASETS[name].title


def is_available(name: str, root: Path, train: bool) -> bool:
    return all((root / f).is_file() for f in _split_files(name, train))
