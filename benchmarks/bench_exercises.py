"""Grading an answer: the worst server time per kind of exercise, against the 200 ms budget.

Every exercise's reference answer and each of its wrong answers is graded on 20 seeds, on one
torch thread as the app runs; "reach the target" trains for real and is timed apart (it runs
under the Training page's queue). Run: python -m benchmarks.bench_exercises
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

import torch

from playground.exercises import EXERCISES, grade, variant

BUDGET_MS = 200


def _answers(setup):
    if "answer" in setup.extra:  # read the state_dict: the kind's own picks
        return [setup.extra["answer"], *setup.extra["wrong"]]
    return [setup.answer, *setup.wrong]


def main() -> None:
    torch.set_num_threads(1)
    times: dict[str, list[float]] = defaultdict(list)
    worst: dict[str, tuple[float, str]] = {}
    for exercise in EXERCISES:
        seeds = range(3) if exercise.kind == "target" else range(20)
        for seed in seeds:
            setup = variant(exercise, seed)
            answers = [("Adam", 1e-3)] if exercise.kind == "target" else _answers(setup)
            for answer in answers:
                start = time.perf_counter()
                grade(exercise, setup, answer)
                ms = 1000 * (time.perf_counter() - start)
                times[exercise.kind].append(ms)
                if ms > worst.get(exercise.kind, (0.0, ""))[0]:
                    worst[exercise.kind] = (ms, f"{exercise.id} seed {seed}")
    print(f"{'kind':<12} {'graded':>7} {'median ms':>10} {'worst ms':>9}  worst case")
    for kind, values in times.items():
        print(f"{kind:<12} {len(values):>7} {statistics.median(values):>10.1f} "
              f"{worst[kind][0]:>9.1f}  {worst[kind][1]}")  # fmt: skip
    typed = [ms for kind, values in times.items() if kind != "target" for ms in values]
    print(
        f"worst typed answer: {max(typed):.1f} ms = {max(typed) / BUDGET_MS:.2f} of the {BUDGET_MS} ms budget"
    )


if __name__ == "__main__":
    main()
