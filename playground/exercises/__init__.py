"""Check yourself: predict-then-run exercises for every chapter, graded by real PyTorch."""

from __future__ import annotations

from playground.chapters import EXERCISE_CHAPTERS
from playground.exercises.catalog_autograd import AUTOGRAD_DATA
from playground.exercises.catalog_bugs import BUGS
from playground.exercises.catalog_convolution import CONVOLUTION
from playground.exercises.catalog_layers import LAYERS_TRAINING
from playground.exercises.catalog_pitfalls import PITFALLS
from playground.exercises.catalog_saving import SAVING_EXAMPLES
from playground.exercises.catalog_tensors import TENSORS
from playground.exercises.grade import (
    MAX_ANSWER_CHARS,
    diagnose,
    grade,
    known_mistakes,
    real_result,
)
from playground.exercises.spec import KINDS, RAISES, RUNS, Exercise, Graded, Setup, Wrong, variant

__all__ = [
    "CHAPTER_IDS",
    "EXERCISES",
    "Exercise",
    "Graded",
    "KINDS",
    "MAX_ANSWER_CHARS",
    "RAISES",
    "RUNS",
    "Setup",
    "Wrong",
    "by_chapter",
    "by_id",
    "diagnose",
    "grade",
    "known_mistakes",
    "real_result",
    "variant",
]

EXERCISES: list[Exercise] = [
    *TENSORS,
    *AUTOGRAD_DATA,
    *LAYERS_TRAINING,
    *CONVOLUTION,
    *SAVING_EXAMPLES,
    *PITFALLS,
    *BUGS,
]
CHAPTER_IDS = list(EXERCISE_CHAPTERS)  # from the one list of chapters
_BY_ID = {e.id: e for e in EXERCISES}


def by_id(exercise_id: str) -> Exercise | None:
    return _BY_ID.get(exercise_id)


def by_chapter(chapter: str) -> list[Exercise]:
    return [e for e in EXERCISES if e.chapter == chapter]
