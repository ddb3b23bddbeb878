"""Numbers out of range are clamped *and said*: typed, or carried by a link.

Streamlit's own ``min_value``/``max_value`` on a ``number_input`` draws a red box with an
English hover text and keeps running the old value. Here the box takes any number, the
value is brought into range before the widget draws, and a message in the page's language
names the value given and the value used, for as long as that value stays.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import streamlit as st

from playground.ui.i18n import tr
from playground.ui.streamlit_internals import forget_link_value

__all__ = ["clamped_number", "forget_clamp", "widget_signature"]


@functools.cache
def _method_signature(func: Callable[..., Any]) -> inspect.Signature:
    sig = inspect.signature(func)
    return sig.replace(parameters=list(sig.parameters.values())[1:])  # less ``self``


def widget_signature(widget: Callable[..., Any]) -> inspect.Signature:
    """``inspect.signature(widget)``, built once per Streamlit function: ``inspect`` rebuilds
    it on every call (about 16 µs, some 50 times in a page's run)."""
    func = getattr(widget, "__func__", None)
    return inspect.signature(widget) if func is None else _method_signature(func)


def _show(x: float | None, fallback: str) -> str:
    if x is None:
        return fallback
    return str(x) if isinstance(x, int) else f"{x:g}"


def _notice(key: str) -> str:
    return f"{key}__range"


def forget_clamp(key: str) -> None:
    """Drop widget ``key``'s range message (Reset sets a value of its own)."""
    st.session_state.pop(_notice(key), None)


def _clamp(x: float, lo: float | None, hi: float | None) -> float:
    if lo is not None and x < lo:
        return lo
    if hi is not None and x > hi:
        return hi
    return x


def _wanted(key: str) -> float | None:
    """The number this run starts with: the session's, else the link's (None: nothing to do)."""
    if key in st.session_state:
        value = st.session_state[key]
        return value if isinstance(value, int | float) and not isinstance(value, bool) else None
    raw = st.query_params.get(key)
    if raw is None:
        return None
    try:
        number = float(raw)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _bring_into_range(key: str, lo: float | None, hi: float | None, as_int: bool) -> None:
    wanted = _wanted(key)
    if wanted is None:
        return
    used = _clamp(wanted, lo, hi)
    if as_int and used != int(used):  # ?tr_epochs=2.5 on a whole-number box
        used = math.floor(used) if lo is None or math.floor(used) >= lo else math.ceil(used)
    if used == wanted:
        return
    from_link = key not in st.session_state
    if from_link:
        forget_link_value(key)  # Streamlit would seed the box from the link's value
    st.session_state[key] = int(used) if as_int else float(used)
    if from_link:  # the address bar (and so "Copy link") says what is used
        st.query_params[key] = str(st.session_state[key])
    given = int(wanted) if as_int and wanted == int(wanted) else wanted
    st.session_state[_notice(key)] = (given, st.session_state[key])


def clamped_number(widget: Callable[..., Any], args: tuple, kwargs: dict[str, Any], *, key: str):
    """``widget(*args, **kwargs)`` (a ``number_input`` or ``slider``), its value in range."""
    call = widget_signature(widget).bind_partial(*args, **kwargs)
    a = dict(call.arguments)
    lo, hi = a.get("min_value"), a.get("max_value")
    if a.get("value", "min") == "min":
        a["value"] = lo if lo is not None else 0
    step = a.get("step")
    as_int = isinstance(a["value"], int) and not isinstance(step, float)
    if getattr(widget, "__name__", "") == "number_input":  # the message, not Streamlit's red box
        a.pop("min_value", None)
        a.pop("max_value", None)
    _bring_into_range(key, lo, hi, as_int)
    value = widget(**a, key=key, bind="query-params")
    notice = st.session_state.get(_notice(key))
    if notice is None:
        return value
    given, used = notice
    if value != used:  # the learner has moved on
        forget_clamp(key)
        return value
    where = getattr(widget, "__self__", st)
    text = tr(
        "range.used", name=str(a.get("label", key)), lo=_show(lo, "−∞"), hi=_show(hi, "∞"),
        given=_show(given, ""), used=_show(used, ""),
    )  # fmt: skip
    where.warning(text, icon=":material/straighten:")
    return value
