"""Server-wide limits, read once from environment variables.

Self-hosters tune these; every page reads them from here so a limit is
enforced in one place. The README documents each variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Limits", "env_int", "limits"]


def env_int(name: str, default: int, *, minimum: int = 1) -> int:
    """An integer environment variable, falling back to ``default`` on junk."""
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw) if raw else default
    except ValueError:
        value = default
    return max(minimum, value)


def _default_threads() -> int:
    # Half the cores, at most 4: many sessions share one process, and every
    # calling thread gets its own intra-op pool of this size.
    return max(1, min(4, (os.cpu_count() or 2) // 2))


@dataclass(frozen=True)
class Limits:
    """What one request may cost on a shared server."""

    max_elements: int
    max_flops: int
    max_expr_chars: int
    max_expr_nodes: int
    torch_threads: int
    upload_mb: int
    data_dir: Path
    max_params: int = 20_000_000
    max_bytes: int = 256 * 2**20
    max_draw_cells: int = 64 * 64


def limits() -> Limits:
    """The limits in force, from ``PLAYGROUND_*`` variables or the defaults."""
    data_dir = os.environ.get("PLAYGROUND_DATA_DIR") or "~/.cache/pytorch-playground"
    return Limits(
        max_elements=env_int("PLAYGROUND_MAX_ELEMENTS", 16 * 1024 * 1024),
        max_flops=env_int("PLAYGROUND_MAX_FLOPS", 4 * 10**9),
        max_expr_chars=env_int("PLAYGROUND_MAX_EXPR_CHARS", 600),
        max_expr_nodes=env_int("PLAYGROUND_MAX_EXPR_NODES", 300),
        torch_threads=env_int("PLAYGROUND_TORCH_THREADS", _default_threads()),
        upload_mb=env_int("PLAYGROUND_MAX_UPLOAD_MB", 20),
        data_dir=Path(data_dir).expanduser(),
        max_params=env_int("PLAYGROUND_MAX_PARAMS", 20_000_000),
        max_bytes=env_int("PLAYGROUND_MAX_MB", 256) * 2**20,
        max_draw_cells=env_int("PLAYGROUND_MAX_DRAW_CELLS", 64 * 64, minimum=16),
    )
