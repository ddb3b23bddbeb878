"""Chapter 8, "Learning PyTorch with Examples": one problem solved at eight levels of abstraction.

``levels`` (what each level is), ``polynomial`` and ``relu`` (one iteration of each level's
script, for the sin fit and the two-layer net), ``run`` (slices, logs, a stop on NaN, timing),
``checks`` (levels 1–3 agree, gradients by hand, ``gradcheck``, NumPy next to PyTorch),
``figures`` and ``code`` (each level's complete script and its diff).
"""

from __future__ import annotations

from playground.examples.checks import (
    Agreement,
    FunctionCheck,
    agreement,
    check_function,
    gradient_rows,
    numpy_next_to_torch,
)
from playground.examples.code import diff_code, example_code
from playground.examples.figures import make_fit_figure, make_loss_figure, make_scatter_figure
from playground.examples.levels import (
    DTYPES,
    LEVELS,
    MAX_ITERATIONS,
    PROBLEMS,
    ExampleConfig,
    Level,
    default_config,
)
from playground.examples.polynomial import DynamicNet, LegendrePolynomial3, Polynomial3
from playground.examples.relu import MyReLU, TwoLayerNet
from playground.examples.run import (
    MAX_RELU_ITERATIONS,
    ExampleRun,
    check_config,
    example_key,
    fitted_curve,
    shared_example,
    sin_targets,
    time_levels,
)

__all__ = [
    "Agreement",
    "DTYPES",
    "DynamicNet",
    "ExampleConfig",
    "ExampleRun",
    "FunctionCheck",
    "LEVELS",
    "LegendrePolynomial3",
    "Level",
    "MAX_ITERATIONS",
    "MAX_RELU_ITERATIONS",
    "MyReLU",
    "PROBLEMS",
    "Polynomial3",
    "TwoLayerNet",
    "agreement",
    "check_config",
    "check_function",
    "default_config",
    "diff_code",
    "example_code",
    "example_key",
    "fitted_curve",
    "gradient_rows",
    "make_fit_figure",
    "make_loss_figure",
    "make_scatter_figure",
    "numpy_next_to_torch",
    "shared_example",
    "sin_targets",
    "time_levels",
]
