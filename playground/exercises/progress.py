"""A learner's progress: attempts, first-try right and solved, per exercise, and a short code
for the URL so a refresh or a shared link keeps it.

The code is ``1`` (its version) then base64url bytes: for each exercise tried, its permanent
number (:data:`playground.exercises.codes.NUMBERS`, never a position in a list, below 128)
with the high bit set when the learner asked for the solution before solving it, and one
byte ``attempts << 2 | solved << 1 | first_try``; a last byte is a checksum, so a mangled
link is recognised and ignored with a message. Codes written before the high bit existed
read the same.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace

from playground.core.errors import PlaygroundError
from playground.exercises.codes import NUMBERS

__all__ = [
    "MAX_CODE_CHARS",
    "ProgressError",
    "Record",
    "decode",
    "encode",
    "record_attempt",
    "record_reveal",
    "summary",
]

VERSION = "1"
MAX_ATTEMPTS = 63
MAX_CODE_CHARS = 400


class ProgressError(PlaygroundError):
    """A progress code in the link that is not one this app wrote."""


@dataclass(frozen=True)
class Record:
    attempts: int = 0
    first_try: bool = False
    solved: bool = False
    solution_first: bool = False  # the solution was asked for before the exercise was solved


def record_attempt(
    progress: dict[str, Record], exercise_id: str, correct: bool
) -> dict[str, Record]:
    """A new progress with one graded attempt added (refusals never get here)."""
    old = progress.get(exercise_id, Record())
    new = replace(
        old,
        attempts=min(old.attempts + 1, MAX_ATTEMPTS),
        first_try=old.first_try or (old.attempts == 0 and correct and not old.solution_first),
        solved=old.solved or correct,
    )
    return {**progress, exercise_id: new}


def record_reveal(progress: dict[str, Record], exercise_id: str) -> dict[str, Record]:
    """The learner asked for the solution: recorded unless the exercise is already solved."""
    old = progress.get(exercise_id, Record())
    if old.solved or old.solution_first:
        return progress
    return {**progress, exercise_id: replace(old, solution_first=True)}


_SEEN = 0x80  # the number byte's high bit
_IDS = {number: exercise_id for exercise_id, number in NUMBERS.items()}


def encode(progress: dict[str, Record]) -> str:
    data = bytearray()
    for number, exercise_id in sorted(_IDS.items()):
        r = progress.get(exercise_id)
        if r is not None and (r.attempts or r.solution_first):
            state = min(r.attempts, MAX_ATTEMPTS) << 2 | r.solved << 1 | r.first_try
            data += bytes([number | (_SEEN if r.solution_first else 0), state])
    if not data:
        return ""
    data.append(sum(data) % 256)
    return VERSION + base64.urlsafe_b64encode(bytes(data)).decode().rstrip("=")


def decode(code: str) -> dict[str, Record]:
    """The progress a code holds; :class:`ProgressError` for anything this app did not write."""
    if not code:
        return {}
    if len(code) > MAX_CODE_CHARS or not code.startswith(VERSION):
        raise ProgressError("err.xq.bad_code")
    body = code[len(VERSION) :]
    try:
        data = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise ProgressError("err.xq.bad_code") from None
    if len(data) < 3 or len(data) % 2 != 1 or sum(data[:-1]) % 256 != data[-1]:
        raise ProgressError("err.xq.bad_code")
    progress = {}
    for tagged, state in zip(data[:-1:2], data[1:-1:2], strict=True):
        number, seen = tagged & ~_SEEN, bool(tagged & _SEEN)
        attempts, solved, first = state >> 2, bool(state & 2), bool(state & 1)
        if number not in _IDS or (attempts == 0 and not seen) or (first and not solved):
            raise ProgressError("err.xq.bad_code")
        if first and seen or attempts == 0 and (solved or first):
            raise ProgressError("err.xq.bad_code")
        progress[_IDS[number]] = Record(attempts, first, solved, seen)
    return progress


def summary(progress: dict[str, Record]) -> list[dict[str, object]]:
    """Per chapter: exercises, tried, solved, right at the first try."""
    from playground.exercises import CHAPTER_IDS, by_chapter

    rows = []
    for chapter in CHAPTER_IDS:
        records = [progress.get(e.id, Record()) for e in by_chapter(chapter)]
        rows.append(
            {
                "chapter": chapter,
                "exercises": len(records),
                "tried": sum(r.attempts > 0 for r in records),
                "solved": sum(r.solved for r in records),
                "first_try": sum(r.first_try for r in records),
                "solution_first": sum(r.solution_first for r in records),
            }
        )
    return rows
