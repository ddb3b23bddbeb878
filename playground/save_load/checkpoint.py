"""Saving and loading ("Save and Load the Model" chapter), safe for files from strangers.

Reading never unpickles arbitrary objects: pickle-based files go only through
``torch.load(..., weights_only=True, map_location="cpu")`` and safetensors files
through ``safetensors.torch``. A file ``weights_only`` refuses is reported as
unsafe; there is no fallback to ``weights_only=False`` and no environment switch
that allows one (``TORCH_FORCE_WEIGHTS_ONLY_LOAD`` style overrides are ignored
because the argument is always passed explicitly).
"""

from __future__ import annotations

import io
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from playground.core import config as settings
from playground.core.errors import CheckpointError, UnsafeCheckpointError
from playground.core.i18n import Code, Msg
from playground.core.shapes import short
from playground.save_load.scan import check_tensors, scan_pth

SUFFIXES = (".pth", ".pt", ".ckpt", ".safetensors")


# -- saving (always to bytes: nothing is written to a shared disk path) ---------------------
def weights_bytes(model: nn.Module) -> bytes:
    """``torch.save(model.state_dict(), f)``: the tutorial's recommended .pth."""
    buf = io.BytesIO()
    torch.save(model.state_dict(), buf)
    return buf.getvalue()


def safetensors_bytes(model: nn.Module) -> bytes:
    """The state_dict as safetensors: a JSON header plus raw tensor bytes, no pickle at all."""
    from safetensors.torch import save

    tensors = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    return save(tensors)


def checkpoint_bytes(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    *,
    epoch: int,
    loss: float,
    extra: dict[str, Any] | None = None,
) -> bytes:
    """The saving recipe's general checkpoint: model and optimizer state_dicts, epoch, loss."""
    buf = io.BytesIO()
    torch.save(
        {
            "epoch": epoch,
            "model_state_dict": model.state_dict(),
            "optimizer_state_dict": optimizer.state_dict(),
            "loss": loss,
            **(extra or {}),
        },
        buf,
    )
    return buf.getvalue()


def whole_model_bytes(model: nn.Module) -> bytes:
    """``torch.save(model)``: pickles the class by reference. Loading it needs the class and
    ``weights_only=False``, which runs whatever the pickle says: never do that for a stranger's file."""
    buf = io.BytesIO()
    torch.save(model, buf)
    return buf.getvalue()


# -- reading ----------------------------------------------------------------------------------
def read_checkpoint(data: bytes, filename: str) -> Any:
    """Read a file safely: a tensor-only object graph, or raise :class:`CheckpointError`."""
    limit = settings.limits().upload_mb * 2**20
    if not isinstance(data, bytes | bytearray):
        raise CheckpointError("err.checkpoint.upload_file")
    if len(data) > limit:
        raise CheckpointError(
            "err.checkpoint.file_value_f", value=len(data) / 2**20, value2=limit // 2**20
        )
    name = (filename or "").lower()
    if not name.endswith(SUFFIXES):
        raise CheckpointError("err.checkpoint.use_pth_pt", filename=filename)
    if not data:
        raise CheckpointError("err.checkpoint.file_empty_bytes")
    if name.endswith(".safetensors"):
        return _read_safetensors(bytes(data))
    scan_pth(bytes(data), limit=limit)  # zip records and pickle globals, before any unpickling
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except pickle.UnpicklingError as err:
        text = str(err)
        if "Weights only load failed" in text or "Unsupported" in text or "global" in text.lower():
            raise UnsafeCheckpointError("err.checkpoint.file_contains_python") from None
        raise CheckpointError(
            "err.checkpoint.readable_pytorch_file", value=text.splitlines()[0]
        ) from None
    except Exception as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise CheckpointError("err.checkpoint.file_truncated_corrupt", first=first) from None


MAX_TENSORS = 10_000  # a real model's state_dict has hundreds; 300,000 empty ones took 18 s


def _count_safetensors_keys(data: bytes) -> int:
    """The tensors a safetensors header names, read from the header alone (no tensor)."""
    if len(data) < 8:
        raise CheckpointError("err.checkpoint.valid_safetensors_file", err="no header")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8:
        raise CheckpointError("err.checkpoint.valid_safetensors_file", err="header too long")
    header = data[8 : 8 + n]
    # Every tensor entry has exactly one "data_offsets": counting them needs no JSON parse.
    return header.count(b'"data_offsets"')


def _read_safetensors(data: bytes) -> dict[str, torch.Tensor]:
    from safetensors import SafetensorError
    from safetensors.torch import load

    if (count := _count_safetensors_keys(data)) > MAX_TENSORS:
        raise CheckpointError(
            "err.checkpoint.too_many_tensors", n=f"{count:,}", cap=f"{MAX_TENSORS:,}"
        )
    try:
        return load(data)
    except (SafetensorError, ValueError, RuntimeError, OverflowError) as err:
        raise CheckpointError("err.checkpoint.valid_safetensors_file", err=err) from None


def read_state_dict(data: bytes, filename: str) -> dict[str, torch.Tensor]:
    """A flat state_dict from a .pth/.safetensors file or a training checkpoint's model entry."""
    return state_dict_of(read_checkpoint(data, filename))


