"""Decoding an uploaded image, safely: raster formats only, bounded pixels and scans.

Pillow is asked for PNG, JPEG, BMP, GIF and WebP only (``formats=``), so an EPS,
PS or PDF file with a ``.png`` name never reaches Ghostscript. The size comes from
the header before anything is decoded; a progressive JPEG with too many scans is
refused (each scan re-decodes the whole image); Pillow's decompression-bomb warning
is an error here, inside this call only, not for the whole process.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from typing import TypeVar

from PIL import Image, UnidentifiedImageError

from playground.core.errors import UploadError

__all__ = ["MAX_JPEG_SCANS", "RASTER_FORMATS", "decode_image", "image_size"]

RASTER_FORMATS = ("PNG", "JPEG", "BMP", "GIF", "WEBP")
MAX_JPEG_SCANS = 64  # a progressive JPEG has about 10; 20,000 took 8.6 s to decode
T = TypeVar("T")
_SOS = b"\xff\xda"  # start of scan; 0xFF inside entropy-coded data is always stuffed


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the header alone, nothing decoded; raster formats only."""
    return _safely(data, lambda img: img.size, max_pixels=Image.MAX_IMAGE_PIXELS or 0)


def decode_image(data: bytes, *, mode: str, size: tuple[int, int], max_pixels: int) -> Image.Image:
    """``data`` as a ``mode`` image resized to ``size`` (width, height), or an :class:`UploadError`.

    Only the first frame of an animated GIF or WebP is decoded.
    """

    def decode(img: Image.Image) -> Image.Image:
        w, h = img.size
        if w * h > max_pixels:
            raise UploadError("err.image.pixels", w=w, h=h, max_pixels=f"{max_pixels:,}")
        if img.format == "JPEG":
            scans = data.count(_SOS)
            if scans > MAX_JPEG_SCANS:
                raise UploadError("err.image.scans", scans=scans, max_scans=MAX_JPEG_SCANS)
            img.draft(mode, size)  # decode at a reduced scale when JPEG allows it
        return img.convert(mode).resize(size, Image.Resampling.BILINEAR)

    return _safely(data, decode, max_pixels=max_pixels)


def _safely(data: bytes, use: Callable[[Image.Image], T], *, max_pixels: int) -> T:
    """Open ``data`` with raster decoders only and run ``use``; every failure an UploadError."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=RASTER_FORMATS) as img:
                return use(img)
    except UploadError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UploadError("err.image.bomb", max_pixels=f"{max_pixels:,}") from None
    except UnidentifiedImageError:
        raise UploadError("err.image.not_raster", formats=", ".join(RASTER_FORMATS)) from None
    except Exception as err:  # truncated data: OSError, SyntaxError, struct.error, zlib.error...
        raise UploadError("err.image.broken", error=type(err).__name__) from None
