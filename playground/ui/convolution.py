"""The Convolution & pooling page's shared controls: the image, the kernel, a cell, a layer
of the receptive-field stack; and the slide, computed once per server for each setting."""

from __future__ import annotations

from typing import Any

import streamlit as st
import torch

from playground import convolution as cv
from playground.convolution.figures import make_slide_figure
from playground.core.errors import PlaygroundError
from playground.data.offline import CLASSES
from playground.plots.wire import SharedFigure
from playground.ui.i18n import class_names, tr
from playground.ui.session import Slot
from playground.ui.shared import class_resource
from playground.ui.state import on_disk, shared_dataset
from playground.ui.widgets import bound, row, show_error, uploader

__all__ = [
    "cell_picker",
    "kernel_settings",
    "pick_image",
    "slide_for",
    "slide_view",
    "stack_layer",
    "take_clicked_cell",
]

FASHION = "FashionMNIST"


# Each result depends only on its frozen config: a class asking for the same one shares it.
# The image is keyed by its raw bytes: Streamlit hashes a 196-number tuple item by item.
@class_resource(max_entries=64, by_repr=(cv.SlideConfig,))
def slide_for(pixels: bytes, side: int, c: cv.SlideConfig) -> cv.Slide:
    image = torch.frombuffer(bytearray(pixels), dtype=torch.uint8).reshape(side, side)
    return cv.slide(image.float() / 255, c)


@class_resource(max_entries=64, by_repr=(cv.SlideConfig,))
def slide_view(
    pixels: bytes, side: int, c: cv.SlideConfig, row: int, col: int, lang: str
) -> tuple[cv.Cell, SharedFigure]:
    """One output cell of the slide and the slide's figure at that cell."""
    s = slide_for(pixels, side, c)
    cell = s.cell(row, col)
    return cell, SharedFigure(make_slide_figure(s, cell, lang=lang))


@class_resource(max_entries=64)
def _offline_image(label: int, seed: int, side: int) -> torch.Tensor:
    """The offline set's test picture of class ``label`` at ``side`` pixels, resized once per
    server (read-only: the page hashes it, prints it and divides it into a new tensor)."""
    return cv.resized(cv.offline_pixels(label, seed), side)


def pick_image(seed: int) -> torch.Tensor | None:
    """The (side, side) uint8 image the Slide and Receptive field tabs use."""
    c = row()
    sources = ["offline", *([FASHION] if on_disk().has(FASHION, train=False) else []), "upload"]  # fmt: skip
    source = bound(c.selectbox, tr("cv.source"), sources, key="cv_source",
                   format_func=lambda s: tr(f"cv.source.{s.lower()}"))  # fmt: skip
    raw, label = None, 0  # the pick's own widget comes before the side's, in the row's order
    if source == "offline":
        names = dict(enumerate(class_names(CLASSES)))
        label = int(bound(c.selectbox, tr("cv.class"), list(names), 4, key="cv_class",
                          format_func=names.__getitem__) or 0)  # fmt: skip
    elif source == FASHION:
        test = shared_dataset(FASHION, False)
        i = bound(c.number_input, tr("cv.index"), 0, len(test) - 1, 0, 1, key="cv_index")
        raw = test.images[int(i), 0]  # (28, 28)
    side: int = bound(c.select_slider, tr("cv.side"), list(cv.SIDES), 14, key="cv_side")
    if source == "offline":
        return _offline_image(label=label, seed=seed, side=side)
    if raw is not None:
        return cv.resized(raw, side)
    file = uploader(tr("cv.upload"), ("png", "jpg", "jpeg", "bmp", "gif", "webp"), key="cv_file")
    if file is None:
        st.info(tr("cv.upload_first"), icon=":material/upload:")
        return None
    try:
        return cv.upload_pixels(file.getvalue(), side)
    except PlaygroundError as err:
        show_error(err)
        return None


