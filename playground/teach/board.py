"""The teacher's dashboard, computed from the class's rows: counts, per exercise, the answers.

Plain functions over the lists :class:`~playground.teach.pulse.Pulse` returns, so the board
is the same on SQLite and PostgreSQL and is tested without a page.
"""

from __future__ import annotations

import datetime as dt
import html
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go

__all__ = [
    "ACTIVE_SECONDS",
    "Answer",
    "Board",
    "by_student",
    "csv_bytes",
    "distribution_figure",
    "make_board",
]

ACTIVE_SECONDS = 120  # a student whose page looked in within two minutes is active
TOP_ANSWERS = 12

Row = Mapping[str, object]


@dataclass(frozen=True)
class Answer:
    """One distinct answer to the pushed question: how many gave it, and what it is."""

    text: str
    count: int
    correct: bool
    known: bool  # one of the exercise's known wrong answers


@dataclass(frozen=True)
class Board:
    joined: int
    active: int
    attempts: int
    per_exercise: list[dict[str, object]]  # exercise, tried, solved, first_try, attempts
    answers: list[Answer]  # the pushed question's, most given first
    answered: int  # students who answered the pushed question


def make_board(
    students: Sequence[Row],
    attempts: Sequence[Row],
    *,
    now: float,
    push_id: int | None = None,
    known_wrong: Iterable[str] = (),
) -> Board:
    active = sum(float(s["seen_at"]) > now - ACTIVE_SECONDS for s in students)  # type: ignore[arg-type]
    return Board(
        joined=len(students),
        active=active,
        attempts=len(attempts),
        per_exercise=_per_exercise(attempts),
        answers=_answers(attempts, push_id, set(known_wrong)),
        answered=len(_firsts(attempts, push_id)) if push_id else 0,
    )


def _per_exercise(attempts: Sequence[Row]) -> list[dict[str, object]]:
    first: dict[tuple[object, object], bool] = {}  # (exercise, student) -> first try right
    solved: set[tuple[object, object]] = set()
    count: Counter[object] = Counter()
    for a in attempts:  # oldest first
        pair = (a["exercise_id"], a["student"])
        first.setdefault(pair, bool(a["correct"]))
        if a["correct"]:
            solved.add(pair)
        count[a["exercise_id"]] += 1
    rows = []
    for exercise in sorted(count, key=str):
        pairs = [p for p in first if p[0] == exercise]
        rows.append({
            "exercise": exercise,
            "tried": len(pairs),
            "solved": sum(p in solved for p in pairs),
            "first_try": sum(first[p] for p in pairs),
            "attempts": count[exercise],
        })  # fmt: skip
    return rows


def _firsts(attempts: Sequence[Row], push_id: int) -> list[Row]:
    """Each student's first attempt at push ``push_id`` (attempts come oldest first)."""
    firsts: dict[object, Row] = {}
    for a in attempts:
        if a["push_id"] == push_id:
            firsts.setdefault(a["student"], a)
    return list(firsts.values())


def _answers(attempts: Sequence[Row], push_id: int | None, known: set[str]) -> list[Answer]:
    """Each student's first answer to the pushed question, grouped."""
    if not push_id:
        return []
    counts = Counter((str(a["answer"]), bool(a["correct"])) for a in _firsts(attempts, push_id))
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    return [Answer(text, n, ok, not ok and text in known) for (text, ok), n in ranked]


def by_student(attempts: Sequence[Row], push_id: int, *, revealed: bool) -> list[dict[str, object]]:
    """Each student's first answer to the push, for the board the teacher chooses to show;
    whether it is right only once revealed."""
    rows = [{"nickname": a["nickname"], "answer": a["answer"]}
            | ({"correct": bool(a["correct"])} if revealed else {})
            for a in _firsts(attempts, push_id)]  # fmt: skip
    return sorted(rows, key=lambda r: str(r["nickname"]).lower())


def distribution_figure(
    answers: Sequence[Answer], *, labels: Mapping[str, str], revealed: bool
) -> go.Figure:
    """Bars of the pushed question's answers; the right one is marked only once revealed.

    Answers are the students' text: escaped, so Plotly's own tags (``<b>``, ``<a>``) show as
    typed and never format or link.
    """
    shown = list(answers[:TOP_ANSWERS])
    rest = sum(a.count for a in answers[TOP_ANSWERS:])
    names = [html.escape(a.text) for a in shown]
    colours = [_colour(a, revealed) for a in shown]
    hover = [labels["right"] if a.correct and revealed else labels["known"] if a.known and revealed
             else "" for a in shown]  # fmt: skip
    if rest:
        names.append(html.escape(labels["others"]))
        colours.append("#9aa0a6")
        hover.append("")
        counts = [a.count for a in shown] + [rest]
    else:
        counts = [a.count for a in shown]
    fig = go.Figure(
        go.Bar(
            y=names, x=counts, orientation="h", marker_color=colours,
            text=[f"{n}  {h}".strip() for n, h in zip(counts, hover, strict=True)],
            textposition="outside", customdata=hover, cliponaxis=False,
            hovertemplate="%{y}: %{x} %{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_layout(
        height=max(200, 48 * len(names) + 80), margin={"l": 10, "r": 40 + max(map(_text_px, hover), default=0), "t": 10, "b": 30},
        plot_bgcolor="white", yaxis={"autorange": "reversed", "type": "category"},
        xaxis={"title": labels["students"], "rangemode": "tozero", "dtick": 1 if max(counts, default=0) < 10 else None},
        font={"size": 16},
    )  # fmt: skip
    return fig


def _text_px(text: str) -> int:
    """About how wide a label is at 16 px: CJK characters are twice a Latin letter."""
    return sum(16 if ord(ch) >= 0x2E80 else 9 for ch in text)


def _colour(answer: Answer, revealed: bool) -> str:
    if not revealed:
        return "#5f6368"  # predict first: no colour gives the answer away on the projector
    if answer.correct:
        return "#1a7f37"
    return "#b35c00" if answer.known else "#b31d28"


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(attempts: Sequence[Row], exercise_title: Mapping[str, str]) -> bytes:
    """The class's attempts as CSV; a cell that a spreadsheet would run as a formula is quoted."""
    rows = [
        {
            "nickname": _cell(str(a["nickname"])),
            "exercise": a["exercise_id"],
            "title": exercise_title.get(str(a["exercise_id"]), ""),
            "seed": a["seed"],
            "answer": _cell(str(a["answer"])),
            "correct": bool(a["correct"]),
            "pushed": a["push_id"] is not None,
            "time_utc": _utc(a["at"]),
        }
        for a in attempts
    ]
    columns = ["nickname", "exercise", "title", "seed", "answer", "correct", "pushed", "time_utc"]
    return pd.DataFrame(rows, columns=columns).to_csv(index=False).encode("utf-8-sig")


def _utc(seconds: object) -> str:
    return dt.datetime.fromtimestamp(float(str(seconds)), dt.timezone.utc).isoformat(
        timespec="seconds"
    )


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text
