"""A throwaway PostgreSQL server on this machine, for the test session and the benchmarks.

``initdb`` a cluster in a temporary folder and run ``postgres`` on a free loopback port, as a
child that dies with its owner (``PR_SET_PDEATHSIG``, like the embedded broker). PostgreSQL
refuses to run as root: under root the cluster belongs to, and the server runs as, the
unprivileged ``nobody``. The binaries are found on PATH, else through ``pg_config``, else in
Debian's ``/usr/lib/postgresql/<version>/bin`` (``ops/bin/ensure-postgres`` installs them).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from streams.broker import die_with_parent, free_port

USER = "newsstream"  # the database superuser of the throwaway cluster


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's server binaries are not installed (or cannot run here)."""


def bindir() -> Path:
    """The folder of ``initdb`` and ``postgres``."""
    found = shutil.which("initdb")
    if found and shutil.which("postgres"):
        return Path(found).resolve().parent
    with contextlib.suppress(OSError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             check=True).stdout.strip()
        if (Path(out) / "initdb").is_file():
            return Path(out)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    if versions:
        return versions[-1].parent
    raise PostgresUnavailable("PostgreSQL server binaries (initdb, postgres) not found; "
                              "run ops/bin/ensure-postgres or install postgresql")


class LocalPostgres:
    """``with LocalPostgres() as pg: pg.dsn``; :meth:`stop` and :meth:`start` again keep the
    data (a database restart)."""

    def __init__(self, port: int = 0, startup_timeout: float = 60.0) -> None:
        self.bin = bindir()
        self.port = port or free_port()
        self.startup_timeout = startup_timeout
        self.root = Path(tempfile.mkdtemp(prefix="newsstream-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.user: int | None = None
        self.group: int | None = None
        if os.geteuid() == 0:  # postgres will not run as root
            nobody = pwd.getpwnam("nobody")
            self.user, self.group = nobody.pw_uid, nobody.pw_gid
            os.chown(self.root, self.user, self.group)
        self.root.chmod(0o700)
        self._initdb()

    @property
    def dsn(self) -> str:
        return f"host=127.0.0.1 port={self.port} user={USER} dbname=postgres"

    def _initdb(self) -> None:
        result = subprocess.run(
            [str(self.bin / "initdb"), "-D", str(self.data), "-U", USER, "--auth=trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            capture_output=True, text=True, cwd=self.root, user=self.user, group=self.group,
            extra_groups=None if self.user is None else [],
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed: {result.stderr.strip()[-500:]}")

    def start(self) -> LocalPostgres:
        """Start the server (again) and wait until it accepts connections."""
        assert self.process is None, "already running"
        log = self.log.open("ab")
        self.process = subprocess.Popen(
            [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
             "-k", str(self.root), "-c", "listen_addresses=127.0.0.1",
             "-c", "max_connections=50", "-c", "shared_buffers=64MB"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, cwd=self.root,
            preexec_fn=die_with_parent, start_new_session=True,
            user=self.user, group=self.group, extra_groups=None if self.user is None else [],
        )
        log.close()
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        import psycopg

        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise PostgresUnavailable(f"postgres exited with {self.process.returncode}: "
                                          f"{self.log.read_text(errors='replace')[-800:]}")
            try:
                with psycopg.connect(self.dsn, connect_timeout=2) as conn:
                    conn.execute("SELECT 1")
                return
            except psycopg.OperationalError:
                time.sleep(0.1)
        self.stop()
        raise PostgresUnavailable(f"postgres not ready within {self.startup_timeout} s")

    def stop(self, mode: str = "fast") -> None:
        """Stop the server: ``fast`` (SIGINT: connections are cut, data is flushed) or
        ``immediate`` (SIGQUIT: as a crash; recovery replays the WAL at the next start)."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT if mode == "fast" else signal.SIGQUIT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
