"""Chapter 2, "Broadcasting, cat & stack": the rule step by step and the join operations."""

from __future__ import annotations

from playground.broadcasting.code import (
    CAT_EXAMPLES,
    broadcast_code,
    cat_code,
    cat_examples,
    split_code,
    stack_code,
)
from playground.broadcasting.figures import (
    make_broadcast_figure,
    make_join_figure,
)
from playground.broadcasting.rules import (
    BroadcastExplanation,
    BroadcastStep,
    JoinExplanation,
    explain_broadcast,
    explain_cat,
    explain_stack,
    join_inputs,
    real_join,
)
from playground.broadcasting.views import (
    MAX_PIECES,
    SplitResult,
    Stretch,
    checked_join,
    expand_and_repeat,
    join_error,
    join_sources,
    split_tensor,
)
from playground.core.shapes import MAX_DIMS, MAX_SHAPES, parse_shapes

__all__ = [
    "BroadcastExplanation",
    "BroadcastStep",
    "CAT_EXAMPLES",
    "JoinExplanation",
    "MAX_DIMS",
    "MAX_PIECES",
    "MAX_SHAPES",
    "SplitResult",
    "Stretch",
    "broadcast_code",
    "cat_code",
    "cat_examples",
    "checked_join",
    "expand_and_repeat",
    "explain_broadcast",
    "explain_cat",
    "explain_stack",
    "join_error",
    "join_inputs",
    "join_sources",
    "make_broadcast_figure",
    "make_join_figure",
    "parse_shapes",
    "real_join",
    "split_code",
    "split_tensor",
    "stack_code",
]
