"""Worker processes on this machine, for the test session and the benchmarks.

Both start real ``newsstream worker`` processes against a broker (usually the embedded one),
the way a deployment does, rather than driving Faust inside the caller's event loop.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from streams.broker import stop_process
from streams.settings import Settings


def worker_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a worker process use ``settings``."""
    env = dict(os.environ)
    env.update(
        KAFKA_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
        NEWSSTREAM_BROKER_PROFILE=settings.broker_profile,
        NEWSSTREAM_APP_ID=settings.app_id,
        NEWSSTREAM_PARTITIONS=str(settings.partitions),
        NEWSSTREAM_WEB_HOST=settings.web_host,
        NEWSSTREAM_WEB_PORT=str(settings.web_port),
        NEWSSTREAM_MAX_PAGE_BYTES=str(settings.max_page_bytes),
        NEWSSTREAM_LOG_LEVEL=settings.log_level,
        NEWSSTREAM_CHECK_OUTPUTS=str(int(settings.check_outputs)),
        NEWSSTREAM_STAGE_CONCURRENCY=str(settings.stage_concurrency),
        NEWSSTREAM_DATA_DIR=settings.data_dir,
        NEWSSTREAM_SINK_POSTGRES_DSN=settings.sink_postgres_dsn,
        NEWSSTREAM_PARSE_ISOLATION=settings.parse_isolation,
        NEWSSTREAM_ENRICH_ISOLATION=settings.enrich_isolation,
        NEWSSTREAM_CORE_MAX_RSS_MB=str(settings.core_max_rss_mb),
        NEWSSTREAM_STAGE_TIMEOUT_S=str(settings.stage_timeout_s),
    )
    return env


def start_worker(
    settings: Settings, log: Path, limit_s: float = 120, checkout: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start ``newsstream worker`` with its output in ``log``; return once it serves HTTP.

    ``checkout``: run the code of another working tree of the project (a benchmark's baseline
    commit) instead of this one's, with the same virtualenv.
    """
    env = worker_env(settings)
    if checkout is not None:
        env["PYTHONPATH"] = str(checkout)
        env.pop("NEWSSTREAM_SCHEMA_DIR", None)  # the checkout's own schemas
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "worker"], cwd=checkout,
            env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    url = f"http://{settings.web_host}:{settings.web_port}/metrics"
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"worker exited with {process.returncode}:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return process
        except OSError:
            time.sleep(0.2)
    stop_process(process, limit_s=30)
    raise RuntimeError(f"worker not serving {url} after {limit_s}s:\n{log.read_text()}")

