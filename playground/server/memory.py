"""Devices: which exist, how to move work onto them, and how to time it honestly.

Follows the tutorial's note that tensors and models live on a device
(``tensor.to(device)``, ``model.to(device)``), and that GPU work is
asynchronous, so timings must ``synchronize`` first.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

_gc_frozen = False


def freeze_startup_objects() -> None:
    """Once per process: move the objects the imports created (torch, plotly, pandas…) into
    the garbage collector's permanent generation, so later collections do not rescan them."""
    global _gc_frozen
    if not _gc_frozen:
        import gc

        gc.collect()
        gc.freeze()
        _gc_frozen = True


def return_freed_memory() -> bool:
    """Hand memory that Python and torch freed back to the OS (glibc's ``malloc_trim``).

    Each Streamlit session runs on its own thread, and glibc keeps freed blocks in per-thread
    arenas; without a trim the server's RSS only ever grows. Returns whether it trimmed.
    """
    libc = _libc()
    if libc is None or not hasattr(libc, "malloc_trim"):
        return False
    libc.malloc_trim(0)
    return True


@functools.cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name) if name else None
    except OSError:
        return None
