"""PyTorch Playground: the router and the frame (page config, sidebar, navigation)."""

from __future__ import annotations

import streamlit as st

from playground.device import configure_threads
from playground.ui import sidebar_controls, tr

st.set_page_config(
    page_title="PyTorch Playground", page_icon=":material/local_fire_department:", layout="wide"
)
configure_threads()

# (file, url path, title key, icon), in the tutorial's order.
CHAPTERS = [
    ("pages/tensors.py", "tensors", "nav.tensors", ":material/grid_on:"),
    ("pages/broadcasting.py", "broadcasting", "nav.broadcasting", ":material/view_column:"),
    ("pages/autograd.py", "autograd", "nav.autograd", ":material/account_tree:"),
    ("pages/data.py", "data", "nav.data", ":material/photo_library:"),
    ("pages/layers.py", "layers", "nav.layers", ":material/layers:"),
    ("pages/training.py", "training", "nav.training", ":material/trending_down:"),
    ("pages/save_load.py", "save_load", "nav.save_load", ":material/save:"),
]

sidebar_controls()
home = st.Page("pages/home.py", title=tr("nav.home"), icon=":material/home:", default=True)
chapters = [st.Page(f, title=tr(k), icon=i, url_path=u) for f, u, k, i in CHAPTERS]
st.navigation([home, *chapters]).run()
