"""The red team's second pass (#29): inputs that slipped past the budget, each in both
languages and inside the worker's CPU and memory limits."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import torch

from playground import layers as md
from playground import save_load as ck
from playground import tensors as tns
from playground import training as trn
from playground.core.expr import evaluate
from playground.data.datasets import make_offline_dataset

TRAIN, TEST = make_offline_dataset(0), make_offline_dataset(0, train=False)
L = md.LayerSpec.of


def _trace(
    specs: list[md.LayerSpec], shape: tuple[int, ...], batch: int = 3
) -> Callable[[], object]:
    return lambda: md.check_model(specs, shape, batch=batch).output_shape


def _parsed(text: str) -> list[md.LayerSpec]:
    return [md.parse_args(kind, args) for kind, args in (p.split("(", 1) for p in text.split(";"))
            for args in [args.removesuffix(")")]]  # fmt: skip


def _checkpoint(**edit: object) -> dict:
    """A real training checkpoint (2 epochs, 256 samples), read back, with fields replaced."""
    t = trn.Trainer(md.PRESETS["tutorial"], (1, 28, 28), TRAIN, TEST, trn.TrainConfig(epochs=2), subset=256, dataset="offline")  # fmt: skip
    t.run(max_batches=5)
    ckpt = ck.read_checkpoint(t.checkpoint(), "run.ckpt")
    for key, value in edit.items():
        if key.startswith("history."):
            ckpt["history"][key.split(".", 1)[1]] = value
        else:
            ckpt[key] = value
    return ckpt


def _resume(**edit: object) -> Callable[[], object]:
    ckpt = _checkpoint(**edit)
    return lambda: trn.resume(ckpt, lambda name, train: TRAIN if train else TEST).epoch


def _with_config(**edit: object) -> Callable[[], object]:
    """A checkpoint whose saved TrainConfig says something the Training page never offers."""
    ckpt = _checkpoint()
    ckpt["config"] = {**ckpt["config"], **edit}
    return lambda: trn.resume(ckpt, lambda name, train: TRAIN if train else TEST).epoch


def _with_layer(kind: str, args: list) -> Callable[[], object]:
    ckpt = _checkpoint()
    ckpt["specs"] = [[kind, args], *ckpt["specs"][1:]]
    return lambda: trn.resume(ckpt, lambda name, train: TRAIN if train else TEST).epoch


def _safetensors_with(n: int) -> bytes:
    header = {f"k{i}": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]} for i in range(n)}
    raw = json.dumps(header).encode()
    return len(raw).to_bytes(8, "little") + raw


def _lab(specs: list[md.LayerSpec]) -> Callable[[], object]:
    return lambda: trn.pipeline_times(TRAIN, specs, samples=640)


_INDEX_T = torch.arange(12.0).reshape(3, 4)
_MANY = (_safetensors_with(100_000), _safetensors_with(300_000))  # made before the clock starts

SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    # Pooling counts its window: these took 17 s, 6.7 s and 4.1 s before.
    "MaxPool2d(63, 1) on (1, 1200, 1200)": (_trace([L("MaxPool2d", 63, stride=1)], (1, 1200, 1200)), "err.budget"),
    "MaxPool2d(64, 1) on (3, 600, 600)": (_trace([L("MaxPool2d", 64, stride=1)], (3, 600, 600)), "err.budget"),
    "AvgPool2d(63) on (1, 800, 800)": (_trace([L("AvgPool2d", 63)], (1, 800, 800)), None),
    "max_pool2d(x, 63, 1) typed": (lambda: evaluate("F.max_pool2d(torch.ones(1, 1, 1200, 1200), 63, 1)"), "err.expr"),
    "sort of a million typed": (lambda: evaluate("torch.randn(1000000).sort().values[0]"), None),
    # One door: the Training page's link model and the pipeline lab.
    "lab with Linear(784, 100000)": (_lab(_parsed("Flatten();Linear(784, 100000);ReLU();Linear(100000, 10)")), "err.layers"),
    "lab with the tutorial model": (_lab(md.PRESETS["tutorial"]), None),
    "checkpoint layer with device='cpu'": (_with_layer("Linear", [["in_features", 784], ["out_features", 10], ["device", "cpu"]]), "err.layers"),
    "checkpoint layer Identity": (_with_layer("Identity", []), "err.layers"),
    "checkpoint layer System": (_with_layer("System", [["cmd", "id"]]), "err.layers"),
    "checkpoint layer with a string size": (_with_layer("Linear", [["in_features", 784], ["out_features", "10"]]), "err.layers"),
    "checkpoint layer 501M parameters": (_with_layer("Linear", [["in_features", 784], ["out_features", 640_000]]), "err.layers"),
    # Checkpoint records, by type and range.
    "order with huge indices": (_resume(order=torch.full((256,), 10**12)), "err.training"),
    "order of floats": (_resume(order=torch.arange(256.0)), "err.training"),
    "order 2-D": (_resume(order=torch.arange(256).reshape(16, 16)), "err.training"),
    "epoch -10**6": (_resume(epoch=-(10**6)), "err.training"),
    "epoch as a string": (_resume(epoch="1"), "err.training"),
    "batch 10**9": (_resume(batch=10**9), "err.training"),
    "extra key in history": (_resume(**{"history.evil": [1.0]}), "err.training"),
    "history of strings": (_resume(**{"history.train_loss": ["x"]}), "err.training"),
    "history of a million points": (_resume(**{"history.train_loss": [0.0] * 1_000_000}), "err.training"),
    "seconds = inf": (_resume(seconds=float("inf")), "err.training"),
    "a checkpoint resumes": (_resume(), None),
    # Uploads.
    "safetensors with 100,000 empty tensors": (lambda: ck.read_state_dict(_MANY[0], "m.safetensors"), "err.checkpoint"),
    "safetensors with 300,000 empty tensors": (lambda: ck.read_state_dict(_MANY[1], "m.safetensors"), "err.checkpoint"),
    # Links that crashed a page.
    "index [0] / 2 + t[0]": (lambda: tns.index_tensor(_INDEX_T, "[0] / 2 + t[0]"), "err.tensors"),
    "index with a comment and a URL": (lambda: tns.index_text("[0] # https://evil.example/login ]"), None),
    "view t.view(torch.uint8)": (lambda: tns.view_result(_INDEX_T, "t.view(torch.uint8)").shares_storage, None),
    "(-1) ** 0.5": (lambda: evaluate("(-1) ** 0.5"), "err.expr"),
    # Our own: a saved config is checked against the page's declared controls.
    "config learning_rate 0.02 (not offered)": (_with_config(learning_rate=0.02), "err.training"),
    "config epochs 51": (_with_config(epochs=51), "err.training"),
    "config nesterov 1": (_with_config(nesterov=1), "err.training"),
    "config seed -1": (_with_config(seed=-1), "err.training"),
    "config momentum nan": (_with_config(momentum=float("nan")), "err.training"),
    "config with an unknown field": (_with_config(device="cuda:7"), "err.training"),
    "config optimizer LBFGS": (_with_config(optimizer="LBFGS"), "err.training"),
    # Our own: every layer argument by type and range, from a checkpoint.
    "layer Dropout p=1.0": (_with_layer("Dropout", [["p", 1.0]]), "err.layers"),
    "layer Softmax dim=99": (_with_layer("Softmax", [["dim", 99]]), "err.layers"),
    "layer LeakyReLU slope 1e300": (_with_layer("LeakyReLU", [["negative_slope", 1e300]]), "err.layers"),
    "layer Linear bias='yes'": (_with_layer("Linear", [["in_features", 784], ["out_features", 10], ["bias", "yes"]]), "err.layers"),
    "layer Conv2d kernel (3, 3, 3)": (_with_layer("Conv2d", [["in_channels", 1], ["out_channels", 6], ["kernel_size", (3, 3, 3)]]), "err.training"),  # the misfit message, with its fix
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}


def WARMUP() -> None:  # noqa: N802 (the harness's name)
    evaluate("torch.ones(2) + 1")
    io.BytesIO()
