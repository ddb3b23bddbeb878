"""Chapter 7, "Save and load the model": state_dicts, checkpoints and safe uploads."""

from __future__ import annotations

from playground.core.errors import CheckpointError, UnsafeCheckpointError
from playground.save_load.checkpoint import (
    FILE_NAMES,
    SUFFIXES,
    LoadReport,
    checkpoint_bytes,
    compare,
    file_size,
    load_into,
    onnx_available,
    onnx_bytes,
    optimizer_rows,
    read_checkpoint,
    read_state_dict,
    safetensors_bytes,
    save_bytes,
    state_dict_of,
    state_dict_rows,
    weights_bytes,
    whole_model_bytes,
)
from playground.save_load.code import (
    LOAD_CODE,
    SAVE_CODE,
    explorer_code,
    inference_code,
    load_code,
    model_prelude,
    modes_code,
    save_code,
)
from playground.save_load.modes import (
    ModeDemo,
    image_to_input,
    train_vs_eval,
)

__all__ = [
    "CheckpointError",
    "FILE_NAMES",
    "LOAD_CODE",
    "LoadReport",
    "ModeDemo",
    "SAVE_CODE",
    "SUFFIXES",
    "UnsafeCheckpointError",
    "checkpoint_bytes",
    "compare",
    "explorer_code",
    "file_size",
    "image_to_input",
    "inference_code",
    "load_code",
    "load_into",
    "model_prelude",
    "modes_code",
    "onnx_available",
    "onnx_bytes",
    "optimizer_rows",
    "read_checkpoint",
    "read_state_dict",
    "safetensors_bytes",
    "save_bytes",
    "save_code",
    "state_dict_of",
    "state_dict_rows",
    "train_vs_eval",
    "weights_bytes",
    "whole_model_bytes",
]
