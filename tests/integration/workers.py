"""Several workers of one app on a broker of the test's own, and what the stories tests wait
for: the enriched records of given URLs, the worker holding the dedup agent's partition."""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.error
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from aiokafka import TopicPartition

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.records import article_id
from streams.settings import Settings
from streams.topics import ARTICLES, DEADLETTER, ENRICHED, RAW_HTML
from tests.conftest import Worker
from tests.integration.procs import wait_for
from tests.kafka_helpers import Records, collect


def by_url(got: Records) -> dict[str, list[dict]]:
    """Every news.enriched record read, by article URL (re-deliveries give several)."""
    found: dict[str, list[dict]] = {}
    for _, value in got[ENRICHED.name]:
        found.setdefault(value["article"]["url"], []).append(value)
    return found


async def enriched(settings: Settings, urls: list[str], limit_s: float = 180) -> dict[str, list]:
    got = await collect(settings, [ENRICHED.name], lambda g: set(urls) <= set(by_url(g)),
                        limit_s=limit_s)
    found = by_url(got)
    assert set(urls) <= set(found), f"not enriched: {set(urls) - set(found)}"
    return {url: found[url] for url in urls}


def headline_tagged(html: str) -> str:
    """The page as another portal reprints it: ``[속보]`` before its headline."""
    return html.replace("<title>", "<title>[속보] ", 1)


def settings_on(broker: EmbeddedBroker, prefix: str) -> Settings:
    """Settings of an app of its own on ``broker``, three partitions, outputs checked against
    their schemas; its topics created."""
    settings = dataclasses.replace(
        Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
        broker_profile="tansu", partitions=3, app_id=f"{prefix}-{uuid.uuid4().hex[:8]}",
        max_page_bytes=300_000, check_outputs=True,
    )
    asyncio.run(kafka.ensure_topics(settings))
    return settings


def start(settings: Settings, folder: Path, name: str) -> Worker:
    own = dataclasses.replace(settings, web_port=free_port(), data_dir=str(folder / name))
    log = folder / f"{name}.log"
    return Worker(own, start_worker(own, log), log)


def has_partitions(worker: Worker) -> bool:
    try:
        return bool(orjson.loads(worker.get("/readyz"))["partitions"])
    except urllib.error.HTTPError:  # 503: not ready yet
        return False


@contextmanager
def two_workers(settings: Settings, folder: Path) -> Iterator[list[Worker]]:
    """Two workers, both in the group before anything flows (so that no rebalance moves the
    dedup table later); every worker in the list (the test may add some) stopped at the end."""
    workers = [start(settings, folder, "w1"), start(settings, folder, "w2")]
    try:
        assert wait_for(lambda: all(has_partitions(w) for w in workers), 120)
        yield workers
    finally:
        for worker in workers:
            stop_process(worker.process, limit_s=30)


def holds_the_table(worker: Worker, articles: int) -> bool:
    return worker.metrics().get("news_dedup_state_articles", 0) >= articles


def dedup_owner(workers: list[Worker], settings: Settings) -> Worker:
    """The worker that has the dedup agent's partition now: the one that reports the lag of
    ``<app>-stories-in`` (each worker reports its own partitions' lag)."""
    series = f'news_consumer_lag_messages{{partition="0",topic="{settings.app_id}-stories-in"}}'
    owners: list[Worker] = []

    def one_owner() -> bool:
        owners[:] = [w for w in workers if series in w.metrics()]
        return len(owners) == 1

    assert wait_for(one_owner, 60), "no single worker holds the dedup partition"
    return owners[0]


async def trace(settings: Settings, url: str) -> str:
    """Where the records of ``url``'s article are, stage by stage, against the group's committed
    offsets: what a failing test prints to say which stage did not pass a record on."""
    key = article_id(url).encode()
    topics = [RAW_HTML.name, ARTICLES.name, f"{settings.app_id}-stories-in", ENRICHED.name,
              DEADLETTER.name]
    consumer = kafka.make_consumer(settings)
    group = kafka.make_consumer(settings, group_id=settings.app_id)  # reads its commits only
    await consumer.start()
    await group.start()
    lines = []
    try:
        await consumer.topics()
        partitions = [TopicPartition(t, p) for t in topics
                      for p in sorted(consumer.partitions_for_topic(t) or ())]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        for _ in range(20):
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                lines += [f"{tp.topic}[{tp.partition}]@{m.offset}" for m in messages
                          if m.key == key or url.encode() in (m.value or b"")]
        for tp in partitions:
            done = await group.committed(tp)
            lines.append(f"{tp.topic}[{tp.partition}] committed {done} end {ends.get(tp)}")
    finally:
        await consumer.stop()
        await group.stop()
    return "\n".join(lines)
