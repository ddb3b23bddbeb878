"""A teacher's link: every bound control of a page comes back from the URL, in either language."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from playground.core.i18n import LANGUAGES
from tests.conftest import ROOT

# page -> (URL values, the widget kind and the value each control must show)
LINKS = {
    "pages/data.py": (
        {"d_tab": "loader", "d_bs": "16", "d_shuffle_on": "false", "d_drop": "true", "d_collate": "true"},
        [("select_slider", "d_bs", 16), ("toggle", "d_shuffle_on", False), ("toggle", "d_drop", True),
         ("toggle", "d_collate", True)],
    ),
    "pages/autograd.py": (
        {"ag_program": "x = torch.ones(3, requires_grad=True)\ny = (x * 3).sum()", "ag_backward": "false"},
        [("text_area", "ag_program", "x = torch.ones(3, requires_grad=True)\ny = (x * 3).sum()"),
         ("toggle", "ag_backward", False)],
    ),
    "pages/training.py": (
        {"tr_opt": "Adam", "tr_lr": "0.01", "tr_bs": "128", "tr_epochs": "2", "tr_loss": "NLLLoss",
         "tr_wd": "0.001"},
        [("selectbox", "tr_opt", "Adam"), ("select_slider", "tr_lr", 0.01), ("select_slider", "tr_bs", 128),
         ("number_input", "tr_epochs", 2), ("selectbox", "tr_loss", "NLLLoss"), ("number_input", "tr_wd", 0.001)],
    ),
    "pages/examples.py": (
        {"ex_problem": "relu", "ex_level": "optim", "ex_dtype": "float64", "ex_lr_relu_5": "0.0003",
         "ex_it_relu_5": "300"},
        [("selectbox", "ex_problem", "relu"), ("selectbox", "ex_level", "optim"), ("selectbox", "ex_dtype", "float64"),
         ("number_input", "ex_lr_relu_5", 0.0003), ("number_input", "ex_it_relu_5", 300)],
    ),
    "pages/tensors.py": (
        {"t_creator": "arange", "t_dtype": "float64", "t_shape": "(2, 5)", "t_grad": "true"},
        [("selectbox", "t_creator", "arange"), ("selectbox", "t_dtype", "float64"),
         ("text_input", "t_shape", "(2, 5)"), ("checkbox", "t_grad", True)],
    ),
    "pages/tensors.py#arith": ({"t_tab": "arith", "t_n": "4", "t_i": "3", "t_j": "1"},
                               [("slider", "t_n", 4), ("slider", "t_i", 3), ("slider", "t_j", 1)]),
    "pages/layers.py#inside": ({"m_tab": "inside", "m_pick": "linear_relu_stack.2", "m_samples": "false"},
                               [("selectbox", "m_pick", "linear_relu_stack.2"), ("toggle", "m_samples", False)]),
    # One tab per link: a closed tab's controls do not run.
    "pages/save_load.py#save": ({"s_tab": "save", "s_fmt": "pth"}, [("radio", "s_fmt", "pth")]),
    "pages/save_load.py#load": ({"s_tab": "load", "s_strict": "false"}, [("toggle", "s_strict", False)]),
    "pages/save_load.py#inference": ({"s_tab": "inference", "s_idx": "5"}, [("slider", "s_idx", 5)]),
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", list(LINKS))
def test_every_bound_control_comes_back_from_the_link(page, lang):
    query, expected = LINKS[page]
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["language"] = LANGUAGES[lang]
    at.session_state["device"] = "cpu"
    at.query_params.update(query)
    at.run()
    at.switch_page(page.split("#")[0])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for kind, key, value in expected:
        assert getattr(at, kind)(key=key).value == value, (kind, key)


def test_copy_link_holds_the_page_and_every_changed_setting():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["device"] = "cpu"
    at.query_params.update({"seed": "7", "tr_opt": "Adam", "tr_epochs": "2", "tr_tab": "compare"})
    at.run()
    at.switch_page("pages/training.py")
    at.run()
    assert not at.exception and not at.sidebar.code  # the popover draws its link once opened
    at.session_state["copy_link"] = True  # the learner opens "Copy link"
    at.run()
    link = at.sidebar.code[0].value
    assert all(part in link for part in ("seed=7", "tr_opt=Adam", "tr_epochs=2", "tr_tab=compare"))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_reset_to_defaults_clears_the_page_but_keeps_language_seed_and_tab(lang):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["language"] = LANGUAGES[lang]
    at.session_state["device"] = "cpu"
    at.query_params.update({"tr_opt": "Adam", "tr_epochs": "2", "tr_tab": "compare", "seed": "7"})
    at.run()
    at.switch_page("pages/training.py")
    at.run()
    assert (
        at.selectbox(key="tr_opt").value == "Adam" and at.number_input(key="tr_epochs").value == 2
    )
    reset = [b for b in at.sidebar.button if b.label in ("Reset to defaults", "恢复默认设置")]
    reset[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="tr_opt").value == "SGD" and at.number_input(key="tr_epochs").value == 5
    assert "tr_opt" not in at.query_params and "tr_epochs" not in at.query_params
    assert at.query_params.get("seed") == ["7"] or at.session_state["seed"] == 7
    assert at.query_params.get("tr_tab") in (["compare"], "compare")


def _reset_button(at: AppTest):
    return [b for b in at.sidebar.button if b.label in ("Reset to defaults", "恢复默认设置")][0]


@pytest.mark.parametrize("page", list(LINKS))
def test_reset_brings_every_linked_control_back_to_what_a_fresh_page_shows(page):
    query, expected = LINKS[page]

    def opened(q: dict[str, str]) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        at.session_state["device"] = "cpu"
        at.query_params.update(q)
        at.run()
        at.switch_page(page.split("#")[0])
        at.run()
        return at

    fresh = opened({k: v for k, v in query.items() if k.endswith("_tab")})
    # Controls that only a linked choice shows (t_shape needs t_creator=zeros) vanish with it.
    shown = [(kind, key) for kind, key, _ in expected if _has(fresh, kind, key)]
    at = opened(query)
    _reset_button(at).click().run()
    assert not at.exception, [e.value for e in at.exception]
    for kind, key in shown:
        assert getattr(at, kind)(key=key).value == getattr(fresh, kind)(key=key).value, key
        # Gone from the link, or (a program seeded through the state) the default itself.
        linked = at.query_params.get(key)
        assert linked in (None, fresh.query_params.get(key)) or linked == str(
            getattr(at, kind)(key=key).value
        ), key
    assert len(shown) >= min(2, len(expected))  # never vacuous


def _has(at: AppTest, kind: str, key: str) -> bool:
    try:
        getattr(at, kind)(key=key)
    except KeyError:
        return False
    return True


@pytest.mark.parametrize(
    ("query", "key", "values"),
    [
        ({"tr_cmp_field": "optimizer", "tr_cmp_optimizer": ["Adam", "RMSprop"]}, "tr_cmp_optimizer", ["Adam", "RMSprop"]),
        ({"tr_cmp_learning_rate": ["0.1", "0.0001"]}, "tr_cmp_learning_rate", [0.1, 0.0001]),
    ],
)  # fmt: skip
def test_the_compare_values_come_back_from_the_link(query, key, values):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["device"] = "cpu"
    at.query_params.update({"tr_tab": "compare", **query})
    at.run()
    at.switch_page("pages/training.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.multiselect(key=key).value == values


def test_a_bound_widgets_default_is_worked_out_only_when_asked_for():
    """A run keeps each bound widget's call; Reset (or a refused link) works its default out."""
    from playground.ui import widgets

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["device"] = "cpu"
    at.run()
    at.switch_page("pages/tensors.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert type(widgets.BOUND_DEFAULTS["t_creator"]).__name__ == "_Declared"
    assert widgets.bound_default("t_creator") == at.selectbox(key="t_creator").value
    assert widgets.bound_default("no_such_key") is widgets._MISSING
