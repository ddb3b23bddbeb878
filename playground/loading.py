"""Transforms v2 and DataLoader experiments on an :class:`~playground.data.ImageDataset`."""

from __future__ import annotations

import base64
import io
import math
import multiprocessing
import time
from dataclasses import dataclass

import plotly.graph_objects as go
import torch
from PIL import Image
from torch.utils.data import DataLoader, Subset
from torchvision.transforms import v2

from playground.data import ImageDataset

__all__ = [
    "AUGMENTATIONS",
    "BatchInfo",
    "LoaderSettings",
    "augment",
    "batch_assignment",
    "first_batch",
    "loader_code",
    "make_bar_figure",
    "make_grid_figure",
    "mean_std",
    "one_hot",
    "pixel_histogram",
    "sample_indices",
    "time_workers",
    "to_float",
]

PALETTE = "#4C78A8"


def sample_indices(n: int, k: int, seed: int) -> list[int]:
    """``k`` distinct random indices, the tutorial's ``torch.randint`` grid made repeatable."""
    g = torch.Generator().manual_seed(seed)
    return torch.randperm(n, generator=g)[:k].tolist()


def to_float() -> v2.Compose:
    """uint8 [0, 255] image tensors to float32 [0, 1]: what ``ToTensor()`` did, in v2 words."""
    return v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])


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
    transform = AUGMENTATIONS[name]()
    out = []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
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


# -- figures -----------------------------------------------------------------------------
def _png(
    images: torch.Tensor, cols: int, pad: int = 2, zoom: int = 3, pad_y: int = 2
) -> tuple[str, int, int]:
    n, c, h, w = images.shape
    rows = math.ceil(n / cols)
    canvas = torch.full(
        (c, rows * (h + pad_y) + pad, cols * (w + pad) + pad), 255, dtype=torch.uint8
    )
    for k in range(n):
        r, q = divmod(k, cols)
        y, x = pad + r * (h + pad_y), pad + q * (w + pad)
        canvas[:, y : y + h, x : x + w] = images[k]
    mode = "L" if c == 1 else "RGB"
    img = Image.fromarray(canvas.permute(1, 2, 0).squeeze(-1).numpy(), mode=mode)
    img = img.resize((img.width * zoom, img.height * zoom), Image.NEAREST)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    return (
        "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode(),
        img.width,
        img.height,
    )


def make_grid_figure(
    images: torch.Tensor,
    labels: list[str] | None = None,
    *,
    cols: int = 3,
    height: int | None = None,
) -> go.Figure:
    """Images in a grid (one PNG, so 64 images cost one picture), labels under each cell."""
    images = images.detach().to("cpu")
    if images.is_floating_point():
        images = (images.clamp(0, 1) * 255).round().to(torch.uint8)
    n, _, h, w = images.shape
    cols = max(1, min(cols, n))
    rows = math.ceil(n / cols)
    zoom, pad = 3, 2
    pad_y = 8 if labels else pad  # room for the label under each image
    source, width, tall = _png(images, cols, pad, zoom, pad_y)
    annotations = []
    for k, label in enumerate(labels or []):
        r, q = divmod(k, cols)
        annotations.append(
            {
                "x": (pad + q * (w + pad) + w / 2) * zoom,
                "y": (pad + r * (h + pad_y) + h) * zoom,
                "text": label,
                "showarrow": False,
                "yanchor": "top",
                "font": {"size": 11, "color": "#222"},
            }
        )
    layout = {
        "images": [
            {
                "source": source,
                "xref": "x",
                "yref": "y",
                "x": 0,
                "y": 0,
                "sizex": width,
                "sizey": tall,
                "layer": "below",
                "sizing": "stretch",
            }
        ],
        "xaxis": {"visible": False, "range": [0, width]},
        "yaxis": {"visible": False, "range": [tall, 0], "scaleanchor": "x"},
        "annotations": annotations,
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": height or min(120 + rows * 110, 720),
        "plot_bgcolor": "white",
    }
    return go.Figure({"data": [], "layout": layout})


def make_bar_figure(
    x: list, y: list, *, x_title: str = "", y_title: str = "", height: int = 280
) -> go.Figure:
    return go.Figure(
        {
            "data": [{"type": "bar", "x": x, "y": y, "marker": {"color": PALETTE}}],
            "layout": {
                "height": height,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": x_title}},
                "yaxis": {"title": {"text": y_title}, "gridcolor": "#eee"},
                "plot_bgcolor": "white",
                "bargap": 0.05,
            },
        }
    )


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


