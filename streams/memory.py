"""Giving memory back to the system after large records, and reading a process's RSS.

CPython frees a large object to glibc's malloc, which keeps the pages for later instead of
returning them: after one 5 MB hostile page, or a burst of pushed pages, a worker stayed 150-330
MB bigger for good (issue 16). ``malloc_trim(0)`` hands free pages back. It costs about a
millisecond on a worker's heap, so it runs only after a record of at least
:data:`TRIM_FROM_BYTES`, and every :data:`TRIM_INTERVAL_S` in a worker; on platforms without
glibc it does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from functools import cache

#: Records at least this large are followed by a trim.
TRIM_FROM_BYTES = 1_000_000
#: A worker also trims this often: what it frees after a record (the record's dead letter,
#: its client buffers, a burst of pushed pages) is not all freed by the time of that trim.
TRIM_INTERVAL_S = 30.0


@cache
def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    libc = ctypes.CDLL(name)
    return libc if hasattr(libc, "malloc_trim") else None


#: glibc's ``mallopt`` parameter of the size from which an allocation gets pages of its own.
M_MMAP_THRESHOLD = -3
#: Allocations of at least this size get pages of their own, handed back when freed. glibc
#: starts at 128 KB but raises the threshold to the size of each such block freed (up to
#: 32 MB), after which pages and records of megabytes come from the heap, where they leave
#: holes that trimming cannot always return; a fixed threshold keeps them out of it.
MMAP_FROM_BYTES = 1024 * 1024


def keep_large_blocks_apart() -> None:
    """Give every allocation of :data:`MMAP_FROM_BYTES` or more pages of its own, for the
    life of this process (glibc only; elsewhere a no-op). Called once at start by a worker
    and by a core process."""
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_FROM_BYTES)


def trim() -> None:
    """Return malloc's free pages to the system (glibc only; elsewhere a no-op)."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


def rss_bytes(pid: int | None = None) -> int:
    """Resident memory of process ``pid`` (this one by default); 0 where /proc is missing."""
    try:
        with open(f"/proc/{pid or 'self'}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0
