"""The Broadcasting page's figure, drawn once per server for each list of shapes and shared."""

from __future__ import annotations

import streamlit as st

from playground import broadcasting as shp
from playground.broadcasting.figures import make_broadcast_figure
from playground.plots.wire import SharedFigure

__all__ = ["broadcast_figure"]


@st.cache_resource(max_entries=128, show_spinner=False)
def broadcast_figure(shapes: tuple[tuple[int, ...], ...], lang: str) -> SharedFigure:
    return SharedFigure(make_broadcast_figure(shp.explain_broadcast(*shapes), lang=lang))
