"""Typed accessors for what pages share through ``st.session_state``.

The Layers page's model feeds Training and Save & load; the Training page's run feeds
Save & load, and a resumed checkpoint feeds Training. One key each, named here only.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st

from playground.core.device import configure_threads
from playground.core.errors import DatasetError, PlaygroundError
from playground.core.rng import MAX_SEED
from playground.data.datasets import (
    TORCHVISION_FILES,
    DatasetStatus,
    ImageDataset,
    data_root,
    dataset_status,
    is_available,
    train_test_split,
)
from playground.data.torchvision_raw import load_dataset, offline_set
from playground.data.upload import read_image_zip
from playground.layers.link import decode_input, decode_model, encode_model
from playground.layers.models import INPUT_SHAPES, PRESETS, LayerSpec, ModelCheck
from playground.server.runs import RUNS
from playground.server.work import SliceRun
from playground.training.controls import values_of
from playground.training.loop import Trainer
from playground.ui.data import sample_seed, warm_browse
from playground.ui.frame import DEFAULT_SEED, on_reset, page_of
from playground.ui.i18n import tr
from playground.ui.shared import class_resource
from playground.ui.streamlit_internals import session_id

R = TypeVar("R", bound=SliceRun)

__all__ = [
    "MODEL_KEYS",
    "built_model",
    "clear_trainer",
    "dataset_identity",
    "editor_version",
    "has_built_model",
    "link_model",
    "model_from_link",
    "new_editor",
    "on_disk",
    "read_upload",
    "reset_model",
    "restore_training_controls",
    "set_built_model",
    "set_trainer",
    "shared_dataset",
    "show_misfit",
    "track",
    "trainer",
    "training_data",
    "uploaded",
    "warm_shared_data",
]

_SPECS, _INPUT, _TRAINER = "model_specs", "model_input", "trainer"
_EDITOR, _LINKED = "model_editor_version", "model_from_link"
MODEL_KEYS = ("m_model", "m_input")  # the built model in the address bar


def editor_version() -> int:
    """A counter in the layer table's key: a new value gives a fresh table."""
    return int(st.session_state.get(_EDITOR, 0))


def new_editor() -> None:
    st.session_state[_EDITOR] = editor_version() + 1


def model_from_link() -> PlaygroundError | None:
    """The model in ``?m_model=`` (and ``?m_input=``) becomes the built model, once per link.

    A bad link is dropped from the address bar and its refusal returned for the page.
    """
    raw = st.query_params.get("m_model")
    if raw is None or st.session_state.get(_LINKED) == raw:
        return None
    st.session_state[_LINKED] = raw
    try:
        specs = decode_model(raw)
        shape_text = st.query_params.get("m_input")
        shape = decode_input(shape_text) if shape_text else INPUT_SHAPES["tutorial"]
    except PlaygroundError as err:
        for key in MODEL_KEYS:
            st.query_params.pop(key, None)
        return err
    set_built_model(specs, shape)
    matching = [name for name, preset in PRESETS.items() if preset == specs]
    if matching:  # the preset box names the linked model when it is one
        st.session_state["m_preset"] = matching[0]
    new_editor()
    return None


def link_model(specs: list[LayerSpec], shape: tuple[int, ...]) -> None:
    """Keep the built model in the address bar; the tutorial's model is the default, not shown."""
    tutorial = list(specs) == PRESETS["tutorial"] and tuple(shape) == INPUT_SHAPES["tutorial"]
    if tutorial:
        for key in MODEL_KEYS:
            st.query_params.pop(key, None)
    else:
        st.query_params["m_model"] = encode_model(specs)
        if tuple(shape) == INPUT_SHAPES["tutorial"]:
            st.query_params.pop("m_input", None)
        else:
            st.query_params["m_input"] = str(tuple(shape))
    st.session_state[_LINKED] = st.query_params.get("m_model")


DISK_RECHECK_S = 5.0


