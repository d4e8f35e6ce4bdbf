"""Rolling the embedded broker (streams/roll.py): it waits for every consumer group with
members, recreates the topics as they were, carries the compacted topics' latest values over
(Faust table changelogs among them), and a worker that rolls its own broker loses nothing."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest
from aiokafka import TopicPartition
from aiokafka.admin import NewTopic

from streams import kafka, memory
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.client.reader import read
from streams.ingest.emit import IngestGate
from streams.roll import BrokerRoll
from streams.settings import Settings
from streams.topics import ARTICLES, ENRICHED, RAW_HTML
from tests.conftest import ROOT
from tests.integration.procs import children_named, status_of, wait_for

pytestmark = pytest.mark.integration


def broker_settings(broker: EmbeddedBroker) -> Settings:
    return dataclasses.replace(Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
                               broker_profile="tansu", partitions=2)


async def read_all(settings: Settings, topic: str) -> list[tuple[int, bytes | None, bytes]]:
    """Every record of ``topic`` as (partition, key, value), read to the end."""
    consumer = kafka.make_consumer(settings)
    await consumer.start()
    try:
        await consumer.topics()
        partitions = [TopicPartition(topic, p)
                      for p in sorted(consumer.partitions_for_topic(topic) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        found = []
        for _ in range(10):
            for tp, records in (await consumer.getmany(timeout_ms=300)).items():
                found += [(tp.partition, r.key, r.value) for r in records]
        return found
    finally:
        await consumer.stop()


@dataclasses.dataclass
class Recovery:
    """What a roll touches of Faust's table recovery service."""

    active_offsets: dict[TopicPartition, int]
    standby_offsets: dict[TopicPartition, int]

    def revoke(self, tp: TopicPartition) -> None:
        self.active_offsets.pop(tp, None)
        self.standby_offsets.pop(tp, None)


async def test_a_roll_waits_for_groups_and_carries_compacted_topics_over(
    own_broker: EmbeddedBroker,
) -> None:
    settings = broker_settings(own_broker)
    admin = await kafka.start_admin(settings)
    await admin.create_topics([
        NewTopic("app-table-changelog", 3, 1, topic_configs={"cleanup.policy": "compact"}),
        NewTopic("history", 2, 1, topic_configs={"retention.ms": "1000000"}),
    ])
    await admin.close()
    producer = kafka.make_producer(settings)
    await producer.start()
    for key, value, partition in [(b"a", b"1", 0), (b"b", b"2", 1), (b"a", b"3", 0),
                                  (b"c", b"4", 2), (b"c", None, 2)]:
        await producer.send_and_wait("app-table-changelog", value, key=key, partition=partition)
    for i in range(4):
        await producer.send_and_wait("history", b"old %d" % i, key=b"k", partition=i % 2)
    await producer.stop()
    # a subscriber with a group has read one of the four history records
    reader = kafka.make_consumer(settings, group_id="reader")
    reader._enable_auto_commit = False
    await reader.start()
    reader.subscribe(["history"])  # a member of its group, unlike a consumer that assigns
    while not reader.assignment():
        await reader.getmany(timeout_ms=200, max_records=1)
    await reader.commit({TopicPartition("history", 0): 1, TopicPartition("history", 1): 0})

    changelog, other = TopicPartition("app-table-changelog", 0), TopicPartition("gone", 0)
    recovery = Recovery(active_offsets={changelog: 7, other: 3}, standby_offsets={})
    app = SimpleNamespace(consumer=SimpleNamespace(assignment=lambda: set()),
                          tables=SimpleNamespace(recovery=recovery))
    settings = dataclasses.replace(settings, embedded_max_mb=2)
    roll = BrokerRoll(app, settings, own_broker, IngestGate())  # type: ignore[arg-type]
    roll.drain_limit_s = 3
    first = own_broker.process.pid  # type: ignore[union-attr]
    assert await roll.roll() is False, "rolled while a group with members was behind"
    assert own_broker.process.pid == first  # type: ignore[union-attr]

    await reader.commit({TopicPartition("history", 0): 2, TopicPartition("history", 1): 2})
    assert await roll.roll() is True
    # Faust's table recovery reads the carried-over changelog from its start, not from where
    # it had read the old one (beyond the new end: Faust refuses to start)
    assert recovery.active_offsets == {other: 3}
    await reader.stop()
    assert own_broker.process.pid != first  # type: ignore[union-attr]

    admin = await kafka.start_admin(settings)
    described = {t["topic"]: len(t["partitions"])
                 for t in await admin.describe_topics(["app-table-changelog", "history"])}
    await admin.close()
    assert described == {"app-table-changelog": 3, "history": 2}
    table = await read_all(settings, "app-table-changelog")
    assert sorted(table) == [(0, b"a", b"3"), (1, b"b", b"2")]  # latest values, c deleted
    assert await read_all(settings, "history") == []  # history is what a roll discards


