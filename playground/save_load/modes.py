"""``model.train()`` against ``model.eval()``, and an image turned into model input."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from playground.core import config as settings
from playground.core.errors import UploadError
from playground.core.images import decode_image
from playground.save_load.checkpoint import read_state_dict, weights_bytes


@dataclass
class ModeDemo:
    train_a: torch.Tensor
    train_b: torch.Tensor
    eval_a: torch.Tensor
    eval_b: torch.Tensor
    reloaded: torch.Tensor

    @property
    def train_differs(self) -> bool:
        return not torch.equal(self.train_a, self.train_b)

    @property
    def eval_same(self) -> bool:
        return torch.equal(self.eval_a, self.eval_b)

    @property
    def reload_same(self) -> bool:
        return torch.equal(self.eval_a, self.reloaded)

    def rows(self) -> list[tuple[str, str, str, bool]]:
        """(translation key of the row, first output, second output, differ)."""

        def head(t: torch.Tensor) -> str:
            return ", ".join(f"{v:.4f}" for v in t[0, :4].tolist())

        return [
            ("save.mode.train", head(self.train_a), head(self.train_b), self.train_differs),
            ("save.mode.eval", head(self.eval_a), head(self.eval_b), not self.eval_same),
            ("save.mode.reload", head(self.eval_a), head(self.reloaded), not self.reload_same),
        ]


def train_vs_eval(model: nn.Module, x: torch.Tensor, fresh: nn.Module) -> ModeDemo:
    """Dropout and BatchNorm in train() vs eval(), then save → load into ``fresh`` → eval()."""
    with torch.no_grad():
        model.train()
        a, b = model(x), model(x)
        model.eval()
        c, d = model(x), model(x)
        fresh.load_state_dict(read_state_dict(weights_bytes(model), "model.pth"))
        fresh.eval()
        e = fresh(x)
    return ModeDemo(a, b, c, d, e)


def image_to_input(
    data: bytes, shape: tuple[int, ...], max_pixels: int = 4_000_000
) -> torch.Tensor:
    """An uploaded image as the model's input ``(1, C, H, W)`` in [0, 1]: grey or RGB, resized."""
    if len(data) > settings.limits().upload_mb * 2**20:
        raise UploadError("err.upload.image_over_upload", mb=settings.limits().upload_mb)
    c, height, width = shape
    img = decode_image(
        data, mode="L" if c == 1 else "RGB", size=(width, height), max_pixels=max_pixels
    )
    t = torch.frombuffer(bytearray(img.tobytes()), dtype=torch.uint8)
    return t.reshape(height, width, c).permute(2, 0, 1).unsqueeze(0).float().mul(1 / 255)
