"""Find the bug: the buggy script prints what the page says it prints, any correct spelling
of the fix passes and a wrong one fails, both by running the loop for real, and typed text
is parsed, checked and interpreted, never run as Python."""

from __future__ import annotations

import json

import pytest

from playground.core.errors import ExpressionError
from playground.exercises import by_chapter, diagnose, grade, variant
from playground.exercises.bugs import canonical_line, run_loop
from tests.snippets import run_standalone

BUGS = [e for e in by_chapter("training") if e.kind == "find_bug"]


@pytest.mark.slow
def test_there_are_six_find_the_bug_exercises_and_each_bug_changes_what_the_script_prints():
    assert len(BUGS) >= 6
    for exercise in BUGS:
        for seed in range(5):
            setup = variant(exercise, seed)
            buggy, fixed = run_loop(setup.extra["loop"]), run_loop(setup.extra["fixed"])
            assert fixed.error is None and len(fixed.epochs) == 4, exercise.id
            assert buggy.printed() != fixed.printed(), (exercise.id, seed)


def test_every_buggy_script_prints_in_a_fresh_python_what_the_page_shows(tmp_path):
    """The page's "as it is, the script prints" is the real script's output, error included."""
    setups = {f"{e.id}@{s}": variant(e, s) for e in BUGS for s in (0, 1)}
    driver = (
        "import contextlib, io, json\n"
        f"scripts = json.loads({json.dumps(json.dumps({k: v.question for k, v in setups.items()}))})\n"
        "out = {}\n"
        "for name, code in scripts.items():\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf):\n"
        "        try:\n"
        "            exec(compile(code, name, 'exec'), {'__name__': '__main__'})\n"
        "        except Exception as err:\n"
        "            print('raises:', str(err).strip().splitlines()[0])\n"
        "    out[name] = buf.getvalue()\n"
        "print(json.dumps(out))\n"
    )
    printed = json.loads(run_standalone(driver, tmp_path).strip().splitlines()[-1])
    for name, setup in setups.items():
        assert printed[name].strip() == run_loop(setup.extra["loop"]).printed(), name


@pytest.mark.parametrize(
    ("exercise_id", "k", "text"),
    [
        ("training.bug_zero_grad", 4, "optimizer.step(); optimizer.zero_grad()"),
        ("training.bug_zero_grad", 1, "model.zero_grad();  logits = model(x)"),
        ("training.bug_eval_mode", 0, "model.train(mode=True); optimizer.zero_grad()"),
        ("training.bug_softmax_dim", 3, "loss = F.nll_loss(logits.log_softmax(-1), y)"),
        ("training.bug_softmax_dim", 3, "loss = F.cross_entropy(logits, y)"),
        ("training.bug_target_dtype", 3, "loss = F.cross_entropy(logits, y.long())"),
        ("training.bug_detached", 3, "loss = F.nll_loss(F.log_softmax(logits, dim=1), y)"),
        ("training.bug_mse_broadcast", 2, "loss = F.mse_loss(pred.view(-1), y)"),
        ("training.bug_mse_broadcast", 2, "loss = ((pred - y.unsqueeze(1)) ** 2).mean()"),
    ],
)
def test_any_correct_spelling_of_the_fix_passes_by_running_it(exercise_id, k, text):
    exercise = next(e for e in BUGS if e.id == exercise_id)
    for seed in (0, 7):
        setup = variant(exercise, seed)
        line = list(setup.extra["loop"].editable())[k]
        graded = grade(exercise, setup, (line, text))
        assert graded.correct, (exercise_id, seed, graded)
        assert graded.real == run_loop(setup.extra["fixed"]).printed()


