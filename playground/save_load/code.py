"""Show-the-code for the Save & load chapter: saving, loading and train/eval scripts.

Each script starts from the page's model, built as the Layers page builds it, so it runs
on its own; a learner swaps in the model they trained.
"""

from __future__ import annotations

from collections.abc import Sequence

from playground.layers.code import model_code, model_parts
from playground.layers.models import LayerSpec

SAVE_CODE = {
    "safetensors": """# needs safetensors besides torch: pip install safetensors
from safetensors.torch import save_file, load_file

save_file(model.state_dict(), "model.safetensors")
model.load_state_dict(load_file("model.safetensors"))
""",
    "pth": """import torch

torch.save(model.state_dict(), "model_weights.pth")
model.load_state_dict(torch.load("model_weights.pth", weights_only=True))
model.eval()
""",
    "checkpoint": """import torch

torch.save({
    "epoch": epoch,
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "loss": loss,
}, "checkpoint.ckpt")

checkpoint = torch.load("checkpoint.ckpt", weights_only=True)
model.load_state_dict(checkpoint["model_state_dict"])
optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
epoch, loss = checkpoint["epoch"], checkpoint["loss"]
model.train()  # to resume training; model.eval() for inference
""",
    "onnx": """import torch

model.eval()
# PyTorch's current exporter (needs onnx and onnxscript); the weights stay inside the file
torch.onnx.export(model, (torch.rand(1, 1, 28, 28),), "model.onnx", dynamo=True,
                  external_data=False, input_names=["input"], output_names=["logits"])
""",
    "whole": """import torch

torch.save(model, "model.pt")  # pickles the class by reference
# Loading needs the class importable AND weights_only=False, which runs any code in the
# pickle: only ever do it with a file you made yourself.
model = torch.load("model.pt", weights_only=False)
""",
}

LOAD_CODE = """import torch

if path.endswith(".safetensors"):
    from safetensors.torch import load_file  # only here: pip install safetensors

    state_dict = load_file(path)
else:
    state_dict = torch.load(path, weights_only=True, map_location="cpu")  # never weights_only=False
    state_dict = state_dict.get("model_state_dict", state_dict)
result = model.load_state_dict(state_dict, strict=True)
print(result.missing_keys, result.unexpected_keys)
model.eval()
"""

MODES_BODY = """
g = torch.Generator().manual_seed({seed})
x = torch.rand(2, 1, 28, 28, generator=g)  # two images, as on the page
model.train()
a, b = model(x), model(x)
print(torch.equal(a, b))   # False: Dropout draws a new mask each pass
model.eval()
c, d = model(x), model(x)
print(torch.equal(c, d))   # True: Dropout is off, BatchNorm uses its running statistics
print(", ".join(f"{{v:.4f}}" for v in c[0, :4].tolist()))  # the page's eval() row
"""


def model_prelude(specs: Sequence[LayerSpec], seed: int) -> str:
    """The page's model, untrained, from ``seed``: the start of every script here."""
    code = model_code(specs, seed=seed).removesuffix("print(model)\n")
    return code + "# ^ the page's model, untrained; use the one you trained instead\n"


EXPLORER_CODE = """optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

for key, tensor in model.state_dict().items():
    print(key, tuple(tensor.shape), tensor.dtype)
print(optimizer.state_dict()["param_groups"])
"""

CHECKPOINT_INPUTS = """optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
epoch, loss = 0, 2.3  # where your training loop is
"""


def explorer_code(specs: Sequence[LayerSpec], seed: int) -> str:
    return f"{model_prelude(specs, seed)}\n{EXPLORER_CODE}"


def save_code(fmt: str, specs: Sequence[LayerSpec], seed: int) -> str:
    """The format's save (and load back) script, starting from the page's model."""
    extra = CHECKPOINT_INPUTS if fmt == "checkpoint" else ""
    return f"{model_prelude(specs, seed)}{extra}\n{SAVE_CODE[fmt]}"


def load_code(specs: Sequence[LayerSpec], seed: int) -> str:
    """Loading a file into the page's model; the script writes one first to have one."""
    write = (
        'torch.save(model.state_dict(), "model_weights.pth")  # a file to load; use yours\n'
        'path = "model_weights.pth"\n'
    )
    return f"{model_prelude(specs, seed)}{write}\n{LOAD_CODE}"


def modes_code(seed: int) -> str:
    """The page's train()/eval() demo as a complete script: the small CNN, then the two passes."""
    from playground.layers.code import model_code
    from playground.layers.models import PRESETS

    return model_code(PRESETS["modern_cnn"], seed=seed) + MODES_BODY.format(seed=seed)


def inference_code(specs: Sequence[LayerSpec], seed: int, index: int) -> str:
    """The Inference tab for the page's model and test image ``index`` of the offline set:
    ``model.eval()``, one forward pass under ``no_grad``, softmax, the predicted class."""
    from playground.data.code import dataset_parts, imports_of

    imports, definitions, ctor = model_parts(specs)
    data_imports, data_definitions, lines = dataset_parts("offline", transform="None", test=True)
    classes = f"{definitions.strip()}\n\n" if definitions else ""
    return f"""{imports_of(imports, data_imports)}{data_definitions.rstrip()}\n\n
{classes}{lines}torch.manual_seed({seed})
model = {ctor}
# ^ the page's model, untrained; load your trained state_dict here instead
model.eval()  # Dropout off, BatchNorm on its running statistics
x = test_data.images[{int(index)}:{int(index) + 1}].float() / 255  # test image {int(index)}, [0, 1]
with torch.no_grad():
    pred_probab = nn.Softmax(dim=1)(model(x))
predicted = test_data.classes[int(pred_probab.argmax(1))]
actual = test_data.classes[int(test_data.targets[{int(index)}])]
print(f"Predicted: {{predicted}}, actual: {{actual}}")
print(pred_probab[0])
"""
