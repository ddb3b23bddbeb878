"""PyTorch Playground's engine: plain functions and dataclasses that run PyTorch and draw Plotly.

One package per chapter (``tensors``, ``broadcasting``, ``autograd``, ``data``, ``layers``,
``training``, ``save_load``), shared pieces in ``core`` and ``plots``, what one server
shares in ``server``, and ``ui``, the only part that imports streamlit.
"""

from __future__ import annotations

__all__ = [
    "autograd",
    "broadcasting",
    "core",
    "data",
    "layers",
    "plots",
    "save_load",
    "server",
    "tensors",
    "training",
    "ui",
]
