"""The eight scripts of the polynomial fit of ``y = sin(x)``, as ``string.Template`` texts."""

from __future__ import annotations

__all__ = ["PRINT", "SIN"]

PRINT = """\
    if t % $every == $last:
        print(t, $value)
    if not math.isfinite($value):
        print(f"Stopped at step {t}: the loss is {$value}. Lower the learning rate.")
        break
"""

_IMPORTS = "import math\n\nimport torch\n\n$threads\n"
_SEED = "torch.manual_seed($seed)\n"
# DynamicNet draws its random depth from Python's random too: both generators are seeded
_SEED_BOTH = "torch.manual_seed($seed)\nrandom.seed($seed)\n"


def _data(seeding: str = _SEED) -> str:
    """The data every level fits: after the imports, which a script with a class puts first."""
    return f"""\
dtype = $dtype
device = torch.device("$device")
{seeding}
# 2,000 points of y = sin(x) on [-pi, pi]
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)
"""


_TORCH_HEAD = _IMPORTS + _data()

_RANDN_ABCD = """\
# Random weights, drawn on the CPU in float32 so that every level and device starts alike
a = torch.randn(()).to(device, dtype)$grad
b = torch.randn(()).to(device, dtype)$grad
c = torch.randn(()).to(device, dtype)$grad
d = torch.randn(()).to(device, dtype)$grad
"""

_UPDATE_ABCD = """\
    with torch.no_grad():
        a -= learning_rate * a.grad
        b -= learning_rate * b.grad
        c -= learning_rate * c.grad
        d -= learning_rate * d.grad

        # Drop the gradients after updating weights
        a.grad = None
        b.grad = None
        c.grad = None
        d.grad = None
"""

_RESULT_ABCD = 'print(f"Result: y = {a.item()} + {b.item()} x + {c.item()} x^2 + {d.item()} x^3")\n'

SIN = {}

SIN["numpy"] = (
    """\
import math

import numpy as np

# 2,000 points of y = sin(x) on [-pi, pi]
x = np.linspace(-math.pi, math.pi, 2000)
y = np.sin(x)

# The same start as the torch levels (torch.manual_seed($seed); torch.randn(()) four times)
a, b, c, d = $start

learning_rate = $lr
for t in range($iterations):
    # Forward pass: compute predicted y
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss
    loss = np.square(y_pred - y).sum()
"""
    + PRINT.replace("$value", "loss")
    + """
    # Backprop to compute gradients of a, b, c, d with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()

    # Update weights
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

print(f"Result: y = {a} + {b} x + {c} x^2 + {d} x^3")
"""
)

SIN["tensors"] = (
    _TORCH_HEAD
    + "\n"
    + _RANDN_ABCD.replace("$grad", "")
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: compute predicted y
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum().item()
"""
    + PRINT.replace("$value", "loss")
    + """
    # Backprop to compute gradients of a, b, c, d with respect to loss
    grad_y_pred = 2.0 * (y_pred - y)
    grad_a = grad_y_pred.sum()
    grad_b = (grad_y_pred * x).sum()
    grad_c = (grad_y_pred * x ** 2).sum()
    grad_d = (grad_y_pred * x ** 3).sum()

    # Update weights using gradient descent
    a -= learning_rate * grad_a
    b -= learning_rate * grad_b
    c -= learning_rate * grad_c
    d -= learning_rate * grad_d

"""
    + _RESULT_ABCD
)

SIN["autograd"] = (
    _TORCH_HEAD
    + "\n"
    + _RANDN_ABCD.replace("$grad", ".requires_grad_()")
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: tensor operations, recorded by autograd
    y_pred = a + b * x + c * x ** 2 + d * x ** 3

    # Compute and print loss: a tensor of shape (), loss.item() is its value
    loss = (y_pred - y).pow(2).sum()
"""
    + PRINT.replace("$value", "loss.item()")
    + """
    # autograd computes the gradient of loss with respect to a, b, c and d
    loss.backward()

    # Update weights by hand; no_grad() keeps the update out of the graph
"""
    + _UPDATE_ABCD
    + """
"""
    + _RESULT_ABCD
)

