"""Show-the-code for the Data chapter: browsing, transforms and the DataLoader."""

from __future__ import annotations

from playground.data.loading import LoaderSettings

COLLATE_CODE = """

def collate(batch):  # a list of (image, label) pairs -> one batch
    images, labels = zip(*batch, strict=True)
    return torch.stack(images), torch.tensor(labels)


"""


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