@dataclass(frozen=True)
class OnDisk:
    """Which torchvision datasets this server has on disk, for Home, Data, Training and
    Convolution."""

    statuses: tuple[DatasetStatus, ...]  # Home's table: the offline set, then each dataset
    splits: frozenset[tuple[str, bool]]  # (name, train) whose files are all there

    def has(self, name: str, train: bool) -> bool:
        return name == "offline" or (name, bool(train)) in self.splits


def on_disk() -> OnDisk:
    """Looked up at most every few seconds per data folder: each look is a dozen file checks,
    and every new session of a class asks."""
    return _on_disk(root=str(data_root()))


@class_resource(max_entries=4, ttl=DISK_RECHECK_S)
def _on_disk(root: str) -> OnDisk:
    folder = Path(root)
    splits = frozenset(
        (name, train)
        for name in TORCHVISION_FILES
        for train in (True, False)
        if is_available(name, folder, train)
    )
    return OnDisk(tuple(dataset_status(folder)), splits)


def shared_dataset(name: str, train: bool = True) -> ImageDataset:
    """A dataset decoded once per server and shared by every session: never mutate it."""
    return _decoded(name, bool(train))  # one cache key per split, however it is asked for


@class_resource(max_entries=8)
def _decoded(name: str, train: bool) -> ImageDataset:
    return offline_set(train) if name == "offline" else load_dataset(name, train=train)


_warming = threading.Lock()


def warm_shared_data() -> None:
    """Once per process, when the first page is opened: decode the offline set (a second of
    CPU) and draw Data's first view of it on a thread of its own, so a class that opens Data,
    Layers or Training after Home finds them ready instead of a hundred sessions waiting."""
    if _warming.acquire(blocking=False):  # never released: once per process
        threading.Thread(target=_warm, name="warm-offline-data", daemon=True).start()


def _warm() -> None:
    configure_threads()  # the count every script thread uses: the same bits as a page's decode
    for train in (True, False):
        shared_dataset("offline", train)
    warm_browse(("offline", True), shared_dataset("offline", True), sample_seed(DEFAULT_SEED))


def reset_model() -> None:
    """Back to the tutorial's model, for "Reset to defaults"."""
    set_built_model(PRESETS["tutorial"], INPUT_SHAPES["tutorial"])
    st.session_state["m_preset"] = "tutorial"
    for key in MODEL_KEYS:
        st.query_params.pop(key, None)
    new_editor()


def has_built_model() -> bool:
    """Whether the learner has opened the Layers page's builder in this session."""
    return _SPECS in st.session_state


def built_model() -> tuple[list[LayerSpec], tuple[int, ...]]:
    """The Layers page's layer list and input shape (the tutorial's MLP until edited)."""
    specs = st.session_state.get(_SPECS, PRESETS["tutorial"])
    return specs, tuple(st.session_state.get(_INPUT, INPUT_SHAPES["tutorial"]))


def set_built_model(specs: list[LayerSpec], input_shape: tuple[int, ...] | None = None) -> None:
    st.session_state[_SPECS] = list(specs)
    if input_shape is not None:
        st.session_state[_INPUT] = tuple(input_shape)


def trainer() -> Trainer | None:
    """This session's run, or None (also when the janitor freed it while the tab was away)."""
    t = st.session_state.get(_TRAINER)
    if t is not None and t.released:
        st.session_state.pop(_TRAINER, None)
        return None
    return t


def track(t: R) -> R:
    """Register a run this session holds, so the janitor frees it once every tab left."""
    RUNS.track(session_id(), t)
    return t


def set_trainer(t: Trainer) -> Trainer:
    """Keep ``t`` as this session's run (registered with the janitor too)."""
    st.session_state[_TRAINER] = track(t)
    return t


def clear_trainer() -> None:
    st.session_state.pop(_TRAINER, None)


