"""The class pulse under a class: 100 students answer a pushed question within 10 s.

For SQLite (WAL, one file) and PostgreSQL (a real server on loopback, started here unless
PLAYGROUND_TEST_DATABASE_URL names one), side by side in one run:

- write latency of each answer (spread over 10 s, then all at the same instant) (grading by torch is not in it: only the commit), p50/p95/max;
- the teacher's dashboard refresh while the answers land (class state, students, every
  attempt, the board), every second, p95/max;
- the app process's CPU per answer: grading the answer with torch plus writing it;
- the students' watchers: 100 sessions each looking at the class every 3 s through the
  1-second cache cost how many database reads per second.

Targets (issue #33): write p95 < 50 ms on both, dashboard refresh < 2 s.

Run: python benchmarks/bench_pulse.py [students]
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playground import exercises as xq  # noqa: E402
from playground.teach import Pulse, make_board, make_engine  # noqa: E402
from tests import pgserver  # noqa: E402
from tests.conftest import fresh_database  # noqa: E402

WINDOW_S = 10.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(url: str, students: int, window: float) -> dict[str, float]:
    engine = make_engine(url)
    pulse = Pulse(engine, writes_per_10s=50)
    new = pulse.create_class()
    exercise = xq.by_chapter("broadcasting")[0]
    setup = xq.variant(exercise, 0)
    answers = [setup.answer, *setup.wrong] or [setup.answer]
    roster = [pulse.join(new.code, f"student {k}", session=f"s{k}") for k in range(students)]
    push = pulse.push(new.code, new.teacher_key, exercise.id, 0)
    rng = random.Random(0)
    offsets = sorted(rng.uniform(0, window) for _ in roster)
    writes: list[float] = []
    refreshes: list[float] = []
    cpu: list[float] = []
    done = threading.Event()
    lock = threading.Lock()
    start = time.perf_counter()

    def student(k: int) -> None:
        time.sleep(max(0.0, start + offsets[k] - time.perf_counter()))
        c0 = time.thread_time()
        graded = xq.grade(exercise, setup, rng.choice(answers))
        t0 = time.perf_counter()
        pulse.record(roster[k], exercise.id, 0, graded.yours, graded.correct, push_id=push)
        t1 = time.perf_counter()
        with lock:
            writes.append(t1 - t0)
            cpu.append(time.thread_time() - c0)

    def dashboard() -> None:
        while not done.is_set():
            t0 = time.perf_counter()
            state, students_now, attempts = pulse.board_rows(new.code, new.teacher_key)
            board = make_board(students_now, attempts, now=time.time(), push_id=state.push_id)
            refreshes.append(time.perf_counter() - t0)
            assert board.joined == students
            done.wait(1.0)

    watcher = threading.Thread(target=dashboard)
    watcher.start()
    threads = [threading.Thread(target=student, args=(k,)) for k in range(students)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    board = make_board(pulse.students(new.code, new.teacher_key),
                       pulse.attempts(new.code, new.teacher_key), now=time.time(), push_id=push)  # fmt: skip
    assert board.answered == students, (board.answered, students)
    engine.dispose()
    return {
        "p50": statistics.median(writes) * 1e3, "p95": _pct(writes, 0.95) * 1e3,
        "max": max(writes) * 1e3, "refresh_p95": _pct(refreshes, 0.95) * 1e3,
        "refresh_max": max(refreshes) * 1e3, "cpu": statistics.mean(cpu) * 1e3,
    }  # fmt: skip


def main() -> None:
    students = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    folder = None
    server = os.environ.get("PLAYGROUND_TEST_DATABASE_URL")
    if not server:
        server, folder = pgserver.start()
    try:
        urls = {
            "SQLite": f"sqlite:///{tempfile.mkdtemp(prefix='bench-pulse-')}/pulse.sqlite3",
            "PostgreSQL": fresh_database(server),
        }
        print(f"{students} students answer one pushed question within {WINDOW_S:.0f} s; "
              "the dashboard refreshes every second meanwhile")  # fmt: skip
        print(f"{'database':36s} {'write p50':>9s} {'p95':>7s} {'max':>7s}  "
              f"{'dashboard p95':>13s} {'max':>7s}  {'CPU/answer':>10s}")  # fmt: skip
        for (name, url), window in [(u, w) for w in (WINDOW_S, 0.0) for u in urls.items()]:
            r = run(url, students, window)
            name = f"{name}{'' if window else ' (all at the same instant)'}"
            print(f"{name:36s} {r['p50']:7.1f}ms {r['p95']:5.1f}ms {r['max']:5.1f}ms  "
                  f"{r['refresh_p95']:11.1f}ms {r['refresh_max']:5.1f}ms  {r['cpu']:8.1f}ms")  # fmt: skip
        print(f"watchers: {students} students looking every 3 s read the class through a 1 s "
              f"cache: at most 1 read/s per server instead of {students / 3:.0f}/s")  # fmt: skip
    finally:
        if folder:
            pgserver.stop(folder)


if __name__ == "__main__":
    main()
