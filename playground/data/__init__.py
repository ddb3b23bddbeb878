"""Chapter 4, "Datasets & DataLoaders" and "Transforms": datasets, uploads, batches."""

from __future__ import annotations

from playground.core.errors import DatasetError, UploadError
from playground.data.code import (
    AUGMENTATION_CODE,
    COLLATE_CODE,
    browse_code,
    loader_code,
    transforms_code,
)
from playground.data.datasets import (
    DATASETS,
    FASHION_CLASSES,
    MNIST_CLASSES,
    OFFLINE_CLASSES,
    TORCHVISION_FILES,
    DatasetInfo,
    DatasetStatus,
    ImageDataset,
    data_root,
    dataset_status,
    dataset_title,
    is_available,
    make_offline_dataset,
)
from playground.data.figures import (
    make_assignment_figure,
)
from playground.data.loading import (
    AUGMENTATIONS,
    BatchInfo,
    LoaderSettings,
    assignment_size,
    augment,
    batch_assignment,
    first_batch,
    mean_std,
    normalize_report,
    one_hot,
    pixel_histogram,
    sample_facts,
    sample_indices,
    time_workers,
    to_float,
)
from playground.data.torchvision_raw import (
    DOWNLOAD_BYTES,
    download_lock,
    load_dataset,
)
from playground.data.upload import CUSTOM_DATASET_CODE, UploadLimits, read_image_zip

__all__ = [
    "AUGMENTATIONS",
    "AUGMENTATION_CODE",
    "BatchInfo",
    "COLLATE_CODE",
    "CUSTOM_DATASET_CODE",
    "DATASETS",
    "DOWNLOAD_BYTES",
    "DatasetError",
    "DatasetInfo",
    "DatasetStatus",
    "FASHION_CLASSES",
    "ImageDataset",
    "LoaderSettings",
    "MNIST_CLASSES",
    "OFFLINE_CLASSES",
    "TORCHVISION_FILES",
    "UploadError",
    "UploadLimits",
    "assignment_size",
    "augment",
    "batch_assignment",
    "browse_code",
    "data_root",
    "dataset_status",
    "dataset_title",
    "download_lock",
    "first_batch",
    "is_available",
    "load_dataset",
    "loader_code",
    "make_assignment_figure",
    "make_offline_dataset",
    "mean_std",
    "normalize_report",
    "one_hot",
    "pixel_histogram",
    "read_image_zip",
    "sample_facts",
    "sample_indices",
    "time_workers",
    "to_float",
    "transforms_code",
]
