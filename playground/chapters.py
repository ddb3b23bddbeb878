"""The chapters, declared once.

Navigation, Home's cards, the exercise sets, the tests' page lists and the benchmarks all
read :data:`CHAPTERS`. Adding a chapter is its page (``pages/<slug>.py``), its package
(``playground/<slug>/``), its tests (``tests/<slug>/``) and one line here;
``tests/test_architecture.py`` fails on a list of chapters kept anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CHAPTERS", "EXERCISE_CHAPTERS", "HOME", "PAGES", "SCRIPT_PAGES", "Chapter", "by_slug"]


@dataclass(frozen=True)
class Chapter:
    """One chapter: its URL path (also its package and tests folder), its sidebar icon, the
    prefix of its widget keys (``t_`` for ``t_tab``), whether it has a Check-yourself set, and
    whether it shows scripts as soon as it opens (Teach does once a question is pushed)."""

    slug: str
    icon: str
    prefix: str
    exercises: bool = True
    scripts: bool = True  # shows PyTorch scripts (and a notebook) as soon as it opens

    @property
    def page(self) -> str:
        return f"pages/{self.slug}.py"

    @property
    def title_key(self) -> str:
        return f"nav.{self.slug}"

    @property
    def blurb_key(self) -> str:
        return f"blurb.{self.slug}"


# In the tutorial's order: the sidebar and Home show them so.
CHAPTERS: tuple[Chapter, ...] = (
    Chapter("tensors", ":material/grid_on:", "t_"),
    Chapter("broadcasting", ":material/view_column:", "b_"),
    Chapter("autograd", ":material/account_tree:", "ag_"),
    Chapter("data", ":material/photo_library:", "d_"),
    Chapter("layers", ":material/layers:", "m_"),
    Chapter("convolution", ":material/blur_on:", "cv_"),
    Chapter("training", ":material/trending_down:", "tr_"),
    Chapter("save_load", ":material/save:", "s_"),
    Chapter("examples", ":material/functions:", "ex_"),
    Chapter("exercises", ":material/quiz:", "xs_", exercises=False),  # every chapter's set
    Chapter("teach", ":material/co_present:", "tc_", exercises=False, scripts=False),
)
HOME = "pages/home.py"
PAGES: tuple[str, ...] = (HOME, *(c.page for c in CHAPTERS))
SCRIPT_PAGES: tuple[str, ...] = (HOME, *(c.page for c in CHAPTERS if c.scripts))
EXERCISE_CHAPTERS: tuple[str, ...] = tuple(c.slug for c in CHAPTERS if c.exercises)


def by_slug(slug: str) -> Chapter | None:
    return next((c for c in CHAPTERS if c.slug == slug), None)
