"""Small builders for hostile files: images, zips and PNG headers that lie."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image

EPS = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n{ 1 pop } loop\nshowpage\n"


def png(size: tuple[int, int] = (8, 8), color: int = 128) -> bytes:
    buf = io.BytesIO()
    Image.new("L", size, color).save(buf, format="PNG")
    return buf.getvalue()


def image(fmt: str, size: tuple[int, int] = (16, 16), **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buf, format=fmt, **kw)
    return buf.getvalue()


def png_header(w: int, h: int) -> bytes:
    """A PNG whose header claims w×h pixels; the data is tiny."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def many_scans_jpeg(scans: int) -> bytes:
    """A progressive JPEG followed by ``scans`` start-of-scan segments."""
    base = image("JPEG", (64, 64), progressive=True)
    sos = b"\xff\xda\x00\x08\x01\x01\x00\x00\x3f\x00" + b"\x00" * 4
    return base[:-2] + sos * scans + b"\xff\xd9"


def zipped(members: dict[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, blob in members.items():
            zf.writestr(name, blob)
    return buf.getvalue()


def patched(data: bytes, *, method: int | None = None, encrypted: bool = False) -> bytes:
    """Rewrite every record's compression method, or set its encrypted flag, in place."""
    out = bytearray(data)
    for sig, flags, meth in ((b"PK\x03\x04", 6, 8), (b"PK\x01\x02", 8, 10)):
        at = out.find(sig)
        while at >= 0:
            if method is not None:
                out[at + meth : at + meth + 2] = struct.pack("<H", method)
            if encrypted:
                out[at + flags] |= 0x1
            at = out.find(sig, at + 4)
    return bytes(out)


def torch_zip(pickle_bytes: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The layout torch.save writes, around any data.pkl."""
    return zipped({"archive/data.pkl": pickle_bytes, "archive/version": b"3\n", **(extra or {})})


def inflating_zip() -> bytes:
    """A 1 MB .pth whose one record inflates to 1 GiB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", b"\x80\x02}q\x00.")  # pickle.dumps({}, protocol=2)
        with zf.open("archive/data/0", "w", force_zip64=True) as f:
            chunk = bytes(2**20)
            for _ in range(1024):
                f.write(chunk)
    return buf.getvalue()


def dataset(images: dict[str, bytes], csv: str, **extra: bytes) -> dict[str, bytes]:
    return {
        "data/labels.csv": csv.encode(),
        **{f"data/{k}": v for k, v in images.items()},
        **{f"data/{k}": v for k, v in extra.items()},
    }
