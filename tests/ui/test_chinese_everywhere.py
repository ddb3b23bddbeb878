"""中文 everywhere a person reads: every page and tab rendered in Chinese, with no English word
outside code, PyTorch's own names and a short allowlist.

What a learner reads is collected from AppTest: Markdown, captions, alerts, widget labels,
options and help, tabs, expanders, metrics, table headers and cells, and each Plotly figure's
title, axis titles, tick text, annotations, legend names and hover templates.
"""

from __future__ import annotations

import functools
import json
import re
import warnings
from typing import Any

import numpy as np
import pytest
import torch
import torchvision
import torchvision.transforms.v2 as v2
from streamlit.testing.v1 import AppTest
from torch import nn, optim
from torch.autograd import functional as autograd_functional
from torch.nn import functional

from playground.core.i18n import t
from playground.exercises import EXERCISES
from playground.ui import widgets
from tests.apptest import PAGES
from tests.ui.test_standalone_scripts import _render, _tabs

# Names a Chinese page keeps in English: products, people, file formats, units.
ALLOW = frozenset(
    """PyTorch NumPy Python Kaiming Apple torchvision pickle safetensors pth ipynb logit logits
    epoch epochs momentum nesterov lambda ctx np Lambda Jupyter Colab True False None Pillow
    Language keepdim chunks shuffle strict lr optimizer forward step raises Streamlit Linux
    Net""".split()  # Net: the blitz's class, named as the tutorial names it
)
_NAMESPACES = (torch, nn, optim, torch.Tensor, v2, functional, torch.autograd, torch.utils.data, np,
               torchvision, torch.cuda, autograd_functional)  # fmt: skip
_CODE = re.compile(r"`[^`]*`")
_TAGS = re.compile(r"<[^>]*>|%\{[^}]*\}")
# An English gloss after Chinese text: 迭代次数 (iterations), 微调 (fine-tuning), “Learn the Basics”.
_GLOSS = re.compile(r"[(（][^()（）\u4e00-\u9fff]*[)）]|“[^”\u4e00-\u9fff]*”")
# PyTorch's own error text, quoted after the page's words, stays as PyTorch wrote it.
_TORCH_SAYS = re.compile(r"PyTorch 报错：.*")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9_']*")
# Code written inline without backticks: calls, dotted names and assignments (model.to(device)).
_INLINE_CODE = re.compile(r"[\w.]*\w\([^()]*\)|\w+(?:\.\w+)+|[\w.]* *[-+*/]?= *[\w.]*")


@functools.cache
def _is_name(word: str) -> bool:
    """A PyTorch (or NumPy) name, an identifier, or an acronym: not a word to translate."""
    if "_" in word or any(c.isdigit() for c in word) or any(c.isupper() for c in word[1:]):
        return True
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # NumPy's FutureWarning for np.bytes and friends
        return word in ALLOW or any(hasattr(ns, word) for ns in _NAMESPACES)


def english_words(text: str) -> list[str]:
    """The English words a Chinese reader would meet in ``text``."""
    text = text.replace("<br>Backward", "Backward")  # a grad_fn name on two lines is one name
    text = _TAGS.sub(" ", _CODE.sub(" ", _TORCH_SAYS.sub(" ", text.replace("\\", ""))))
    while (shorter := _INLINE_CODE.sub(" ", text)) != text:  # next(iter(loader)): inside out
        text = shorter
    text = _GLOSS.sub(" ", text)
    return [w for w in _WORD.findall(text) if len(w) > 1 and not _is_name(w.strip("'"))]


def _figure_texts(spec: dict[str, Any]) -> list[str]:
    def title(obj: Any) -> str | None:
        t = obj.get("title") if isinstance(obj, dict) else None
        return t.get("text") if isinstance(t, dict) else t

    layout, out = spec.get("layout", {}), []
    out.append(title(layout))
    for key, axis in layout.items():
        if re.match(r"[xy]axis\d*$|coloraxis\d*$|legend\d*$", key) and isinstance(axis, dict):
            out += [title(axis), title(axis.get("colorbar")), *map(str, axis.get("ticktext") or [])]
    out += [a.get("text") for a in layout.get("annotations") or []]
    for trace in spec.get("data", []):
        if trace.get("showlegend", True) is not False:
            out.append(trace.get("name"))
        out += [trace.get("hovertemplate"), title(trace.get("colorbar"))]
        if "text" in str(trace.get("mode", "")) and isinstance(trace.get("text"), list):
            out += [str(x) for x in trace["text"][:100]]
    return [str(o) for o in out if o]