def _collate_as_lists(batch):  # noqa: ANN001, ANN202 - the custom collate_fn shown on the page
    images, labels = zip(*batch, strict=True)
    return torch.stack(images), torch.tensor(labels)


COLLATE_CODE = """

def collate(batch):  # a list of (image, label) pairs -> one batch
    images, labels = zip(*batch, strict=True)
    return torch.stack(images), torch.tensor(labels)


"""


def first_batch(ds: ImageDataset, cfg: LoaderSettings) -> BatchInfo:
    """``next(iter(DataLoader(...)))`` on the dataset with ``to_float()`` as its transform."""
    loader = DataLoader(
        ds.with_transform(to_float()),
        batch_size=cfg.batch_size,
        shuffle=cfg.shuffle,
        drop_last=cfg.drop_last,
        pin_memory=cfg.pin_memory and torch.cuda.is_available(),
        generator=torch.Generator().manual_seed(cfg.seed),
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
    loader = DataLoader(
        list(range(n)),
        batch_size=cfg.batch_size,
        shuffle=cfg.shuffle,
        drop_last=cfg.drop_last,
        generator=torch.Generator().manual_seed(cfg.seed),
    )
    return [[batch.tolist() for batch in loader] for _ in range(epochs)]


def make_assignment_figure(epochs: list[list[list[int]]], n: int) -> go.Figure:
    """A grid: one row per epoch, one column per sample index, coloured by its batch number."""
    z = []
    for batches in epochs:
        row = [None] * n
        for b, idx in enumerate(batches):
            for i in idx:
                row[i] = b
        z.append(row)
    return go.Figure(
        {
            "data": [
                {
                    "type": "heatmap",
                    "z": z,
                    "colorscale": "Turbo",
                    "xgap": 1,
                    "ygap": 3,
                    "colorbar": {"title": {"text": "batch"}},
                    "hovertemplate": "epoch %{y}, sample %{x}: batch %{z}<extra></extra>",
                }
            ],
            "layout": {
                "height": 200,
                "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
                "xaxis": {"title": {"text": "sample index"}},
                "yaxis": {
                    "title": {"text": "epoch"},
                    "tickvals": list(range(len(epochs))),
                    "autorange": "reversed",
                },
            },
        }
    )


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


def loader_code(dataset_expr: str, cfg: LoaderSettings) -> str:
    """The plain script for the DataLoader section."""
    collate = "\n    collate_fn=collate," if cfg.custom_collate else ""
    helper = COLLATE_CODE if cfg.custom_collate else ""
    return f"""import torch
from torch.utils.data import DataLoader
from torchvision.transforms import v2
from playground.data import load_dataset

training_data = {dataset_expr}
training_data.transform = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
{helper}loader = DataLoader(
    training_data,
    batch_size={cfg.batch_size},
    shuffle={cfg.shuffle},
    drop_last={cfg.drop_last},
    num_workers={cfg.num_workers},
    pin_memory={cfg.pin_memory},
    generator=torch.Generator().manual_seed({cfg.seed}),{collate}
)
train_features, train_labels = next(iter(loader))
print(f"Feature batch shape: {{train_features.size()}}")
print(f"Labels batch shape: {{train_labels.size()}}")
print(len(loader), "batches")
"""


def assignment_size(n: int, batch_size: int) -> int:
    """How many samples the batch picture shows: about three and a half batches."""
    return min(n, max(3 * batch_size + batch_size // 2, 24), 600)


def browse_code(name: str, seed: int) -> str:
    return f"""import torch
from playground.data import load_dataset

training_data = load_dataset({name!r}, train=True)
g = torch.Generator().manual_seed({seed})
idx = torch.randperm(len(training_data), generator=g)[:9].tolist()
for i in idx:
    img, label = training_data[i]
    print(img.shape, training_data.classes[label])
"""


def transforms_code(augmentation: str) -> str:
    return f"""import torch
from torchvision.transforms import v2

to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
target_transform = v2.Lambda(
    lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)
)
augment = {AUGMENTATION_CODE[augmentation]}
"""


AUGMENTATION_CODE = {
    "RandomHorizontalFlip": "v2.RandomHorizontalFlip(p=1.0)",
    "RandomRotation": "v2.RandomRotation(degrees=30)",
    "RandomResizedCrop": "v2.RandomResizedCrop(size=28, scale=(0.5, 1.0), antialias=True)",
    "ColorJitter": "v2.ColorJitter(brightness=0.6, contrast=0.6)",
    "RandomErasing": (
        "v2.Compose([v2.ToDtype(torch.float32, scale=True), v2.RandomErasing(p=1.0), "
        "v2.ToDtype(torch.uint8, scale=True)])"
    ),
}


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