async def test_over_the_limit_ingestion_stays_paused_until_a_roll_succeeds(
    own_broker: EmbeddedBroker,
) -> None:
    """A roll called off (a group behind) leaves ingestion paused, so the broker does not grow
    while it waits; the roll that succeeds opens it again."""
    settings = dataclasses.replace(broker_settings(own_broker), embedded_max_mb=2)
    admin = await kafka.start_admin(settings)
    await admin.create_topics([NewTopic("history", 1, 1)])
    await admin.close()
    producer = kafka.make_producer(settings)
    await producer.start()
    await producer.send_and_wait("history", b"unread", key=b"k")
    await producer.stop()
    reader = kafka.make_consumer(settings, group_id="reader")
    reader._enable_auto_commit = False
    await reader.start()
    reader.subscribe(["history"])
    while not reader.assignment():
        await reader.getmany(timeout_ms=200, max_records=1)
    await reader.commit({TopicPartition("history", 0): 0})

    app = SimpleNamespace(consumer=SimpleNamespace(assignment=lambda: set()),
                          tables=SimpleNamespace(recovery=Recovery({}, {})))
    gate = IngestGate()
    roll = BrokerRoll(app, settings, own_broker, gate)  # type: ignore[arg-type]
    roll.drain_limit_s = 1
    await roll.check()
    assert not gate.has_room(), "ingestion resumed although the broker was not rolled"
    await roll.check()  # before the retry time: still paused, no second try
    assert not gate.has_room()

    await reader.commit({TopicPartition("history", 0): 1})
    await reader.stop()
    roll.next_try = 0.0
    await roll.check()
    assert gate.has_room()


async def test_the_backlog_probe_counts_what_the_pipeline_has_yet_to_take(
    own_broker: EmbeddedBroker,
) -> None:
    settings = dataclasses.replace(broker_settings(own_broker), app_id=f"b-{uuid.uuid4().hex[:6]}")
    await kafka.ensure_topics(settings)
    producer = kafka.make_producer(settings)
    await producer.start()
    for topic in (RAW_HTML.name, RAW_HTML.name, ARTICLES.name):
        await producer.send_and_wait(topic, b"{}", key=b"k")
    await producer.stop()
    gate = IngestGate(max_backlog=3)
    roll = BrokerRoll(SimpleNamespace(), settings, own_broker, gate)  # type: ignore[arg-type]
    try:
        await roll.measure_backlog()
    finally:
        assert roll.lag is not None
        await roll.lag.stop()
    assert gate.backlog == 3 and not gate.has_room()


