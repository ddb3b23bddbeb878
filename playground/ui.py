"""Shared widget groups for the pages: the only module here that imports streamlit.

Pages call ``tr`` for text, ``settings()`` for the sidebar's device, seed and
language, ``show_code`` under every result and ``show_error`` for refusals.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st
import torch

from playground.core.device import available_devices, resolve_device
from playground.core.expr import ExpressionError
from playground.data.datasets import ImageDataset
from playground.data.torchvision_raw import load_dataset
from playground.i18n import LANGUAGES, t
from playground.server.memory import return_freed_memory

__all__ = [
    "CHAPTERS",
    "Settings",
    "coming_soon",
    "current_lang",
    "lazy_tabs",
    "page",
    "settings",
    "shared_dataset",
    "show_code",
    "show_error",
    "sidebar_controls",
    "tr",
]

DEFAULT_SEED = 0

# (file, url path, title key, icon), in the tutorial's order. Home's card blurb is "blurb.<url path>".
CHAPTERS = [
    ("pages/tensors.py", "tensors", "nav.tensors", ":material/grid_on:"),
    ("pages/broadcasting.py", "broadcasting", "nav.broadcasting", ":material/view_column:"),
    ("pages/autograd.py", "autograd", "nav.autograd", ":material/account_tree:"),
    ("pages/data.py", "data", "nav.data", ":material/photo_library:"),
    ("pages/layers.py", "layers", "nav.layers", ":material/layers:"),
    ("pages/training.py", "training", "nav.training", ":material/trending_down:"),
    ("pages/save_load.py", "save_load", "nav.save_load", ":material/save:"),
]


@dataclass(frozen=True)
class Settings:
    """The sidebar's choices, passed down to ``playground`` functions."""

    device: torch.device
    seed: int
    lang: str

    def generator(self) -> torch.Generator:
        """A fresh generator seeded from the sidebar, on the CPU (portable across devices)."""
        return torch.Generator().manual_seed(self.seed)


_LANG_CODES = {label: code for code, label in LANGUAGES.items()}


def current_lang() -> str:
    """The sidebar language as a code ("en" or "zh")."""
    return _LANG_CODES.get(st.session_state.get("language", ""), "en")


def tr(key: str, /, **values: object) -> str:
    return t(key, current_lang(), **values)


def _new_seed() -> None:
    st.session_state["seed"] = random.randrange(0, 2**31 - 1)


def sidebar_controls() -> Settings:
    """Device, seed and language, bound to the URL so a shared link reproduces them."""
    with st.sidebar:
        # Bound widgets put the option itself in the URL, so options are readable words.
        st.selectbox(
            "Language / 语言", options=list(LANGUAGES.values()), key="language", bind="query-params"
        )
        st.subheader(tr("sidebar.settings"))
        infos = {d.name: d.label for d in available_devices()}
        chosen = st.selectbox(
            tr("sidebar.device"),
            options=list(infos),
            key="device",
            help=tr("sidebar.device_help"),
            bind="query-params",
        )
        cpu = tr("sidebar.cpu", n=torch.get_num_threads())
        st.caption(cpu if chosen == "cpu" else infos.get(chosen, ""))
        cols = st.columns([4, 1], vertical_alignment="bottom")
        cols[0].number_input(
            tr("sidebar.seed"),
            min_value=0,
            max_value=2**31 - 2,
            step=1,
            key="seed",
            help=tr("sidebar.seed_help"),
            bind="query-params",
        )
        cols[1].button(
            "", on_click=_new_seed, icon=":material/casino:", help=tr("sidebar.new_seed")
        )
        st.caption(tr("sidebar.share"))
    return settings()


def page() -> Settings:
    """Every page starts here: make sure app.py framed it, then return the sidebar settings."""
    _leave_legacy_pages_mode()
    _start_janitor()
    return settings()


def session_id() -> str:
    """Streamlit's id for this browser session ("" outside a running server)."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


@st.cache_resource(show_spinner=False)
def _start_janitor() -> bool:
    """One thread per server that frees the runs of sessions gone for the disconnect TTL."""
    import threading
    import time

    from streamlit.runtime import Runtime

    from playground.server.runs import RUNS

    if not Runtime.exists():  # AppTest runs scripts without a server
        return False
    runtime = Runtime.instance()
    ttl = float(st.get_option("server.disconnectedSessionTTL"))

    def sweep() -> None:
        while True:
            time.sleep(min(10.0, max(0.5, ttl / 4)))
            RUNS.reap(runtime.is_active_session, ttl, time.monotonic())
            return_freed_memory()

    threading.Thread(target=sweep, name="playground-janitor", daemon=True).start()
    return True


def _leave_legacy_pages_mode() -> None:
    # Streamlit treats a pages/ folder beside app.py as a legacy multipage app
    # until some session runs st.navigation. Until then a deep link (/tensors)
    # runs the page file alone, without app.py's sidebar. Hand over and rerun.
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def settings() -> Settings:
    """The current sidebar settings; falls back to the CPU if the chosen device is gone."""
    device, message = resolve_device(st.session_state.get("device"))
    if message:
        st.warning(message, icon=":material/memory:")
    seed = int(st.session_state.get("seed", DEFAULT_SEED))
    torch.manual_seed(seed)
    return Settings(device=device, seed=seed, lang=current_lang())


@st.cache_resource(max_entries=8, show_spinner=False)
def shared_dataset(name: str, train: bool = True) -> ImageDataset:
    """A dataset decoded once per server and shared by every session: never mutate it."""
    return load_dataset(name, train=train)


def lazy_tabs(key: str, sections: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """Tabs whose sections run only while open; the address bar remembers the open one."""
    tabs = st.tabs([tr(title) for title, _ in sections], key=key, bind="query-params")
    for tab, (_, section) in zip(tabs, sections, strict=True):
        with tab:
            if tab.open:
                section()


def show_code(code: str) -> None:
    """The plain PyTorch script behind a result, with Streamlit's copy button."""
    with st.expander(tr("code.title"), icon=":material/code:"):
        st.caption(tr("code.caption"))
        st.code(code, language="python")


def show_error(err: Exception) -> None:
    """A refusal or PyTorch error, in words a learner can act on."""
    st.error(str(err), icon=":material/error:")
    torch_message = getattr(err, "torch_message", None)
    if isinstance(err, ExpressionError) and torch_message and torch_message.strip() != str(err):
        with st.expander(tr("error.torch")):
            st.code(torch_message, language="text")


def coming_soon(title_key: str, plan_key: str, chapter: str) -> None:
    page()
    st.title(tr(title_key))
    st.info(tr("coming.soon"), icon=":material/construction:")
    st.markdown(f"- {tr(plan_key)}")
    st.caption(tr("coming.tutorial", chapter=chapter))
