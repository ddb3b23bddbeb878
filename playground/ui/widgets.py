"""Widget groups every page uses: URL-bound widgets, lazy tabs, show-the-code, errors."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from playground.core.controls import Control
from playground.core.errors import PlaygroundError
from playground.core.i18n import Code, column_label, escape_markdown
from playground.plots.describe import describe
from playground.plots.wire import SharedFigure
from playground.ui.i18n import current_lang, tr
from playground.ui.notebook import record_script, record_section
from playground.ui.ranges import clamped_number, forget_clamp, widget_signature
from playground.ui.streamlit_internals import forget_link_value

__all__ = [
    "BOUND_DEFAULTS",
    "BOUND_KEYS",
    "arrow_table",
    "bound",
    "bound_default",
    "chart",
    "control",
    "error_text",
    "lazy_tabs",
    "relabel_on_language_switch",
    "reset_to_default",
    "row",
    "show_code",
    "show_error",
    "table",
    "uploader",
]

T = TypeVar("T")
_UNSET: Any = object()
# Every URL-bound key seen in this process and its widget (or a tab group's slugs):
# names only, never values, so the fuzz tests can find every parameter of a page.
BOUND_KEYS: dict[str, str | tuple[str, ...]] = {}
# Each bound widget's default value, as its call declared it, for "Reset to defaults".
BOUND_DEFAULTS: dict[str, object] = {}


def bound(
    widget: Callable[..., T], /, *args: Any, key: str, reset_to: Any = _UNSET, **kwargs: Any
) -> T:
    """``widget(*args, key=key, ...)`` with its value in the URL, so a shared link restores it.

    ``widget`` is any Streamlit input, on ``st`` or on a column (``cols[0].selectbox``).
    A selectbox with a ``format_func`` keeps the *option* in the URL (``ex_level=autograd``),
    not its translated label, so one link opens the same page in either language.
    ``reset_to`` is the value "Reset to defaults" sets when the page seeds the widget
    through the session state instead of its ``value``.
    """
    name = getattr(widget, "__name__", "widget")
    BOUND_KEYS[key] = name
    # Worked out only when asked for (Reset, a refused link): binding the call's arguments to
    # the widget's signature was ~3 % of a herd's server CPU on Convolution.
    BOUND_DEFAULTS[key] = _Declared(widget, args, kwargs) if reset_to is _UNSET else reset_to
    if name in _NUMERIC and key not in st.session_state:
        _drop_non_finite(key)
    if name in _NUMERIC:
        return clamped_number(widget, args, kwargs, key=key)
    if "format_func" not in kwargs:
        _check_link_option(key, name, args, kwargs)
        return widget(*args, key=key, bind="query-params", **kwargs)
    relabel_on_language_switch(key)
    label, options, *rest = args
    options = list(options)
    default = options[rest[0] if rest else kwargs.get("index", 0)]
    by_text = {str(o): o for o in options}
    raw = st.query_params.get(key)
    if key not in st.session_state and raw is not None:
        if raw in by_text:
            st.session_state[key] = by_text[raw]
            rest, kwargs = [], {k: v for k, v in kwargs.items() if k != "index"}
        else:  # a stale or hostile link: the default, and the URL says so
            _ignore(key)
    value = widget(label, options, *rest, key=key, **kwargs)
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)
    return value


def relabel_on_language_switch(key: str) -> None:
    """Make the browser redraw a ``format_func`` widget's selection in the new language.

    The browser keeps the selected *label* it last drew; writing the value back through the
    session state makes Streamlit send it again, formatted in the page's new language.
    """
    lang, mark = current_lang(), f"{key}__lang"
    drawn = st.session_state.get(mark)
    if drawn == lang:
        return
    if drawn is not None and key in st.session_state:
        st.session_state[key] = st.session_state[key]
    st.session_state[mark] = lang


_NUMERIC = frozenset({"number_input", "slider"})
_MISSING = object()


def declared_default(widget: Callable[..., Any], args: tuple, kwargs: dict[str, Any]) -> object:
    """The value ``widget(*args, **kwargs)`` starts at with no state and no link."""
    try:
        call = widget_signature(widget).bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return _MISSING
    call.apply_defaults()
    a = call.arguments
    name = getattr(widget, "__name__", "")
    if name in ("selectbox", "radio"):
        options, index = list(a.get("options") or []), a.get("index", 0)
        return options[index] if options and isinstance(index, int) else None
    if name == "select_slider":
        value = a.get("value")
        return value if value is not None else (list(a.get("options") or []) or [None])[0]
    if name in ("number_input", "slider"):
        value = a.get("value")
        if value in (None, "min"):
            return (
                a.get("min_value")
                if a.get("min_value") is not None
                else (0 if name == "slider" else value)
            )
        return value
    if name in ("segmented_control", "pills", "multiselect"):
        return a.get("default")
    return a.get("value", _MISSING)


@dataclass(frozen=True)
class _Declared:
    """A bound widget's call, kept so :func:`bound_default` can work out its default later."""

    widget: Callable[..., Any]
    args: tuple
    kwargs: dict[str, Any]


