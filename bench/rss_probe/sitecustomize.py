"""Where a worker's memory is: loaded by ``bench/rss_where.py`` into the worker it starts.

In a ``streams.cli`` process started with ``RSSPROBE_DIR`` set (and tracemalloc with
``RSSPROBE_TRACE`` frames, if set), a thread waits for ``<label>.trigger`` files in that folder
and answers each with ``<pid>.<label>.txt``: resident memory by mapping kind, glibc's malloc
statistics (``mallinfo2``: heap in use and free, blocks of their own), and, with tracemalloc,
the Python allocations that grew since the first label, by line and by traceback.
"""

from __future__ import annotations

import ctypes
import os
import threading
import time
import tracemalloc

OUT = os.environ.get("RSSPROBE_DIR", "")


class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def mappings_kb() -> dict[str, int]:
    """Resident KB by kind of mapping: [heap], [anon], [libs], [files], ..."""
    found: dict[str, int] = {}
    kind = "[anon]"
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            parts = line.split()
            if "-" in parts[0] and len(parts) >= 5:
                kind = parts[5] if len(parts) > 5 else "[anon]"
                if ".so" in kind:
                    kind = "[libs]"
                elif kind.startswith("/"):
                    kind = "[files]"
            elif parts[0] == "Rss:":
                found[kind] = found.get(kind, 0) + int(parts[1])
    return found


def report(label: str, first: list[tracemalloc.Snapshot]) -> None:
    libc = ctypes.CDLL("libc.so.6")
    libc.mallinfo2.restype = MallInfo2
    info = libc.mallinfo2()
    kinds = sorted(mappings_kb().items(), key=lambda item: -item[1])
    lines = [f"label {label} pid {os.getpid()}",
             "resident MB by mapping: " + ", ".join(f"{k} {v >> 10}" for k, v in kinds if v),
             f"malloc: heap {info.arena >> 20} MB, in use {info.uordblks >> 20} MB, free "
             f"{info.fordblks >> 20} MB; blocks of their own {info.hblkhd >> 20} MB "
             f"({info.hblks})"]
    if tracemalloc.is_tracing():
        snapshot = tracemalloc.take_snapshot()
        current, peak = tracemalloc.get_traced_memory()
        lines.append(f"tracemalloc: {current >> 20} MB traced (peak {peak >> 20} MB)")
        if first:
            lines += [str(stat) for stat in snapshot.compare_to(first[0], "lineno")[:25]]
            for stat in snapshot.compare_to(first[0], "traceback")[:6]:
                lines += ["---- " + str(stat), *stat.traceback.format()]
        else:
            first.append(snapshot)
    with open(f"{OUT}/{os.getpid()}.{label}.txt", "w") as out:
        out.write("\n".join(lines) + "\n")


def watch() -> None:
    first: list[tracemalloc.Snapshot] = []
    done: set[str] = set()
    while True:
        time.sleep(0.5)
        for name in sorted(set(os.listdir(OUT)) - done):
            if name.endswith(".trigger"):
                done.add(name)
                report(name.removesuffix(".trigger"), first)


if OUT:
    with open("/proc/self/cmdline", "rb") as cmdline:
        if b"streams.cli" in cmdline.read():
            if os.environ.get("RSSPROBE_TRACE"):
                tracemalloc.start(int(os.environ["RSSPROBE_TRACE"]))
            threading.Thread(target=watch, daemon=True).start()
