"""Download as notebook: every page as an .ipynb built with nbformat, its Markdown in the page's
language and its code cells exactly the scripts the page shows; executed with nbclient in a
real kernel, each cell prints what the same script prints when run on its own.
"""

from __future__ import annotations

import functools
import re

import nbformat
import pytest

from playground.chapters import SCRIPT_PAGES
from playground.core.i18n import t
from playground.core.notebook import NotebookPage, extra_packages, make_notebook
from tests.snippets import run_standalone
from tests.ui.test_standalone_scripts import _render

# The Exercises page's notebook holds the exercise's inputs; Teach has none until a push.
NOTEBOOK_PAGES = list(SCRIPT_PAGES)
_ADDRESS = re.compile(r"0x[0-9a-f]+")  # print(z.grad_fn) names an object by its address


@functools.cache
def _notebook(page: str, lang: str) -> tuple[NotebookPage, list[str], str]:
    at = _render(page, lang, {})
    # "Show the code" blocks, then the Check-yourself exercise's inputs (a script to explore)
    shown = [c.value for e in at.expander for c in e.code if c.language == "python"]
    inputs = [c.value for c in at.code if c.language == "python" and c.value not in shown]
    record = at.session_state["_notebook"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert t("nb.download", lang) in labels
    return record, shown + inputs[-1:], make_notebook(record, lang=lang, seed=0, device="cpu")


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_each_page_offers_its_scripts_as_a_notebook(page, lang):
    record, shown, text = _notebook(page, lang)
    nb = nbformat.reads(text, as_version=4)
    nbformat.validate(nb)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    extra = extra_packages(shown)  # what the scripts declare beyond torch and torchvision
    if extra:
        assert code.pop(0) == f"%pip install {' '.join(extra)}"
    assert not [c for c in code if c.startswith("%pip")]
    assert code == list(dict.fromkeys(s.rstrip("\n") for s in shown))  # the page's, in order
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert record.title in markdown and record.intro[:40] in markdown
    if lang == "zh":
        assert re.search(r"[\u4e00-\u9fff]", markdown) and "Made with" not in markdown
    assert nb.metadata.kernelspec.name == "python3"


def test_a_notebook_whose_scripts_need_more_than_torch_starts_by_installing_it():
    page = NotebookPage("T", "intro")
    page.add("A", "# needs safetensors besides torch: pip install safetensors\nprint(1)\n")
    page.add("B", "# needs pandas besides torch and torchvision: pip install pandas\nprint(2)\n")
    page.add("C", "# needs safetensors besides torch: pip install safetensors\nprint(3)\n")
    nb = nbformat.reads(make_notebook(page), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert code[0] == "%pip install safetensors pandas" and len(code) == 4
    plain = NotebookPage("T", "intro")
    plain.add("A", "import torch\nprint(torch.ones(2))\n")
    nb = nbformat.reads(make_notebook(plain), as_version=4)
    assert [c.source for c in nb.cells if c.cell_type == "code"] == [
        "import torch\nprint(torch.ones(2))"
    ]


def test_a_script_shown_twice_is_one_cell_and_sections_head_their_scripts():
    page = NotebookPage("T", "intro")
    page.add("A", "print(1)\n")
    page.add("A", "print(1)\n")
    page.add("B", "print(2)\n")
    nb = nbformat.reads(make_notebook(page), as_version=4)
    assert [c.source for c in nb.cells[2:]] == ["## A", "print(1)", "## B", "print(2)"]


@pytest.mark.slow
@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_each_notebook_runs_and_prints_what_its_scripts_print(page, tmp_path):
    from nbclient import NotebookClient

    _, _, text = _notebook(page, "en")
    nb = nbformat.reads(text, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    # "%pip install …" finds the packages already installed here, and needs no network
    for k, cell in enumerate(
        c for c in nb.cells if c.cell_type == "code" and not c.source.startswith("%pip")
    ):
        printed = "".join(
            o.get("text", "")
            for o in cell.outputs
            if o.output_type == "stream" and o.name == "stdout"
        )
        assert not [o for o in cell.outputs if o.output_type == "error"]
        alone = tmp_path / f"alone{k}"
        alone.mkdir()
        expected = run_standalone(cell.source + "\n", alone, timeout=600)
        assert _ADDRESS.sub("0x…", printed) == _ADDRESS.sub("0x…", expected), cell.source[:200]
