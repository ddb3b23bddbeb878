"""Transforms v2 and DataLoader experiments on an :class:`~playground.data.ImageDataset`."""

from __future__ import annotations

import math
import multiprocessing
import time
from dataclasses import dataclass

import torch
from torch.utils.data import DataLoader, Subset
from torchvision.transforms import v2

from playground.core.budget import check_shape
from playground.core.rng import generator, seeded
from playground.data.datasets import ImageDataset


def sample_indices(n: int, k: int, seed: int) -> list[int]:
    """``k`` distinct random indices, the tutorial's ``torch.randint`` grid made repeatable."""
    g = generator(seed)
    return torch.randperm(n, generator=g)[:k].tolist()


def to_float() -> v2.Compose:
    """uint8 [0, 255] image tensors to float32 [0, 1]: what ``ToTensor()`` did, in v2 words."""
    return v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])


def totensor_difference() -> tuple[int, float]:
    """How many of the 256 uint8 values v2 scales differently from ``ToTensor()``'s ``x / 255``.

    v2 multiplies by ``1 / 255``; the two roundings differ by at most one ulp.
    """
    x = torch.arange(256, dtype=torch.uint8).reshape(1, 16, 16)
    diff = (to_float()(x) - x.float().div(255)).abs()
    return int((diff > 0).sum()), float(diff.max())


def one_hot(label: int, n_classes: int = 10) -> torch.Tensor:
    """The tutorial's target transform: ``torch.zeros(10).scatter_(0, torch.tensor(y), value=1)``."""
    return torch.zeros(n_classes, dtype=torch.float).scatter_(0, torch.tensor(label), value=1)


def mean_std(ds: ImageDataset) -> tuple[list[float], list[float]]:
    """Per-channel mean and std of the whole dataset in [0, 1], computed in float64."""
    x = ds.images.to(torch.float64) / 255
    dims = (0, 2, 3)
    return x.mean(dim=dims).tolist(), x.std(dim=dims).tolist()


AUGMENTATIONS = {
    "RandomHorizontalFlip": lambda: v2.RandomHorizontalFlip(p=1.0),
    "RandomRotation": lambda: v2.RandomRotation(degrees=30),
    "RandomResizedCrop": lambda: v2.RandomResizedCrop(size=28, scale=(0.5, 1.0), antialias=True),
    "ColorJitter": lambda: v2.ColorJitter(brightness=0.6, contrast=0.6),
    "RandomErasing": lambda: v2.Compose(
        [
            v2.ToDtype(torch.float32, scale=True),
            v2.RandomErasing(p=1.0),
            v2.ToDtype(torch.uint8, scale=True),
        ]
    ),
}


def augment(images: torch.Tensor, name: str, seed: int) -> torch.Tensor:
    """Apply one v2 augmentation to each uint8 image, with its own seeded generator state."""
    check_shape(tuple(images.shape), torch.float32, what=f"v2 {name}", copies=4)
    transform = AUGMENTATIONS[name]()
    out = []
    with seeded(seed):  # v2's random transforms draw from the global RNG
        for img in images:
            result = transform(v2.functional.to_image(img))
            if result.shape[-2:] != img.shape[-2:]:
                result = v2.functional.resize(result, list(img.shape[-2:]), antialias=True)
            out.append(result.as_subclass(torch.Tensor))
    return torch.stack(out).to(torch.uint8)


def pixel_histogram(values: torch.Tensor, bins: int = 32) -> tuple[list[float], list[int]]:
    """Bin centres and counts of every pixel value (``torch.bincount`` for uint8, else ``histc``)."""
    if values.dtype == torch.uint8:
        counts = torch.bincount(values.reshape(-1), minlength=256).reshape(bins, -1).sum(dim=1)
        width = 256 / bins
        return [width * (k + 0.5) for k in range(bins)], [int(c) for c in counts.tolist()]
    v = values.detach().to(torch.float64).reshape(-1)
    lo, hi = float(v.min()), float(v.max())
    if math.isclose(lo, hi):
        hi = lo + 1
    counts = torch.histc(v, bins=bins, min=lo, max=hi)
    width = (hi - lo) / bins
    return [lo + width * (k + 0.5) for k in range(bins)], [int(c) for c in counts.tolist()]


# -- DataLoader ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LoaderSettings:
    """The DataLoader arguments the page exposes."""

    batch_size: int = 64
    shuffle: bool = True
    drop_last: bool = False
    seed: int = 0
    num_workers: int = 0
    pin_memory: bool = False
    custom_collate: bool = False


