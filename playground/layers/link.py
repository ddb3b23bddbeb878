"""A model in the address bar: ``Flatten();Linear(784, 512);ReLU();Linear(512, 10)``.

The link holds each layer as the call a learner would write, so it stays readable.
Decoding goes through :func:`parse_args` (literals only, never ``eval``) and the
same validation as the builder; the input shape goes through the one shape parser.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from playground.core.errors import ModelError, PlaygroundError
from playground.core.shapes import parse_shape, short
from playground.layers.specs import LayerSpec, parse_args

MAX_LINK_CHARS = 4000
MAX_LINK_LAYERS = 64
_LAYER = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)\((.*)\)\s*$", re.DOTALL)


def encode_model(specs: Sequence[LayerSpec]) -> str:
    """The layer list as ``Kind(args);Kind(args)``."""
    return ";".join(f"{s.kind}({s.args_text()})" for s in specs)


def decode_model(text: str) -> list[LayerSpec]:
    """:func:`encode_model` backwards; a :class:`ModelError` names the first bad layer."""
    if len(text) > MAX_LINK_CHARS:
        raise ModelError("err.layers.link_too_long", n=len(text), max_chars=MAX_LINK_CHARS)
    parts = [p for p in text.split(";") if p.strip()]
    if not parts or len(parts) > MAX_LINK_LAYERS:
        raise ModelError("err.layers.link_layers", n=len(parts), max_layers=MAX_LINK_LAYERS)
    specs = []
    for k, part in enumerate(parts, start=1):
        match = _LAYER.match(part)
        if not match:
            raise ModelError("err.layers.link_layer", k=k, text=short(part))
        specs.append(parse_args(match.group(1), match.group(2)))
    return specs


def decode_input(text: str, *, typed: bool = False) -> tuple[int, ...]:
    """An input shape from the link (or ``typed`` in the box): 1 to 3 positive sizes, such as
    ``(1, 28, 28)``. The message says where the bad shape came from."""
    where = "typed" if typed else "link"
    try:
        shape = parse_shape(text, max_dims=3)
    except PlaygroundError as err:
        raise ModelError(f"err.layers.{where}_input", text=short(text), reason=err) from None
    if not shape or min(shape) < 1:
        raise ModelError(f"err.layers.{where}_input_sizes", text=short(text))
    return shape
