"""What the Examples page says about its levels, checked against torch and NumPy."""

from __future__ import annotations

import numpy as np
import torch

from playground.core.i18n import t
from playground.examples.levels import ExampleConfig
from playground.examples.polynomial import NumpyLevel
from playground.examples.relu import MyReLU


def test_myrelu_zeroes_the_gradient_where_the_input_is_negative_and_passes_it_at_zero():
    x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    MyReLU.apply(x).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0]
    assert "at exactly 0" in t("ex.why.relu.function") and "负" in t("ex.why.relu.function", "zh")


def test_the_numpy_level_computes_in_float64_whatever_dtype_is_picked():
    level = NumpyLevel(ExampleConfig(dtype="float32"))
    assert level.x.dtype == np.float64 and level.y.dtype == np.float64
    assert np.linspace(0, 1, 3).dtype == np.float64
    assert (np.ones(3, dtype=np.float32) * np.float32(2)).dtype == np.float32  # kept float32
    assert "float64 whatever you pick" in t("ex.dtype_help")
