"""Producing to and reading from the session broker in tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from aiokafka import TopicPartition

from streams import kafka
from streams.records import RawHtml
from streams.settings import Settings

Records = dict[str, list[tuple[bytes | None, Any]]]


def raw_page(url: str, html: str | None = None, fetched_at: str | None = None,
             **fields: Any) -> tuple[bytes, bytes]:
    """A raw-html record as producers build it, fetched now unless ``fetched_at`` says when
    (fields may break the schema on purpose)."""
    raw = RawHtml(url, fetched_at or datetime.now(UTC).isoformat(), "test", html=html, **fields)
    return raw.key, raw.encode()


async def produce(settings: Settings, topic: str, records: list[tuple[bytes, bytes]]) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(topic, key=key, value=value)
    finally:
        await producer.stop()


async def collect(
    settings: Settings, topics: list[str], done: Callable[[Records], bool], limit_s: float = 120
) -> Records:
    """Read ``topics`` from the beginning until ``done(records)`` holds (or the limit passes).

    Values are JSON-decoded (raw bytes where a test put a non-JSON record on purpose).
    The limit only bounds a failing test; nothing is timed.
    """
    consumer = kafka.make_consumer(settings)
    await consumer.start()
    records: Records = {t: [] for t in topics}
    try:
        await consumer.topics()  # loads metadata of every topic
        partitions = [
            TopicPartition(t, p) for t in topics for p in sorted(consumer.partitions_for_topic(t))
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        deadline = time.monotonic() + limit_s
        while not done(records) and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for tp, messages in batch.items():
                records[tp.topic] += [(m.key, _json_or_bytes(m.value)) for m in messages]
    finally:
        await consumer.stop()
    return records



def _json_or_bytes(value: bytes) -> Any:
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return value
