"""Thin async shells that wire the ingestion cores to Kafka: the feed poller in a worker or on
its own (``newsstream feeds FILE``), and the consumer-lag probe behind backpressure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import faust
from aiokafka import TopicPartition

from streams import kafka
from streams.ingest import push
from streams.ingest.config import FeedConfig, load_config
from streams.ingest.emit import FaustSink, GatedSink, IngestGate, ProducerSink, Sink
from streams.ingest.fetch import Fetcher, FetchPolicy
from streams.ingest.poller import Backpressure, Poller, PollReport, owner_partition
from streams.ingest.seen import KafkaSeen
from streams.settings import Settings
from streams.topics import RAW_HTML

log = logging.getLogger(__name__)


class KafkaLag:
    """Consumer lag of ``group`` on ``topics`` (news.raw-html by default): end offsets minus
    committed offsets, summed."""

    def __init__(self, settings: Settings, group: str,
                 topics: Sequence[str] = (RAW_HTML.name,)) -> None:
        self.settings = settings
        self.group = group
        self.topics = topics
        self._admin = kafka.make_admin(settings)
        self._consumer = kafka.make_consumer(settings)
        self._parts: list[TopicPartition] = []

    async def start(self) -> None:
        await self._admin.start()
        await self._consumer.start()
        await self.refresh()

    async def refresh(self) -> None:
        """Read the topics' partitions from the cluster metadata again."""
        await self._consumer.topics()
        self._parts = [TopicPartition(topic, p) for topic in self.topics
                       for p in sorted(self._consumer.partitions_for_topic(topic) or ())]

    async def stop(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    @property
    def partitions(self) -> int:
        """Partitions of the topics, from cluster metadata read at start."""
        return len(self._parts)

    async def __call__(self) -> int:
        ends = await self._consumer.end_offsets(self._parts)
        return sum((await kafka.group_lag(self._admin, self.group, ends)).values())


Assigned = Callable[[], set[int]]


def raw_html_assignment(app: faust.App) -> Assigned:
    """The news.raw-html partitions assigned to this worker now (none before the first
    assignment). Faust's ``consumer.topic_partitions`` is not used for the count: aiokafka
    keeps that metadata on the group leader only, so the other workers would own nothing."""
    return lambda: {tp.partition for tp in app.consumer.assignment()
                    if tp.topic == RAW_HTML.name}


def partition_owner(assigned: Assigned, partitions: Callable[[], int]
                    ) -> Callable[[FeedConfig], bool]:
    """``owns`` for a poller: the feed's :func:`owner_partition` of news.raw-html (out of
    ``partitions()``) is among the ``assigned()`` ones."""

    def owns(feed: FeedConfig) -> bool:
        count = partitions()
        return count > 0 and owner_partition(feed.name, count) in assigned()

    return owns


async def run_feeds(settings: Settings, feeds: list[FeedConfig], *, sink: Sink | None = None,
                    once: bool = False, stop: asyncio.Event | None = None,
                    assigned: Assigned | None = None) -> list[PollReport]:
    """Poll ``feeds`` into news.raw-html until ``stop`` (or one round with ``once``); with
    ``assigned`` (a worker's raw-html partitions), only the feeds those partitions own (see
    :mod:`streams.ingest.poller`)."""
    seen = KafkaSeen(settings)
    lag = KafkaLag(settings, settings.app_id)
    producer = None
    if sink is None:
        producer = kafka.make_producer(settings)
        await producer.start()
        sink = ProducerSink(producer)
    await seen.start()
    await lag.start()
    try:
        async with Fetcher(FetchPolicy.from_settings(settings)) as fetcher:
            owns = None
            if assigned is not None:
                while not lag.partitions:  # a fresh cluster: the worker is creating the topic
                    await asyncio.sleep(1)
                    await lag.refresh()
                owns = partition_owner(assigned, lambda: lag.partitions)
            poller = Poller(feeds, fetcher, sink, seen,
                            Backpressure(lag, settings.ingest_max_lag), owns=owns)
            if once:
                return [await poller.poll(feed) for feed in feeds]
            await poller.run(stop)
            return []
    finally:
        await lag.stop()
        await seen.stop()
        if producer is not None:
            await producer.stop()


def register(app: faust.App, settings: Settings, gate: IngestGate) -> None:
    """Worker wiring: the push endpoint always; the poller when NEWSSTREAM_FEEDS_FILE is set.
    Both produce through ``gate`` (streams/ingest/emit.py: it closes while the embedded broker
    is rolled or over its limit, and while the pipeline's backlog is at its bound)."""
    push.register(app, settings, gate)
    if not settings.feeds_file:
        return
    feeds = load_config(settings.feeds_file)  # fail at start on a bad config

    @app.task
    async def feed_poller() -> None:
        while True:  # a broker hiccup must not end polling for the life of the worker
            try:
                await run_feeds(settings, feeds, sink=GatedSink(FaustSink(app), gate),
                                assigned=raw_html_assignment(app))
            except Exception:
                log.exception("feed poller failed; restarting in 10 s")
                await asyncio.sleep(10)
