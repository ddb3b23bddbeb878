"""AppTest: the Examples page renders every level in both languages, runs one, and its tabs work."""

from __future__ import annotations

import pytest

from playground import examples as ex
from tests.apptest import interact, open_page, texts

LEVELS = [(p, k) for p in ex.PROBLEMS for k in range(8)]
KEYS = [lv.key for lv in ex.LEVELS["sin"]]


def _as_the_page_writes_it(cfg) -> str:
    """The script from a thread set up as the server sets up each session's (its thread
    count is in the script)."""
    import threading

    from playground.core.device import configure_threads

    box: list[str] = []

    def script_run() -> None:
        configure_threads()
        box.append(ex.example_code(cfg))

    worker = threading.Thread(target=script_run)
    worker.start()
    worker.join()
    return box[0]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize(("problem", "index"), LEVELS, ids=str)
def test_every_level_renders_in_both_languages(problem, index, lang):
    at = open_page("pages/examples.py", lang=lang, ex_problem=problem, ex_level=KEYS[index])
    assert not at.exception, [e.value for e in at.exception]
    code = [c.value for c in at.code]
    want = _as_the_page_writes_it(ex.default_config(problem, index)).strip()
    assert any(c.strip() == want for c in code)
    assert at.number_input(key=f"ex_lr_{problem}_{index}").value == ex.LEVELS[problem][index].lr
    if index:  # the diff tab is open by default
        assert any(c.startswith("--- previous level") for c in code)


def test_run_shows_the_scripts_log_and_the_fit():
    at = open_page("pages/examples.py", ex_level="autograd")
    at.button[2].click().run()  # Run (after Previous and Next)
    assert not at.exception, [e.value for e in at.exception]
    body = texts(at)
    run = ex.ExampleRun(ex.default_config("sin", 2))
    run.advance(max_seconds=60)
    assert "\n".join(run.log()[-12:]) in body  # the page's numbers are the script's
    assert "Result: y = " in body
    assert len(at.get("plotly_chart")) >= 2


def test_next_and_previous_step_through_the_levels():
    at = open_page("pages/examples.py")
    at.button[1].click().run()  # Next
    assert at.selectbox(key="ex_level").value == "tensors"
    assert "requires_grad" not in texts(at).split("\n")[0]
    at.button[0].click().run()  # Previous
    assert at.selectbox(key="ex_level").value == "numpy"


def test_a_diverging_run_is_stopped_with_a_translated_message():
    at = open_page("pages/examples.py", lang="zh", ex_level="tensors")
    interact(at, "number_input", "ex_lr_sin_1", 0.5)
    at.button[2].click().run()
    body = texts(at)
    assert "损失不再是有限值" in body and "Stopped at step" in body  # the log is the script's


def test_the_agreement_tab_shows_hand_gradients_beside_autograd():
    # (AppTest delivers no clicks inside lazy tabs: the side-by-side run is clicked in Chromium)
    at = open_page("pages/examples.py", ex_tab="Levels 1–3 agree", ex_dtype="float64")
    assert not at.exception
    table = at.dataframe[0].value
    assert list(table.columns) == [
        "parameter",
        "by hand (NumPy)",
        ".grad (autograd)",
        "|difference|",
    ]
    assert (table["|difference|"] <= 1e-9 * table["by hand (NumPy)"].abs()).all()


def test_the_gradcheck_tab_passes_for_both_functions():
    for problem, name in (("sin", "LegendrePolynomial3"), ("relu", "MyReLU")):
        at = open_page(
            "pages/examples.py", ex_tab="gradcheck", ex_problem=problem, ex_level="function"
        )
        assert any(f"gradcheck passed: {name}.backward" in s.value for s in at.success)


def test_the_numpy_tab_reports_measured_facts_in_chinese():
    at = open_page("pages/examples.py", lang="zh", ex_tab="NumPy 与 PyTorch 对照")
    body = texts(at)
    assert "NumPy 是 float64，PyTorch 是 float32" in body
    assert "Can't call numpy() on Tensor that requires grad" in body


def test_a_stopped_run_says_so_and_resumes_where_it_stopped():
    from playground import examples as ex

    at = open_page("pages/examples.py", ex_level="dynamic")
    run = ex.ExampleRun(ex.default_config("sin", 7))
    run.advance(max_steps=500, max_seconds=60)
    at.session_state["ex_runs"] = {("sin", 7): run}
    at.run()
    bars = [e.proto.text for e in at.get("progress")]
    assert any(t.startswith("stopped at step 500 of 30,000") for t in bars), bars
    assert at.button[2].label == "Resume"
