"""Session fixtures: the embedded broker and a pipeline worker running against it."""

from __future__ import annotations

import dataclasses
import subprocess
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "daum-fnnews-openai-for-countries.html"


@pytest.fixture(scope="session")
def seed_html() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def broker() -> Iterator[Settings]:
    """The embedded Tansu broker for the whole test session, with its client profile."""
    with EmbeddedBroker() as embedded:
        yield dataclasses.replace(
            Settings(), bootstrap_servers=embedded.bootstrap, embedded=False,
            broker_profile="tansu", partitions=3,
        )


@dataclasses.dataclass
class Worker:
    settings: Settings
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.web_host}:{self.settings.web_port}"

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base_url + path, timeout=5) as response:
            body: bytes = response.read()
            return body.decode()

    def metrics(self) -> dict[str, float]:
        """The worker's /metrics as ``{'name{labels}': value}``."""
        return {
            line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
            for line in self.get("/metrics").splitlines() if line and not line.startswith("#")
        }


@pytest.fixture(scope="session")
def worker(broker: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Worker]:
    """One pipeline worker process (``newsstream worker``) on the session broker."""
    folder = tmp_path_factory.mktemp("worker")
    settings = dataclasses.replace(
        broker, app_id=f"test-{uuid.uuid4().hex[:8]}", web_port=free_port(),
        # the data folder's parent does not exist yet: the worker creates both
        max_page_bytes=300_000, data_dir=str(folder / "state" / "data"), check_outputs=True,
    )
    log = folder / "worker.log"
    process = start_worker(settings, log)
    try:
        yield Worker(settings, process, log)
    finally:
        stop_process(process, limit_s=30)
