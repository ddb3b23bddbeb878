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
from playground.server.store import (
    STORE,
    Progress,
    ResultStore,
    StoreStats,
    library_versions,
    tensor_bytes,
)
from playground.server.work import (
    SliceRun,
    seconds_left,
    shared_run,
)

__all__ = [
    "Progress",
    "RUNS",
    "Releasable",
    "ResultStore",
    "RunRegistry",
    "SLOTS",
    "STORE",
    "SliceRun",
    "StoreStats",
    "TrainingSlots",
    "freeze_startup_objects",
    "library_versions",
    "return_freed_memory",
    "seconds_left",
    "shared_run",
    "tensor_bytes",
]
