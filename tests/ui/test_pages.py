"""AppTest: every page renders in both languages on the CPU, and the sidebar is shared."""

from __future__ import annotations

import pytest

from playground.chapters import CHAPTERS
from playground.core.i18n import LANGUAGES, nt, t
from playground.exercises import by_chapter
from tests.apptest import PAGES, open_page, texts
from tests.conftest import ROOT


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_without_exception(page, lang):
    at = open_page(page, lang=lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, "every page has a title"
    assert at.sidebar.selectbox(key="device").value == "cpu"
    assert at.sidebar.selectbox(key="language").value == LANGUAGES[lang]
    assert not at.sidebar.code, "Copy link draws its link only once opened"
    chapter = page.removeprefix("pages/").removesuffix(".py")
    if exercises := by_chapter(chapter):  # Check yourself: closed, nothing built inside
        assert [e.label for e in at.expander][-1] == nt("xq.title_n", len(exercises), lang)
        assert f"xq_{chapter}" not in [s.key for s in at.selectbox]


def test_home_lists_every_chapter_and_the_environment():
    import torch

    at = open_page("pages/home.py")
    env, datasets = (table.value for table in at.table)
    assert dict(env.itertuples(index=False))[t("home.torch")] == torch.__version__
    assert datasets.iloc[0, 1] == t("home.yes")  # the built-in dataset is always offline
    links = [link.proto.label for link in at.get("page_link")]
    assert links == [f"**{t(c.title_key)}**" for c in CHAPTERS]  # every chapter, in order
    # Each link opens its chapter: the page's URL path and the hash navigation registered it by.
    pages = [link.proto.page for link in at.get("page_link")]
    assert pages == [c.slug for c in CHAPTERS]
    assert all(link.proto.page_script_hash for link in at.get("page_link"))
    assert any("torch.__version__" in c.value for c in at.code)


def test_a_link_outside_a_run_is_given_its_path():
    from playground.ui import page_of

    assert page_of("pages/tensors.py") == "pages/tensors.py"  # before st.navigation has run


def test_home_title_is_translated():
    for lang in LANGUAGES:
        assert open_page("pages/home.py", lang=lang).title[0].value == t("home.title", lang)


def test_settings_survive_switching_pages():
    at = open_page("pages/home.py", seed=123, lang="zh")
    at.switch_page("pages/autograd.py").run()
    at.switch_page("pages/home.py").run()
    assert at.sidebar.number_input(key="seed").value == 123
    assert at.sidebar.selectbox(key="language").value == "简体中文"


def test_sidebar_settings_are_bound_to_the_url():
    at = open_page("pages/home.py", seed=77, lang="zh")
    assert at.query_params.get("seed") == ["77"] or at.query_params.get("seed") == "77"
    assert "简体中文" in str(at.query_params.get("language"))


@pytest.mark.gpu
@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA device")
@pytest.mark.parametrize("page", PAGES)
def test_page_renders_on_cuda(page):
    at = open_page(page, device="cuda:0")
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.selectbox(key="device").value == "cuda:0"


@pytest.mark.gpu
@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="needs a CUDA device")
def test_training_page_trains_on_cuda_with_the_captured_step():
    at = open_page("pages/training.py", device="cuda:0", tr_subset=2000, tr_epochs=1)
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception, [e.value for e in at.exception]
    trainer = at.session_state["trainer"]
    assert trainer.done and trainer.device.type == "cuda" and trainer.stepper.graph is not None
    assert "CUDA graph (captured step)" in texts(at)


def test_a_run_of_home_resolves_no_file_path(monkeypatch):
    """Every new session of a class runs Home: its 12 navigation pages and 11 links resolve
    no file on disk (each ``realpath`` is an ``lstat`` per path component, and lets go of the
    GIL that a herd of script threads is waiting for)."""
    import os
    import posixpath
    import traceback

    at = open_page("pages/home.py")
    ours = (str(ROOT / "app.py"), str(ROOT / "pages"), str(ROOT / "playground"))
    calls = []
    realpath = posixpath.realpath

    def spy(path, *args, **kwargs):
        if any(f.filename.startswith(ours) for f in traceback.extract_stack()):
            calls.append(str(path))
        return realpath(path, *args, **kwargs)

    monkeypatch.setattr(posixpath, "realpath", spy)
    monkeypatch.setattr(os.path, "realpath", spy)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("page_link")) == len(CHAPTERS)
    assert calls == []
