"""Dead-letter replay end to end: pages fail through a setting, the setting is fixed, replay
re-produces them and they come out enriched; a second replay produces nothing.

Its own broker and workers: the fixed worker must be the same app (consumer group) as the one
that failed, resuming after the failed records, and no other worker may parse them first.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.client import read
from streams.local import start_worker
from streams.settings import Settings
from streams.topics import DEADLETTER, ENRICHED, RAW_HTML
from tests.conftest import ROOT
from tests.kafka_helpers import collect, produce, raw_page

pytestmark = pytest.mark.integration


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(port=free_port()).start()
    yield broker
    broker.stop()


def deadletters(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(KAFKA_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
               NEWSSTREAM_BROKER_PROFILE="tansu", NEWSSTREAM_PARTITIONS="2")
    done = subprocess.run([sys.executable, "-m", "streams.cli", "deadletters", *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done


async def count(settings: Settings, topic: str) -> int:
    return len([e async for e in read(settings, topic, start="beginning", until_end=True)])


def test_replay_after_a_fix_enriches_the_failed_pages_once(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path,
) -> None:
    strict = dataclasses.replace(
        Settings(), bootstrap_servers=own_broker.bootstrap, embedded=False,
        broker_profile="tansu", partitions=2, app_id=f"replay-{uuid.uuid4().hex[:8]}",
        web_port=free_port(), data_dir=str(tmp_path / "data"), check_outputs=True,
        max_page_bytes=len(seed_html.encode()) // 2,  # the cause: a limit set too low
    )
    urls = [f"https://v.daum.net/v/replay-{uuid.uuid4().hex[:8]}" for _ in range(2)]
    asyncio.run(kafka.ensure_topics(strict))
    worker = start_worker(strict, tmp_path / "strict.log")
    try:
        asyncio.run(produce(strict, RAW_HTML.name, [raw_page(u, html=seed_html) for u in urls]))
        asyncio.run(collect(strict, [DEADLETTER.name],
                            lambda got: len(got[DEADLETTER.name]) >= 2, limit_s=120))
    finally:
        stop_process(worker, limit_s=30)

    listed = deadletters(strict, "list").stdout
    assert listed.splitlines()[0] == "2 dead letter(s)"
    assert listed.splitlines()[1].split() == ["2", "parse", "/", "too_large"]
    assert all(url in listed for url in urls)
    dry = deadletters(strict, "replay", "--dry-run", "--reason", "too_large").stdout
    assert dry.startswith("would replay 2 of 2")
    assert asyncio.run(count(strict, RAW_HTML.name)) == 2  # a dry run produces nothing

    fixed = dataclasses.replace(strict, max_page_bytes=5_000_000, web_port=free_port())
    worker = start_worker(fixed, tmp_path / "fixed.log")  # same group: resumes after the two
    try:
        assert deadletters(fixed, "replay", "--stage", "parse").stdout.startswith(
            "replayed 2 of 2")
        got = asyncio.run(collect(fixed, [ENRICHED.name], lambda g: {
            v["article"]["url"] for _, v in g[ENRICHED.name]} >= set(urls), limit_s=120))
        assert {v["article"]["url"] for _, v in got[ENRICHED.name]} == set(urls), (
            (tmp_path / "fixed.log").read_text()[-3000:])

        again = deadletters(fixed, "replay").stdout
        assert again.startswith("replayed 0 of 2") and "skipped 2 replayed before" in again
        assert asyncio.run(count(fixed, RAW_HTML.name)) == 4  # two pages, each replayed once
    finally:
        stop_process(worker, limit_s=30)
