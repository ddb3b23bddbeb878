"""The tutorials' own model classes, character for character.

When the builder's layers are exactly a preset's, :func:`~playground.layers.models.build_model`
makes the tutorial's class instead of an ``nn.Sequential``: ``print(model)`` and the
``state_dict`` keys (``linear_relu_stack.0.weight``, ``conv1.weight``) are then the tutorial's,
so a ``.pth`` from the tutorial's script loads here and the app's loads there.

:func:`steps` lists each class's forward pass one layer at a time, in the order ``forward``
calls them, which is what the Layers page traces. A functional call (``F.relu``) becomes the
equivalent stateless module.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

import torch
import torch.nn.functional as F  # noqa: N812 (the tutorials' spelling)
from torch import nn

from playground.core.parsing import source_of
from playground.layers import tutorial_blitz, tutorial_cifar


# The tutorial writes 28*28.
# fmt: off
class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits
# fmt: on


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        # The blitz's Net for 28x28 images: the one change is padding=2 here,
        # which gives a 28x28 image the shapes the blitz's 32x32 one has
        self.conv1 = nn.Conv2d(1, 6, 5, padding=2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        # an affine operation: y = Wx + b
        self.fc1 = nn.Linear(16 * 5 * 5, 120)  # 5*5 from image dimension
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, input):
        c1 = F.relu(self.conv1(input))
        s2 = F.max_pool2d(c1, (2, 2))
        c3 = F.relu(self.conv2(s2))
        s4 = F.max_pool2d(c3, 2)
        s4 = torch.flatten(s4, 1)
        f5 = F.relu(self.fc1(s4))
        f6 = F.relu(self.fc2(f5))
        output = self.fc3(f6)
        return output


# preset -> (class, the name the tutorial gives it)
CLASSES: dict[str, tuple[type[nn.Module], str]] = {
    "tutorial": (NeuralNetwork, "NeuralNetwork"),
    "blitz_net": (tutorial_blitz.Net, "Net"),
    "lenet": (Net, "Net"),
    "cifar_lenet": (tutorial_cifar.Net, "Net"),
}


def class_source(preset: str) -> str:
    """The class as the tutorial writes it."""
    cls, name = CLASSES[preset]
    assert cls.__name__ == name  # print(model) shows the class's own name
    return textwrap.dedent(source_of(cls))


def _lenet_steps(
    m: nn.Module, pool: Sequence[tuple[str, nn.Module]]
) -> list[tuple[str, nn.Module]]:
    relu = [(f"F.relu ({i})", nn.ReLU()) for i in range(1, 5)]
    conv1, conv2, fc1, fc2, fc3 = (
        (n, m.get_submodule(n)) for n in ("conv1", "conv2", "fc1", "fc2", "fc3")
    )
    return [
        conv1, relu[0], pool[0],
        conv2, relu[1], pool[1],
        ("torch.flatten", nn.Flatten()),
        fc1, relu[2], fc2, relu[3], fc3,
    ]  # fmt: skip


def steps(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """(name, layer) in the order the forward pass runs them; unique names."""
    if isinstance(model, NeuralNetwork):
        stack = model.get_submodule("linear_relu_stack")
        named = [(f"linear_relu_stack.{i}", layer) for i, layer in enumerate(stack.children())]
        return [("flatten", model.get_submodule("flatten")), *named]
    if isinstance(model, Net | tutorial_blitz.Net):
        pools = [(f"F.max_pool2d ({i})", nn.MaxPool2d(2)) for i in (1, 2)]
        return _lenet_steps(model, pools)
    if isinstance(model, tutorial_cifar.Net):
        return _lenet_steps(model, [(f"pool ({i})", model.get_submodule("pool")) for i in (1, 2)])
    return list(model.named_children())


def step_names(preset: str) -> list[str]:
    """The names :func:`steps` gives, without building the model."""
    with torch.device("meta"):
        return [name for name, _ in steps(CLASSES[preset][0]())]
