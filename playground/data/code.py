"""Show-the-code for the Data chapter: browsing, transforms and the DataLoader."""

from __future__ import annotations

import ast
import functools

from playground.core.parsing import parse_statements, source_of
from playground.data import offline
from playground.data.datasets import DATASETS
from playground.data.loading import LoaderSettings

TO_FLOAT = "v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])"

OFFLINE_DATASET = """

class OfflineShapes(Dataset):
    \"\"\"The app's offline dataset: uint8 images (1, 28, 28), like torchvision's after ToImage().\"\"\"

    classes = CLASSES

    def __init__(self, train=True, transform=None, target_transform=None):
        self.images, self.targets = make_offline(train)
        self.transform, self.target_transform = transform, target_transform

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, idx):
        image, label = self.images[idx], int(self.targets[idx])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label
"""


def imports_of(*blocks: str) -> str:
    """The import lines of several blocks, each once, in order."""
    lines = [ln for b in blocks for ln in b.splitlines() if ln.strip()]
    return "\n".join(dict.fromkeys(lines)) + "\n"


@functools.cache  # the same text every time: parsed once per process, not once per page run
def offline_source() -> str:
    """The generator of :mod:`playground.data.offline`, to paste into a script."""
    lines = source_of(offline).splitlines(keepends=True)
    for node in parse_statements("".join(lines)).body:
        # the docstring and the imports: the script has its own
        if isinstance(node, (ast.Import, ast.ImportFrom)) or (
            isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            end = node.end_lineno or node.lineno
            lines[node.lineno - 1 : end] = [""] * (end - node.lineno + 1)
    body = "".join(lines).strip()
    return (
        f"\n\n# The app's offline dataset, generated from a seed: no files, no network.\n{body}\n"
    )


EXAMPLE_FILES = """

# The layout the page expects: images plus labels.csv (file,label). This writes a tiny
# example; to use your own, unzip your archive into ./my_images instead.
os.makedirs("my_images", exist_ok=True)
rows = ["file,label"]
for i in range(8):
    Image.new("L", (28, 28), 40 + 180 * (i % 2)).save(f"my_images/img{i}.png")
    rows.append(f"img{i}.png,{i % 2}")
with open("my_images/labels.csv", "w") as f:
    f.write("\\n".join(rows) + "\\n")
"""


def dataset_parts(
    name: str, *, transform: str = TO_FLOAT, test: bool = False
) -> tuple[str, str, str]:
    """(imports, definitions, assignments) that make ``training_data`` (and ``test_data``)
    the way the page opens dataset ``name``: inline for the offline one, torchvision's for the rest."""
    imports, definitions, lines = _dataset_parts(name, transform, test)
    if transform == TO_FLOAT:
        lines = f"# uint8 [0, 255] -> float32 [0, 1]\nto_float = {TO_FLOAT}\n" + lines.replace(
            f"transform={TO_FLOAT}", "transform=to_float"
        )
    definitions = f"\n\n{definitions.strip()}\n\n\n" if definitions.strip() else "\n"
    return imports, definitions, lines


def _dataset_parts(name: str, transform: str, test: bool) -> tuple[str, str, str]:
    splits = [("training_data", True), ("test_data", False)][: 2 if test else 1]
    if name == "upload":
        from playground.data.upload import CUSTOM_DATASET_CODE

        imports, _, definitions = CUSTOM_DATASET_CODE.partition("\n\n\n")
        definitions = definitions.split("\n\n# after unzipping")[0]
        imports = "import torch\n" + imports + "\nfrom torchvision.transforms import v2\n"
        lines = f'dataset = CustomImageDataset("my_images/labels.csv", "my_images", transform={transform})\n'
        if test:  # the page's split: one seeded permutation, a fifth for testing
            lines += (
                "perm = torch.randperm(len(dataset), generator=torch.Generator().manual_seed(0)).tolist()\n"
                "k = max(1, round(len(dataset) * 0.2))\n"
                "test_data = torch.utils.data.Subset(dataset, perm[:k])\n"
                "training_data = torch.utils.data.Subset(dataset, perm[k:])\n"
            )
        else:
            lines += "training_data = dataset\n"
        return imports, f"{EXAMPLE_FILES}\n\n{definitions}", lines
    if name == "offline":
        imports = "import torch\nfrom torch.utils.data import Dataset\nfrom torchvision.transforms import v2\n"
        lines = "".join(
            f"{var} = OfflineShapes(train={tr}, transform={transform})\n" for var, tr in splits
        )
        return imports, f"{offline_source()}\n{OFFLINE_DATASET}", lines
    cls = DATASETS[name].torchvision
    imports = (
        "import torch\nfrom torchvision import datasets\nfrom torchvision.transforms import v2\n"
    )
    lines = "# download=True needs the network once; later runs read ./data\n" + "".join(
        f'{var} = datasets.{cls}(root="data", train={tr}, download=True, transform={transform})\n'
        for var, tr in splits
    )
    return imports, "", lines


COLLATE_CODE = """

def collate(batch):  # a list of (image, label) pairs -> one batch
    images, labels = zip(*batch, strict=True)
    return torch.stack(images), torch.tensor(labels)


"""


def loader_code(name: str, cfg: LoaderSettings) -> str:
    """The plain script for the DataLoader section."""
    collate = "\n    collate_fn=collate," if cfg.custom_collate else ""
    helper = COLLATE_CODE if cfg.custom_collate else ""
    imports, definitions, lines = dataset_parts(name)
    return f"""{imports}from torch.utils.data import DataLoader
{definitions}{lines}{helper}loader = DataLoader(
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
    imports, definitions, lines = dataset_parts(name, transform="v2.ToImage()")
    return f"""{imports}{definitions}{lines}g = torch.Generator().manual_seed({seed})
idx = torch.randperm(len(training_data), generator=g)[:9].tolist()
for i in idx:
    img, label = training_data[i]
    print(img.shape, training_data.classes[label])
"""


def transforms_code(name: str, augmentation: str, seed: int) -> str:
    """The Transforms section as a script: the page's six samples before and after
    ``ToImage`` + ``ToDtype``, the first one's label one-hot encoded, and the augmentation,
    seeded as the page seeds it. It prints what the page shows."""
    imports, definitions, lines = dataset_parts(name, transform="v2.ToImage()")
    return f"""{imports}{definitions}{lines}g = torch.Generator().manual_seed({seed})
idx = torch.randperm(len(training_data), generator=g)[:6].tolist()
raw = torch.stack([training_data[i][0] for i in idx])  # uint8, as stored

to_float = v2.Compose([v2.ToImage(), v2.ToDtype(torch.float32, scale=True)])
floats = to_float(raw)
print("before:", raw.dtype, raw.min().item(), raw.max().item())
print("after:", floats.dtype, floats.min().item(), floats.max().item())

n_classes = len(training_data.classes)
target_transform = v2.Lambda(
    lambda y: torch.zeros(n_classes, dtype=torch.float).scatter_(0, torch.tensor(y), value=1)
)
label = training_data[idx[0]][1]
print("label", label, "->", target_transform(label))

augment = {AUGMENTATION_CODE[augmentation]}
torch.manual_seed({seed})  # v2's random transforms draw from the global generator
after = torch.stack([augment(v2.functional.to_image(img)) for img in raw])
print("augmented:", tuple(after.shape), after.dtype, f"mean {{after.float().mean().item():.4f}}")
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


def custom_dataset_code() -> str:
    """The tutorial's ``CustomImageDataset`` on a tiny example the script writes first."""
    imports, definitions, lines = dataset_parts("upload")
    return f"{imports}{definitions}{lines}image, label = training_data[0]\nprint(len(training_data), image.shape, label)\n"