def test_a_wrong_fix_is_diagnosed_with_the_line_and_what_went_wrong():
    from playground.core.i18n import t

    exercise = next(e for e in BUGS if e.id == "training.bug_target_dtype")
    setup = variant(exercise, 0)
    line = int(str(setup.params["line"]))
    unchanged = grade(exercise, setup, (line, "loss = F.cross_entropy(logits, y.float())"))
    key, values = diagnose(exercise, setup, unchanged)
    assert key == "xq.bug.raises" and "Long" in str(values["error"])
    assert "raises: expected target dtype" in unchanged.yours
    elsewhere = grade(exercise, setup, (line + 1, "loss.backward()"))
    assert diagnose(exercise, setup, elsewhere)[0] == "xq.bug.raises"  # the bug is still there
    exercise = next(e for e in BUGS if e.id == "training.bug_softmax_dim")
    setup = variant(exercise, 0)
    line = int(str(setup.params["line"]))
    wrong = grade(exercise, setup, (line, "loss = F.nll_loss(torch.softmax(logits, dim=1), y)"))
    assert diagnose(exercise, setup, wrong) == ("xq.bug.differs", {"line": line})
    other = grade(exercise, setup, (line - 1, "logits = model(x)"))
    assert diagnose(exercise, setup, other) == ("xq.bug.same_as_buggy", {"line": line - 1})
    other = grade(exercise, setup, (line - 1, "logits = model(x * 2)"))
    assert diagnose(exercise, setup, other) == ("xq.bug.elsewhere", {"line": line - 1})
    for lang in ("en", "zh"):
        assert str(line - 1) in t("xq.bug.elsewhere", lang, line=line - 1)


@pytest.mark.parametrize(
    "text",
    [
        "import os",
        "exec('print(1)')",
        "x = __import__('os')",
        "model = None",
        "optimizer = None",
        "for i in range(3): pass",
        "optimizer.step(lambda: 0)",
        "model.train(mode=print)",
        "open('f').write('x')",
        "loss = model.forward(x)",
        "logits = model(x) * 2",
        "logits = model(model(x))",
        "loss.backward(retain_graph=True)",
        "a = 1; b = 2; c = 3; d = 4",
        "",
        "x" * 300,
        "loss = (",
    ],
)
def test_typed_lines_are_checked_and_refused_before_anything_runs(text):
    exercise = next(e for e in BUGS if e.id == "training.bug_zero_grad")
    setup = variant(exercise, 0)
    line = int(str(setup.params["line"]))
    before = run_loop.cache_info().currsize
    with pytest.raises(ExpressionError) as refused:
        grade(exercise, setup, (line, text))
    assert refused.value.key.startswith(("err.xq.", "err.expr."))
    assert run_loop.cache_info().currsize == before  # refused: nothing ran


def test_a_line_outside_the_training_loop_is_refused():
    exercise = BUGS[0]
    setup = variant(exercise, 0)
    with pytest.raises(ExpressionError) as refused:
        grade(exercise, setup, (1, "pass"))
    assert refused.value.key == "err.xq.bug_line"


def test_a_class_typing_the_same_fix_runs_it_once():
    exercise = BUGS[0]
    setup = variant(exercise, 11)
    line, text = setup.extra["answer"]
    grade(exercise, setup, (line, text))
    hits = run_loop.cache_info().hits
    for _ in range(30):
        assert grade(exercise, setup, (line, "  " + text.replace("; ", ";"))).correct
    assert run_loop.cache_info().hits == hits + 60  # the edit and the reference, each time


def test_canonical_line_spells_a_line_one_way():
    assert canonical_line("loss=F.cross_entropy( logits,y )") == "loss = F.cross_entropy(logits, y)"
    assert canonical_line("optimizer.zero_grad() ;loss.backward()") == (
        "optimizer.zero_grad(); loss.backward()"
    )


def test_the_mse_bug_shows_pytorchs_own_broadcast_warning():
    exercise = next(e for e in BUGS if e.id == "training.bug_mse_broadcast")
    run = run_loop(variant(exercise, 0).extra["loop"])
    assert any("different to the input size" in w for w in run.warnings)
    assert not run_loop(variant(exercise, 0).extra["fixed"]).warnings
