"""PyTorch Playground's engine: plain functions and dataclasses that run PyTorch and draw Plotly.

One package per chapter (the list is :mod:`playground.chapters`), shared pieces in ``core``
and ``plots``, what one server shares in ``server``, and ``ui``, the only part that imports
streamlit.
"""

from __future__ import annotations

__all__ = [
    "autograd",
    "broadcasting",
    "chapters",
    "convolution",
    "core",
    "data",
    "examples",
    "exercises",
    "layers",
    "plots",
    "save_load",
    "server",
    "teach",
    "tensors",
    "training",
    "ui",
]