SIN["function"] = (
    """\
import math

import torch

$threads

class LegendrePolynomial3(torch.autograd.Function):
    \"\"\"P3(x) = 1/2 (5x^3 - 3x), with its own backward: P3'(x) = 3/2 (5x^2 - 1).\"\"\"

    @staticmethod
    def forward(ctx, input):
        # ctx stashes what backward needs
        ctx.save_for_backward(input)
        return 0.5 * (5 * input ** 3 - 3 * input)

    @staticmethod
    def backward(ctx, grad_output):
        # the gradient of the loss with respect to the input
        input, = ctx.saved_tensors
        return grad_output * 1.5 * (5 * input ** 2 - 1)


dtype = $dtype
device = torch.device("$device")

# 2,000 points of y = sin(x) on [-pi, pi]
x = torch.linspace(-math.pi, math.pi, 2000, device=device, dtype=dtype)
y = torch.sin(x)

# y = a + b * P3(c + d * x): these starting weights need to be close to the answer
a = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
b = torch.full((), -1.0, device=device, dtype=dtype, requires_grad=True)
c = torch.full((), 0.0, device=device, dtype=dtype, requires_grad=True)
d = torch.full((), 0.3, device=device, dtype=dtype, requires_grad=True)

learning_rate = $lr
for t in range($iterations):
    # To apply our Function, we use Function.apply and alias it as P3
    P3 = LegendrePolynomial3.apply

    # Forward pass: P3 is computed by our custom autograd operation
    y_pred = a + b * P3(c + d * x)

    # Compute and print loss
    loss = (y_pred - y).pow(2).sum()
"""
    + PRINT.replace("$value", "loss.item()")
    + """
    # Backward pass: autograd calls LegendrePolynomial3.backward for P3
    loss.backward()

    # Update weights using gradient descent
"""
    + _UPDATE_ABCD
    + """
print(f"Result: y = {a.item()} + {b.item()} * P3({c.item()} + {d.item()} x)")
"""
)

_NN_MODEL = """
# y is a linear function of (x, x^2, x^3): prepare that tensor, shape (2000, 3)
p = torch.tensor([1, 2, 3], device=device)
xx = x.unsqueeze(-1).pow(p)

# nn.Linear(3, 1) holds a (bias) and b, c, d (weight); Flatten(0, 1) makes the output 1-D
model = torch.nn.Sequential(
    torch.nn.Linear(3, 1),
    torch.nn.Flatten(0, 1),
).to(device, dtype)
loss_fn = torch.nn.MSELoss(reduction="sum")
"""

_NN_RESULT = """
linear_layer = model[0]
print(
    f"Result: y = {linear_layer.bias.item()} + {linear_layer.weight[:, 0].item()} x + "
    f"{linear_layer.weight[:, 1].item()} x^2 + {linear_layer.weight[:, 2].item()} x^3"
)
"""

SIN["nn"] = (
    _TORCH_HEAD
    + _NN_MODEL
    + """
learning_rate = $lr
for t in range($iterations):
    # Forward pass: the model computes y from xx
    y_pred = model(xx)

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
"""
    + _NN_RESULT
)

SIN["optim"] = (
    _TORCH_HEAD
    + _NN_MODEL
    + """
# The optimizer updates the model's weights: RMSprop adapts a step per parameter
learning_rate = $lr
optimizer = torch.optim.RMSprop(model.parameters(), lr=learning_rate)
for t in range($iterations):
    # Forward pass: the model computes y from xx
    y_pred = model(xx)

    # Compute and print loss
    loss = loss_fn(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + """
    # Zero the gradients, backward pass, then one optimizer step
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
"""
    + _NN_RESULT
)

SIN["module"] = (
    """\
import math

import torch

$threads

class Polynomial3(torch.nn.Module):
    def __init__(self):
        \"\"\"Four parameters; nn.Parameter registers each with the module.\"\"\"
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        return self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3

    def string(self):
        return f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + {self.d.item()} x^3"


"""
    + _data()
    + """
# The same start as levels 1-3: Polynomial3 draws a, b, c, d with torch.randn(())
model = Polynomial3().to(device, dtype)
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=$lr)
for t in range($iterations):
    # Forward pass: compute predicted y by passing x to the model
    y_pred = model(x)

    # Compute and print loss
    loss = criterion(y_pred, y)
"""
    + PRINT.replace("$value", "loss.item()")
    + """
    # Zero gradients, perform a backward pass, and update the weights
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"Result: {model.string()}")
"""
)

SIN["dynamic"] = (
    """\
import math
import random

import torch

$threads

class DynamicNet(torch.nn.Module):
    def __init__(self):
        \"\"\"Five parameters: e serves both x^4 and x^5.\"\"\"
        super().__init__()
        self.a = torch.nn.Parameter(torch.randn(()))
        self.b = torch.nn.Parameter(torch.randn(()))
        self.c = torch.nn.Parameter(torch.randn(()))
        self.d = torch.nn.Parameter(torch.randn(()))
        self.e = torch.nn.Parameter(torch.randn(()))

    def forward(self, x):
        \"\"\"Each forward pass picks 3, 4 or 5 as the order and reuses e for the
        terms above 3: ordinary Python control flow, and a new graph every time.\"\"\"
        y = self.a + self.b * x + self.c * x ** 2 + self.d * x ** 3
        for exp in range(4, random.randint(4, 6)):
            y = y + self.e * x ** exp
        return y

    def string(self):
        return (
            f"y = {self.a.item()} + {self.b.item()} x + {self.c.item()} x^2 + "
            f"{self.d.item()} x^3 + {self.e.item()} x^4 ? + {self.e.item()} x^5 ?"
        )


"""
    + _data(_SEED_BOTH)
    + """
model = DynamicNet().to(device, dtype)
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
    + """
    # Zero gradients, perform a backward pass, and update the weights
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()

print(f"Result: {model.string()}")
"""
)
