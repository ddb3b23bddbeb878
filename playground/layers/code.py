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


def parameters_code(specs: Sequence[LayerSpec], seed: int) -> str:
    """The tutorial's parameter loop over the page's model, built from ``seed``."""
    return model_code(specs, seed=seed) + "\n" + PARAMETERS_CODE


def softmax_code(
    specs: Sequence[LayerSpec], seed: int, input_shape: Sequence[int], samples: bool
) -> str:
    """The page's forward pass and softmax: three offline images, else the tutorial's rand."""
    from playground.data.code import dataset_parts, imports_of

    imports, definitions, ctor = model_parts(specs)
    classes = f"\n\n{definitions.strip()}\n\n" if definitions else "\n"
    build = f"torch.manual_seed({seed})\nmodel = {ctor}\n"
    if samples:
        data_imports, data_definitions, lines = dataset_parts("offline", transform="None")
        imports = imports_of(imports, data_imports)
        head = f"{imports}{data_definitions.rstrip()}{classes}\n{lines}{build}"
        x = "X = training_data.images[:3].float() / 255  # the page's three samples\n"
        if tuple(input_shape[-2:]) == (32, 32):  # the blitz's Net: 28×28 padded to 32×32
            imports = imports_of(imports, "import torch.nn.functional as F\n")
            head = f"{imports}{data_definitions.rstrip()}{classes}\n{lines}{build}"
            x += "X = F.pad(X, (2, 2, 2, 2))  # 2 zero pixels on each side: 28×28 -> 32×32\n"
    else:
        head = f"{imports}{classes}\n{build}"
        shape = ", ".join(map(str, input_shape))
        x = f"X = torch.rand(3, {shape}, generator=torch.Generator().manual_seed({seed}))\n"
    return f"""{head}model.eval()
{x}with torch.no_grad():
    logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {{y_pred}}")
print(pred_probab[0])
"""
