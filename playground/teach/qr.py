"""The join link as a QR code for the projector (segno: pure Python, no image library)."""

from __future__ import annotations

import io

import segno

__all__ = ["qr_png"]


def qr_png(url: str, *, scale: int = 8) -> bytes:
    """A PNG of ``url``'s QR code, error correction M, a quiet zone of two modules."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
