"""Show-the-code for broadcasting, cat, stack, split and chunk on the typed shapes."""

from __future__ import annotations

from collections.abc import Sequence

import torch

from playground.broadcasting.rules import Shape
from playground.core.budget import numel


# -- show the code ---------------------------------------------------------------
def _tensors_code(shapes: Sequence[Shape]) -> str:
    lines, start = [], 0
    for i, s in enumerate(shapes):
        n = numel(s)
        lines.append(f"t{i} = torch.arange({start}., {start + n}.).reshape{_tuple(s)}")
        start += n
    return "\n".join(lines)


def _tuple(shape: Shape) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else str(tuple(shape))


def broadcast_code(shapes: Sequence[Shape]) -> str:
    names = ", ".join(f"torch.Size({_tuple(s)})" for s in shapes)
    operands = " + ".join(f"torch.zeros{_tuple(s)}" for s in shapes)
    return (
        "import torch\n\n"
        f"result = torch.broadcast_shapes({names})\n"
        f"print(result)  # the same shape as ({operands}).shape\n"
    )


def cat_code(shapes: Sequence[Shape], dim: int) -> str:
    names = ", ".join(f"t{i}" for i in range(len(shapes)))
    return f"import torch\n\n{_tensors_code(shapes)}\nresult = torch.cat([{names}], dim={dim})\nprint(result.shape)\n"


def stack_code(shapes: Sequence[Shape], dim: int) -> str:
    names = ", ".join(f"t{i}" for i in range(len(shapes)))
    unsq = ", ".join(f"t{i}.unsqueeze({dim})" for i in range(len(shapes)))
    return (
        f"import torch\n\n{_tensors_code(shapes)}\n"
        f"result = torch.stack([{names}], dim={dim})\n"
        f"same = torch.equal(result, torch.cat([{unsq}], dim={dim}))  # stack = unsqueeze + cat\n"
        "print(result.shape, same)\n"
    )


def split_code(shape: Shape, *, split_size: int, chunks: int, dim: int) -> str:
    return (
        f"import torch\n\nt = torch.arange({numel(shape)}.).reshape{_tuple(shape)}\n"
        f"pieces = torch.split(t, {split_size}, dim={dim})  # pieces of size {split_size}\n"
        f"parts = torch.chunk(t, {chunks}, dim={dim})  # {chunks} (nearly) equal parts\n"
        f"result = [p.shape for p in pieces], [c.shape for c in parts]\n"
        f"assert torch.equal(torch.cat(pieces, dim={dim}), t)  # cat undoes split\n"
        "print(result)\n"
    )


# The Tensors tutorial's example, then two more that show which dimension grows.
CAT_EXAMPLES = """import torch

tensor = torch.ones(4, 4)
tensor[:, 1] = 0
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
print(t1.shape)
print(torch.cat([tensor, tensor, tensor], dim=0).shape)
print(torch.stack([tensor, tensor, tensor], dim=0).shape)
"""


def cat_examples() -> tuple[torch.Size, torch.Size, torch.Size]:
    """The shapes :data:`CAT_EXAMPLES` prints, computed the same way."""
    tensor = torch.ones(4, 4)
    tensor[:, 1] = 0
    three = [tensor, tensor, tensor]
    return torch.cat(three, dim=1).shape, torch.cat(three, dim=0).shape, torch.stack(three).shape
