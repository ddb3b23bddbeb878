"""What the offline dataset's description claims, measured: it is much easier than real
FashionMNIST. Same model, same number of training images, same epochs and optimizer, on the
real FashionMNIST sample (``../shared``) when it is present."""

from __future__ import annotations

import gzip

import pytest
import torch

from playground.core.i18n import t
from playground.data.datasets import ImageDataset, make_offline_dataset

TRAIN, TEST = 3443, 1000


def _accuracy(train: ImageDataset, test: ImageDataset, seed: int) -> float:
    from playground.layers.models import PRESETS
    from playground.training.config import TrainConfig
    from playground.training.loop import Trainer

    cfg = TrainConfig(optimizer="Adam", learning_rate=1e-3, epochs=5, seed=seed)
    trainer = Trainer(PRESETS["tutorial"], (1, 28, 28), train, test, cfg)
    while not trainer.done:
        trainer.run(max_seconds=30)
    return 100 * trainer.history.test_accuracy[-1]


def _fashion(folder) -> tuple[ImageDataset, ImageDataset]:
    raw = gzip.decompress((folder / "images-idx3-ubyte.gz").read_bytes())
    images = torch.frombuffer(bytearray(raw[16:]), dtype=torch.uint8).reshape(-1, 1, 28, 28)
    raw = gzip.decompress((folder / "labels-idx1-ubyte.gz").read_bytes())
    labels = torch.frombuffer(bytearray(raw[8:]), dtype=torch.uint8).long()
    classes = tuple(str(k) for k in range(10))
    assert len(images) == TRAIN + TEST
    return (
        ImageDataset(images[TEST:], labels[TEST:], classes),
        ImageDataset(images[:TEST], labels[:TEST], classes),
    )


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 7])
def test_the_offline_dataset_is_much_easier_than_fashion_mnist_as_its_description_says(
    fashion_sample, seed
):
    train, test = make_offline_dataset(0), make_offline_dataset(0, train=False)
    offline = _accuracy(
        ImageDataset(train.images[:TRAIN], train.targets[:TRAIN], train.classes),
        ImageDataset(test.images[:TEST], test.targets[:TEST], test.classes),
        seed,
    )
    fashion = _accuracy(*_fashion(fashion_sample), seed)
    assert 95.5 <= offline <= 97.5, offline  # "96–97 %"
    assert 80 <= fashion <= 84, fashion  # "about 82 %"
    for lang in ("en", "zh"):
        text = t("data.desc.offline", lang)
        assert "96–97 %" in text and "82 %" in text and "3,443" in text
