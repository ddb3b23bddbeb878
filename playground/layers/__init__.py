"""Chapter 5, "Build the neural network": the layer builder, traces and inside views."""

from __future__ import annotations

from playground.layers.code import (
    PARAMETERS_CODE,
    model_code,
    model_parts,
    parameters_code,
    softmax_code,
)
from playground.layers.figures import (
    ACTIVATIONS,
    MAX_SIDE,
    SOFTMAX_CODE,
    activation_curves,
    inside_layer,
    make_activation_figure,
    make_probability_figure,
    make_weight_histograms,
    module_to_demo,
    probabilities,
)
from playground.layers.fixes import (
    suggest_fix,
)
from playground.layers.models import (
    INPUT_SHAPES,
    PRESETS,
    SAMPLE_SHAPES,
    TRAINABLE,
    ModelCheck,
    TraceRow,
    build_model,
    check_model,
    child_names,
    layer_names,
    pad_to,
    parameter_table,
    preset_of,
    trace,
)
from playground.layers.specs import LAYERS, LayerSpec, argument_hints, parse_args
from playground.layers.tutorial import (
    CLASSES,
    class_source,
    steps,
)

__all__ = [
    "ACTIVATIONS",
    "CLASSES",
    "INPUT_SHAPES",
    "LAYERS",
    "LayerSpec",
    "MAX_SIDE",
    "ModelCheck",
    "PARAMETERS_CODE",
    "PRESETS",
    "SAMPLE_SHAPES",
    "SOFTMAX_CODE",
    "TRAINABLE",
    "TraceRow",
    "activation_curves",
    "argument_hints",
    "build_model",
    "check_model",
    "child_names",
    "class_source",
    "inside_layer",
    "layer_names",
    "make_activation_figure",
    "make_probability_figure",
    "make_weight_histograms",
    "model_code",
    "model_parts",
    "module_to_demo",
    "pad_to",
    "parameter_table",
    "parameters_code",
    "parse_args",
    "preset_of",
    "probabilities",
    "softmax_code",
    "steps",
    "suggest_fix",
    "trace",
]
