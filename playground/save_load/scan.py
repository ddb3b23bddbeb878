"""Checks on a ``.pth`` file before ``torch.load`` sees it: its zip records, then its pickle.

``torch.load(weights_only=True)`` is the second wall. The first is here:

* the file must be the zip that ``torch.save`` writes (PyTorch 1.6 and later),
  with no encrypted member, no compression PyTorch does not use, and no record
  that inflates past the upload cap;
* the pickle (``data.pkl``) is read opcode by opcode with :mod:`pickletools`,
  never unpickled, and may import only what a ``state_dict`` or a training
  checkpoint needs: tensor rebuild functions, storages and ``OrderedDict``. So
  ``bytearray``, ``_codecs.encode`` and every other callable are refused before
  anything runs.
"""

from __future__ import annotations

import io
import pickletools
import zipfile

import torch

from playground.core.errors import CheckpointError, UnsafeCheckpointError
from playground.core.shapes import short

_STORAGES = {
    f"torch {name}"
    for name in """FloatStorage DoubleStorage HalfStorage BFloat16Storage LongStorage IntStorage
    ShortStorage CharStorage ByteStorage BoolStorage ComplexFloatStorage ComplexDoubleStorage
    UntypedStorage""".split()
}
ALLOWED_GLOBALS = frozenset(
    {
        "collections OrderedDict",
        "torch._utils _rebuild_tensor_v2",
        "torch._utils _rebuild_parameter",
        "torch._utils _rebuild_parameter_with_state",
        *_STORAGES,
    }
)
# Tensors that a state_dict can hold in PyTorch but that this app cannot show or load.
_SPECIAL_TENSORS = {
    "torch._utils _rebuild_meta_tensor_no_storage": "meta",
    "torch._utils _rebuild_qtensor": "quantized",
    "torch._utils _rebuild_sparse_tensor": "sparse",
    "torch._utils _rebuild_sparse_csr_tensor": "sparse",
    "torch._utils _rebuild_nested_tensor": "nested",
}
_STRINGS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "SHORT_BINSTRING"}
)
MAX_PICKLE_BYTES = 2 * 2**20  # data.pkl of a state_dict is ~150 bytes a tensor
MAX_MEMBERS = 100_000


def scan_pth(data: bytes, *, limit: int) -> None:
    """Refuse a ``.pth`` whose zip or pickle is unsafe or oversized; return if it may be loaded."""
    if not zipfile.is_zipfile(io.BytesIO(data)):
        if data[:1] == b"\x80":  # a bare pickle (the legacy format): name what it imports first
            scan_pickle(data[:MAX_PICKLE_BYTES], partial=True)
        raise CheckpointError("err.scan.not_zip")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pickle_bytes = _read_pickle(archive, limit=limit)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError):
        raise CheckpointError("err.scan.bad_zip") from None
    scan_pickle(pickle_bytes)


def _read_pickle(archive: zipfile.ZipFile, *, limit: int) -> bytes:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise CheckpointError("err.scan.too_many_members", n=len(members))
    inflated = 0
    for m in members:
        if m.flag_bits & 0x1:
            raise CheckpointError("err.scan.encrypted", name=short(m.filename))
        if m.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise CheckpointError("err.scan.compression", name=short(m.filename))
        inflated += m.file_size
        if m.file_size > limit or inflated > limit:
            raise CheckpointError(
                "err.scan.inflates", mb=f"{inflated / 2**20:,.0f}", max_mb=limit // 2**20
            )
    pickles = [m for m in members if m.filename.endswith("/data.pkl") or m.filename == "data.pkl"]
    if len(pickles) != 1:
        raise CheckpointError("err.scan.no_pickle")
    if pickles[0].file_size > MAX_PICKLE_BYTES:
        raise CheckpointError("err.scan.pickle_too_big", kb=pickles[0].file_size // 1024)
    return archive.read(pickles[0])


def scan_pickle(data: bytes, *, partial: bool = False) -> None:
    """Walk the opcodes: every imported global must be in :data:`ALLOWED_GLOBALS`.

    ``partial=True`` stops quietly where the stream ends or breaks (a legacy file
    holds several pickles and raw bytes); only a refused global raises.
    """
    strings: list[str] = []  # recent string pushes, for STACK_GLOBAL (module, name)
    memo: dict[int, str] = {}
    try:
        for opcode, arg, _pos in pickletools.genops(data):
            name = opcode.name
            if name in _STRINGS:
                strings = [*strings[-1:], str(arg)]
            elif name in ("BINPUT", "LONG_BINPUT", "PUT") and strings and isinstance(arg, int):
                memo[arg] = strings[-1]
            elif name in ("BINGET", "LONG_BINGET", "GET") and arg in memo:
                strings = [*strings[-1:], memo[arg]]
            elif name in ("MEMOIZE",) and strings:
                memo[len(memo)] = strings[-1]
            if name in ("GLOBAL", "INST"):
                _check_global(str(arg))
            elif name == "STACK_GLOBAL":
                _check_global(" ".join(strings[-2:]) if len(strings) == 2 else "?")
    except CheckpointError:
        raise
    except Exception:  # pickletools' own ValueError on a truncated or invalid stream
        if not partial:
            raise CheckpointError("err.scan.bad_pickle") from None


def _check_global(qualified: str) -> None:
    if qualified in ALLOWED_GLOBALS:
        return
    if qualified in _SPECIAL_TENSORS:
        raise CheckpointError("err.scan.special_tensor", kind=_SPECIAL_TENSORS[qualified])
    raise UnsafeCheckpointError("err.scan.global", name=short(qualified.replace(" ", ".")))


def check_tensors(state: dict[str, torch.Tensor]) -> None:
    """Meta, quantized and sparse tensors get their own message instead of a RuntimeError later."""
    for key, t in state.items():
        kind = (
            "meta"
            if t.is_meta
            else "quantized"
            if t.is_quantized
            else "sparse"
            if t.layout != torch.strided
            else None
        )
        if kind:
            raise CheckpointError("err.scan.special_tensor_key", kind=kind, key=short(key))
