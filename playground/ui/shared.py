"""What every session of a class shares: ``st.cache_resource``, always called by keyword.

Why keywords: for each *positional* argument of a call, Streamlit looks up the argument's
name (a leading ``_`` means "do not hash it") by building ``inspect.signature`` of the
cached function, on every call. A page run makes a few dozen such calls, and under a herd of
new sessions that was 2–3 % of the server's time. Keyword arguments carry their names.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

import streamlit as st

__all__ = ["ByKeyword", "class_resource"]

P = ParamSpec("P")
R = TypeVar("R")


class ByKeyword(Generic[P, R]):
    """A ``st.cache_*`` function called with every argument named: the same cache entries,
    the same ``clear()``."""

    def __init__(self, cached: Callable[P, R]) -> None:
        functools.update_wrapper(self, cached)  # first: it copies the cached function's dict
        self._cached = cached
        self._names = tuple(inspect.signature(cached).parameters)  # once, at import

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        named = dict(zip(self._names, args, strict=False))
        return self._cached(**named, **kwargs)  # type: ignore[arg-type, call-arg]

    def clear(self) -> None:
        self._cached.clear()  # type: ignore[attr-defined]


def class_resource(
    *, max_entries: int | None = None, by_repr: tuple[type, ...] = (), ttl: float | None = None
) -> Callable[[Callable[P, R]], ByKeyword[P, R]]:
    """``st.cache_resource`` for a result the class shares read-only, called by keyword.

    ``ttl``: seconds an entry is kept, for an answer that can change under the app (files).

    ``by_repr``: frozen dataclasses of plain values, hashed by their ``repr`` (complete for
    them): Streamlit's own walk through a dataclass took 4-9 times as long (a layer list
    243 µs against 61, a convolution's settings 121 against 13).
    """
    hash_funcs: dict[Any, Callable[[Any], Any]] = dict.fromkeys(by_repr, repr)

    def decorate(func: Callable[P, R]) -> ByKeyword[P, R]:
        cache = st.cache_resource(
            max_entries=max_entries, show_spinner=False, hash_funcs=hash_funcs, ttl=ttl
        )
        return ByKeyword(cache(func))

    return decorate
