"""A worker outlives its broker: 503 while it is away, consuming again once it is back.

The embedded broker comes back empty (memory storage), so the worker must also create the
pipeline topics again. This test runs its own broker and worker: it stops the broker, which the
session's other tests share.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from streams import kafka
from streams.broker import EmbeddedBroker, stop_process
from streams.local import start_worker
from streams.settings import Settings
from streams.topics import ENRICHED, RAW_HTML
from tests.integration.procs import settings_for, status_of, wait_for
from tests.kafka_helpers import collect, produce, raw_page

pytestmark = pytest.mark.integration

RECOVERY_LIMIT_S = 30  # the bound: consuming again within 30 s of the broker's return


def enriched(settings: Settings, url: str) -> bool:
    got = asyncio.run(collect(
        settings, [ENRICHED.name],
        lambda g: any(v["article"]["url"] == url for _, v in g[ENRICHED.name]), limit_s=60))
    return any(v["article"]["url"] == url for _, v in got[ENRICHED.name])


def test_worker_consumes_again_after_the_broker_restarts(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path
) -> None:
    settings = settings_for(own_broker, tmp_path)
    asyncio.run(kafka.ensure_topics(settings))
    worker = start_worker(settings, tmp_path / "worker.log")
    readyz = f"http://{settings.web_host}:{settings.web_port}/readyz"
    try:
        assert wait_for(lambda: status_of(readyz) == 200, 60), "worker never became ready"
        before = f"https://v.daum.net/v/{uuid.uuid4().hex}"
        asyncio.run(produce(settings, RAW_HTML.name, [raw_page(before, html=seed_html)]))
        assert enriched(settings, before)

        own_broker.stop()
        assert wait_for(lambda: status_of(readyz) == 503, 30), "still ready without a broker"
        own_broker.start()  # same port, empty: no topics, no offsets
        assert wait_for(lambda: status_of(readyz) == 200, RECOVERY_LIMIT_S), (
            f"not ready {RECOVERY_LIMIT_S}s after the broker came back:\n"
            + (tmp_path / "worker.log").read_text()[-3000:])

        after = f"https://v.daum.net/v/{uuid.uuid4().hex}"
        asyncio.run(produce(settings, RAW_HTML.name, [raw_page(after, html=seed_html)]))
        assert enriched(settings, after), (
            "the page produced after the restart never came out enriched:\n"
            + (tmp_path / "worker.log").read_text()[-3000:])
    finally:
        stop_process(worker, limit_s=30)


def test_sigterm_ends_a_worker_whose_broker_is_gone(
    own_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    settings = settings_for(own_broker, tmp_path)
    asyncio.run(kafka.ensure_topics(settings))
    worker = start_worker(settings, tmp_path / "worker.log")
    readyz = f"http://{settings.web_host}:{settings.web_port}/readyz"
    try:
        assert wait_for(lambda: status_of(readyz) == 200, 60), "worker never became ready"
        own_broker.stop()
        assert wait_for(lambda: status_of(readyz) == 503, 30)
        worker.terminate()
        assert wait_for(lambda: worker.poll() is not None, 10), (
            "SIGTERM not honoured within 10 s without a broker:\n"
            + (tmp_path / "worker.log").read_text()[-3000:])
    finally:
        stop_process(worker, limit_s=5)
