"""What one server process shares between sessions: training slots, held runs, memory."""

from __future__ import annotations

from playground.server.memory import (
    freeze_startup_objects,
    return_freed_memory,
)
from playground.server.runs import (
    RUNS,
    Releasable,
    RunRegistry,
)
from playground.server.slots import (
    SLOTS,
    TrainingSlots,
)

__all__ = [
    "RUNS",
    "Releasable",
    "RunRegistry",
    "SLOTS",
    "TrainingSlots",
    "freeze_startup_objects",
    "return_freed_memory",
]