def readable(at: AppTest) -> list[tuple[str, str]]:
    """(where, text) for everything the rendered page shows a person, but its code blocks."""
    out: list[tuple[str, str]] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success", "exception"):  # fmt: skip
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for kind in ("button", "selectbox", "radio", "checkbox", "toggle", "slider", "number_input",
                 "text_input", "text_area", "multiselect", "select_slider"):  # fmt: skip
        for e in getattr(at, kind):
            out.append((f"{kind} label", str(e.label)))
            out += [(f"{kind} help", str(e.help))] if getattr(e, "help", None) else []
            if kind != "selectbox" or e.label != "Language / 语言":
                out += [(f"{kind} option", str(o)) for o in getattr(e, "options", None) or []]
    out += [("tab", str(e.label)) for e in at.tabs]
    out += [("expander", str(e.label)) for e in at.expander]
    out += [("metric", f"{e.label} {e.value}") for e in at.metric]
    for e in at.dataframe:
        if e.proto.editing_mode:  # the layer editor: its headers come from column_config
            continue
        df = e.value
        out += [("table header", " ".join(map(str, df.columns)))]
        out += [("table cell", " ".join(row)) for row in df.astype(str).values.tolist()[:50]]
    for e in at.get("plotly_chart"):
        out += [("figure", s) for s in _figure_texts(json.loads(e.proto.spec))]
    out += [("download", str(e.proto.label)) for e in at.get("download_button")]
    return out


def _states() -> list[tuple[str, dict[str, str]]]:
    return [(page, query) for page in PAGES for query in _tabs(page)]


def test_the_detector_finds_english_and_spares_names():
    assert english_words("训练损失 training loss") == ["training", "loss"]
    assert english_words("`loss.backward()` 之后，requires_grad 为 True") == []
    assert english_words("迭代次数 (iterations)，教程“Learn the Basics”") == []
    assert english_words("MulBackward0、nn.Linear、CNN、LeNet 与 PyTorch") == []
    assert english_words("actual %{y}<br>click them") == ["actual", "click", "them"]
    assert english_words("next(iter(loader))：图像") == []


@pytest.mark.slow
@pytest.mark.parametrize(("page", "query"), _states())
def test_every_page_and_tab_reads_in_chinese(page, query):
    at = _render(page, "zh", query)
    found = [(where, w, text[:120]) for where, text in readable(at) for w in english_words(text)]
    assert found == []


# States a default render does not reach: refusals of typed input, and a finished run.
REFUSALS = [
    ("pages/tensors.py", {"t_creator": "zeros", "t_shape": "(3 4)"}),
    ("pages/tensors.py", {"t_tab": "index", "t_index": "[:, 9]"}),
    ("pages/tensors.py", {"t_tab": "views", "t_vshape": "(5, -1, -1)"}),
    ("pages/broadcasting.py", {"b_shapes": "(3, 2), (4, 2)"}),
    ("pages/broadcasting.py", {"b_shapes": "(100000, 100000), (100000, 1)"}),
    ("pages/autograd.py", {"ag_program": "import os\ny = x +"}),
    ("pages/layers.py", {"m_model": "Linear(in_features=5, out_features=3)", "m_input": "(4,)"}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "query"), REFUSALS)
def test_refusals_read_in_chinese(page, query):
    at = _render(page, "zh", query)
    assert at.error or at.warning, "the hostile value was not refused"
    found = [(where, w, text[:120]) for where, text in readable(at) for w in english_words(text)]
    assert found == []


@pytest.mark.slow
def test_a_finished_training_run_reads_in_chinese():
    at = _render(
        "pages/training.py", "zh", {"tr_subset": "500", "tr_epochs": "1", "tr_opt": "Adam"}
    )
    at.button[0].click().run()
    assert at.session_state["trainer"].done
    for tab in widgets.BOUND_KEYS["tr_tab"]:
        at.session_state["tr_tab"] = t(f"train.tab.{tab}", "zh")
        at.run()
        assert not at.exception
        found = [(w, text[:120]) for _, text in readable(at) for w in english_words(text)]
        assert found == [], tab


@pytest.mark.slow
@pytest.mark.parametrize("exercise", [e.id for e in EXERCISES])
def test_every_exercise_and_its_solution_read_in_chinese(exercise):
    chapter = exercise.split(".")[0]
    at = _render("pages/exercises.py", "zh", {"xs_set": chapter, f"xq_{chapter}": exercise})
    at.button(key=f"xq_{exercise}_0_sol").click().run()
    at.button(key=f"xq_{exercise}_0_hint").click().run()
    assert not at.exception and at.info, "the hint did not show"
    found = [(where, w, text[:120]) for where, text in readable(at) for w in english_words(text)]
    assert found == []
