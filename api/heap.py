"""Giving the C heap's free memory back to the system once a worker has loaded everything.

Loading a worker builds and drops large temporaries (the English dictionary's lines, the
abbreviations' jieba dictionary, JSON texts). glibc's malloc keeps most freed memory for later
allocations instead of returning it, so after start-up each worker held ~30 MB it no longer
used (bench/bench_memory.py); `malloc_trim(0)` returns the free pages. Only memory that is free
is given back: nothing loaded is touched, and no result changes. Elsewhere than glibc (musl,
macOS) there is no such call and this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

log = logging.getLogger("policy_assistant.api")

__all__ = ["release_free_heap"]


def release_free_heap() -> bool:
    """Ask glibc to return the heap's free pages to the system; False where it cannot."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return False
    trim.argtypes, trim.restype = [ctypes.c_size_t], ctypes.c_int
    return bool(trim(0))
