"""The frame every page shares: the chapter list, the sidebar, and what each page starts with.

Pages call ``page()`` first; it returns the sidebar's :class:`Settings` (device, seed,
language), which pages pass down to ``playground`` functions.
"""

from __future__ import annotations

import base64
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
import torch

from playground.chapters import CHAPTERS, HOME
from playground.core import device as devices
from playground.core.i18n import LANGUAGES
from playground.core.rng import MAX_SEED, seed_global
from playground.server.memory import return_freed_memory
from playground.server.runs import RUNS
from playground.ui.i18n import current_lang, hold_lang, ntr, tr
from playground.ui.shared import class_resource
from playground.ui.streamlit_internals import (
    active_session_check,
    forget_link_value,
    leave_legacy_pages_mode,
    page_copies,
    run_memo,
)
from playground.ui.widgets import BOUND_KEYS, bound, reset_to_default

__all__ = [
    "DEFAULT_SEED",
    "Settings",
    "on_every_page",
    "on_reset",
    "page",
    "settings",
    "share_controls",
    "sidebar_controls",
]

DEFAULT_SEED = 0


@dataclass(frozen=True)
class Settings:
    """The sidebar's choices, passed down to ``playground`` functions."""

    device: torch.device
    seed: int
    lang: str


def _new_seed() -> None:
    st.session_state["seed"] = random.randrange(0, MAX_SEED + 1)


# Streamlit's code colours are 2.3:1 to 3.8:1 on its code background (green #21c354 for
# True, blue #1c83e1 for import); WCAG AA asks 4.5:1 and the theme has no setting for them.
# One constant stylesheet (never user text) darkens each token colour to 4.9:1 or more.
_TOKEN_COLOURS = {
    "keyword, .token.tag, .token.function, .token.class-name, .token.selector": "#0b62b8",
    "comment, .token.prolog, .token.punctuation, .token.unchanged.line": "#5f6368",
    "boolean, .token.constant, .token.symbol, .token.inserted.line": "#116329",
    "number, .token.regex": "#0a6e6e",
    "string, .token.char, .token.attr-value": "#1a7f37",
    "operator, .token.entity, .token.decorator, .token.atrule": "#953800",
    "attr-name, .token.property, .token.variable": "#0550ae",
    "important, .token.deleted.line": "#b31d28",
}
_RULES = (
    f".token.{names} {{color: {colour} !important}}" for names, colour in _TOKEN_COLOURS.items()
)
# Streamlit's header shows its own "Stop" while a script runs. During a training it ends the
# script, not the run: the page stays frozen at "epoch 2 · about 6 s left" with the app's Stop
# still lit, and nobody advances the run until the next click. Each run's panel has the Stop
# that holds the run where it is, so the header keeps only its "Running…" figure.
_ONE_STOP = '[data-testid="stStatusWidget"] button {display: none !important}'
_PAGE_STYLE = f"<style>{' '.join([*_RULES, _ONE_STOP])}</style>"


def sidebar_controls() -> Settings:
    """Device, seed and language, bound to the URL so a shared link reproduces them."""
    st.html(_PAGE_STYLE)  # style only: Streamlit adds it to the page, taking no space
    with st.sidebar:
        # Bound widgets put the option itself in the URL, so options are readable words.
        hold_lang(False)
        bound(st.selectbox, "Language / 语言", options=list(LANGUAGES.values()), key="language")
        hold_lang(True)
        if current_lang() != "en":  # Streamlit's own words stay English: say what they mean
            st.caption(tr("sidebar.streamlit_words"))
        st.subheader(tr("sidebar.settings"))
        infos = {d.name: d.label for d in devices.available_devices()}
        chosen = bound(
            st.selectbox, tr("sidebar.device"), list(infos), key="device",
            help=tr("sidebar.device_help"),
        )  # fmt: skip
        cpu = ntr("sidebar.cpu", torch.get_num_threads())
        st.caption(cpu if chosen == "cpu" else infos.get(str(chosen), ""))
        row = st.container(horizontal=True, vertical_alignment="bottom", gap="small")
        bound(
            row.number_input, tr("sidebar.seed"), min_value=0, max_value=MAX_SEED, step=1,
            key="seed", help=tr("sidebar.seed_help"),
        )  # fmt: skip
        row.button("", on_click=_new_seed, icon=":material/casino:", help=tr("sidebar.new_seed"))
    return settings()


def share_controls() -> None:
    """ "Copy link" and "Reset to defaults", drawn *after* the page so the link holds what the
    page just showed: the tab it opened, the values Reset just restored."""
    with st.sidebar:
        link_controls()
        st.button(
            tr("sidebar.reset"), on_click=reset_controls, icon=":material/restart_alt:",
            help=tr("sidebar.reset_help"), width="stretch",
        )  # fmt: skip


