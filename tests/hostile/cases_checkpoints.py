"""Checkpoints from strangers: zip bombs, pickle gadgets, odd tensors. Read as the page reads them."""

from __future__ import annotations

import io
import os
import pickle
import struct
import warnings
from collections.abc import Callable

import torch

from playground import layers as md
from playground import save_load as ck
from tests.hostile import files

CANARY = "/tmp/playground-canary-checkpoint"


def _saved(obj: object) -> bytes:
    buf = io.BytesIO()
    torch.save(obj, buf)
    return buf.getvalue()


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
    "record inflating to 1 GiB": (_lazy(files.inflating_zip), "err.scan.inflates"),
    "bytearray(2**30) in data.pkl": (
        _read(files.torch_zip(b"\x80\x02cbuiltins\nbytearray\nJ\x00\x00\x00@\x85R.")),
        "err.scan.global",
    ),
    "_codecs.encode punycode": (
        _read(files.torch_zip(b"\x80\x02c_codecs\nencode\nX\x05\x00\x00\x00aaaaaX\x08\x00\x00\x00punycode\x86R.")),
        "err.scan.global",
    ),
    "os.system gadget, protocol 2": (_read(files.torch_zip(pickle.dumps(_System(), protocol=2))), "err.scan.global"),
    "os.system gadget, STACK_GLOBAL": (_read(files.torch_zip(pickle.dumps(_System(), protocol=4))), "err.scan.global"),
    "os.system gadget, legacy file": (_read(pickle.dumps(_System(), protocol=2)), "err.scan.global"),
    "whole model pickle": (_read(_saved(md.build_model(md.PRESETS["tutorial"]))), "err.scan.global"),
    "24-deep shared tuple key": (_read(_saved({_deep_tuple(24): torch.ones(1)})), "err.checkpoint"),
    "meta tensor": (_read(_saved({"w": torch.empty(3, device="meta")})), "err.scan.special_tensor"),
    "quantized tensor": (
        _read(_saved({"w": _quantized()})),
        "err.scan.special_tensor",
    ),
    "sparse tensor": (_read(_saved({"w": torch.eye(3).to_sparse()})), "err.scan.special_tensor"),
    "Deflate64 record": (_read(files.patched(_GOOD, method=9)), "err.scan"),
    "AES record": (_read(files.patched(_GOOD, method=99)), "err.scan"),
    "encrypted record": (_read(files.patched(_GOOD, encrypted=True)), "err.scan.encrypted"),
    "100,001 records": (
        _lazy(lambda: files.torch_zip(pickle.dumps({}, protocol=2), {f"archive/x{k}": b"" for k in range(100_001)})),
        "err",
    ),
    "3 MB data.pkl": (_read(files.torch_zip(b"\x80\x02" + b"K\x01" * 1_500_000 + b".")), "err.scan.pickle_too_big"),
    "truncated": (_read(_GOOD[: len(_GOOD) // 2]), "err.scan.not_zip"),
    "not a checkpoint at all": (_read(b"%PDF-1.7\n" + bytes(1000)), "err.scan.not_zip"),
    "exe suffix": (_read(_GOOD, "model.exe"), "err.checkpoint"),
    "safetensors header bomb": (_read(struct.pack("<Q", 2**40) + b"{}", "model.safetensors"), "err.checkpoint"),
    "markup file name": (_read(b"x", "[click](https://evil.example).txt"), "err.checkpoint"),
    "good weights load": (lambda: len(ck.read_state_dict(_GOOD, "model.pth")), None),
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
