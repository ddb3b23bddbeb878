"""Chapter 4: Data. Datasets (offline, torchvision, yours), transforms v2 and DataLoader batches."""

from __future__ import annotations

import streamlit as st
import torch

from playground import data as ld
from playground import ui
from playground.core.errors import DatasetError, UploadError
from playground.core.i18n import t as plain
from playground.data.datasets import DATASETS, ImageDataset, dataset_title
from playground.data.torchvision_raw import load_dataset
from playground.plots.images import make_bar_figure, make_grid_figure
from playground.ui import bound, lazy_tabs, ntr, page, shared_dataset, show_code, show_error, tr
from playground.ui import state as shared
from playground.ui.data import browse_figures, one_sample, sample_seed
from playground.ui.panel import asked, shared_job

cfg = page()
ui.chapter_intro("nav.data", "data.intro")
UPLOAD = "upload"
CUDA = torch.cuda.is_available()


def time_workers(ds: ImageDataset) -> None:  # a class pressing at once shares one measurement
    work = lambda _: ld.time_workers(ds, (0, 2), max_samples=4096)  # noqa: E731
    if (times := shared_job(("workers", id(ds)), work, keep=False)) is None:
        return  # refused (the page says why)
    text = ", ".join(f"num_workers={w}: {s:.2f} s" for w, s in times.items())
    st.info(tr("data.workers_result", n=min(len(ds), 4096), times=text))


NAME, SHUFFLE = ui.Slot("d_name", "offline"), ui.Slot("d_shuffle", 0)  # reshuffles: a new seed each
TRAIN = ui.Slot("d_train", True)  # the train split, else the test split
UPLOADED_AS = ui.Slot[tuple[str, int]]("d_uploaded_name")  # the zip's name and size, once read


def _use_offline() -> None:
    NAME.set("offline")


def choose_dataset() -> tuple[str, ImageDataset | None]:
    options = [*DATASETS, UPLOAD] if shared.uploaded() is not None else list(DATASETS)
    labels = {
        k: dataset_title(k, cfg.lang) if k in DATASETS else tr("data.tab.upload") for k in options
    }
    c = ui.row(vertical_alignment="bottom")
    name = bound(
        c.selectbox, tr("data.dataset"), options, format_func=labels.__getitem__, key=NAME.key
    )
    train = bound(c.toggle, tr("data.split_train"), value=True, key=TRAIN.key)
    if name == UPLOAD:
        return name, shared.uploaded()
    desc = tr(f"data.desc.{name}")
    if not shared.on_disk().has(name, train):
        st.caption(desc)
        desc = ""
        st.warning(tr("data.missing"), icon=":material/cloud_off:")
        b = st.columns(2)
        b[1].button(tr("data.use_offline"), icon=":material/offline_bolt:", on_click=_use_offline)
        if not b[0].button(tr("data.download"), icon=":material/download:"):
            return name, None
        bar = st.progress(0.0, tr("data.downloading", name=name))
        try:
            load_dataset(name, train=train, download=True, progress=bar.progress)
        except DatasetError as err:
            show_error(err)
            return name, None
    try:
        ds = shared_dataset(name, train)
    except DatasetError as err:
        show_error(err)
        return name, None
    shape, mb = tuple(ds.images.shape[1:]), ds.nbytes / 2**20
    facts = tr("data.facts", n=len(ds), shape=shape, classes=len(ds.classes), mb=mb)
    st.caption(f"{desc}\n\n{facts}" if desc else facts)  # one element: each costs the class
    return name, ds


name, ds = choose_dataset()


@st.fragment
def browse_section() -> None:
    shuffle = SHUFFLE.get()
    if st.button(tr("data.reshuffle"), icon=":material/shuffle:"):
        shuffle = SHUFFLE.set(shuffle + 1)
    key = (shared.dataset_identity(name), bool(TRAIN.get()))  # drawn once a server, shared
    idx, grid, classes, pixels = browse_figures(key, ds, sample_seed(cfg.seed, shuffle), cfg.lang)
    left, right = st.columns([1, 1])
    ui.chart(grid, key="d_grid", into=left)
    with right:
        st.caption(tr("data.classes"))
        ui.chart(classes, key="d_classes")
        st.caption(tr("data.pixels"))
        ui.chart(pixels, key="d_pixels")
    i = bound(st.number_input, tr("data.inspect"), 0, len(ds) - 1, idx[0], key="d_index")
    facts = ld.sample_facts(ds, i)
    facts["name"] = ui.class_names([facts["name"]])[0]
    st.caption(tr("data.sample_facts", **facts))
    ui.chart(one_sample(key, int(i), ds), key="d_one")
    show_code(ld.browse_code(name, sample_seed(cfg.seed, shuffle)))


