"""Thin async shells that wire the ingestion cores to Kafka: the feed poller in a worker or on
its own (``newsstream feeds FILE``), and the consumer-lag probe behind backpressure."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import faust
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from streams import kafka
from streams.ingest import push
from streams.ingest.config import FeedConfig, load_config
from streams.ingest.emit import FaustSink, ProducerSink, Sink
from streams.ingest.fetch import Fetcher, FetchPolicy
from streams.ingest.poller import Backpressure, Poller, PollReport, owner_partition
from streams.ingest.seen import KafkaSeen
from streams.settings import Settings
from streams.topics import RAW_HTML

log = logging.getLogger(__name__)


class KafkaLag:
    """Consumer lag of ``group`` on news.raw-html: end offsets minus committed offsets."""

    def __init__(self, settings: Settings, group: str) -> None:
        self.settings = settings
        self.group = group
        self._admin = AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)
        self._consumer = kafka.make_consumer(settings)
        self._parts: list[TopicPartition] = []

    async def start(self) -> None:
        await self._admin.start()
        await self._consumer.start()
        await self._consumer.topics()
        self._parts = [TopicPartition(RAW_HTML.name, p)
                       for p in sorted(self._consumer.partitions_for_topic(RAW_HTML.name) or ())]

    async def stop(self) -> None:
        await self._consumer.stop()
        await self._admin.close()

    async def __call__(self) -> int:
        ends = await self._consumer.end_offsets(self._parts)
        return sum((await kafka.group_lag(self._admin, self.group, ends)).values())


def partition_owner(app: faust.App) -> Callable[[FeedConfig], bool]:
    """``owns`` for a worker's poller: the feed's :func:`owner_partition` of news.raw-html is
    assigned to this worker (nothing is owned before the first assignment)."""

    def owns(feed: FeedConfig) -> bool:
        partitions = app.consumer.topic_partitions(RAW_HTML.name)
        if not partitions:
            return False
        mine = {tp.partition for tp in app.consumer.assignment() if tp.topic == RAW_HTML.name}
        return owner_partition(feed.name, partitions) in mine

    return owns


async def run_feeds(settings: Settings, feeds: list[FeedConfig], *, sink: Sink | None = None,
                    once: bool = False, stop: asyncio.Event | None = None,
                    owns: Callable[[FeedConfig], bool] | None = None) -> list[PollReport]:
    """Poll ``feeds`` into news.raw-html until ``stop`` (or one round with ``once``); with
    ``owns``, only the feeds it accepts at the time (see :mod:`streams.ingest.poller`)."""
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


def register(app: faust.App, settings: Settings) -> None:
    """Worker wiring: the push endpoint always; the poller when NEWSSTREAM_FEEDS_FILE is set."""
    push.register(app, settings)
    if not settings.feeds_file:
        return
    feeds = load_config(settings.feeds_file)  # fail at start on a bad config

    @app.task
    async def feed_poller() -> None:
        while True:  # a broker hiccup must not end polling for the life of the worker
            try:
                await run_feeds(settings, feeds, sink=FaustSink(app), owns=partition_owner(app))
            except Exception:
                log.exception("feed poller failed; restarting in 10 s")
                await asyncio.sleep(10)
