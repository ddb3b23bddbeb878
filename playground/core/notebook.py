"""Every page as a Jupyter notebook: its explanation as Markdown cells, its scripts as code.

The cells are the very scripts "Show the code" prints for the current settings, each complete
on its own, so the notebook runs top to bottom in Jupyter or Colab, or one cell at a time.
Built with ``nbformat`` (version 4) and validated against its schema before it is offered.
A script that needs a package besides torch and torchvision says so in a comment
(``# ... pip install safetensors``); the notebook then starts with one ``%pip install`` cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import nbformat
from nbformat import v4

from playground.core.i18n import t

__all__ = ["NotebookPage", "extra_packages", "make_notebook"]

# "# needs safetensors besides torch: pip install safetensors": a declared extra package
_DECLARED = re.compile(r"#[^\n]*\bpip install ((?:[A-Za-z0-9_.\-]+ ?)+)")


@dataclass
class NotebookPage:
    """What one page run showed: its title and intro (Markdown), then (section, script) pairs."""

    title: str = ""
    intro: str = ""
    scripts: list[tuple[str, str]] = field(default_factory=list)

    def add(self, section: str, code: str) -> None:
        if all(code != shown for _, shown in self.scripts):  # a script shown twice runs once
            self.scripts.append((section, code))


def extra_packages(scripts: list[str]) -> list[str]:
    """The packages besides torch and torchvision that the scripts declare, in order."""
    names: dict[str, None] = {}
    for code in scripts:
        for match in _DECLARED.finditer(code):
            names.update(dict.fromkeys(match.group(1).split()))
    return list(names)


def make_notebook(
    page: NotebookPage, *, lang: str = "en", seed: int = 0, device: str = "cpu"
) -> str:
    """The page as ``.ipynb`` JSON: a heading per section, one code cell per script."""
    cells = [
        v4.new_markdown_cell(f"# {page.title}\n\n{page.intro}".strip()),
        v4.new_markdown_cell(t("nb.note", lang, seed=seed, device=device)),
    ]
    if extra := extra_packages([code for _, code in page.scripts]):
        cells.append(v4.new_code_cell(f"%pip install {' '.join(extra)}"))
    section = None
    for name, code in page.scripts:
        if name and name != section:
            cells.append(v4.new_markdown_cell(f"## {name}"))
            section = name
        cells.append(v4.new_code_cell(code.rstrip("\n")))
    nb = v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nbformat.writes(nb)