def state_dict_of(obj: Any) -> dict[str, torch.Tensor]:
    """The flat state_dict inside what :func:`read_checkpoint` returned."""
    if isinstance(obj, dict) and "model_state_dict" in obj:
        obj = obj["model_state_dict"]
    if not isinstance(obj, dict) or not obj:
        raise CheckpointError("err.checkpoint.file_holds_name", type_name=type(obj).__name__)
    bad = [k for k, v in obj.items() if not isinstance(k, str) or not isinstance(v, torch.Tensor)]
    if bad:
        raise CheckpointError("err.checkpoint.state_dict_these", value=short(bad[:5]))
    check_tensors(obj)
    return dict(obj)


@dataclass
class LoadReport:
    missing: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    mismatched: list[tuple[str, tuple[int, ...], tuple[int, ...]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.unexpected or self.mismatched)

    def lines(self) -> list[Msg]:
        out = [Msg("msg.checkpoint.missing_key_k", k=_key(k)) for k in self.missing]
        out += [Msg("msg.checkpoint.unexpected_key_k", k=_key(k)) for k in self.unexpected]
        out += [
            Msg("msg.checkpoint.shape_mismatch_k", k=_key(k), a=a, b=b)
            for k, a, b in self.mismatched
        ]
        return out


def _key(name: str) -> Code:
    """A file's key as inline code (never a link), at most 80 characters."""
    return Code(name if len(name) <= 80 else name[:79] + "…")


def compare(model: nn.Module, state_dict: dict[str, torch.Tensor]) -> LoadReport:
    """Missing keys, unexpected keys and shape mismatches, by name."""
    own = model.state_dict()
    report = LoadReport(
        missing=[k for k in own if k not in state_dict],
        unexpected=[k for k in state_dict if k not in own],
    )
    report.mismatched = [
        (k, tuple(state_dict[k].shape), tuple(own[k].shape))
        for k in own
        if k in state_dict and state_dict[k].shape != own[k].shape
    ]
    return report


def load_into(model: nn.Module, state_dict: dict[str, torch.Tensor], *, strict: bool) -> LoadReport:
    """``load_state_dict`` after checking; non-strict loads the keys that fit and skips the rest."""
    report = compare(model, state_dict)
    if report.mismatched or (strict and not report.ok):
        return report
    fitting = {k: v for k, v in state_dict.items() if k not in report.unexpected}
    model.load_state_dict(fitting, strict=strict)
    return report


def state_dict_rows(module_or_sd: nn.Module | dict[str, torch.Tensor]) -> list[dict[str, Any]]:
    """Keys, shapes, dtypes and bytes: what a state_dict holds (parameters *and* buffers)."""
    sd = module_or_sd.state_dict() if isinstance(module_or_sd, nn.Module) else module_or_sd
    params = (
        {n for n, _ in module_or_sd.named_parameters()}
        if isinstance(module_or_sd, nn.Module)
        else set()
    )
    return [
        {
            "key": k,
            "shape": str(tuple(v.shape)),
            "dtype": str(v.dtype).replace("torch.", ""),
            "bytes": v.numel() * v.element_size(),
            "kind": "parameter" if k in params else "buffer",
        }
        for k, v in sd.items()
    ]


def optimizer_rows(
    optimizer: torch.optim.Optimizer,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The optimizer's state_dict: its param groups, and each state buffer with its shape."""
    sd = optimizer.state_dict()
    groups = [
        {
            k: (str(v) if k == "params" else v)
            for k, v in g.items()
            if not isinstance(v, list | tuple) or k == "params"
        }
        for g in sd["param_groups"]
    ]
    buffers = [
        {
            "param": idx,
            "buffer": name,
            "shape": str(tuple(t.shape)) if isinstance(t, torch.Tensor) else str(t),
        }
        for idx, st in sd["state"].items()
        for name, t in st.items()
    ]
    return groups, buffers


def onnx_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(m) is not None for m in ("onnx", "onnxscript"))


def onnx_bytes(model: nn.Module, input_shape: tuple[int, ...]) -> bytes:
    """``torch.onnx.export(..., dynamo=True)``, PyTorch's current exporter, to bytes.

    It needs the ``[onnx]`` extra (onnx and onnxscript). The weights go inside the one file
    (``external_data=False``), so the download is a complete model.
    """
    import tempfile

    if not onnx_available():
        raise CheckpointError("err.checkpoint.onnx_export_needs")
    model.eval()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        torch.onnx.export(
            model,
            (torch.rand(1, *input_shape),),
            str(path),
            dynamo=True,
            external_data=False,
            verbose=False,
            input_names=["input"],
            output_names=["logits"],
        )
        return path.read_bytes()


def file_size(n: int) -> str:
    """A file's size as a browser's downloads list shows it (decimal units), and in bytes."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}, {n:,} bytes"
    return f"{n:,} bytes"


FILE_NAMES = {
    "safetensors": "model.safetensors",
    "pth": "model_weights.pth",
    "checkpoint": "checkpoint.ckpt",
    "whole": "model.pt",
    "onnx": "model.onnx",
}


def save_bytes(
    fmt: str, model: nn.Module, trainer: Any = None, input_shape: tuple[int, ...] = (1, 28, 28)
) -> bytes:
    """The file for one of the formats the page offers (``trainer`` for a checkpoint)."""
    if fmt == "onnx":
        return onnx_bytes(model, input_shape)
    if fmt == "safetensors":
        return safetensors_bytes(model)
    if fmt == "pth":
        return weights_bytes(model)
    if fmt == "checkpoint":
        return trainer.checkpoint()
    if fmt == "whole":
        return whole_model_bytes(model)
    raise ValueError(f"unknown format {fmt!r}")
