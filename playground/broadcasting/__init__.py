"""Chapter 2, "Broadcasting, cat & stack": the rule step by step and the join operations."""

from __future__ import annotations

from playground.broadcasting.code import (
    broadcast_code,
    cat_code,
    split_code,
    stack_code,
)
from playground.broadcasting.figures import (
    make_broadcast_figure,
    make_join_figure,
)
from playground.broadcasting.rules import (
    MAX_DIMS,
    MAX_SHAPES,
    BroadcastExplanation,
    BroadcastStep,
    JoinExplanation,
    explain_broadcast,
    explain_cat,
    explain_stack,
    join_inputs,
    parse_shapes,
    real_join,
)

__all__ = [
    "BroadcastExplanation",
    "BroadcastStep",
    "JoinExplanation",
    "MAX_DIMS",
    "MAX_SHAPES",
    "broadcast_code",
    "cat_code",
    "explain_broadcast",
    "explain_cat",
    "explain_stack",
    "join_inputs",
    "make_broadcast_figure",
    "make_join_figure",
    "parse_shapes",
    "real_join",
    "split_code",
    "stack_code",
]