def metric(text: str, name: str) -> float:
    found = re.findall(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
    return float(found[0]) if found else 0.0


@dataclasses.dataclass
class EmbeddedWorker:
    base: str
    settings: Settings
    log: Path
    pid: int


@pytest.fixture
def embedded_worker(tmp_path: Path) -> Iterator[EmbeddedWorker]:
    """``newsstream worker`` with no broker configured: it owns an embedded one with a ceiling
    of 60 MB, rolled past 30 MB (a few dozen of the test's pages)."""
    web, port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(NEWSSTREAM_WEB_PORT=str(web), NEWSSTREAM_EMBEDDED_PORT=str(port),
               NEWSSTREAM_APP_ID=f"roll-{uuid.uuid4().hex[:8]}", NEWSSTREAM_PARTITIONS="2",
               NEWSSTREAM_DATA_DIR=str(tmp_path / "data"), NEWSSTREAM_EMBEDDED_MAX_MB="60",
               PYTHONPATH=str(ROOT))
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"], cwd=ROOT,
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{web}"
    try:
        assert wait_for(lambda: status_of(f"{base}/readyz") == 200, 120), log.read_text()
        yield EmbeddedWorker(base, dataclasses.replace(
            Settings(), bootstrap_servers=f"127.0.0.1:{port}", embedded=False,
            broker_profile="tansu", partitions=2), log, worker.pid)
    finally:
        stop_process(worker, limit_s=20)


async def test_a_worker_that_rolls_its_embedded_broker_loses_nothing(
    embedded_worker: EmbeddedWorker, seed_html: str,
) -> None:
    """Pages pushed before, during and after the worker's rolls all come out, read by a
    subscriber with a group (the roll waits for it), and the broker never passes its ceiling
    (sampled every 0.1 s)."""
    base, settings, log = embedded_worker.base, embedded_worker.settings, embedded_worker.log
    run = uuid.uuid4().hex[:8]
    urls = [f"https://v.daum.net/v/{run}-{i}" for i in range(240)]
    out: dict[str, int] = {}
    peak = 0

    async def watch_broker() -> None:
        nonlocal peak
        while True:
            for pid in children_named(embedded_worker.pid, "tansu"):
                peak = max(peak, memory.rss_bytes(pid))
            await asyncio.sleep(0.1)

    async def push(session: aiohttp.ClientSession, url: str) -> None:
        # an incompressible comment: 200 KB of the broker's memory per page
        html = seed_html + f"<!-- {base64.b64encode(os.urandom(150_000)).decode()} -->"
        while True:  # during a roll a push is held, then answered 503: sent again, as told
            async with session.post(f"{base}/ingest", json={"url": url, "html": html}
                                    ) as response:
                if response.status == 503 and "Retry-After" in response.headers:
                    await asyncio.sleep(float(response.headers["Retry-After"]))
                    continue
                assert response.status == 202, await response.text()
                return

    async def read_all_pages() -> None:
        """A subscriber with a group (the roll waits for it), through streams.client."""
        async for event in read(settings, ENRICHED.name, group=f"reader-{run}",
                                start="beginning"):
            url = event.value["article"]["url"]
            if url in urls:
                out[url] = out.get(url, 0) + 1
            if set(urls) <= set(out):
                return

    reading = asyncio.create_task(asyncio.wait_for(read_all_pages(), 600))
    watching = asyncio.create_task(watch_broker())
    async with aiohttp.ClientSession() as session:
        for url in urls:  # 48 MB of raw pages and their outputs: past the limit
            await push(session, url)
        try:
            await reading
        except TimeoutError:
            pytest.fail(f"{len(out)} of {len(urls)} pages out:\n{log.read_text()[-3000:]}")
        # a roll begun near the end waits for the last pages to be read: let it finish
        rolled = 'news_embedded_broker_rolls_total{result="rolled"}'
        for _ in range(300):
            async with session.get(f"{base}/metrics") as response:
                text = await response.text()
            if metric(text, rolled) >= 1:
                break
            await asyncio.sleep(1)
    watching.cancel()
    assert metric(text, rolled) >= 1, log.read_text()[-3000:]
    assert set(urls) <= set(out)
    assert 30 * 1024 * 1024 < peak <= 60 * 1024 * 1024, peak
