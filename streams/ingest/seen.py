"""Durable memory of the page URLs ingestion has handled, so a restart does not refetch a feed.

Keys are article ids of normalised URLs (tracking parameters and fragments dropped, see
:func:`streams.urls.normalize_url`), so ``?utm_source=rss`` and ``#comments`` variants of one
page count as one. :class:`KafkaSeen` keeps the keys in memory and appends every new key to the
``news.ingest-seen`` topic, which it creates compacted (one record per key survives on a real
Kafka; the embedded broker keeps them all, which only costs disk); at start it reads the topic
from the beginning to its end offsets. A URL is remembered after its final outcome (produced,
skipped or dead-lettered), never before, so a crash in between refetches it (at-least-once,
harmless with stable ids). Memory: about 100 bytes per URL.

Expiry (``NEWSSTREAM_SEEN_TTL_DAYS``, default 30; 0 keeps everything): a continuous poller meets
new URLs forever, so a store that never forgets grows without bound in memory and on the topic.
A URL is forgotten once it has been neither handled nor listed by a feed for the TTL: while a
feed or sitemap still lists it, the poller calls :meth:`MemorySeen.refresh`, which re-appends the
key (outcome ``listed``) when its record is older than half the TTL, so at most two writes per
URL per TTL. The topic is created with ``cleanup.policy=compact,delete`` and ``retention.ms`` of
the TTL, so Kafka drops the expired records too; at start, records older than the TTL are not
loaded. A forgotten URL that shows up again is fetched again and gets the same article id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Protocol

import orjson
from aiokafka import ConsumerRecord, TopicPartition

from streams import kafka, metrics
from streams.records import article_id
from streams.settings import Settings
from streams.topics import INGEST_SEEN
from streams.urls import normalize_url

log = logging.getLogger(__name__)

DAY_S = 86_400.0
_PRUNE_EVERY_S = 3_600.0  # expired keys leave memory at most this long after expiring
LISTED = "listed"  # the outcome of a refresh record: the URL is still listed by a feed


def seen_key(url: str) -> str:
    return article_id(url)


class SeenStore(Protocol):
    async def start(self) -> None: ...
    async def stop(self) -> None: ...
    def __contains__(self, url: str) -> bool: ...
    async def add(self, url: str, source: str, outcome: str) -> None: ...
    async def refresh(self, url: str, source: str) -> None: ...


class MemorySeen:
    """Process-local store (tests, one-shot runs); :class:`KafkaSeen` also persists each write.

    ``ttl_s``: how long a URL is remembered after it was last written (0: forever); ``clock``:
    seconds since the epoch (injectable for tests).
    """

    def __init__(self, ttl_s: float = 0.0, clock: Callable[[], float] = time.time) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self.stamps: dict[str, float] = {}  # key -> when its record was last written
        self._pruned_at = clock()

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def __len__(self) -> int:
        return len(self.stamps)

    def __contains__(self, url: str) -> bool:
        stamp = self.stamps.get(seen_key(url))
        return stamp is not None and self._alive(stamp, self.clock())

    def _alive(self, stamp: float, now: float) -> bool:
        return not self.ttl_s or now - stamp < self.ttl_s

    async def add(self, url: str, source: str, outcome: str) -> None:
        await self._write(seen_key(url), url, source, outcome)

    async def refresh(self, url: str, source: str) -> None:
        """Note that a feed still lists ``url`` (already remembered): keep it remembered.

        Writes only when the key's record is older than half the TTL (never without a TTL).
        """
        key = seen_key(url)
        stamp = self.stamps.get(key)
        if self.ttl_s and stamp is not None and self.clock() - stamp >= self.ttl_s / 2:
            await self._write(key, url, source, LISTED)

    async def _write(self, key: str, url: str, source: str, outcome: str) -> None:
        now = self.clock()
        await self._persist(key, url, source, outcome, now)
        self.stamps[key] = now
        self._prune(now)

    def _prune(self, now: float) -> None:
        """Drop expired keys (at most once per hour) and report the size."""
        if self.ttl_s and now - self._pruned_at >= min(self.ttl_s, _PRUNE_EVERY_S):
            self.stamps = {k: t for k, t in self.stamps.items() if self._alive(t, now)}
            self._pruned_at = now
        metrics.INGEST_SEEN_URLS.set(len(self.stamps))

    async def _persist(self, key: str, url: str, source: str, outcome: str, now: float) -> None:
        return None  # memory only


def _topic_configs(ttl_s: float) -> dict[str, str]:
    if not ttl_s:
        return {"cleanup.policy": "compact"}
    return {"cleanup.policy": "compact,delete", "retention.ms": str(int(ttl_s * 1000))}


async def ensure_seen_topic(settings: Settings, topic: str = INGEST_SEEN.name) -> None:
    """Create the topic if missing. An existing topic keeps its configuration: change its
    retention with ``kafka-configs --alter`` when the TTL changes."""
    await kafka.create_topics(settings, [topic], _topic_configs(settings.seen_ttl_days * DAY_S))


def _stamp(value: bytes | None, default: float) -> float:
    """When a record was written: its ``seen_at``, else ``default`` (kept, not guessed old)."""
    try:
        return datetime.fromisoformat(orjson.loads(value or b"{}")["seen_at"]).timestamp()
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return default


class KafkaSeen(MemorySeen):
    """The store on ``news.ingest-seen``: loaded from the beginning at start, then followed.

    Following the topic (a consumer of our own, no group) makes the keys that other pollers write
    known here too, so pollers sharing a feeds file (see :mod:`streams.ingest.poller`) never
    refetch what another one handled, also after a feed moves between them on a rebalance.
    """

    def __init__(self, settings: Settings, topic: str = INGEST_SEEN.name,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(settings.seen_ttl_days * DAY_S, clock)
        self.settings = settings
        self.topic = topic
        self._producer = kafka.make_producer(settings)
        self._consumer = kafka.make_consumer(settings)
        self._follower: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await ensure_seen_topic(self.settings, self.topic)
        await self._consumer.start()
        await self._load()
        await self._producer.start()
        self._follower = asyncio.create_task(self._follow(), name="seen-store-follower")

    async def stop(self) -> None:
        if self._follower is not None:
            self._follower.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._follower
        await self._consumer.stop()
        await self._producer.stop()

    def _note(self, messages: list[ConsumerRecord[bytes, bytes]], now: float) -> None:
        for message in messages:
            if message.key:
                key = message.key.decode()
                stamp = _stamp(message.value, now)
                if stamp > self.stamps.get(key, -1.0) and self._alive(stamp, now):
                    self.stamps[key] = stamp

    async def _load(self) -> None:
        """Read every partition from the beginning to the end offsets it has now."""
        consumer = self._consumer
        now = self.clock()
        parts: list[TopicPartition] = []
        for _ in range(20):  # a topic created a moment ago may not be in the metadata yet
            await consumer.topics()
            parts = [TopicPartition(self.topic, p)
                     for p in sorted(consumer.partitions_for_topic(self.topic) or ())]
            if parts:
                break
            await asyncio.sleep(0.5)
        else:
            raise RuntimeError(f"seen store: topic {self.topic} has no partitions")
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        remaining = {tp for tp in parts if ends[tp] > 0}
        while remaining:
            batch = await consumer.getmany(*remaining, timeout_ms=1000)
            for messages in batch.values():
                self._note(messages, now)
            for tp in list(remaining):
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
        metrics.INGEST_SEEN_URLS.set(len(self.stamps))
        log.info("seen-URL store: %d URL(s) from %s", len(self.stamps), self.topic)

    async def _follow(self) -> None:
        """Keep reading what any poller appends (ours come back too: same key, same stamp)."""
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=1000)
            except asyncio.CancelledError:
                raise
            except Exception:  # a broker hiccup must not end following for the process's life
                log.exception("seen store: reading %s failed; retrying in 5 s", self.topic)
                await asyncio.sleep(5)
                continue
            now = self.clock()
            for messages in batch.values():
                self._note(messages, now)
            self._prune(now)  # a poller that owns no feed writes nothing, but learns and forgets

    async def _persist(self, key: str, url: str, source: str, outcome: str, now: float) -> None:
        value = {"url": normalize_url(url), "source": source, "outcome": outcome,
                 "seen_at": datetime.fromtimestamp(now, UTC).isoformat()}
        await self._producer.send_and_wait(self.topic, key=key.encode(), value=orjson.dumps(value))
