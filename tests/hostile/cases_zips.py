"""Dataset zips from strangers, read by ``read_image_zip`` exactly as the Datasets page reads them."""

from __future__ import annotations

import zipfile
from collections.abc import Callable

from playground.data.upload import read_image_zip
from tests.hostile import files

GOOD = {"a.png": files.png(color=10), "b.png": files.png((40, 20), color=200)}
CSV = "file,label\na.png,cat\nb.png,dog\n"


def _read(members: dict[str, bytes], **kw: object) -> Callable[[], object]:
    data = files.zipped(members, **kw)  # type: ignore[arg-type]
    return lambda: len(read_image_zip(data))


def _raw(data: bytes) -> Callable[[], object]:
    return lambda: len(read_image_zip(data))


_STORED = files.zipped(files.dataset(GOOD, CSV), method=zipfile.ZIP_STORED)
BIG = files.png((2000, 2000), color=7)

SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "Deflate64 members": (_raw(files.patched(_STORED, method=9)), "err.upload.member_method"),
    "AES members": (_raw(files.patched(_STORED, method=99)), "err.upload.member_method"),
    "encrypted members": (_raw(files.patched(_STORED, encrypted=True)), "err.upload.member_method"),
    "non-UTF-8 classes.txt": (
        _read(files.dataset(GOOD, CSV, **{"classes.txt": "cat\ndog\n\xe9".encode("latin-1")})),
        "err.upload.text_encoding",
    ),
    "non-UTF-8 CSV": (
        _read({"data/labels.csv": "a.png,caf\xe9\n".encode("latin-1"), "data/a.png": GOOD["a.png"]}),
        "err.upload.text_encoding",
    ),
    "CSV field over 131,072 characters": (
        _read(files.dataset(GOOD, "file,label\na.png," + "x" * 200_000 + "\n"), method=zipfile.ZIP_STORED),
        "err.upload.csv_invalid",
    ),
    "unclosed quote": (
        _read(files.dataset(GOOD, 'file,label\n"a.png,cat\n' + "b" * 140_000), method=zipfile.ZIP_STORED),
        "err.upload.csv_invalid",
    ),
    "label ²": (_read(files.dataset(GOOD, "file,label\na.png,²\nb.png,1\n")), None),
    "classes.txt with 1,000,000 names": (
        _read(files.dataset(GOOD, CSV, **{"classes.txt": "\n".join(f"c{k}" for k in range(1_000_000)).encode()})),
        "err.upload.too_many_classes",
    ),
    "5,000 rows naming one 2000x2000 PNG": (
        _read(files.dataset({"big.png": BIG}, "file,label\n" + "big.png,cat\n" * 5000), method=zipfile.ZIP_STORED),
        None,
    ),
    "200 different 2000x2000 PNGs": (
        _read(files.dataset({f"p{k}.png": files.png((2000, 2000), color=k) for k in range(200)},
                            "file,label\n" + "".join(f"p{k}.png,cat\n" for k in range(200)))),
        "err.upload.total_pixels",
    ),
    "EPS inside the zip": (_read(files.dataset({"a.png": files.EPS}, "file,label\na.png,cat\n")), "err.upload.at_line"),
    "markup file name": (
        _read(files.dataset(GOOD, "file,label\n[Your upload failed: click to retry](https://evil.example/login),cat\n")),
        "err.upload",
    ),
    "HTML in a class name": (
        _read(files.dataset(GOOD, 'file,label\na.png,<a href="https://evil.example">x</a>\nb.png,dog\n')),
        "err.upload.label_markup",
    ),
    "path traversal": (_read({"data/labels.csv": CSV.encode(), "../evil.png": GOOD["a.png"]}), "err.upload"),
    "not a zip": (_raw(b"PK\x03\x04 this is not a zip"), "err.upload.readable_zip_file"),
    "no CSV": (_read({"data/a.png": GOOD["a.png"]}), "err.upload"),
    "zip bomb member": (_read({**files.dataset(GOOD, CSV), "data/bomb.bin": bytes(50_000_000)}), "err.upload"),
    "10,000 members": (_read({**files.dataset(GOOD, CSV), **{f"data/x{k}": b"" for k in range(10_000)}}), "err.upload"),
    "label 10**6": (_read(files.dataset(GOOD, "file,label\na.png,1000000\nb.png,1\n")), "err.upload"),
    "good zip": (_read(files.dataset(GOOD, CSV)), None),
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
