"""Images from strangers, decoded as the Save & load page and the dataset upload decode them."""

from __future__ import annotations

from collections.abc import Callable

from playground import save_load as ck
from playground.core.images import decode_image
from tests.hostile import files


def _infer(data: bytes, shape: tuple[int, int, int] = (1, 28, 28)) -> Callable[[], object]:
    return lambda: tuple(ck.image_to_input(data, shape).shape)


def _gif_frames(n: int) -> bytes:
    import io

    from PIL import Image

    frames = [Image.new("L", (64, 64), k % 256) for k in range(n)]
    buf = io.BytesIO()
    frames[0].save(buf, format="GIF", save_all=True, append_images=frames[1:])
    return buf.getvalue()


def WARMUP() -> None:  # noqa: N802
    decode_image(files.png(), mode="L", size=(28, 28), max_pixels=10**6)


SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "EPS named .png": (_infer(files.EPS), "err.image.not_raster"),
    "PDF": (
        _infer(b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"),
        "err.image.not_raster",
    ),
    "PostScript": (_infer(b"%!PS\n/loop { loop } def\nshowpage\n"), "err.image.not_raster"),
    "TIFF": (_infer(files.image("TIFF")), "err.image.not_raster"),
    "text file": (_infer(b"just some text, not an image"), "err.image.not_raster"),
    "zero bytes": (_infer(b""), "err.image.not_raster"),
    "progressive JPEG with 20,000 scans": (
        _infer(files.many_scans_jpeg(20_000)),
        "err.image.scans",
    ),
    "20-megapixel PNG": (_infer(files.png_header(5000, 4000)), "err.image.pixels"),
    "30000x30000 PNG header": (_infer(files.png_header(30000, 30000)), "err.image.bomb"),
    "truncated PNG": (_infer(files.png((64, 64))[:60]), "err.image.broken"),
    "truncated JPEG": (_infer(files.image("JPEG", (64, 64))[:200]), "err.image.broken"),
    "over the upload limit": (
        _infer(b"\x89PNG" + bytes(30 * 2**20)),
        "err.upload.image_over_upload",
    ),
    "GIF with 2,000 frames": (_infer(_gif_frames(2000)), None),
    "RGB model input from a grey PNG": (_infer(files.png((50, 30)), (3, 32, 32)), None),
    "good PNG": (_infer(files.png((100, 100))), None),
    "good WebP": (_infer(files.image("WEBP")), None),
    "good BMP": (_infer(files.image("BMP")), None),
}
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
