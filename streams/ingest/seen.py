"""Durable memory of the page URLs ingestion has handled, so a restart does not refetch a feed.

Keys are article ids of normalised URLs (tracking parameters and fragments dropped, see
:func:`streams.urls.normalize_url`), so ``?utm_source=rss`` and ``#comments`` variants of one
page count as one. :class:`KafkaSeen` keeps the set in memory and appends every new key to the
``news.ingest-seen`` topic, which it creates with ``cleanup.policy=compact`` (one record per key
survives on a real Kafka; the embedded broker keeps them all, which only costs disk); at start
it reads the topic from the beginning to its end offsets. A URL is remembered after its final
outcome (produced, skipped or dead-lettered), never before, so a crash in between refetches it
(at-least-once, harmless with stable ids). Memory: about 100 bytes per URL.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

import orjson
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from streams import kafka
from streams.records import article_id
from streams.settings import Settings
from streams.stage import now_iso
from streams.topics import INGEST_SEEN
from streams.urls import normalize_url

log = logging.getLogger(__name__)


def seen_key(url: str) -> str:
    return article_id(normalize_url(url))


class SeenStore(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def __contains__(self, url: str) -> bool: ...
    async def add(self, url: str, source: str, outcome: str) -> None: ...


class MemorySeen:
    """Process-local store (tests, one-shot runs)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def __contains__(self, url: str) -> bool:
        return seen_key(url) in self.keys

    async def add(self, url: str, source: str, outcome: str) -> None:
        self.keys.add(seen_key(url))


async def ensure_seen_topic(settings: Settings, topic: str = INGEST_SEEN.name) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
    await admin.start()
    try:
        if topic not in set(await admin.list_topics()):
            with contextlib.suppress(TopicAlreadyExistsError):  # another process won
                await admin.create_topics([NewTopic(
                    topic, settings.partitions, settings.replication,
                    topic_configs={"cleanup.policy": "compact"},
                )])
    finally:
        await admin.close()


class KafkaSeen(MemorySeen):
    def __init__(self, settings: Settings, topic: str = INGEST_SEEN.name) -> None:
        super().__init__()
        self.settings = settings
        self.topic = topic
        self._producer = kafka.make_producer(settings)

    async def start(self) -> None:
        await ensure_seen_topic(self.settings, self.topic)
        await self._load()
        await self._producer.start()

    async def stop(self) -> None:
        await self._producer.stop()

    async def _load(self) -> None:
        consumer = kafka.make_consumer(self.settings)
        await consumer.start()
        try:
            await consumer.topics()
            parts = [TopicPartition(self.topic, p)
                     for p in sorted(consumer.partitions_for_topic(self.topic) or ())]
            if not parts:
                return
            consumer.assign(parts)
            await consumer.seek_to_beginning(*parts)
            ends = await consumer.end_offsets(parts)
            remaining = {tp for tp in parts if ends[tp] > 0}
            while remaining:
                batch = await consumer.getmany(*remaining, timeout_ms=1000)
                for messages in batch.values():
                    self.keys.update(m.key.decode() for m in messages if m.key)
                for tp in list(remaining):
                    if await consumer.position(tp) >= ends[tp]:
                        remaining.discard(tp)
        finally:
            await consumer.stop()
        log.info("seen-URL store: %d URL(s) from %s", len(self.keys), self.topic)

    async def add(self, url: str, source: str, outcome: str) -> None:
        key = seen_key(url)
        value = {"url": normalize_url(url), "source": source, "outcome": outcome,
                 "seen_at": now_iso()}
        await self._producer.send_and_wait(self.topic, key=key.encode(), value=orjson.dumps(value))
        self.keys.add(key)
