"""The eight scripts of the two-layer ReLU net, as ``string.Template`` texts."""

from __future__ import annotations

from playground.examples.scripts_sin import PRINT

__all__ = ["RELU"]

_SEED = "torch.manual_seed($seed)\n"
_SEED_BOTH = "torch.manual_seed($seed)\nrandom.seed($seed)\n"  # DynamicNet's random depth


def _r_data(seeding: str = _SEED) -> str:
    """The random batch every level fits: after the imports, which a class script puts first."""
    return f"""\
dtype = $dtype
device = torch.device("$device")
{seeding}
# N is the batch size; D_in the input size; H the hidden size; D_out the output size
N, D_in, H, D_out = 64, 1000, 100, 10

# Random input and output data, drawn on the CPU in float32 so every device starts alike
x = torch.randn(N, D_in).to(device, dtype)
y = torch.randn(N, D_out).to(device, dtype)
"""


_R_HEAD = "import math\n\nimport torch\n\n$threads\n" + _r_data()

_R_WEIGHTS = """
# Random weights
w1 = torch.randn(D_in, H).to(device, dtype)$grad
w2 = torch.randn(H, D_out).to(device, dtype)$grad
"""

_R_AUTOGRAD_UPDATE = """
    # autograd computes the gradients of loss with respect to w1 and w2
    loss.backward()

    # Update the weights by hand, outside the graph, then drop the gradients
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad = None
        w2.grad = None

print(f"Result: loss = {loss.item()}")
"""

RELU = {}

RELU["numpy"] = (
    """\
import math

import numpy as np

np.random.seed($seed)

# N is the batch size; D_in the input size; H the hidden size; D_out the output size
N, D_in, H, D_out = 64, 1000, 100, 10

# Random input and output data
x = np.random.randn(N, D_in)
y = np.random.randn(N, D_out)

# Random weights
w1 = np.random.randn(D_in, H)
w2 = np.random.randn(H, D_out)

learning_rate = $lr
for t in range($iterations):
    # Forward pass: compute predicted y
    h = x.dot(w1)
    h_relu = np.maximum(h, 0)
    y_pred = h_relu.dot(w2)

    # Compute and print loss
    loss = np.square(y_pred - y).sum()
"""
    + PRINT.replace("$value", "loss")
    + """
    # Backprop to compute gradients of w1 and w2 with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.T.dot(grad_y_pred)
    grad_h_relu = grad_y_pred.dot(w2.T)
    grad_h = grad_h_relu.copy()
    grad_h[h < 0] = 0
    grad_w1 = x.T.dot(grad_h)

    # Update weights
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

print(f"Result: loss = {loss}")
"""
)

RELU["tensors"] = (
    _R_HEAD
    + _R_WEIGHTS.replace("$grad", "")
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: compute predicted y
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum().item()
"""
    + PRINT.replace("$value", "loss")
    + """
    # Backprop to compute gradients of w1 and w2 with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)

    # Update weights using gradient descent
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2

print(f"Result: loss = {loss}")
"""
)

RELU["autograd"] = (
    _R_HEAD
    + _R_WEIGHTS.replace("$grad", ".requires_grad_()")
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: tensor operations, recorded by autograd
    y_pred = x.mm(w1).clamp(min=0).mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
"""
    + PRINT.replace("$value", "loss.item()")
    + _R_AUTOGRAD_UPDATE
)

RELU["function"] = (
    """\
import math

import torch

$threads

class MyReLU(torch.autograd.Function):
    \"\"\"ReLU as a custom autograd Function, with its own backward.\"\"\"

    @staticmethod
    def forward(ctx, input):
        # ctx stashes what backward needs
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        # the gradient passes where the input was positive, and stops elsewhere
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


"""
    + _r_data()
    + _R_WEIGHTS.replace("$grad", ".requires_grad_()")
    + """
learning_rate = $lr
for t in range($iterations):
    # To apply our Function, we use Function.apply and alias it as relu
    relu = MyReLU.apply

    # Forward pass: relu is computed by our custom autograd operation
    y_pred = relu(x.mm(w1)).mm(w2)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
"""
    + PRINT.replace("$value", "loss.item()")
    + _R_AUTOGRAD_UPDATE
)

_R_NN_MODEL = """
# The model as a sequence of layers; each Linear holds its weight and bias
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
).to(device, dtype)
loss_fn = torch.nn.MSELoss(reduction="sum")
"""

_R_STEP = """
    # Zero gradients, perform a backward pass, and update the weights
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"Result: loss = {loss.item()}")
"""

RELU["nn"] = (
    _R_HEAD
    + _R_NN_MODEL
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: the model computes y from x
    y_pred = model(x)

    # Compute and print loss
    loss = loss_fn(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + """
    # Zero the gradients before the backward pass
    model.zero_grad()
    loss.backward()

    # Update every parameter by hand: each is a tensor with .grad
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad

print(f"Result: loss = {loss.item()}")
"""
)

RELU["optim"] = (
    _R_HEAD
    + _R_NN_MODEL
    + """
# The optimizer updates the model's weights: Adam adapts a step per parameter
learning_rate = $lr
optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
for t in range($iterations):
    # Forward pass: the model computes y from x
    y_pred = model(x)

    # Compute and print loss
    loss = loss_fn(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + _R_STEP
)

RELU["module"] = (
    """\
import math

import torch

$threads

class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        \"\"\"Two nn.Linear modules, registered as attributes.\"\"\"
        super().__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


"""
    + _r_data()
    + """
model = TwoLayerNet(D_in, H, D_out).to(device, dtype)
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=$lr)
for t in range($iterations):
    # Forward pass: compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + _R_STEP
)

RELU["dynamic"] = (
    """\
import math
import random

import torch

$threads

class DynamicNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        \"\"\"Three Linear modules; the middle one is shared.\"\"\"
        super().__init__()
        self.input_linear = torch.nn.Linear(D_in, H)
        self.middle_linear = torch.nn.Linear(H, H)
        self.output_linear = torch.nn.Linear(H, D_out)

    def forward(self, x):
        \"\"\"Each forward pass reuses middle_linear 0 to 3 times: ordinary Python control
        flow, the same weights several times, and a new graph every time.\"\"\"
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        y_pred = self.output_linear(h_relu)
        return y_pred


"""
    + _r_data(_SEED_BOTH)
    + """
model = DynamicNet(D_in, H, D_out).to(device, dtype)
criterion = torch.nn.MSELoss(reduction="sum")
# Plain SGD is hard on this model: momentum helps
optimizer = torch.optim.SGD(model.parameters(), lr=$lr, momentum=0.9)
for t in range($iterations):
    # Forward pass: compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + _R_STEP
)
