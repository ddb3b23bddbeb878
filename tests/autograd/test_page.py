"""AppTest: the Autograd page reacts to its widgets, survives hostile input, speaks both languages."""

from __future__ import annotations

import pytest

from playground.autograd.descent import fit_line
from tests.apptest import DESCENT, interact, open_page, texts


def test_autograd_page_shows_graph_gradients_and_check():
    at = open_page("pages/autograd.py")
    body = texts(at)
    assert "Op nodes: 4. Leaves: 2." in body
    assert "Autograd agrees with the numerical gradient." in body
    assert any("loss.backward()" in c.value for c in at.code)
    interact(at, "selectbox", "ag_preset", "blitz")
    assert "x = torch.ones(2, 2, requires_grad=True)" in at.text_area(key="ag_program").value
    assert "Op nodes: 4. Leaves: 1." in texts(at)


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("x = torch.ones(3, dtype=torch.long, requires_grad=True)", "floating point"),
        ("x = torch.ones(100000, 100000, requires_grad=True)", "Nothing was allocated"),
        ("w = torch.randn(3, requires_grad=True)\ni = torch.argmax(w)", "no grad_fn"),
        ("y = q * 2", "'q'"),
        ("import os", "name = expression"),
    ],
)
def test_autograd_page_explains_bad_programs(program, message):
    at = open_page("pages/autograd.py")
    interact(at, "text_area", "ag_program", program)
    assert message in texts(at)
    assert at.title[0].value


def test_autograd_page_reports_divergence():
    at = open_page("pages/autograd.py", **DESCENT)
    interact(at, "select_slider", "ag_lr", 1.5)
    assert "Diverged at step" in texts(at)


def test_lazy_tabs_run_only_the_open_section():
    at = open_page("pages/autograd.py")
    assert "Op nodes" in texts(at)
    assert "final loss" not in [m.label for m in at.metric]
    at = open_page("pages/autograd.py", **DESCENT)
    assert "Op nodes" not in texts(at)
    metrics = {m.label: m.value for m in at.metric}
    w, b = (float(v) for v in metrics["least squares w, b"].split(","))
    best = fit_line(0.1, 60, 0).best  # the page's defaults: lr 0.1, 60 steps, seed 0
    assert (w, b) == pytest.approx(best, abs=1e-3)


def test_autograd_concepts_tab_shows_real_errors_and_warnings():
    at = open_page("pages/autograd.py", ag_tab="Concepts, live")
    body = texts(at)
    assert "Trying to backward through the graph a second time" in body
    assert "is not a leaf Tensor" in body
    assert "MulBackward0 nodes" in body


def test_autograd_page_offers_a_costly_check_on_request():
    # Clicking it is tested in the browser: AppTest does not deliver clicks inside fragments.
    at = open_page("pages/autograd.py")
    interact(at, "selectbox", "ag_preset", "mlp")
    assert "Autograd agrees" not in texts(at)
    assert any(b.label == "Run the check (900 statement evaluations)" for b in at.button)


def test_start_from_says_your_program_and_plurals_are_real():
    from tests.apptest import DESCENT

    at = open_page(
        "pages/autograd.py", ag_program="x = torch.ones(2, requires_grad=True)\ny = (x * 3).sum()"
    )
    assert at.selectbox(key="ag_preset").value == "custom"
    assert "your program" in at.selectbox(key="ag_preset").options
    assert "1 input needs no gradient and is not in the graph." in texts(at)  # the constant 3
    at = open_page(
        "pages/autograd.py",
        ag_program="x = torch.ones(2, requires_grad=True)\nc = torch.ones(2)\ny = (x * c * 3).sum()",
    )
    assert "2 inputs need no gradient and are not in the graph." in texts(at)
    at = open_page("pages/autograd.py", **DESCENT, ag_lr=1.0)
    assert "stopped falling" in texts(at)