@st.fragment
def transforms_section() -> None:
    idx = ld.sample_indices(len(ds), 6, cfg.seed)
    raw = ds.images[idx]
    floats = ld.to_float()(raw)
    n_diff, worst = ld.totensor_difference()
    st.markdown(tr("data.totensor", n=n_diff, worst=f"{worst:.1e}"))
    c = st.columns(2)
    for col, key, values in ((c[0], "data.before", raw), (c[1], "data.after", floats)):
        col.caption(tr(key))
        x, y = ld.pixel_histogram(values)
        ui.chart(make_bar_figure(x, y, height=200), key=f"d_h_{key}", into=col)
    if bound(st.toggle, tr("data.normalize"), key="d_norm"):
        st.info(tr("data.normalized", **ld.normalize_report(ds)))
    label = int(ds.targets[idx[0]])
    st.markdown(tr("data.onehot", label=label))
    st.code(str(ld.one_hot(label, len(ds.classes))), "text", wrap_lines=True)
    aug = bound(st.selectbox, tr("data.augment"), list(ld.AUGMENTATIONS), key="d_aug")
    after = ld.augment(raw, aug, cfg.seed)
    both = torch.cat([raw, after])
    names = [plain("data.original", cfg.lang)] * len(raw) + [
        plain("data.augmented", cfg.lang)
    ] * len(after)
    ui.chart(make_grid_figure(both, names, cols=len(raw), height=320), key="d_aug_fig")
    st.caption(tr("data.v2_note"))
    show_code(ld.transforms_code(name, aug, cfg.seed))


@st.fragment
def loader_section() -> None:
    c = st.columns(3)
    sizes = [1, 4, 8, 16, 32, 64, 128, 256]
    workers = bound(c[0].select_slider, "num_workers", [0, 1, 2], 0, key="d_workers", help=tr("data.workers_help"))  # fmt: skip
    cfg_loader = ld.LoaderSettings(
        batch_size=bound(c[0].select_slider, tr("data.batch_size"), sizes, 64, key="d_bs"),
        shuffle=bound(c[1].toggle, "shuffle", True, key="d_shuffle_on"),
        drop_last=bound(c[1].toggle, "drop_last", False, key="d_drop"),
        seed=cfg.seed,
        num_workers=workers,
        pin_memory=bound(c[2].toggle, "pin_memory", False, key="d_pin", disabled=not CUDA),
        custom_collate=bound(c[2].toggle, tr("data.custom_collate"), False, key="d_collate"),
    )
    b = ld.first_batch(ds, cfg_loader)
    shapes = {
        "images": f"torch.Size({list(b.image_shape)})",
        "labels": f"torch.Size({list(b.label_shape)})",
    }
    count = ntr(
        "data.last_one" if b.last_batch == 1 else "data.batches", b.n_batches, last=b.last_batch
    )
    st.success(f"{tr('data.batch', **shapes, dtype=b.image_dtype)} {count}")  # fmt: skip
    left, right = st.columns([3, 2])
    ui.chart(make_grid_figure(b.images[:64], cols=8), key="d_batch", into=left)
    counts = b.label_counts(len(ds.classes))
    ui.chart(make_bar_figure(ui.class_names(ds.classes), counts), key="d_batch_labels", into=right)
    n = ld.assignment_size(len(ds), cfg_loader.batch_size)
    st.caption(tr("data.assignment", n=n))
    epochs = ld.batch_assignment(n, cfg_loader)
    ui.chart(ld.make_assignment_figure(epochs, n, lang=cfg.lang), key="d_assign")
    if asked(st.button(tr("data.workers"), icon=":material/timer:"), "d_workers"):
        time_workers(ds)  # worker processes: in the training queue
    show_code(ld.loader_code(name, cfg_loader))


def upload_section() -> None:
    file = ui.uploader(tr("data.upload"), ["zip"], help=tr("data.upload_help"), key="d_zip")
    if file is not None:
        try:
            uploaded = shared.read_upload(file.getvalue())  # decoded once per distinct zip
        except UploadError as err:
            show_error(err)
        else:
            st.success(ntr("data.uploaded", len(uploaded), classes=len(uploaded.classes)))
            if UPLOADED_AS.get() != (file.name, file.size):
                UPLOADED_AS.set((file.name, file.size))
                st.rerun()  # the dataset box above lists it now, and Training too
    show_code(ld.custom_dataset_code())


if ds is not None:
    lazy_tabs(
        "d_tab",
        [
            ("data.tab.browse", browse_section),
            ("data.tab.transforms", transforms_section),
            ("data.tab.loader", loader_section),
            ("data.tab.upload", upload_section),
        ],
    )
ui.check_yourself("data")
