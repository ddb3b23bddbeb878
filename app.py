"""PyTorch Playground: the router and the frame (page config, sidebar, navigation)."""

from __future__ import annotations

import streamlit as st

from playground.core.device import configure_threads
from playground.server.memory import freeze_startup_objects
from playground.ui import (
    PAGE_ICON,
    navigation_pages,
    notebook_button,
    share_controls,
    sidebar_controls,
)
from playground.ui.state import warm_shared_data

# A local file: a :material: icon as page_icon is fetched from fonts.gstatic.com on every
# rerun, which fails (and logs) on a server with no internet.
st.set_page_config(page_title="PyTorch Playground", page_icon=PAGE_ICON, layout="wide")
configure_threads()
freeze_startup_objects()
warm_shared_data()

settings = sidebar_controls()
current = st.navigation(navigation_pages())
try:
    current.run()
finally:  # also after a page's st.stop(): the sidebar keeps its link, Reset and notebook
    # After the page: the link holds what it just showed, the notebook every script it ran.
    share_controls()
    notebook_button(current.url_path or "home", seed=settings.seed, device=str(settings.device))
