"""Show-the-code for the Autograd chapter: a program, or a computation, as a plain script."""

from __future__ import annotations

import torch

from playground.autograd.program import Computation, Statement


def program_code(
    statements: list[Statement],
    seed: int,
    device: torch.device | str,
    *,
    leaves: list[str],
    scalar: bool = True,
) -> str:
    """The plain script for a program: seed, the lines as typed, backward, the gradients."""
    device = torch.device(device)
    lines = ["import torch", "import torch.nn.functional as F", "", f"torch.manual_seed({seed})"]
    if device.type != "cpu":
        lines.append(f'torch.set_default_device("{device}")')
    lines += [f"{s.name} = {s.expression}" for s in statements]
    out = statements[-1].name
    lines += ["", f"print({out}.grad_fn)  # the root of the graph autograd built"]
    if scalar:
        lines.append(f"{out}.backward()")
    else:
        lines.append(f"{out}.backward(torch.ones_like({out}))  # non-scalar: backward(v)")
    grads = ", ".join(f'"{n}": {n}.grad' for n in leaves)
    lines += [f"grads = {{{grads}}}", "for name, grad in grads.items():", "    print(name, grad)"]
    return "\n".join(lines) + "\n"


def computation_code(comp: Computation, seed: int, device: torch.device | str) -> str:
    """:func:`program_code` for a program that ran: its leaves, and whether it needs ``v``."""
    return program_code(
        comp.statements,
        seed,
        device,
        leaves=list(comp.leaves()),
        scalar=comp.output.numel() == 1,
    )
