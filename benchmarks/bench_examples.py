"""Server time to run each level of the Examples chapter at the tutorial's settings.

Prints, per problem and level, the seconds for the whole run (2,000 iterations for the
polynomial, 500 for the two-layer net; DynamicNet's 30,000 in the slices the page uses),
then the worst of levels 2-7, which the page budgets at 2 s on a 2-core machine.

    python benchmarks/bench_examples.py
"""

from __future__ import annotations

import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playground import examples as ex
from playground.core.device import configure_threads


def main() -> None:
    configure_threads()  # the app's thread count, as a session gets it
    worst = 0.0
    for problem in ex.PROBLEMS:
        for index, lv in enumerate(ex.LEVELS[problem]):
            run = ex.ExampleRun(ex.default_config(problem, index))
            start = time.perf_counter()
            slices = 0
            while not run.done:
                run.advance(max_seconds=0.4 if lv.key == "dynamic" else math.inf)
                slices += 1
            seconds = time.perf_counter() - start
            if 1 <= index <= 6:
                worst = max(worst, seconds)
            print(
                f"{problem:5s} {index + 1}. {lv.key:9s} {lv.iterations:6,d} it  {seconds:6.2f} s"
                f"  ({1000 * seconds / lv.iterations:.3f} ms/it, {slices} slice(s))"
            )
    print(f"worst_levels_2_to_7_s: {worst:.2f}")


if __name__ == "__main__":
    main()
