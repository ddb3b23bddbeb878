"""A chart's text alternative: what a screen reader says instead of the picture.

:func:`describe` reads the figure's own data (no second source to keep in step): the kind
of chart, its size, and the numbers a sighted learner would read off it first, in the
page's language. It stays short; the page's code box holds every number.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import plotly.graph_objects as go

from playground.core.i18n import t

__all__ = ["describe"]

_MAX_TRACES = 3  # named in full; the rest are counted
_TAG = re.compile(r"<[^>]+>")


def _plain(text: object) -> str:
    return " ".join(_TAG.sub(" ", str(text or "")).split())


def _numbers(values: Iterable[Any]) -> list[float]:
    out = []
    for v in values:
        if isinstance(v, list | tuple):
            out += _numbers(v)
        elif isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v):
            out.append(float(v))
    return out


def _g(x: float) -> str:
    return f"{x:.4g}"


def _named(name: object) -> str:
    return f" “{_plain(name)}”" if _plain(name) else ""


def _grids(traces: list[Any], lang: str) -> str | None:
    """Heatmap panels (a tensor's slices) as one sentence: how many, their size, one range."""
    panels = [tr.z for tr in traces if tr.type in ("heatmap", "contour") and tr.z]
    values = _numbers(panels)
    if not values:
        return None
    z = panels[0]
    rows, cols = len(z), len(z[0]) if isinstance(z[0], list | tuple) else 1
    kind = "heatmap" if traces[0].type == "heatmap" else "surface"
    text = t(f"alt.{kind}", lang, rows=rows, cols=cols, lo=_g(min(values)), hi=_g(max(values)))
    return text if len(panels) == 1 else f"{t('alt.panels', lang, n=len(panels))} {text}"


def _trace(trace: Any, lang: str) -> str | None:
    kind = trace.type
    if kind == "bar":
        ys = [y for y in (trace.y or ()) if isinstance(y, int | float)]
        xs = list(trace.x or range(len(ys)))
        if not ys:
            return None
        top = max(range(len(ys)), key=ys.__getitem__)
        label = _plain(xs[top]) if top < len(xs) else str(top)
        return t("alt.bar", lang, name=_named(trace.name), n=len(ys), top=label, value=_g(ys[top]))
    if kind in ("scatter", "scattergl"):
        ys = _numbers(trace.y or ())
        if not ys:
            return None
        name = _named(trace.name)
        if "lines" in (trace.mode or "lines"):
            return t("alt.line", lang, name=name, n=len(ys), first=_g(ys[0]), last=_g(ys[-1]),
                     lo=_g(min(ys)), hi=_g(max(ys)))  # fmt: skip
        return t("alt.points", lang, name=name, n=len(ys))
    if kind == "image":
        return t("alt.image", lang)
    return None


def describe(fig: go.Figure, lang: str = "en") -> str:
    """One or two sentences: the chart's title, then each trace's kind, size and range."""
    layout = fig.layout
    title = _plain(layout.title.text) if layout.title and layout.title.text else ""
    grids = [tr for tr in fig.data if tr.type in ("heatmap", "contour")]
    found = [_grids(grids, lang) if grids else None, *(_trace(tr, lang) for tr in fig.data)]
    parts = [p for p in found if p]
    unique = list(dict.fromkeys(parts))
    said = unique[:_MAX_TRACES]
    if len(unique) > _MAX_TRACES:
        said.append(t("alt.more", lang, n=len(unique) - _MAX_TRACES))
    body = " ".join(said) if said else t("alt.empty", lang)
    return f"{title}. {body}" if title else body
