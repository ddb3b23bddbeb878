"""Exercises: every chapter's "Check yourself" set in one place, with the learner's progress."""

from __future__ import annotations

import streamlit as st

from playground import exercises as xq
from playground import ui
from playground.exercises.progress import summary
from playground.ui import bound, page, tr
from playground.ui.exercises import exercise_panel, progress, progress_figure, reset_progress

cfg = page()
ui.chapter_intro("nav.exercises", "xq.page_intro")

rows = summary(progress())
names = [tr(f"nav.{r['chapter']}") for r in rows]
table = [{**r, "chapter": n} for r, n in zip(rows, names, strict=True)]
ui.table(table, width="stretch")
records = progress().values()
c = ui.row(vertical_alignment="bottom")
c.metric(tr("xq.solved_all"), f"{sum(r.solved for r in records)} / {len(xq.EXERCISES)}")
c.metric(tr("xq.first_all"), sum(r.first_try for r in records))
c.button(tr("xq.reset"), on_click=reset_progress, icon=":material/restart_alt:")
fig = progress_figure(  # a new class's figures are all alike: drawn once, shared
    tuple(names),
    tuple(r["exercises"] for r in rows),
    tuple(r["solved"] for r in rows),
    (tr("xq.col.exercises"), tr("xq.col.solved")),
)
ui.chart(fig, key="xs_progress")

st.subheader(tr("xq.practice"))
titles = {k: tr(f"nav.{k}") for k in xq.CHAPTER_IDS}
chapter = bound(
    st.selectbox, tr("xq.set"), list(titles), key="xs_set", format_func=titles.__getitem__
)
exercise_panel(chapter)