def bound_default(key: str) -> object:
    """The value bound widget ``key`` starts at (``_MISSING`` if unknown)."""
    default = BOUND_DEFAULTS.get(key, _MISSING)
    if isinstance(default, _Declared):
        return declared_default(default.widget, default.args, default.kwargs)
    return default


def reset_to_default(key: str) -> bool:
    """Set bound widget ``key`` to its declared default (in a callback); False if unknown."""
    default = bound_default(key)
    if default is _MISSING:
        return False
    st.session_state[key] = default
    forget_clamp(key)
    return True


def _drop_non_finite(key: str) -> None:
    """Streamlit turns ``?epochs=-inf`` into ``int(-inf)`` and raises: drop such values first."""
    raw = st.query_params.get(key)
    if raw is None:
        return
    try:
        finite = math.isfinite(float(raw))
    except ValueError:
        return  # not a number at all: Streamlit ignores it
    if not finite:
        forget_link_value(key)
        _ignore(key)


def _check_link_option(key: str, name: str, args: tuple, kwargs: dict[str, Any]) -> None:
    """A link's value that is not among a choice widget's options is named, not dropped."""
    raw = st.query_params.get(key)
    if raw is None or key in st.session_state or name not in _CHOICES:
        return
    try:
        a = widget_signature(getattr(st, name)).bind_partial(*args, **kwargs).arguments
    except TypeError:
        return
    options = [str(o) for o in a.get("options") or []]
    if options and raw not in options:
        forget_link_value(key)
        _ignore(key)


_CHOICES = frozenset({"selectbox", "select_slider", "radio"})


def _ignore(key: str, used: object = _MISSING) -> None:
    st.query_params.pop(key, None)
    used = bound_default(key) if used is _MISSING else used
    if used is _MISSING or used is None:
        st.toast(tr("link.ignored", key=Code(key)), icon=":material/link_off:", duration="infinite")
    else:
        message = tr("link.ignored_used", key=Code(key), used=Code(str(used)))
        st.toast(message, icon=":material/link_off:", duration="infinite")


def lazy_tabs(key: str, sections: Sequence[tuple[str, Callable[[], None]]]) -> None:
    """Tabs whose sections run only while open; the address bar remembers the open one.

    The URL holds the tab's name, the last part of its title key (``?ag_tab=descent``), not
    its translated label, so a link and a language switch both keep the open tab.
    """
    slugs = [title.rsplit(".", 1)[-1] for title, _ in sections]
    BOUND_KEYS[key] = tuple(slugs)
    labels = [tr(title) for title, _ in sections]
    opened = f"{key}__open"  # this session's open tab, by name, across languages
    preset = st.session_state.pop(key, None)  # a label set in the state opens that tab once
    # One widget per language: a switch starts the new one on the tab that was open.
    widget_key = f"{key}__{current_lang()}"
    if preset in labels:
        st.session_state[widget_key] = preset
    elif widget_key not in st.session_state:
        slug = st.session_state.get(opened) or st.query_params.get(key)
        if slug is not None and slug not in slugs:  # a misspelt or stale link: say so
            _ignore(key, used=labels[0])
        st.session_state[widget_key] = labels[slugs.index(slug)] if slug in slugs else labels[0]
    # No ``default=``: it is part of the widget's identity, so a default that followed the open
    # tab made a new widget after every switch, and the next click went to the old one.
    tabs = st.tabs(labels, key=widget_key, on_change="rerun")
    for tab, name, (_, section) in zip(tabs, slugs, sections, strict=True):
        with tab:
            if tab.open:
                st.session_state[opened] = name
                if name == slugs[0]:
                    st.query_params.pop(key, None)
                else:
                    st.query_params[key] = name
                record_section(labels[slugs.index(name)])
                section()


def row(**kwargs: Any) -> Any:
    """A row of widgets, left to right in the order they are drawn; on a narrow screen they wrap.

    One flex container is one message to the browser, where ``st.columns(n)`` sends n + 1:
    Streamlit's cost per message is most of what a class opening one link waits for."""
    return st.container(horizontal=True, gap="small", **kwargs)


