"""The tutorial's step with autograd's own kernels called directly ("Learning PyTorch with
Examples": a network's forward and backward written out with tensors).

For the models the tutorial trains first (``Flatten`` then ``Linear``/``ReLU`` pairs, a last
``Linear``), ``CrossEntropyLoss`` and plain SGD, ``loss.backward()`` and ``optimizer.step()``
call a short, fixed list of ATen kernels: ``addmm`` and ``relu`` forward, ``log_softmax`` and
``nll_loss``, then their backward kernels, two ``mm`` per layer and SGD's ``add_``. Calling
that list directly, into buffers reused from step to step, computes the same numbers bit for bit
(``tests/training/test_written.py`` checks every parameter after each run) without building
and walking a graph or allocating each gradient: about 20 % of a CPU step
(``benchmarks/bench_step.py``).

Everything else (another loss or optimizer, momentum, weight decay, dropout, convolutions,
a GPU) steps through :func:`~playground.training.step.train_step`.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from playground.layers.tutorial import NeuralNetwork

__all__ = ["WRITTEN_OUT", "WrittenStepper", "mlp_linears"]

WRITTEN_OUT = "device tensor + randperm, autograd's kernels called directly"
# Each overload resolved once: calling ``torch.ops.aten.<name>`` picks one per call (7 µs).
_NLL_LOSS = torch.ops.aten.nll_loss_forward.default
_NLL_LOSS_BACKWARD = torch.ops.aten.nll_loss_backward.default
_LOG_SOFTMAX_BACKWARD = torch.ops.aten._log_softmax_backward_data.default
_RELU_BACKWARD = torch.ops.aten.threshold_backward.grad_input


def mlp_linears(model: nn.Module) -> list[nn.Linear] | None:
    """The ``Linear`` layers of ``Flatten, Linear, ReLU, …, Linear`` (with biases), or None."""
    if type(model) is NeuralNetwork:
        layers = [model.flatten, *model.linear_relu_stack]
    elif type(model) is nn.Sequential:
        layers = list(model)
    else:
        return None
    first, *rest = layers or [None]
    if type(first) is not nn.Flatten or (first.start_dim, first.end_dim) != (1, -1):
        return None
    if len(rest) % 2 == 0 or any(type(m) is not nn.ReLU for m in rest[1::2]):
        return None
    linears = rest[::2]
    if any(type(m) is not nn.Linear or m.bias is None for m in linears):
        return None
    return linears


def _plain_sgd(optimizer: torch.optim.Optimizer) -> bool:
    if type(optimizer) is not torch.optim.SGD or len(optimizer.param_groups) != 1:
        return False
    group = optimizer.param_groups[0]
    return (
        not group["momentum"]
        and not group["weight_decay"]
        and not group["maximize"]
        and not group.get("differentiable", False)
        and isinstance(group["lr"], float)
    )


class WrittenStepper:
    """One SGD step of an MLP on the rows ``idx`` of ``x``, with autograd's kernels in order.

    ``fits`` says whether a run can use it; :meth:`step` keeps the weights as they were when
    the loss is not finite, as the eager step does. ``.grad`` stays None throughout, as it
    is after the tutorial's ``optimizer.zero_grad()``.
    """

    name = WRITTEN_OUT

    def __init__(
        self,
        model: nn.Module,
        loss_fn: object,
        optimizer: torch.optim.Optimizer,
        x: torch.Tensor,
        y: torch.Tensor,
    ) -> None:
        linears = mlp_linears(model) or []
        self.optimizer, self.x, self.y = optimizer, x, y
        self.weights = [m.weight.detach() for m in linears]  # views: updates land in the model
        self.biases = [m.bias.detach() for m in linears]
        self._transposed = [w.t() for w in self.weights]  # views too, made once
        self._one = torch.ones((), dtype=x.dtype)  # d loss / d loss
        self._buffers: dict[str, list[torch.Tensor]] = {}
        self._batch = 0

    @staticmethod
    def fits(
        model: nn.Module, loss_fn: object, optimizer: torch.optim.Optimizer, x: torch.Tensor
    ) -> bool:
        """Whether the step is one this class computes bit for bit like the eager one."""
        linears = mlp_linears(model)
        if linears is None or not _plain_sgd(optimizer):
            return False
        if type(loss_fn) is not nn.CrossEntropyLoss or loss_fn.reduction != "mean":
            return False
        if loss_fn.weight is not None or loss_fn.label_smoothing or loss_fn.ignore_index != -100:
            return False
        params = list(model.parameters())
        trained = {id(p) for p in optimizer.param_groups[0]["params"]}
        return (
            x.device.type == "cpu"
            and x.dtype == torch.float32
            and len(params) == 2 * len(linears)
            and all(p.dtype == torch.float32 and p.device.type == "cpu" for p in params)
            and all(p.requires_grad and id(p) in trained for p in params)
            and len(trained) == len(params)
        )

    def _allocate(self, batch: int) -> None:
        """Activations and gradients for batches of ``batch`` rows, made once per slice."""
        w, dtype = self.weights, self.x.dtype
        self._buffers = {
            "x": [torch.empty(batch, *self.x.shape[1:], dtype=dtype)],
            "y": [torch.empty(batch, dtype=self.y.dtype)],
            "z": [torch.empty(batch, m.shape[0], dtype=dtype) for m in w],
            "gw": [torch.empty_like(m) for m in w],
            "gb": [torch.empty_like(b) for b in self.biases],
            "gx": [torch.empty(batch, m.shape[1], dtype=dtype) for m in w],
        }
        self._batch = batch

    def step(self, idx: torch.Tensor) -> float:
        # The largest batch seen sets the buffers' size; a short last batch of an epoch makes
        # its own tensors (out= would resize the buffers).
        if len(idx) > self._batch:
            self._allocate(len(idx))
        buf = self._buffers if len(idx) == self._batch else None

        def out(name: str, k: int = 0) -> torch.Tensor | None:
            return buf[name][k] if buf is not None else None

        xb = torch.index_select(self.x, 0, idx, out=out("x"))
        yb = torch.index_select(self.y, 0, idx, out=out("y"))
        acts, last = [xb.flatten(1)], len(self.weights) - 1
        for k, (wt, b) in enumerate(zip(self._transposed, self.biases, strict=True)):
            z = torch.addmm(b, acts[-1], wt, out=out("z", k))
            acts.append(z.relu_() if k < last else z)  # in place: the same values as relu()
        logp = torch.log_softmax(acts[-1], 1)
        loss, total = _NLL_LOSS(logp, yb, None, 1, -100)  # reduction: mean
        value = loss.item()
        if not math.isfinite(value):
            return value  # as the eager step: stop before backward, weights unchanged
        lr = self.optimizer.param_groups[0]["lr"]
        g = _NLL_LOSS_BACKWARD(self._one, logp, yb, None, 1, -100, total)
        g = _LOG_SOFTMAX_BACKWARD(g, logp, 1, torch.float32)
        for k in range(last, -1, -1):
            gb = torch.sum(g, 0, out=out("gb", k))
            gx = None
            if k:  # before this layer's update: backward reads the weights the forward used
                gx = torch.mm(g, self.weights[k], out=out("gx", k))
                _RELU_BACKWARD(gx, acts[k], 0, grad_input=gx)  # ReLU's, on its output, in place
            self.update_weight(k, g, acts[k], lr, out("gw", k))
            self.biases[k].add_(gb, alpha=-lr)
            g = gx
        return value

    def update_weight(
        self, k: int, g: torch.Tensor, a: torch.Tensor, lr: float, out: torch.Tensor | None
    ) -> None:
        """SGD on layer ``k``'s weight: its gradient ``g.T @ a``, then ``p.add_(grad, alpha=-lr)``."""
        self.weights[k].add_(torch.mm(g.t(), a, out=out), alpha=-lr)

    def reset(self) -> None:
        """Drop the scratch buffers (``.grad`` is already None)."""
        self._buffers, self._batch = {}, 0
