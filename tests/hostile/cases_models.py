"""Model builders and training setups at their worst, checked as the Layers and Training pages do."""

from __future__ import annotations

from collections.abc import Callable

from playground import layers as md
from playground import training as trn
from playground.data.datasets import make_offline_dataset

TRAIN, TEST = make_offline_dataset(0), make_offline_dataset(0, train=False)


def _specs(*layers: tuple[str, str]) -> list[md.LayerSpec]:
    return [md.parse_args(kind, args) for kind, args in layers]


def _trace(*layers: tuple[str, str], shape: tuple[int, ...] = (1, 28, 28)) -> Callable[[], object]:
    return lambda: md.check_model(_specs(*layers), shape, batch=3).output_shape


def _train(
    layers: tuple[tuple[str, str], ...] = (), *, subset: int = 256, **cfg: object
) -> Callable[[], object]:
    def run() -> object:
        specs = _specs(*layers) if layers else md.PRESETS["tutorial"]
        t = trn.Trainer(specs, (1, 28, 28), TRAIN, TEST, trn.TrainConfig(**cfg), subset=subset)  # type: ignore[arg-type]
        t.run(max_seconds=1.0)
        if t.diverged:
            raise t.diverged
        return t.epoch

    return run


_PADDED = [("Conv2d", "1, 8, 3, padding=64"), *[("Conv2d", "8, 8, 3, padding=64")] * 7]

SPECS: dict[str, tuple[Callable[[], object], str | None]] = {
    "Conv2d(1, 100000, 1) traced": (_trace(("Conv2d", "1, 100000, 1")), "err.budget"),
    "eight padded convs 28 -> 1036 px": (_trace(*_PADDED), "err.budget"),
    "Linear(784, 100000)": (_trace(("Flatten", ""), ("Linear", "784, 100000")), "err.layers"),
    "65 layers": (_trace(*[("ReLU", "")] * 65), "err.layers"),
    "arguments that import": (lambda: md.parse_args("Linear", "__import__('os').system('id')"), "err.layers"),
    "argument 10**10**10": (lambda: md.parse_args("Linear", "10**10**10, 5"), "err.layers"),
    "argument 1e308": (_trace(("Flatten", ""), ("Linear", "784, 1e308")), "err.layers"),
    "negative features": (_trace(("Flatten", ""), ("Linear", "784, -5")), "err.layers"),
    "10,000-character arguments": (lambda: md.parse_args("Linear", "1," * 5000), "err.layers"),
    "unknown layer": (lambda: md.parse_args("os.system", "'id'"), "err.layers"),
    "train Conv2d(1, 20000, 1) at batch 64": (
        _train((("Conv2d", "1, 20000, 1"), ("AvgPool2d", "28"), ("Flatten", ""), ("Linear", "20000, 10"))),
        "err.budget",
    ),
    "train Conv2d(1, 64, 3, padding=1) at batch 4096": (
        _train((("Conv2d", "1, 64, 3, padding=1"), ("AvgPool2d", "28"), ("Flatten", ""), ("Linear", "64, 10")), batch_size=4096),
        "err.budget",
    ),
    "lr 1e9": (_train(learning_rate=1e9), "err.training"),
    "batch_size 10**9": (_train(batch_size=10**9), "err.training"),
    "epochs 10**6": (_train(epochs=10**6), "err.training"),
    "lr 10 diverges: NaN loss detected": (_train(learning_rate=10.0, subset=4096), "err.training"),
    "the tutorial's model traces": (_trace(("Flatten", ""), ("Linear", "784, 512"), ("ReLU", ""), ("Linear", "512, 10")), None),
    "the tutorial's run": (_train(epochs=1), None),
}  # fmt: skip
CASES = {name: case for name, (case, _) in SPECS.items()}
EXPECT = {name: key for name, (_, key) in SPECS.items()}
