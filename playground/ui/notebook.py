"""Download as notebook: what a page run shows, collected as it is drawn.

``chapter_intro`` opens the record (the page's title and intro), ``lazy_tabs`` names the open
section, ``show_code`` adds each script, and app.py offers the result once the page has run.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from playground.core.notebook import NotebookPage, make_notebook
from playground.ui.i18n import current_lang, tr

__all__ = ["chapter_intro", "notebook_button", "record_script", "record_section"]

_KEY = "_notebook"


def chapter_intro(title_key: str, intro_key: str) -> None:
    """The page's title and first paragraph, which also start its notebook."""
    st.title(tr(title_key))
    st.markdown(tr(intro_key))
    st.session_state[_KEY] = NotebookPage(tr(title_key), tr(intro_key))
    st.session_state[f"{_KEY}_section"] = ""


def record_section(label: str) -> None:
    st.session_state[f"{_KEY}_section"] = label


def record_script(code: str) -> None:
    page = st.session_state.get(_KEY)
    if isinstance(page, NotebookPage):
        page.add(st.session_state.get(f"{_KEY}_section", ""), code)


def notebook_button(name: str, *, seed: int, device: str) -> None:
    """The sidebar's download of this run's notebook, built only when it is clicked."""
    page = st.session_state.get(_KEY)
    if not isinstance(page, NotebookPage) or not page.scripts:
        return
    # Strings are immutable: a copy of the list is a full snapshot (deepcopy walked each).
    snapshot = dataclasses.replace(page, scripts=list(page.scripts))
    lang = current_lang()
    st.sidebar.download_button(
        tr("nb.download"),
        data=lambda: make_notebook(snapshot, lang=lang, seed=seed, device=device),
        file_name=f"pytorch-playground-{name}.ipynb",
        mime="application/x-ipynb+json",
        on_click="ignore",
        icon=":material/download:",
        help=tr("nb.download_help"),
        width="stretch",
        key="nb_download",
    )
