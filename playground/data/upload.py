"""Your own dataset: a zip of images plus a ``file,label`` CSV, checked before anything is read.

The archive is read in memory and never extracted: only the members the CSV
names are read, each under size caps, and decoded with Pillow after a header
check. Every refusal is an :class:`UploadError` whose message names the problem.
"""

from __future__ import annotations

import csv
import io
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath

import torch

from playground.core import config as settings
from playground.core.errors import UploadError
from playground.core.images import RASTER_FORMATS, decode_image, image_size
from playground.core.shapes import short
from playground.data.datasets import ImageDataset

__all__ = [
    "CUSTOM_DATASET_CODE",
    "UploadError",
    "UploadLimits",
    "read_image_zip",
]

# What reading a member can raise besides our own refusals: a damaged zip, an
# unsupported method (Deflate64, AES) that slipped past the header check, bad data.
_ZIP_ERRORS = (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error)
MAX_CLASSES = 1000


@dataclass(frozen=True)
class UploadLimits:
    max_archive_bytes: int = 20 * 2**20
    max_members: int = 5_000
    max_total_bytes: int = 200 * 2**20  # uncompressed, all members
    max_member_bytes: int = 10 * 2**20
    max_ratio: float = 100.0  # uncompressed / compressed, per member
    max_pixels: int = 4_000_000  # per image, checked from its header before decoding
    max_images: int = 5_000
    max_total_pixels: int = 64_000_000  # all distinct images together, from their headers
    image_size: int = 28  # every image becomes size × size


def _unsafe_name(name: str) -> str | None:
    """Why a member name could escape the folder it would be extracted to, or None."""
    if "\\" in name:
        name = name.replace("\\", "/")
        if ".." in name.split("/"):
            return "a '..' component"
    if name.startswith("/"):
        return "an absolute path"
    if len(name) >= 2 and name[1] == ":":
        return "a drive letter"
    if ".." in PurePosixPath(name).parts:
        return "a '..' component"
    if "\x00" in name:
        return "a NUL byte"
    return None