def kernel_settings() -> cv.SlideConfig | None:
    top = row()
    presets = [*cv.KERNELS, "custom"]
    preset = str(bound(top.selectbox, tr("cv.kernel"), presets, 2, key="cv_kernel",
                   format_func=lambda k: tr(f"cv.kernel.{k}")))  # fmt: skip
    typed = ""
    if preset == "custom":  # drawn only when used: each widget costs the server per student
        typed = bound(top.text_input, tr("cv.kernel_text"), "1, 0, -1; 2, 0, -2; 1, 0, -1",
                      key="cv_typed", help=tr("cv.kernel_help"))  # fmt: skip
    bias = bound(top.number_input, tr("cv.bias"), -10.0, 10.0, 0.0, 0.1, key="cv_bias")
    c = row()
    stride: int = bound(c.select_slider, tr("cv.arg.stride"), list(range(1, cv.MAX_STRIDE + 1)), 1, key="cv_stride")  # fmt: skip
    pads = [*range(cv.MAX_PADDING + 1), "same"]
    same = tr("cv.pad.same")
    padding: int | str = bound(
        c.selectbox, tr("cv.arg.padding"), pads, 0, key="cv_pad",
        format_func=lambda v: same if v == "same" else str(v),
    )  # fmt: skip
    mode = str(
        bound(
            c.selectbox,
            tr("cv.arg.padding_mode"),
            list(cv.PADDING_MODES),
            key="cv_mode",
            format_func=lambda m: tr(f"cv.mode.{m}"),
        )
    )
    dilation: int = bound(c.select_slider, tr("cv.arg.dilation"), list(range(1, cv.MAX_DILATION + 1)), 1, key="cv_dil")  # fmt: skip
    try:
        kernel = cv.parse_kernel(str(typed)) if preset == "custom" else cv.KERNELS[preset]
        return cv.SlideConfig(kernel, float(bias), stride, padding, mode, dilation)
    except PlaygroundError as err:
        show_error(err)
        return None


def cell_picker(h: int, w: int, key: str) -> tuple[int, int]:
    c = row()
    r = bound(c.number_input, tr("cv.row"), 0, h - 1, min(2, h - 1), 1, key=f"{key}_row")
    col = bound(c.number_input, tr("cv.col"), 0, w - 1, min(3, w - 1), 1, key=f"{key}_col")
    return int(r), int(col)


_CLICKED = Slot[tuple[int, int]]("cv_clicked")


def take_clicked_cell(chart_key: str, picker_key: str) -> None:
    """A click on an output cell of the chart sets the row and column pickers (once per
    click: a later change of the pickers is not undone by the old selection)."""
    points = ((Slot[Any](chart_key).get() or {}).get("selection") or {}).get("points") or []
    if not points:
        return
    cell = (int(points[0]["y"]), int(points[0]["x"]))
    if cell != _CLICKED.get():
        _CLICKED.set(cell)
        Slot[int](f"{picker_key}_row").set(cell[0])
        Slot[int](f"{picker_key}_col").set(cell[1])


def stack_layer(column, name: str, kind: str, default_k: int, default_s: int) -> cv.Layer:
    column.markdown(f"**{tr(f'cv.stack.{name}')}**")
    if kind != "conv":
        kind = bound(column.selectbox, tr("cv.pool"), ["max", "avg"], key=f"cv_{name}_kind",
                     format_func=lambda k: tr(f"cv.pool.{k}"))  # fmt: skip
    k = int(bound(column.select_slider, tr("cv.arg.kernel_size"), list(range(1, 8)), default_k, key=f"cv_{name}_k"))  # fmt: skip
    s = int(
        bound(
            column.select_slider,
            tr("cv.arg.stride"),
            list(range(1, 5)),
            default_s,
            key=f"cv_{name}_s",
        )
    )
    d = 1
    if kind != "avg":
        d = int(
            bound(
                column.select_slider,
                tr("cv.arg.dilation"),
                list(range(1, 4)),
                1,
                key=f"cv_{name}_d",
            )
        )
    return cv.Layer(kind, k, s, 0, d)
