"""The one part of ``playground`` that imports streamlit: what pages share.

``frame`` (sidebar, chapters, ``page()``), ``widgets`` (``bound``, ``lazy_tabs``,
``show_code``, ``show_error``), ``state`` (typed cross-page session state), ``i18n``
(``tr`` in the page's language) and ``streamlit_internals`` (private API, isolated).
"""

from __future__ import annotations

from playground.ui import state
from playground.ui import teach as _teach  # noqa: F401  (its hooks: the class banner, attempts)
from playground.ui.exercises import check_yourself
from playground.ui.frame import (
    DEFAULT_SEED,
    PAGE_ICON,
    Settings,
    navigation_pages,
    page,
    page_of,
    settings,
    share_controls,
    sidebar_controls,
)
from playground.ui.i18n import class_names, current_lang, localized, ntr, tr
from playground.ui.notebook import chapter_intro, notebook_button
from playground.ui.session import Slot
from playground.ui.state import shared_dataset
from playground.ui.streamlit_internals import session_id
from playground.ui.widgets import (
    arrow_table,
    bound,
    chart,
    control,
    lazy_tabs,
    printed,
    relabel_on_language_switch,
    row,
    show_code,
    show_error,
    table,
    uploader,
)

__all__ = [
    "DEFAULT_SEED",
    "PAGE_ICON",
    "Settings",
    "Slot",
    "arrow_table",
    "bound",
    "chapter_intro",
    "chart",
    "check_yourself",
    "class_names",
    "control",
    "current_lang",
    "lazy_tabs",
    "localized",
    "navigation_pages",
    "notebook_button",
    "ntr",
    "page",
    "page_of",
    "printed",
    "relabel_on_language_switch",
    "row",
    "session_id",
    "settings",
    "share_controls",
    "shared_dataset",
    "show_code",
    "show_error",
    "sidebar_controls",
    "state",
    "table",
    "tr",
    "uploader",
]
