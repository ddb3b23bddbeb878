"""The palette and colour scales every chart shares."""

from __future__ import annotations

SCALE = "Blues"
HIGHLIGHT = "#EE4C2C"
PALETTE = ["#4C78A8", "#F58518", "#54A24B", "#B279A2", "#E45756", "#72B7B2"]
MAX_CELLS_WITH_TEXT = 400
# Plotly's own "Blues" and "Greys", spelled out so a trace dict needs no lookup.
GREYS = [[0, "rgb(255,255,255)"], [1, "rgb(0,0,0)"]]
