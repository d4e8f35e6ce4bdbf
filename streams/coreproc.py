"""A stage core in a process of its own, which is killed and replaced when it runs too long.

A Python thread cannot be stopped: a parse that ran past the stage timeout in a thread went on
burning CPU behind the records that followed (three hostile pages made 300 normal records take
82 s instead of 11, and a worker took 107 s to honour SIGTERM; issue 16). In a core process the
handler can be stopped for real: on timeout the process is killed (SIGKILL), its record becomes
a ``timeout`` dead letter, and a fresh process takes the next record.

The process is a fresh interpreter (``python -m streams.coreproc``), not a fork of the worker,
whose Kafka client threads and event loop must not be copied; nor a ``multiprocessing`` child,
which re-runs the worker's main module in every new process. It imports the handler's module
and builds its handler once from the worker's ``Settings`` (about 0.3 s of CPU for parse, 4 s
for enrich, which loads the Korean analyser and the models; paid at worker start and at each
replacement, which only follows a timeout, a crash or the memory limit), and then takes one
record at a time over a socket pair. The parse and enrich stages run their cores so by
default: a hostile page can cost the parser, and a one-token body of megabytes the enricher
(time that grows with the square of the token's length), far more than the stage timeout. It also:

* gives memory back after a record of 1 MB or more (streams/memory.py) and is replaced when its
  RSS after a record is still more than ``NEWSSTREAM_CORE_MAX_RSS_MB`` above its size when it
  was ready (reason ``rss``; relative, as a stage's models may take hundreds of MB), so one
  huge page cannot leave a worker big for good;
* is replaced when it dies (reason ``crash``: an out-of-memory kill, a crash in a C
  extension); that record becomes a ``core_crashed`` dead letter;
* ignores SIGINT (Ctrl-C in a terminal reaches the whole process group; the worker decides),
  is killed when the worker stops, and is killed by the kernel when the worker dies, even by
  ``kill -9`` (``PR_SET_PDEATHSIG``; strictly, when the worker thread that started it ends:
  the worker's main thread, or the core's own pipe thread, which lives as long as the core).

Cost: the record and its outputs cross the pipe, pickled: 8.11 ms of CPU a real page in all
against 7.65 ms in a thread for parse (1.06x), 34.2 ms against 33.3 ms an article for enrich
(1.03x); the enrich core process is 588 MB when ready, of which the worker then holds none
(517 MB with the enricher in a thread; docs/benchmarks.md, "Faults").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from typing import Any

from streams import memory, metrics
from streams.broker import die_with_parent
from streams.errors import PipelineError
from streams.settings import Settings
from streams.stage import Core, Handler, Incoming, Output, build_handler, timed_out

log = logging.getLogger(__name__)

#: Longest a new core process may take to import and build its handler.
START_LIMIT_S = 60.0

Factory = Callable[[Settings], Handler]


def _serve(conn: Connection) -> None:
    """The core process: build the handler, then answer one record at a time until the pipe
    closes. Each answer is ``(True, outputs)`` or ``(False, exception)``."""
    sys.path[:] = conn.recv()  # the worker's, so the factory's module imports as it did there
    factory, settings = conn.recv()
    handler = build_handler(factory, settings)
    conn.send((True, []))  # ready
    while True:
        try:
            incoming: Incoming = conn.recv()
        except EOFError:  # the worker closed the pipe, or is gone
            return
        reply: tuple[bool, Any]
        try:
            reply = (True, handler(incoming))
        except Exception as exc:  # sent back: the worker makes it a dead letter
            reply = (False, exc)
        large = len(incoming.value) >= memory.TRIM_FROM_BYTES
        del incoming
        try:
            payload = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an exception that does not pickle: its type and message
            error = reply[1] if not reply[0] else exc
            payload = pickle.dumps((False, PipelineError(
                f"{error.__class__.__name__}: {error}", reason="internal_error")))
        del reply
        if large:
            memory.trim()
        conn.send_bytes(payload)


def main(argv: Sequence[str]) -> int:
    """``python -m streams.coreproc FD WORKER_PID``: serve the worker on socket ``FD``."""
    fd, worker = int(argv[0]), int(argv[1])
    die_with_parent(signal.SIGKILL)
    if os.getppid() != worker:  # the worker died before the line above took effect
        return 0
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    memory.keep_large_blocks_apart()
    _serve(Connection(fd))
    return 0


class CoreCrashed(PipelineError):
    """The core process died while it held the record (not a timeout: it was not killed)."""

    reason = "core_crashed"


class ProcessCore(Core):
    """The handler that ``factory(settings)`` builds, run in a core process (see the module).

    ``factory`` must be importable by name (a module-level function), as it is sent to the
    new process, which imports it.
    """

    def __init__(self, stage: str, factory: Factory, settings: Settings) -> None:
        self.stage = stage
        self.factory = factory
        self.settings = settings
        self.max_growth = settings.core_max_rss_mb * 1024 * 1024
        self.ready_rss = 0  # the core's size once its handler was built
        self.process: subprocess.Popen[bytes] | None = None
        self.conn: Connection | None = None
        # Waits on the pipe: one thread, as the core takes one record at a time.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"{stage}-core")
        metrics.CORE_RSS.labels(stage=stage).set(0)

    def start(self) -> None:
        """Start the core process and wait until it has built its handler (raises if it
        cannot: a worker whose core cannot start should fail at start, not dead-letter all)."""
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", "streams.coreproc", str(theirs.fileno()),
                 str(os.getpid())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL,
            )
        # only the core holds its end now: its death is an EOF here
        conn = Connection(ours.detach())
        try:
            conn.send(sys.path)
            conn.send((self.factory, self.settings))
            if not conn.poll(START_LIMIT_S):
                raise RuntimeError(f"{self.stage} core process not ready in {START_LIMIT_S:g}s")
            conn.recv()
        except (EOFError, OSError, RuntimeError) as exc:
            conn.close()
            process.kill()
            process.wait()
            raise RuntimeError(f"{self.stage} core process did not start (exit code "
                               f"{process.returncode}): {exc}") from None
        self.process, self.conn = process, conn
        self.ready_rss = memory.rss_bytes(process.pid)
        metrics.CORE_RSS.labels(stage=self.stage).set(self.ready_rss)

    def _call(self, incoming: Incoming) -> Sequence[Output]:
        """Runs in the executor thread: send the record, wait for the answer."""
        self._ensure_started()
        assert self.conn is not None and self.process is not None
        conn, process = self.conn, self.process
        try:
            conn.send(incoming)
            ok, result = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            conn.close()
            if self.conn is not conn:  # killed on timeout or at stop: the caller has its answer
                raise timed_out(self.stage, 0) from None
            self._kill("crash")
            raise CoreCrashed(
                f"{self.stage} core process died (exit code {process.wait()}) on this record"
            ) from None
        finally:
            if len(incoming.value) >= memory.TRIM_FROM_BYTES:
                memory.trim()  # our own copies: the record and its pickle
        rss = memory.rss_bytes(process.pid)
        metrics.CORE_RSS.labels(stage=self.stage).set(rss)
        if self.max_growth and rss - self.ready_rss > self.max_growth:
            log.info("%s core process uses %d MB, %d MB when it was ready, more than "
                     "NEWSSTREAM_CORE_MAX_RSS_MB=%d above: replaced", self.stage, rss >> 20,
                     self.ready_rss >> 20, self.settings.core_max_rss_mb)
            self._kill("rss")
            conn.close()
        if not ok:
            raise result
        outputs: Sequence[Output] = result
        return outputs

    def _kill(self, reason: str | None) -> None:
        """Kill the core process (the next record starts a new one); count it as a restart
        for ``reason`` unless the worker is stopping. The pipe is left to the thread that
        reads it, which sees its end and closes it."""
        process = self.process
        self.process = self.conn = None
        if process is not None:
            process.kill()
            process.wait()
            if reason is not None:
                metrics.CORE_RESTARTS.labels(stage=self.stage, reason=reason).inc()

    def _ensure_started(self) -> None:
        if self.conn is None:
            self.start()

    async def run(self, incoming: Incoming, timeout_s: float) -> Sequence[Output]:
        loop = asyncio.get_running_loop()
        if self.conn is None:  # replaced after the last record: the start is not this one's time
            await loop.run_in_executor(self.executor, self._ensure_started)
        future = loop.run_in_executor(self.executor, self._call, incoming)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout_s)
        except TimeoutError:
            log.warning("%s core process ran past %gs on %s[%s]@%s: killed and replaced",
                        self.stage, timeout_s, incoming.topic, incoming.partition,
                        incoming.offset)
            self._kill("timeout")
            with contextlib.suppress(Exception):
                await future  # returns at once: the pipe is closed
            raise timed_out(self.stage, timeout_s) from None

    def close(self) -> None:
        self._kill(None)
        self.executor.shutdown(wait=False)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