# The Training page's controls, each with the values its widget accepts.
def restore_training_controls(t: Trainer) -> dict[str, str]:
    """Set the Training page's controls to the ones ``t`` was started with (in a callback,
    before any widget draws), so the page shows that run and Train means "go on".

    Returns them as that page's query parameters, for ``st.switch_page``: a widget bound to
    the URL writes its value there only when the user moves it.
    """
    values: dict[str, object] = values_of(t.cfg, t.n)  # through the declared controls
    if 0 <= t.cfg.seed <= MAX_SEED:
        values["seed"] = t.cfg.seed
    if t.dataset:
        values["tr_data"] = t.dataset
    preset = next((name for name, specs in PRESETS.items() if specs == t.specs), None)
    if preset is not None:
        values["tr_preset"] = preset
        if has_built_model():  # the toggle shows only then
            values["tr_builder"] = False
    else:  # the run's own layers become the built model
        set_built_model(t.specs, t.input_shape)
        new_editor()
        values["tr_builder"] = True
    st.session_state.update(values)
    # The sidebar's seed is bound on every page: it keeps itself in the URL.
    return {k: _url_text(v) for k, v in values.items() if k != "seed"}


def _url_text(value: object) -> str:
    """A value as Streamlit writes it into the URL: true/false, 5 for 5.0, 0.003."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def show_misfit(check: ModelCheck, *, here: bool = True) -> None:
    """The one message for a model that does not fit its input: the layer, PyTorch's words,
    the fix, and "Apply fix" where the fix is one edit (``here``: on the Layers page)."""
    from playground.ui.i18n import localized

    layer = (check.failed_at or 0) + 1
    st.error(
        tr("layers.mismatch", layer=layer, error=localized(check.error)), icon=":material/error:"
    )
    st.info(localized(check.fix), icon=":material/build:")
    if here and check.fixed:
        st.button(tr("layers.apply_fix"), on_click=_apply_fix, args=(check.fixed,),
                  icon=":material/auto_fix_high:", type="primary")  # fmt: skip
    elif not here:
        st.page_link(page_of("pages/layers.py"), label=tr("nav.layers"), icon=":material/layers:")


def _apply_fix(fixed: list[LayerSpec]) -> None:
    set_built_model(fixed)
    new_editor()


UPLOADED = "upload"  # the dataset name of this session's own zip


def uploaded() -> ImageDataset | None:
    """The dataset this session uploaded on the Data page."""
    return st.session_state.get("d_uploaded")


def read_upload(data: bytes) -> ImageDataset:
    """An uploaded zip, decoded once per server by its content: the class that uploads the
    teacher's zip holds one copy, and their runs on it share one key. Raises UploadError."""
    digest = hashlib.sha256(data).hexdigest()
    ds = _decoded_upload(digest, data)
    st.session_state["d_uploaded"], st.session_state["d_uploaded_digest"] = ds, digest
    return ds


@class_resource(max_entries=16)
def _decoded_upload(digest: str, _data: bytes) -> ImageDataset:
    return read_image_zip(_data)


def dataset_identity(name: str) -> str:
    """What names a dataset's numbers in a run's key: a built-in's name, an upload's hash."""
    if name != UPLOADED:
        return name
    return "upload:" + st.session_state.get("d_uploaded_digest", "")


def training_data(name: str) -> tuple[ImageDataset, ImageDataset]:
    """(train, test) for a dataset name: the shared one, or this session's upload, split
    80/20 once per server for each distinct zip."""
    if name != UPLOADED:
        return shared_dataset(name, True), shared_dataset(name, False)
    own = uploaded()
    if own is None:
        raise DatasetError("err.dataset.upload_gone")
    return _split_upload(st.session_state.get("d_uploaded_digest", ""), own)


@class_resource(max_entries=16)
def _split_upload(digest: str, _own: ImageDataset) -> tuple[ImageDataset, ImageDataset]:
    return train_test_split(_own)


on_reset(MODEL_KEYS, reset_model)
