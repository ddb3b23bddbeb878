"""Plotly figures for tensors and shapes. Builders never call streamlit or ``.show()``.

Multi-panel figures are laid out as one plain layout dict (axis domains, title
annotations, shapes) and validated once by ``go.Figure``. ``make_subplots`` and
repeated ``add_shape``/``update_*`` calls re-validate the whole figure each time,
which cost 50-90 ms per figure with Plotly 7; see benchmarks/bench_figures.py.
"""

from __future__ import annotations

SCALE = "Blues"
HIGHLIGHT = "#EE4C2C"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2"]
MAX_CELLS_WITH_TEXT = 400
# Plotly's own "Blues" and "Greys", spelled out so a trace dict needs no lookup.
_GREYS = [[0, "rgb(255,255,255)"], [1, "rgb(0,0,0)"]]
