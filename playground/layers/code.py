"""Show-the-code for the Layers chapter: the tutorial's class for a preset, else the
builder's ``nn.Sequential`` with named children, exactly as :func:`build_model` makes them."""

from __future__ import annotations

from collections.abc import Sequence

from playground.layers.models import LayerSpec, child_names, preset_of
from playground.layers.tutorial import CLASSES, class_source


def model_parts(specs: Sequence[LayerSpec]) -> tuple[str, str, str]:
    """(imports, definitions, constructor expression) for the model ``specs`` describe."""
    preset = preset_of(specs)
    if preset:
        imports = "import torch\nfrom torch import nn\n"
        if "F." in class_source(preset):
            imports += "import torch.nn.functional as F\n"
        return imports, class_source(preset), f"{CLASSES[preset][1]}()"
    names = child_names(specs)
    rows = "".join(f'    ("{n}", {s.call()}),\n' for n, s in zip(names, specs, strict=True))
    imports = "from collections import OrderedDict\n\nimport torch\nfrom torch import nn\n"
    return imports, "", f"nn.Sequential(OrderedDict([\n{rows}]))"


def model_code(specs: Sequence[LayerSpec], *, seed: int | None = None) -> str:
    """A complete script that builds the model and prints it as the page does."""
    imports, definitions, ctor = model_parts(specs)
    seeding = "" if seed is None else f"torch.manual_seed({seed})\n"
    body = f"\n\n{definitions}\n\n" if definitions else "\n"
    return f"{imports}{body}{seeding}model = {ctor}\nprint(model)\n"


PARAMETERS_CODE = """for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \\n")
"""
