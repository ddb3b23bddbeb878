"""The blitz's "Training a classifier" ``Net`` for 3×32×32 CIFAR-10 images.

Its own module, because it has the same name as the blitz's 1-channel ``Net``
(:mod:`playground.layers.tutorial`) and ``print(model)`` shows that name.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F  # noqa: N812 (the tutorial's spelling)
from torch import nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)  # flatten all dimensions except batch
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
