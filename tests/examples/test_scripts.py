"""Every level's script runs in a fresh Python, without playground (and level 1 without torch),
and prints exactly the lines the page shows."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

from playground import examples as ex

RUNNER = (
    "import sys, runpy\n"
    "sys.modules['playground'] = None  # a learner does not have it\n"
    "if sys.argv[2] == 'numpy-only': sys.modules['torch'] = None\n"
    "runpy.run_path(sys.argv[1], run_name='__main__')\n"
)
CASES = [(p, k) for p in ex.PROBLEMS for k in range(len(ex.LEVELS[p]))]


def _run_script(code: str, tmp_path, *, numpy_only: bool) -> list[str]:
    script = tmp_path / "level.py"
    script.write_text(code)
    out = subprocess.run(
        [sys.executable, "-c", RUNNER, str(script), "numpy-only" if numpy_only else "torch"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    return out.stdout.splitlines()


@pytest.mark.slow
@pytest.mark.parametrize(("problem", "index"), CASES, ids=lambda v: str(v))
def test_each_script_prints_the_pages_numbers(problem, index, tmp_path):
    every = ex.LEVELS[problem][index].print_every
    cfg = ex.default_config(problem, index, iterations=3 * every, seed=3)
    run = ex.ExampleRun(cfg)
    run.advance(max_seconds=math.inf)
    lines = _run_script(ex.example_code(cfg), tmp_path, numpy_only=index == 0)
    assert lines == run.log()
    assert len(lines) == 4 and lines[-1].startswith("Result: ")


@pytest.mark.slow
def test_a_diverging_script_stops_where_the_page_stops(tmp_path):
    cfg = ex.default_config("sin", 1, lr=0.5, iterations=200)
    run = ex.ExampleRun(cfg)
    run.advance(max_seconds=math.inf)
    assert run.diverged_at is not None and run.diverged_at < 20
    assert _run_script(ex.example_code(cfg), tmp_path, numpy_only=False) == run.log()


def test_level_one_needs_numpy_only_and_states_its_start():
    code = ex.example_code(ex.default_config("sin", 0, seed=7))
    assert "import torch" not in code and "import numpy as np" in code
    start = ", ".join(repr(v) for v in ex.polynomial.start_values(7))
    assert f"a, b, c, d = {start}" in code


def test_each_level_diff_shows_what_the_abstraction_replaced():
    def diff(problem, index):
        before = ex.example_code(ex.default_config(problem, index - 1))
        return ex.diff_code(before, ex.example_code(ex.default_config(problem, index)))

    assert "+    loss.backward()" in diff("sin", 2) and "-    grad_a = grad_y_pred.sum()" in diff(
        "sin", 2
    )
    assert "+class LegendrePolynomial3(torch.autograd.Function):" in diff("sin", 3)
    assert "+    optimizer.step()" in diff(
        "sin", 5
    ) and "-            param -= learning_rate * param.grad" in diff("sin", 5)
    assert "+class Polynomial3(torch.nn.Module):" in diff("sin", 6)
    assert "random.randint(4, 6)" in diff("sin", 7)
    assert "+class MyReLU(torch.autograd.Function):" in diff("relu", 3)
    assert "middle_linear" in diff("relu", 7)
