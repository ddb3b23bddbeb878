"""Plotly building blocks shared by the chapters: the palette, heatmaps, image grids and bars."""

from __future__ import annotations

