"""Inside a trained CNN: its first layer's filters and the feature maps of one image."""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["feature_maps", "first_filters"]


def first_filters(model: nn.Module) -> torch.Tensor | None:
    """(out_channels, k, k): the first ``nn.Conv2d``'s weight on its first input channel."""
    conv = next((m for m in model.modules() if isinstance(m, nn.Conv2d)), None)
    return None if conv is None else conv.weight.detach().cpu()[:, 0]


def feature_maps(model: nn.Module, x: torch.Tensor) -> list[tuple[str, str, torch.Tensor]]:
    """(name, layer type, output) of every submodule whose output is a (1, C, H, W) map, in
    the order the forward pass runs them. Forward hooks see the model as it really runs,
    including a ``forward`` that pools with ``F.max_pool2d`` between its layers."""
    seen: list[tuple[str, str, torch.Tensor]] = []
    hooks = [
        module.register_forward_hook(
            lambda mod, _inp, out, name=name: (
                seen.append((name, type(mod).__name__, out.detach().cpu()))
                if isinstance(out, torch.Tensor) and out.dim() == 4
                else None
            )
        )  # fmt: skip
        for name, module in model.named_modules()
        if name and not list(module.children())
    ]
    try:
        with torch.no_grad():
            model(x)
    finally:
        for hook in hooks:
            hook.remove()
    return seen
