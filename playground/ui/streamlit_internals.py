"""Every use of Streamlit's private API, in one place, each with the reason.

Streamlit 1.67 has no public API for these six needs. ``tests/ui/test_internals.py``
fails loudly if one of them moves in a new Streamlit release.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

__all__ = [
    "active_session_check",
    "forget_link_value",
    "leave_legacy_pages_mode",
    "page_copies",
    "run_memo",
    "session_id",
]

T = TypeVar("T")


def session_id() -> str:
    """Streamlit's id for this browser session ("" outside a running server).

    Why: the server-wide training queue and the janitor key runs by session, and
    ``st.context`` offers no session id.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else ""


def active_session_check() -> Callable[[str], bool] | None:
    """``is_active(session_id)`` from the running server, or None under AppTest (no server).

    Why: a closed tab's session lingers for ``server.disconnectedSessionTTL``; the janitor
    frees its run once the runtime says it is gone, and no public API tells.
    """
    from streamlit.runtime import Runtime

    if not Runtime.exists():
        return None
    return Runtime.instance().is_active_session


def leave_legacy_pages_mode() -> bool:
    """Hand a deep link over to ``st.navigation``; True when the page must rerun.

    Why: Streamlit treats a ``pages/`` folder beside app.py as a legacy multipage app until
    some session runs ``st.navigation``. Until then a deep link (/tensors) runs the page
    file alone, without app.py's sidebar. The project layout requires the folder's name.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        return True
    return False


def forget_link_value(key: str) -> None:
    """Stop Streamlit from seeding widget ``key`` from the URL the session opened with.

    Why: ``bind="query-params"`` seeds a widget from the *initial* URL, even after
    ``st.query_params.pop``, and ``?epochs=-inf`` makes its ``int()`` raise inside
    Streamlit (the page's error box). No public API drops a bad value first.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        ctx.session_state._state.query_params._initial_query_params.pop(key, None)


_MEMO = "_playground_memo"


def run_memo() -> dict[str, Any] | None:
    """A dict kept on this session's script-run context (None outside a run): what the frame
    works out once a run and the rest of the run only reads.

    Why: ~80 ``tr`` calls a run each read the language through the session state's proxies
    and lock (~24 µs each under a herd). A thread-local would be wrong: Streamlit 1.67 runs
    parallel fragments on a pool of threads shared by every session.
    """
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    memo = vars(ctx).get(_MEMO)
    if memo is None:
        memo = {}
        setattr(ctx, _MEMO, memo)
    return memo


def page_copies(pages: Sequence[T]) -> list[T]:
    """This run's own copies of ``st.Page`` objects built once.

    Why: ``st.Page`` resolves its file on every call (``realpath``: an ``lstat`` per path
    component, then a ``stat``); the 12 pages a run builds were ~7 % of a herd's server CPU on
    Layers. Sessions cannot share one object: ``st.navigation`` marks the page it returns as
    callable (``_can_be_called``) and ``Page.run`` clears it. A shallow copy is a new object
    with the same path, title, icon and URL.
    """
    return [copy.copy(page) for page in pages]
