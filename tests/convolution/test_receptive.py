"""The receptive field from autograd equals the formula where the formula applies."""

from __future__ import annotations

import random

import pytest
import torch

from playground import convolution as cv


def _random_stack(rng: random.Random, pool: str, gapless: bool) -> cv.StackConfig | None:
    def layer(kind: str) -> cv.Layer:
        k = rng.randint(1, 5)
        d = 1 if gapless or kind == "avg" else rng.choice([1, 2])
        stride = rng.randint(1, min(k, 4) if gapless else 4)
        return cv.Layer(kind, k, stride, rng.randint(0, k // 2), d)

    cfg = cv.StackConfig(layer("conv"), layer(pool), layer("conv"))
    try:
        h, w = cfg.sizes(20, 20)[-1]
    except cv.ConvError:
        return None
    return cv.StackConfig(*cfg.layers, rng.randrange(h), rng.randrange(w))


@pytest.mark.parametrize("n", [25, pytest.param(200, marks=pytest.mark.slow)])
def test_autograd_finds_exactly_the_formulas_field_on_gapless_average_stacks(n):
    rng, checked = random.Random(n), 0
    while checked < n:
        cfg = _random_stack(rng, "avg", gapless=True)
        if cfg is None:
            continue
        r = cv.receptive(torch.rand(20, 20), cfg)
        (r0, r1), (c0, c1) = r.formula
        expected = torch.zeros(20, 20, dtype=torch.bool)
        expected[r0 : r1 + 1, c0 : c1 + 1] = True
        assert torch.equal(r.mask, expected), cfg
        assert r.box == r.formula and r.formula_pixels == int(expected.sum())
        checked += 1


@pytest.mark.parametrize("n", [25, pytest.param(150, marks=pytest.mark.slow)])
def test_max_pooling_reaches_a_subset_of_the_field(n):
    rng, checked = random.Random(n + 1), 0
    while checked < n:
        cfg = _random_stack(rng, "max", gapless=rng.random() < 0.5)
        if cfg is None:
            continue
        r = cv.receptive(torch.rand(20, 20), cfg)
        (r0, r1), (c0, c1) = r.formula
        outside = r.mask.clone()
        outside[r0 : r1 + 1, c0 : c1 + 1] = False
        assert not outside.any() and r.mask.any(), cfg
        checked += 1


def test_the_default_stack_on_a_real_image():
    image = cv.resized(cv.offline_pixels(0, 0), 28).float() / 255
    r = cv.receptive(image, cv.StackConfig(pool=cv.Layer("avg", 2, 2), row=3, col=4))
    assert r.sizes == [(28, 28), (26, 26), (13, 13), (11, 11)]
    assert r.formula == ((6, 13), (8, 15)) and int(r.mask.sum()) == 64  # 8 × 8


def test_a_cell_outside_the_output_is_refused():
    with pytest.raises(cv.ConvError) as err:
        cv.receptive(torch.rand(28, 28), cv.StackConfig(row=11, col=0))
    assert err.value.key == "err.conv.cell_outside"
