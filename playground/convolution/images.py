"""The grey image a convolution slides over: a class of the offline set, a FashionMNIST
test image when the data is on disk, or an upload, resized by Pillow to a side the page offers."""

from __future__ import annotations

import functools
import threading

import numpy as np
import torch
from PIL import Image

from playground.core import config as settings
from playground.core.errors import UploadError
from playground.core.images import decode_image
from playground.data.offline import CLASSES, make_offline

__all__ = ["MAX_UPLOAD_PIXELS", "SIDES", "offline_pixels", "resized", "upload_pixels"]

SIDES = (8, 14, 28)  # 14: small enough to read every number, big enough to see the shape
MAX_UPLOAD_PIXELS = 4096 * 4096


_DRAWING = threading.Lock()


def _offline(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Ten test images of the offline set, one per class (read-only: shared by every session).

    Drawn by one session while the others wait: ``lru_cache`` alone let a hundred sessions
    opening Convolution at once each draw them, every small op queueing for the GIL."""
    with _DRAWING:
        return _drawn(seed)


@functools.lru_cache(maxsize=4)
def _drawn(seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    return make_offline(train=False, seed=seed, n=len(CLASSES))


def offline_pixels(label: int, seed: int) -> torch.Tensor:
    """(28, 28) uint8: the offline set's test image of class ``label`` for this seed."""
    images, labels = _offline(seed)
    return images[int((labels == label).nonzero()[0])][0].clone()


def resized(pixels: torch.Tensor, side: int) -> torch.Tensor:
    """(side, side) uint8 through Pillow's bilinear resize (the script carries the result)."""
    if tuple(pixels.shape) == (side, side):
        return pixels
    img = Image.fromarray(pixels.numpy(), mode="L").resize((side, side), Image.Resampling.BILINEAR)
    return torch.from_numpy(np.asarray(img).copy())


def upload_pixels(data: bytes, side: int) -> torch.Tensor:
    """An uploaded picture as (side, side) grey uint8; raster formats only (an UploadError)."""
    if len(data) > settings.limits().upload_mb * 2**20:
        raise UploadError("err.upload.image_over_upload", mb=settings.limits().upload_mb)
    img = decode_image(data, mode="L", size=(side, side), max_pixels=MAX_UPLOAD_PIXELS)
    return torch.from_numpy(np.asarray(img).copy())
