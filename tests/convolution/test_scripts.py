"""The chapter's scripts run in a fresh Python and print the page's numbers."""

from __future__ import annotations

import re

import pytest
import torch

from playground import convolution as cv
from tests.snippets import run_standalone


def _image(side: int = 14) -> torch.Tensor:
    return cv.resized(cv.offline_pixels(4, 0), side)


@pytest.mark.parametrize(
    "cfg",
    [cv.SlideConfig(), cv.SlideConfig(cv.KERNELS["blur"], 0.25, 2, 1, "reflect", 1),
     cv.SlideConfig(((1.0, -1.0), (0.5, 2.0)), -0.5, 1, "same", "circular", 2)],
)  # fmt: skip
def test_the_slide_script_prints_the_cell_the_page_explains(cfg, tmp_path):
    pixels = _image()
    s = cv.slide(pixels.float() / 255, cfg)
    row, col = s.out_shape[0] // 2, s.out_shape[1] - 1
    cell = s.cell(row, col)
    out = run_standalone(cv.slide_code(pixels, cfg, row, col), tmp_path)
    assert f"output shape: {s.out_shape}" in out
    total = re.search(r"sum (\S+) \+ bias (\S+) = (\S+); the layer gives (\S+)", out)
    assert total is not None, out
    assert [float(v) for v in total.groups()] == pytest.approx(
        [cell.total, cell.bias, cell.total + cell.bias, cell.value], abs=1e-4
    )
    assert "F.conv2d agrees: True" in out and "F.unfold agrees: True" in out


def test_the_channels_script_prints_the_pages_counts(tmp_path):
    cfg = cv.ChannelsConfig(4, 6, 3, groups=2, size=8, seed=5)
    ch = cv.channels(cfg)
    out = run_standalone(cv.channels_code(cfg, 4), tmp_path)
    assert f"weight shape: {ch.weight_shape}" in out
    assert f"conv parameters: {ch.conv_params}" in out
    assert f"same input and output sizes: {ch.linear_params}" in out
    assert f"sums input channels {list(ch.sums_over[4])}" in out
    assert "the same as the layer's: True" in out


@pytest.mark.parametrize("kind", cv.POOLS)
def test_the_pooling_script_prints_the_pages_output_and_gradient(kind, tmp_path):
    cfg = cv.PoolConfig(kind, 3, 2, 1, 3, 7, seed=2)
    p = cv.pool(cfg)
    out = run_standalone(cv.pool_code(cfg, 1, 2), tmp_path)
    assert str(p.output) in out and str(p.grad) in out
    if kind == "max":
        assert f"from input cell {p.winner(1, 2)}" in out


def test_the_receptive_field_script_finds_what_the_page_shows(tmp_path):
    pixels = _image(28)
    cfg = cv.StackConfig(row=4, col=5)
    r = cv.receptive(pixels.float() / 255, cfg)
    out = run_standalone(cv.receptive_code(pixels, cfg), tmp_path)
    (r0, r1), (c0, c1) = r.box
    assert f"pixels reached: {int(r.mask.sum())}" in out
    assert f"rows {r0} to {r1} | columns {c0} to {c1}" in out
