"""Home: the learning path as cards, and what this machine offers."""

from __future__ import annotations

import streamlit as st

from playground import ui
from playground.chapters import CHAPTERS
from playground.core.device import environment_code, environment_info
from playground.data.datasets import DatasetStatus, dataset_title
from playground.server.runs import RUNS
from playground.server.slots import SLOTS
from playground.ui import ntr, page, show_code, tr


def dataset_detail(status: DatasetStatus) -> str:
    if status.key == "offline":
        return tr("home.ds.builtin")
    if status.missing:
        return tr(
            "home.ds.missing", missing=status.missing, total=status.total, folder=status.folder
        )
    return status.folder


cfg = page()
ui.chapter_intro("home.title", "home.intro")

st.header(tr("home.path"))
# One wrapping row of cards, each a link and one line: every session of a class draws them, and
# each element (a column is one) costs the server as much as a line of text.
cards = st.container(horizontal=True, gap="medium")
for n, chapter in enumerate(CHAPTERS, start=1):
    with cards.container(border=True, width=280, height="stretch"):
        st.page_link(
            ui.page_of(chapter.page), label=f"**{tr(chapter.title_key)}**", icon=chapter.icon
        )
        kind = f"*{tr('home.chapter', n=n)}* · " if chapter.exercises else ""
        st.markdown(kind + tr(chapter.blurb_key))

st.header(tr("home.env"))
env = environment_info()
cuda_text = ", ".join(d.label for d in env.cuda) or tr("home.cuda_none")
facts = [
    (tr("home.torch"), env.torch_version),
    (tr("home.torchvision"), env.torchvision_version),
    (tr("home.threads"), tr("home.threads_value", threads=env.python_threads, cores=env.cpu_count)),
    (tr("home.cuda"), cuda_text),
    (tr("home.mps"), tr(env.mps)),
]
st.table(ui.arrow_table(facts, [tr("home.what"), tr("home.value")]), hide_index=True)

running, waiting = SLOTS.counts()
running_text = ntr("home.trainings_running", running)
held = ntr("home.runs_held", RUNS.held())
st.caption(tr("home.server", running=running_text, waiting=waiting, held=held))

st.subheader(tr("home.datasets"))
yes, no = tr("home.yes"), tr("home.no")
rows = ui.state.on_disk().statuses
table = ui.arrow_table(
    [(dataset_title(s.key, cfg.lang), yes if s.offline else no, dataset_detail(s)) for s in rows],
    [tr("home.dataset"), tr("home.offline"), tr("home.where")],
)
st.table(table, hide_index=True)  # a static table wraps the how-to in "Where / why"
show_code(environment_code(env.python_threads))
