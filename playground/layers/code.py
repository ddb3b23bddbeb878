"""Show-the-code for the Layers chapter: the model as an ``nn.Module`` subclass."""

from __future__ import annotations

from collections.abc import Sequence

from playground.layers.models import LayerSpec, layer_names


def model_code(specs: Sequence[LayerSpec], class_name: str = "NeuralNetwork") -> str:
    """The model as the tutorial writes it: an ``nn.Module`` subclass with ``__init__`` and ``forward``."""
    names = layer_names(specs)
    lines = [
        "import torch",
        "from torch import nn",
        "",
        "",
        f"class {class_name}(nn.Module):",
        "    def __init__(self):",
        "        super().__init__()",
    ]
    lines += [f"        self.{n} = {s.call()}" for n, s in zip(names, specs, strict=True)]
    lines += ["", "    def forward(self, x):"]
    lines += [f"        x = self.{n}(x)" for n in names]
    lines += ["        return x", "", "", f"model = {class_name}()", "print(model)"]
    return "\n".join(lines) + "\n"


PARAMETERS_CODE = """for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \\n")
"""