@dataclass
class BatchInfo:
    image_shape: tuple[int, ...]
    label_shape: tuple[int, ...]
    image_dtype: str
    images: torch.Tensor
    labels: torch.Tensor
    n_batches: int
    last_batch: int

    def label_counts(self, n_classes: int) -> list[int]:
        return torch.bincount(self.labels, minlength=n_classes).tolist()


def _collate_as_lists(batch):
    images, labels = zip(*batch, strict=True)
    return torch.stack(images), torch.tensor(labels)


def first_batch(ds: ImageDataset, cfg: LoaderSettings) -> BatchInfo:
    """``next(iter(DataLoader(...)))`` on the dataset with ``to_float()`` as its transform."""
    sample = tuple(ds.images.shape[1:])
    check_shape(
        (cfg.batch_size, *sample), torch.float32, what=f"DataLoader(batch_size={cfg.batch_size})"
    )
    loader = DataLoader(
        ds.with_transform(to_float()),
        batch_size=cfg.batch_size,
        shuffle=cfg.shuffle,
        drop_last=cfg.drop_last,
        pin_memory=cfg.pin_memory and torch.cuda.is_available(),
        generator=generator(cfg.seed),
        collate_fn=_collate_as_lists if cfg.custom_collate else None,
        num_workers=cfg.num_workers,
        multiprocessing_context=_worker_context() if cfg.num_workers else None,
    )
    images, labels = next(iter(loader))
    last = len(ds) % cfg.batch_size or cfg.batch_size
    return BatchInfo(
        tuple(images.shape),
        tuple(labels.shape),
        str(images.dtype),
        images,
        labels,
        len(loader),
        cfg.batch_size if cfg.drop_last else last,
    )


def batch_assignment(n: int, cfg: LoaderSettings, epochs: int = 2) -> list[list[list[int]]]:
    """For each epoch, the sample indices of each batch, from a real DataLoader over ``range(n)``."""
    loader: DataLoader[int] = DataLoader(
        list(range(n)),  # type: ignore[arg-type]  # any sequence is a map-style dataset
        batch_size=cfg.batch_size,
        shuffle=cfg.shuffle,
        drop_last=cfg.drop_last,
        generator=generator(cfg.seed),
    )
    return [[batch.tolist() for batch in loader] for _ in range(epochs)]


def _worker_context() -> str:
    """``forkserver`` where it exists: forking a server with live threads can deadlock."""
    methods = multiprocessing.get_all_start_methods()
    return "forkserver" if "forkserver" in methods else "spawn"


def time_workers(
    ds: ImageDataset,
    workers: tuple[int, ...] = (0, 2),
    *,
    batch_size: int = 64,
    max_samples: int = 4096,
    max_seconds: float = 10.0,
) -> dict[int, float]:
    """Seconds for one pass over at most ``max_samples`` samples, per ``num_workers``.

    Workers start with the ``forkserver`` method where available: forking a
    server with live threads can deadlock. Stops early past ``max_seconds``.
    """
    subset = Subset(ds.with_transform(to_float()), range(min(len(ds), max_samples)))
    context = _worker_context()
    results: dict[int, float] = {}
    deadline = time.perf_counter() + max_seconds
    for w in workers:
        if time.perf_counter() > deadline:
            break
        loader = DataLoader(
            subset,
            batch_size=batch_size,
            num_workers=w,
            multiprocessing_context=context if w else None,
        )
        start = time.perf_counter()
        for _ in loader:
            pass
        results[w] = time.perf_counter() - start
    return results


def assignment_size(n: int, batch_size: int) -> int:
    """How many samples the batch picture shows: about three and a half batches."""
    return min(n, max(3 * batch_size + batch_size // 2, 24), 600)


def sample_facts(ds: ImageDataset, i: int) -> dict[str, object]:
    """Label, class name, shape, dtype and range of sample ``i``, as the page prints them."""
    image, label = ds[i]
    return {
        "label": label,
        "name": ds.classes[label],
        "shape": tuple(image.shape),
        "dtype": image.dtype,
        "lo": int(image.min()),
        "hi": int(image.max()),
    }


def normalize_report(ds: ImageDataset, sample: int = 2000) -> dict[str, object]:
    """The dataset's real mean/std, and the mean/std of ``sample`` images after Normalize."""
    mean, std = mean_std(ds)
    normalized = v2.Normalize(mean, std)(to_float()(ds.images[:sample]))
    fmt = lambda v: "[" + ", ".join(f"{x:.4f}" for x in v) + "]"  # noqa: E731
    return {
        "mean": fmt(mean),
        "std": fmt(std),
        "new_mean": normalized.mean().item(),
        "new_std": normalized.std().item(),
    }