def control(widget: Callable[..., Any], c: Control, label: str, /, **kwargs: Any) -> Any:
    """:func:`bound` for a declared control: its options or range, default and key come from
    the declaration, never from the page."""
    if c.options is not None:
        if getattr(widget, "__name__", "") == "select_slider":
            return bound(widget, label, list(c.options), c.default, key=c.key, **kwargs)
        index = list(c.options).index(c.default)
        return bound(widget, label, list(c.options), index, key=c.key, **kwargs)
    if isinstance(c.default, bool):
        return bound(widget, label, c.default, key=c.key, **kwargs)
    return bound(widget, label, c.low, c.high, c.default, c.step, key=c.key, **kwargs)


def uploader(label: str, types: Sequence[str], /, *, key: str, **kwargs: Any) -> Any:
    """``st.file_uploader``, and under it, on a page not in English, what Streamlit's English
    "Drag and drop file here · Limit 20MB per file" says, in the page's language."""
    file = st.file_uploader(label, type=list(types), key=key, **kwargs)
    if current_lang() != "en":
        mb = st.get_option("server.maxUploadSize")
        st.caption(tr("ui.upload_hint", mb=mb, types=", ".join(f".{t}" for t in types)))
    return file


def chart(fig: Any, /, *, key: str, into: Any = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` with a text alternative for screen readers: :func:`describe` reads
    the figure's own numbers, in the page's language. ``into`` is a column or container.
    A :class:`SharedFigure` (a server's cached figure) is drawn from its wire form."""
    lang = current_lang()
    if isinstance(fig, SharedFigure):
        return (into or st).plotly_chart(fig.wire, key=key, alt=fig.alts[lang], **kwargs)
    return (into or st).plotly_chart(fig, key=key, alt=describe(fig, lang), **kwargs)


def printed(text: object) -> None:
    """What PyTorch printed, warned or raised, as plain wrapped text."""
    st.code(str(text), "text", wrap_lines=True)


def show_code(code: str) -> None:
    """The plain PyTorch script behind a result, with Streamlit's copy button."""
    with st.expander(tr("code.title"), icon=":material/code:"):
        st.caption(tr("code.caption"))
        st.code(code, language="python", wrap_lines=True)
    record_script(code)


def error_text(err: BaseException, lang: str) -> str:
    """A refusal in ``lang``, safe as Markdown; PyTorch's own errors are shown literally."""
    if isinstance(err, PlaygroundError):
        return err.message(lang, markdown=True)
    return escape_markdown(str(err))


def show_error(err: BaseException) -> None:
    """A refusal or PyTorch error, translated once, in words a learner can act on."""
    text = error_text(err, current_lang())
    st.error(text, icon=":material/error:")
    torch_message = getattr(err, "torch_message", None)
    if torch_message and torch_message.strip() != text:
        with st.expander(tr("error.torch")):
            st.code(torch_message, language="text", wrap_lines=True)


_SCALARS = (bool, int, float, str, np.generic)


def arrow_table(rows: Iterable[Sequence[object]], columns: Sequence[str]) -> pa.Table:
    """Rows as the Arrow table ``st.dataframe`` and ``st.table`` send to the browser, made
    without pandas: a small table costs 0.03 ms instead of 0.7 ms, for every session that draws
    it. A column of mixed kinds (``"✗"`` beside numbers) is shown as text, as pandas would."""
    data = list(zip(*rows, strict=True)) or [()] * len(columns)
    arrays = []
    for values in data:
        try:
            if not all(v is None or isinstance(v, _SCALARS) for v in values):
                raise pa.ArrowTypeError("not a column of scalars")
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arrays.append(pa.array([None if v is None else str(v) for v in values], pa.string()))
    return pa.Table.from_arrays(arrays, names=list(columns))


def table(data: Any, /, **kwargs: Any) -> None:
    """``st.dataframe`` with each column headed in the page's language (``col.<name>`` keys).

    Engine tables keep PyTorch's names as their columns (``key``, ``requires_grad``); the
    header a learner reads is the catalog's, where it has one. ``data`` is a DataFrame or a
    list of records (dicts with the same keys).
    """
    lang = current_lang()
    if isinstance(data, pd.DataFrame):
        shown: Any = data.rename(columns=lambda c: column_label(str(c), lang))
    else:
        names = list(data[0]) if data else []
        rows = [[r[n] for n in names] for r in data]
        shown = arrow_table(rows, [column_label(str(n), lang) for n in names])
    st.dataframe(shown, **{"hide_index": True, **kwargs})
