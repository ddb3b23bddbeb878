"""A value a page keeps in the session, declared once: its key and its default.

Pages never index ``st.session_state`` with a string literal (``tests/test_architecture.py``
checks it): each value is a :class:`Slot` declared at the top of its page, and widgets take
``key=SLOT.key``. Settings a link carries are declared controls instead
(:mod:`playground.core.controls`).
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import streamlit as st

__all__ = ["Slot"]

T = TypeVar("T")
_MISSING: Any = object()


class Slot(Generic[T]):
    """``st.session_state[key]``, with ``default`` when it is not set."""

    __slots__ = ("default", "key")

    def __init__(self, key: str, default: T = None) -> None:  # type: ignore[assignment]
        self.key, self.default = key, default

    def get(self) -> T:
        return st.session_state.get(self.key, self.default)

    def set(self, value: T) -> T:
        st.session_state[self.key] = value
        return value

    def setdefault(self, value: T) -> T:
        return st.session_state.setdefault(self.key, value)

    def pop(self) -> T:
        return st.session_state.pop(self.key, self.default)

    def is_set(self) -> bool:
        return self.key in st.session_state

    @staticmethod
    def set_many(*pairs: tuple[Slot[Any], Any]) -> None:
        """Several slots at once: ``Slot.set_many((CELL, cell), (ROW, cell[0]))``."""
        for slot, value in pairs:
            slot.set(value)

    def __repr__(self) -> str:
        return f"Slot({self.key!r})"
