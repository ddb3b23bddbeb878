"""Process memory on a shared server: a frozen start-up heap, a patient garbage collector,
and freed memory handed back.

``gc.freeze`` keeps the import-time objects out of every later collection; a youngest
generation of ``PLAYGROUND_GC_GEN0`` objects (Python's default is 700) lets a herd of new
sessions build their pages without a collection every few widgets; ``malloc_trim`` returns
freed arenas to the system after a run is released.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

from playground.core.config import env_int

# 100 sessions opening one page at once: with Python's 700, collections took 10-14 % of the
# server's CPU (4-5 full ones of 75-100 ms each per 300 sessions); with 7,000, 6 % and no full
# one. Larger thresholds saved nothing more: most young objects are live pages, rescanned
# whatever the size (benchmarks/herd_gc.py).
GC_GEN0 = 7_000


def gc_threshold() -> tuple[int, int, int]:
    """The collector's thresholds for a server: a larger youngest generation, the same ratios."""
    return env_int("PLAYGROUND_GC_GEN0", GC_GEN0), 10, 10


_gc_frozen = False


def freeze_startup_objects() -> None:
    """Once per process: move the objects the imports created (torch, plotly, pandas…) into
    the garbage collector's permanent generation, so later collections do not rescan them;
    then set :func:`gc_threshold`."""
    global _gc_frozen
    if not _gc_frozen:
        import gc

        gc.collect()
        gc.freeze()
        gc.set_threshold(*gc_threshold())
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
