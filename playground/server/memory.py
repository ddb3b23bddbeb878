"""Process memory on a shared server: a frozen start-up heap, and freed memory handed back.

``gc.freeze`` keeps the import-time objects out of every later collection, and
``malloc_trim`` returns freed arenas to the system after a run is released.
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