def _check_archive(zf: zipfile.ZipFile, lim: UploadLimits) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > lim.max_members:
        raise UploadError(
            "err.upload.zip_infos_members", infos=len(infos), max_members=lim.max_members
        )
    total = 0
    members: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        reason = _unsafe_name(info.filename)
        if reason:
            raise UploadError(
                "err.upload.refused_member_filename", filename=info.filename, reason=reason
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadError("err.upload.refused_member_filename2", filename=info.filename)
        if info.is_dir():
            continue
        if info.flag_bits & 0x1 or info.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise UploadError("err.upload.member_method", name=info.filename)
        total += info.file_size
        if total > lim.max_total_bytes:
            raise UploadError("err.upload.zip_unpacks_more", value=lim.max_total_bytes // 2**20)
        if info.file_size > lim.max_member_bytes:
            raise UploadError(
                "err.upload.filename_r_unpacks",
                filename=info.filename,
                file_size=info.file_size,
                max_member_bytes=lim.max_member_bytes,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > lim.max_ratio:
            raise UploadError(
                "err.upload.filename_r_compressed",
                filename=info.filename,
                ratio=ratio,
                max_ratio=lim.max_ratio,
            )
        members[info.filename] = info
    return members


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, lim: UploadLimits) -> bytes:
    try:
        with zf.open(info) as f:  # read at most one byte more than declared: lying headers fail
            data = f.read(min(info.file_size, lim.max_member_bytes) + 1)
    except _ZIP_ERRORS as err:
        raise UploadError(
            "err.upload.line_line_file", line="-", file=info.filename, err=type(err).__name__
        ) from None
    if len(data) > info.file_size:
        raise UploadError("err.upload.filename_r_larger", filename=info.filename)
    return data


def _read_text(zf: zipfile.ZipFile, info: zipfile.ZipInfo, lim: UploadLimits) -> str:
    try:
        return _read(zf, info, lim).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadError("err.upload.text_encoding", name=info.filename) from None


def _pixels(data: bytes, name: str, line: int) -> int:
    try:
        w, h = image_size(data)
    except UploadError as err:
        raise UploadError("err.upload.at_line", line=line, name=name, reason=err) from None
    return w * h


def _decode(data: bytes, name: str, line: int, lim: UploadLimits) -> torch.Tensor:
    try:
        img = decode_image(
            data, mode="L", size=(lim.image_size, lim.image_size), max_pixels=lim.max_pixels
        )
    except UploadError as err:
        raise UploadError("err.upload.at_line", line=line, name=name, reason=err) from None
    return torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8).reshape(
        1, lim.image_size, lim.image_size
    )


def _parse_csv(text: str) -> list[tuple[int, str, str]]:
    rows = []
    reader = csv.reader(io.StringIO(text))
    try:
        numbered = list(enumerate(reader, start=1))
    except csv.Error:
        raise UploadError("err.upload.csv_invalid", line=reader.line_num) from None
    for line, row in numbered:
        if not row or not "".join(row).strip():
            continue
        if len(row) != 2:
            raise UploadError("err.upload.csv_line_line", line=line, row=len(row))
        file, label = row[0].strip(), row[1].strip()
        if line == 1 and (file.lower(), label.lower()) in {
            ("file", "label"),
            ("filename", "label"),
        }:
            continue  # a header row
        rows.append((line, file, label))
    if not rows:
        raise UploadError("err.upload.csv_no_rows")
    return rows


def read_image_zip(data: bytes, *, limits: UploadLimits | None = None) -> ImageDataset:
    """Validate an uploaded zip and decode the images its CSV names into an :class:`ImageDataset`.

    Labels are class names, or integers when every label is one. A
    ``classes.txt`` (one name per line) fixes the class list; then any other
    label is refused as unknown.
    """
    lim = limits or UploadLimits(max_archive_bytes=settings.limits().upload_mb * 2**20)
    if len(data) > lim.max_archive_bytes:
        raise UploadError("err.upload.zip_over_value", value=lim.max_archive_bytes // 2**20)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise UploadError("err.upload.readable_zip_file") from None
    with zf:
        members = _check_archive(zf, lim)
        csvs = [n for n in members if n.lower().endswith(".csv")]
        if len(csvs) != 1:
            raise UploadError("err.upload.zip_hold_exactly", csvs=len(csvs))
        rows = _parse_csv(_read_text(zf, members[csvs[0]], lim))
        if len(rows) > lim.max_images:
            raise UploadError(
                "err.upload.csv_lists_rows", rows=len(rows), max_images=lim.max_images
            )
        folder = str(PurePosixPath(csvs[0]).parent)
        prefix = "" if folder == "." else folder + "/"
        missing = [(line, f) for line, f, _ in rows if prefix + f not in members]
        if missing:
            listed = ", ".join(f"line {line}: {f}" for line, f in missing[:10])
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise UploadError("err.upload.csv_names_files", listed=listed, more=more)
        classes = _classes(zf, members, prefix, rows, lim)
        index = {name: k for k, name in enumerate(classes)}
        decoded: dict[str, torch.Tensor] = {}  # each distinct member is decoded once
        images, targets, pixels = [], [], 0
        for line, file, label in rows:
            if file not in decoded:
                blob = _read(zf, members[prefix + file], lim)
                pixels += _pixels(blob, file, line)
                if pixels > lim.max_total_pixels:
                    raise UploadError(
                        "err.upload.total_pixels", max_pixels=f"{lim.max_total_pixels:,}"
                    )
                decoded[file] = _decode(blob, file, line, lim)
            images.append(decoded[file])
            targets.append(index[label] if label in index else int(label))
    return ImageDataset(torch.stack(images), torch.tensor(targets), tuple(classes))


def _classes(
    zf: zipfile.ZipFile,
    members: dict[str, zipfile.ZipInfo],
    prefix: str,
    rows: list[tuple[int, str, str]],
    lim: UploadLimits,
) -> list[str]:
    labels = [label for _, _, label in rows]
    listing = prefix + "classes.txt"
    if listing in members:
        names = [n.strip() for n in _read_text(zf, members[listing], lim).splitlines()]
        names = [n for n in names if n]
        if len(names) > MAX_CLASSES:
            raise UploadError("err.upload.too_many_classes", n=len(names), max_classes=MAX_CLASSES)
        _refuse_markup(names)
        known = set(names)
        unknown = [
            (line, label)
            for line, _, label in rows
            if label not in known and not (_is_int(label) and int(label) < len(names))
        ]
        if unknown:
            listed = ", ".join(f"line {line}: {short(label)}" for line, label in unknown[:10])
            raise UploadError("err.upload.unknown_labels_classes", listed=listed)
        return names
    bad = [(line, label) for line, _, label in rows if not label or len(label) > 40]
    if bad:
        listed = ", ".join(f"line {line}: {short(label)}" for line, label in bad[:10])
        raise UploadError("err.upload.unknown_labels_empty", listed=listed)
    _refuse_markup(labels)
    if all(_is_int(label) for label in labels):
        top = max(int(label) for label in labels)
        if top >= 1000:
            raise UploadError("err.upload.label_top_too", top=top)
        return [str(k) for k in range(top + 1)]
    return sorted(set(labels))


def _refuse_markup(names: list[str]) -> None:
    """Class names end up in chart labels, which render a little HTML: no tags, ever."""
    bad = [n for n in names if "<" in n or ">" in n]
    if bad:
        raise UploadError("err.upload.label_markup", listed=", ".join(short(n) for n in bad[:5]))


def _is_int(label: str) -> bool:
    """ASCII digits only: ``"²".isdigit()`` is True, but ``int("²")`` fails."""
    return label.isascii() and label.isdigit()


CUSTOM_DATASET_CODE = """# needs pandas besides torch and torchvision, as the tutorial's: pip install pandas
import os
import pandas as pd
from PIL import Image
from torch.utils.data import Dataset
from torchvision.transforms.v2.functional import pil_to_tensor


class CustomImageDataset(Dataset):
    def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
        self.img_labels = pd.read_csv(annotations_file)
        self.img_dir = img_dir
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.img_labels)

    def __getitem__(self, idx):
        img_path = os.path.join(self.img_dir, self.img_labels.iloc[idx, 0])
        # formats=: raster only, so Pillow never hands an EPS or PDF to Ghostscript
        with Image.open(img_path, formats=@FORMATS@) as img:
            image = pil_to_tensor(img)
        label = self.img_labels.iloc[idx, 1]
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


# after unzipping your archive into ./my_images, with labels.csv beside the images:
dataset = CustomImageDataset("my_images/labels.csv", "my_images")
""".replace("@FORMATS@", repr(list(RASTER_FORMATS)))
