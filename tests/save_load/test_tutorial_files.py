"""A ``.pth`` from the tutorials' own scripts loads on Save & load, and the app's loads there.

The scripts below are the tutorials' text, run in a fresh Python without ``playground``.
"""

from __future__ import annotations

import pytest
import torch

from playground import layers as md
from playground.save_load import checkpoint as ck
from tests.snippets import run_standalone

NEURAL_NETWORK = """
import torch
from torch import nn


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
"""

BLITZ_NET = """
import torch
import torch.nn as nn
import torch.nn.functional as F


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
"""

SAVE = "\ntorch.manual_seed(7)\nmodel = {cls}()\ntorch.save(model.state_dict(), 'model.pth')\n"
LOAD = """
model = {cls}()
model.load_state_dict(torch.load('model.pth', weights_only=True))
for name, tensor in model.state_dict().items():
    print(name, repr(tensor.double().sum().item()))
"""

CASES = {"tutorial": (NEURAL_NETWORK, "NeuralNetwork"), "lenet": (BLITZ_NET, "Net")}


@pytest.mark.parametrize("preset", list(CASES))
def test_the_tutorials_file_loads_on_the_page(preset, tmp_path):
    source, cls = CASES[preset]
    run_standalone(source + SAVE.format(cls=cls), tmp_path)
    state = ck.read_state_dict((tmp_path / "model.pth").read_bytes(), "model.pth")
    model = md.build_model(md.PRESETS[preset], seed=0)
    report = ck.load_into(model, state, strict=True)
    assert report.ok and not report.mismatched
    assert all(torch.equal(model.state_dict()[k], v) for k, v in state.items())


@pytest.mark.parametrize("preset", list(CASES))
def test_the_apps_file_loads_into_the_tutorials_class(preset, tmp_path):
    source, cls = CASES[preset]
    model = md.build_model(md.PRESETS[preset], seed=5)
    (tmp_path / "model.pth").write_bytes(ck.save_bytes("pth", model))
    printed = run_standalone(source + LOAD.format(cls=cls), tmp_path)
    sums = dict(line.rsplit(" ", 1) for line in printed.splitlines())
    assert list(sums) == list(model.state_dict())
    for name, tensor in model.state_dict().items():
        assert float(sums[name]) == tensor.double().sum().item()


def test_the_builders_keys_are_not_the_tutorials(tmp_path):
    specs = [*md.PRESETS["tutorial"][:-1], md.LayerSpec.of("Linear", 512, 5)]
    model = md.build_model(specs)
    report = ck.compare(md.build_model(md.PRESETS["tutorial"]), model.state_dict())
    assert "linear_relu_stack.0.weight" in report.missing and "linear1.weight" in report.unexpected
