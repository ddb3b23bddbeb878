"""Teach: start a class (a join code, a QR, a live dashboard) or join one with a nickname."""

from __future__ import annotations

import streamlit as st

from playground import ui
from playground.teach import class_hours
from playground.ui import page, tr
from playground.ui import teach as pulse_ui
from playground.ui.teach_dashboard import dashboard

cfg = page()
ui.chapter_intro("nav.teach", "teach.intro")
pulse_ui.open_teacher_link()

if (owner := pulse_ui.teacher()) is not None:
    dashboard(*owner, seed=cfg.seed)
    st.stop()

start, join = st.columns(2, gap="large")
with start.container(border=True):
    st.subheader(tr("teach.start_title"), anchor=False)
    st.caption(tr("teach.start_help", hours=class_hours()))
    st.button(tr("teach.start"), type="primary", icon=":material/co_present:",
              on_click=pulse_ui.start_class, key="tc_start")  # fmt: skip
with join.container(border=True):
    st.subheader(tr("teach.join_title"), anchor=False)
    st.caption(tr("teach.join_help"))
    if (me := pulse_ui.student()) is not None:
        pulse_ui.joined_as(me)
    else:
        st.text_input(tr("teach.code"), str(st.query_params.get("join", ""))[:12], max_chars=12,
                      key="tc_code")  # fmt: skip
        st.text_input(tr("teach.nickname"), max_chars=24, key="tc_nickname")
        st.button(tr("teach.join"), icon=":material/login:", key="tc_join",
                  on_click=pulse_ui.join_from_form)  # fmt: skip
