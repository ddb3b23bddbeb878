"""A figure many sessions draw, encoded for the browser once.

``st.plotly_chart`` asks every figure it draws for ``to_dict()`` (a deep copy of every
trace) and JSON-encodes the copy: about 20 ms for Convolution's animated slide, paid again by
each of 100 students who open the same link. A :class:`SharedFigure` is made once, where a
server caches it, and keeps the figure's wire form: each trace's and the layout's entries already
encoded as orjson fragments, which plotly's orjson engine copies into the spec verbatim.
Drawing it then costs microseconds, and the browser gets the same JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson
import plotly.graph_objects as go
from plotly.basedatatypes import BaseFigure
from plotly.io.json import to_json_plotly

from playground.core.i18n import LANGUAGES
from playground.plots.describe import describe

__all__ = ["SharedFigure"]

_READ_BY_STREAMLIT = ("width", "height")  # layout entries st.plotly_chart reads as numbers


def _fragment(value: Any) -> Any:
    return orjson.Fragment(to_json_plotly(value, engine="orjson"))


def _encoded(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` (a ``to_dict()``) with its entries pre-encoded. Traces stay dicts of
    fragments, because ``plotly.io.to_json`` pops each trace's ``uid``."""
    out: dict[str, Any] = {
        "data": [{k: _fragment(v) for k, v in trace.items()} for trace in spec.get("data", [])],
        "layout": {
            k: v if k in _READ_BY_STREAMLIT else _fragment(v)
            for k, v in spec.get("layout", {}).items()
        },
    }
    out.update((k, _fragment(v)) for k, v in spec.items() if k not in out)
    return out


class _Wire(BaseFigure):
    """What ``st.plotly_chart`` is given: a figure whose ``to_dict()`` is the encoded spec.

    It is never initialised as a plotly figure; Streamlit reads only ``to_dict()``."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec

    def to_dict(self) -> dict[str, Any]:
        return self._spec


@dataclass(frozen=True, eq=False)
class SharedFigure:
    """``figure`` with its wire form and its text alternative in every language.

    Make it where the figure is cached for the server, and never change ``figure``
    afterwards: the wire form is taken once, when it is made."""

    figure: go.Figure
    wire: BaseFigure = field(init=False, repr=False)
    alts: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "wire", _Wire(_encoded(self.figure.to_dict())))
        object.__setattr__(self, "alts", {lang: describe(self.figure, lang) for lang in LANGUAGES})
