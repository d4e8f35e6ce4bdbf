"""Waiting on workers and their processes in the fault tests (bounds for failure, not timings)."""

from __future__ import annotations

import dataclasses
import os
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

from streams.broker import EmbeddedBroker, free_port
from streams.settings import Settings


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0  # not listening (yet, or any more)


def wait_for(check: Callable[[], bool], limit_s: float) -> bool:
    """Poll ``check`` until it holds or ``limit_s`` passes (a bound for failure, not a timing)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.5)
    return False


def gone(pid: int, limit_s: float = 20) -> bool:
    """Whether process ``pid`` has exited (or is a zombie) within ``limit_s``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
            if state == "Z":
                return True
        except (ProcessLookupError, FileNotFoundError):
            return True
        time.sleep(0.1)
    return False


def children_named(pid: int, name: str) -> list[int]:
    """Processes whose parent is ``pid`` and whose command name is ``name``."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        comm, fields = text.split("(", 1)[1].rsplit(")", 1)[0], text.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and comm == name:
            found.append(int(stat.parent.name))
    return found


def core_processes(pid: int) -> list[int]:
    """The core processes (streams/coreproc.py) of worker ``pid``."""
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            args = cmdline.read_bytes().split(b"\0")
            parent = int(Path(cmdline.parent, "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid and b"streams.coreproc" in args:
            found.append(int(cmdline.parent.name))
    return found


def settings_for(broker: EmbeddedBroker, tmp_path: Path, **changes: object) -> Settings:
    """Worker settings on a broker of the test's own, with a consumer group of its own."""
    fields: dict[str, object] = {
        "bootstrap_servers": broker.bootstrap, "embedded": False, "broker_profile": "tansu",
        "partitions": 2, "app_id": f"faults-{uuid.uuid4().hex[:8]}", "web_port": free_port(),
        "data_dir": str(tmp_path / "data"), "max_page_bytes": 300_000,
    }
    return dataclasses.replace(Settings(), **{**fields, **changes})  # type: ignore[arg-type]
