"""Checkpoints from strangers: zip bombs, pickle gadgets, odd tensors. Read as the page reads them."""

from __future__ import annotations

import io
import os
import pickle
import struct
import warnings
import zipfile
from collections import OrderedDict
from collections.abc import Callable

import torch

from playground import layers as md
from playground import save_load as ck

CANARY = "/tmp/playground-canary-checkpoint"


def _saved(obj: object) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


def _torch_zip(pickle_bytes: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The layout torch.save writes, around any data.pkl."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("archive/data.pkl", pickle_bytes)
        zf.writestr("archive/version", b"3\n")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def _inflating_zip() -> bytes:
    """A 1 MB .pth whose one record inflates to 1 GiB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("archive/data.pkl", pickle.dumps(OrderedDict(), protocol=2))
        with zf.open("archive/data/0", "w", force_zip64=True) as f:
            chunk = bytes(2**20)
            for _ in range(1024):
                f.write(chunk)
    return buf.getvalue()


def _patched_method(data: bytes, method: int) -> bytes:
    """Rewrite every record's compression method (Deflate64 = 9, AES = 99) in place."""
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        at = out.find(sig)
        while at >= 0:
            out[at + offset : at + offset + 2] = struct.pack("<H", method)
            at = out.find(sig, at + 4)
    return bytes(out)


def _encrypted(data: bytes) -> bytes:
    out = bytearray(data)
    for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = out.find(sig)
        while at >= 0:
            out[at + offset] |= 0x1
            at = out.find(sig, at + 4)
    return bytes(out)


class _System:
    def __reduce__(self):
        return (os.system, (f"touch {CANARY}",))


def _deep_tuple(depth: int) -> tuple:
    t: tuple = ()
    for _ in range(depth):
        t = (t, t)  # shared: 2**depth leaves in repr, 2*depth objects in memory
    return t


def _quantized() -> torch.Tensor:
    with warnings.catch_warnings():  # quantized dtypes are deprecated; files with them still exist
        warnings.simplefilter("ignore", UserWarning)
        return torch.quantize_per_tensor(torch.ones(3), 0.1, 0, torch.quint8)


_GOOD = ck.weights_bytes(md.build_model(md.PRESETS["tutorial"]))


def _read(data: bytes, name: str = "model.pth") -> Callable[[], object]:
    return lambda: ck.read_state_dict(data, name)


def _lazy(make: Callable[[], bytes], name: str = "model.pth") -> Callable[[], object]:
    data = make()
    return lambda: ck.read_state_dict(data, name)


SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "record inflating to 1 GiB": (_lazy(_inflating_zip), "err.scan.inflates"),
    "bytearray(2**30) in data.pkl": (
        _read(_torch_zip(b"\x80\x02cbuiltins\nbytearray\nJ\x00\x00\x00@\x85R.")),
        "err.scan.global",
    ),
    "_codecs.encode punycode": (
        _read(_torch_zip(b"\x80\x02c_codecs\nencode\nX\x05\x00\x00\x00aaaaaX\x08\x00\x00\x00punycode\x86R.")),
        "err.scan.global",
    ),
    "os.system gadget, protocol 2": (_read(_torch_zip(pickle.dumps(_System(), protocol=2))), "err.scan.global"),
    "os.system gadget, STACK_GLOBAL": (_read(_torch_zip(pickle.dumps(_System(), protocol=4))), "err.scan.global"),
    "os.system gadget, legacy file": (_read(pickle.dumps(_System(), protocol=2)), "err.scan.global"),
    "whole model pickle": (_read(_saved(md.build_model(md.PRESETS["tutorial"]))), "err.scan.global"),
    "24-deep shared tuple key": (_read(_saved({_deep_tuple(24): torch.ones(1)})), "err.checkpoint"),
    "meta tensor": (_read(_saved({"w": torch.empty(3, device="meta")})), "err.scan.special_tensor"),
    "quantized tensor": (
        _read(_saved({"w": _quantized()})),
        "err.scan.special_tensor",
    ),
    "sparse tensor": (_read(_saved({"w": torch.eye(3).to_sparse()})), "err.scan.special_tensor"),
    "Deflate64 record": (_read(_patched_method(_GOOD, 9)), "err.scan"),
    "AES record": (_read(_patched_method(_GOOD, 99)), "err.scan"),
    "encrypted record": (_read(_encrypted(_GOOD)), "err.scan.encrypted"),
    "100,001 records": (
        _lazy(lambda: _torch_zip(pickle.dumps({}, protocol=2), {f"archive/x{k}": b"" for k in range(100_001)})),
        "err",
    ),
    "3 MB data.pkl": (_read(_torch_zip(b"\x80\x02" + b"K\x01" * 1_500_000 + b".")), "err.scan.pickle_too_big"),
    "truncated": (_read(_GOOD[: len(_GOOD) // 2]), "err.scan.not_zip"),
    "not a checkpoint at all": (_read(b"%PDF-1.7\n" + bytes(1000)), "err.scan.not_zip"),
    "exe suffix": (_read(_GOOD, "model.exe"), "err.checkpoint"),
    "safetensors header bomb": (_read(struct.pack("<Q", 2**40) + b"{}", "model.safetensors"), "err.checkpoint"),
    "markup file name": (_read(b"x", "[click](https://evil.example).txt"), "err.checkpoint"),
    "good weights load": (lambda: len(ck.read_state_dict(_GOOD, "model.pth")), None),
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