def link_controls() -> None:
    """A "Copy link" popover: this page with every changed setting, for a class."""
    box = st.popover(tr("sidebar.copy_link"), icon=":material/link:", width="stretch",
                     key="copy_link", on_change="rerun")  # fmt: skip
    if not box.open:  # drawn when opened: a class opening a link pays nothing for it
        return
    with box:
        st.caption(tr("sidebar.copy_link_help"))
        query = urllib.parse.urlencode(st.query_params.to_dict())
        st.code(
            f"{st.context.url or ''}{'?' + query if query else ''}", language=None, wrap_lines=True
        )


_KEPT = frozenset({"language", "device", "seed"})
# What chapter UI modules (state, exercises) hook into every page and into Reset: the frame
# calls them, and imports no chapter.
_EVERY_PAGE: list[Callable[[], None]] = []
_RESETS: dict[str, Callable[[], None]] = {}


def on_every_page(hook: Callable[[], None]) -> Callable[[], None]:
    """Run ``hook`` at the start of every page (after the frame's own checks)."""
    _EVERY_PAGE.append(hook)
    return hook


def on_reset(keys: Iterable[str], hook: Callable[[], None]) -> None:
    """Reset calls ``hook`` for these URL keys instead of resetting a widget."""
    _RESETS.update(dict.fromkeys(keys, hook))


# A data: URL, read once. Given a file, st.set_page_config reads and hashes it on every run
# and registers it as one more media file of the session; each run's end then scans every
# session's files for orphans, so a class of 100 paid for the icon 100 times over.
PAGE_ICON = "data:image/png;base64," + base64.b64encode(
    (Path(__file__).parent / "assets" / "icon.png").read_bytes()
).decode("ascii")


@class_resource(max_entries=2 * len(LANGUAGES))
def _navigation_pages(titles: tuple[str, ...]) -> tuple[st.Page, ...]:
    """Home and the chapters as ``st.Page`` objects, built once per language. Read-only: each
    run navigates with copies of them (``page_copies``)."""
    home = st.Page(HOME, title=titles[0], icon=":material/home:", default=True)
    chapters = [
        st.Page(c.page, title=title, icon=c.icon, url_path=c.slug)
        for c, title in zip(CHAPTERS, titles[1:], strict=True)
    ]
    return (home, *chapters)


_PAGES = "navigation_pages"  # this run's chapter pages by file, on the run memo


def navigation_pages() -> list[st.Page]:
    """This run's pages for ``st.navigation``: Home first, then every chapter, titled in the
    session's language."""
    titles = (tr("nav.home"), *(tr(c.title_key) for c in CHAPTERS))
    pages = page_copies(_navigation_pages(titles=titles))
    memo = run_memo()
    if memo is not None:
        memo[_PAGES] = {c.page: p for c, p in zip(CHAPTERS, pages[1:], strict=True)}
    return pages


def page_of(path: str) -> st.Page | str:
    """What ``st.page_link`` gets for ``pages/<slug>.py``: this run's page, or the path itself
    before navigation has run. Given a path, every link resolves it on disk again (Home draws
    eleven, for every session of a class)."""
    memo = run_memo()
    pages = memo.get(_PAGES) if memo is not None else None
    return pages.get(path, path) if pages else path


def reset_controls() -> None:
    """Every changed control of this page back to its default; language, device, seed and
    the open tab stay. The URL loses those values, and Streamlit forgets the link's."""
    for key in [k for k in st.query_params if k not in _KEPT]:
        if isinstance(BOUND_KEYS.get(key), tuple):
            continue  # a tab: stay where you are
        if key in _RESETS:  # a chapter's own state (the built model) resets itself
            _RESETS[key]()
            continue
        # Streamlit refuses to delete a bound parameter: set the widget to its default
        # instead, and a value equal to the default leaves the URL by itself.
        forget_link_value(key)
        reset_to_default(key)


def page() -> Settings:
    """Every page starts here: make sure app.py framed it, then return the sidebar settings."""
    if leave_legacy_pages_mode():
        st.rerun()
    _start_janitor()
    for hook in _EVERY_PAGE:
        hook()
    return settings()


@class_resource()
def _start_janitor() -> bool:
    """One thread per server that frees the runs of sessions gone for the disconnect TTL."""
    is_active = active_session_check()
    if is_active is None:  # AppTest runs scripts without a server
        return False
    ttl = float(st.get_option("server.disconnectedSessionTTL"))

    def sweep() -> None:
        while True:
            time.sleep(min(10.0, max(0.5, ttl / 4)))
            RUNS.reap(is_active, ttl, time.monotonic())
            return_freed_memory()

    threading.Thread(target=sweep, name="playground-janitor", daemon=True).start()
    return True


def settings() -> Settings:
    """The current sidebar settings; falls back to the CPU if the chosen device is gone.

    The seed hops: sidebar widget (key "seed", in the URL) → ``st.session_state["seed"]``
    → ``Settings.seed`` → each page's frozen config → the compute function's generator.
    """
    device, message = devices.resolve_device(st.session_state.get("device"))
    if message:
        st.warning(message, icon=":material/memory:")
    seed = int(st.session_state.get("seed", DEFAULT_SEED))
    seed_global(seed)
    return Settings(device=device, seed=seed, lang=current_lang())
