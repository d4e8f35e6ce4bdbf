"""Reading a pipeline topic as a subscriber: :func:`read` yields decoded, filtered events.

Two ways to read:

* **Without a group** (``newsstream tail``): every partition is assigned to this reader, which
  starts at the end, at the beginning, or at a time, and commits nothing. It never joins the
  workers' consumer group, so it cannot take partitions from them.
* **With a group** (``group="my-app"``): Kafka spreads the partitions over the group's members
  and remembers where each stopped. At-least-once: an event's offset is committed only once the
  code that received it asks for the next one, so an event whose handler failed or was cut off
  is delivered again on restart, or after a rebalance by the partition's new owner. ``start``
  then applies only where the group has no offset yet.

Starting at a time uses the broker's offsets-for-times lookup; the embedded broker lacks it
(../shared/notes/kafka-on-tansu.md), so in the ``tansu`` client profile the reader starts at the
beginning and skips records older than the time. Its end offset can also be too low, so there
"latest" is "from now" by record time as well. Both quirks stay in this profile.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import CommitFailedError
from aiokafka.structs import OffsetAndMetadata

from streams import kafka
from streams.client.filters import Filters
from streams.settings import Settings
from streams.topics import ALL_TOPICS, SIDE_TOPICS

log = logging.getLogger(__name__)

Start = Literal["latest", "beginning"] | datetime

#: The topics a subscriber may read, by name.
READABLE: dict[str, str] = {spec.name: spec.description for spec in ALL_TOPICS + SIDE_TOPICS}


class ReadError(RuntimeError):
    """The topic cannot be read: unknown, absent from the broker, or the broker is unreachable."""


@dataclass(frozen=True, slots=True)
class Event:
    """One record as a subscriber sees it: where it was, its key, and its decoded value.

    A ``tombstone`` is a record with a null value (``value`` is empty, ``raw`` too): on a
    compacted topic it says that the key's record is gone; on ``news.stories``, that the
    story ``key`` expired. It passes every filter: the reader cannot tell whether the key's
    earlier records did, and dropping a key one does not hold costs nothing."""

    topic: str
    partition: int
    offset: int
    key: str | None
    timestamp: datetime
    value: dict[str, Any]
    raw: bytes
    tombstone: bool = False


async def read(settings: Settings, topic: str, *, filters: Filters | None = None,
               start: Start = "latest", group: str | None = None,
               limit: int | None = None, until_end: bool = False) -> AsyncGenerator[Event, None]:
    """The events of ``topic`` that pass ``filters``, until ``limit`` of them, or with
    ``until_end`` until every partition is read up to the end it had when reached, or forever.
    """
    if topic not in READABLE:
        raise ReadError(f"unknown topic {topic!r}; known: {', '.join(sorted(READABLE))}")
    filters = filters or Filters()
    filters.check(topic)
    config: dict[str, Any] = kafka.consumer_config(settings, group)
    config.update(enable_auto_commit=False,
                  auto_offset_reset="earliest" if start != "latest" else "latest")
    consumer = AIOKafkaConsumer(**config)
    try:
        await consumer.start()
    except Exception as exc:  # aiokafka raises KafkaConnectionError, or OSError underneath
        await consumer.stop()
        raise ReadError(f"cannot reach the broker at {settings.bootstrap_servers}: {exc}") from exc
    try:
        since = await _position(consumer, settings, topic, start, group)
        count = 0
        done: dict[TopicPartition, OffsetAndMetadata] = {}  # handled, not yet committed
        while limit is None or count < limit:
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            if until_end and not batches and await _at_end(consumer):
                break
            for tp, records in batches.items():
                if limit is not None and count >= limit:
                    break  # a fetch may hold several partitions: none after the limit
                for record in records:
                    when = datetime.fromtimestamp(record.timestamp / 1000, UTC)
                    event = _event(record, when) if since is None or when >= since else None
                    if event is not None and (event.tombstone or filters.accepts(
                            topic, event.value, event.raw)):
                        await _commit(consumer, done, group)  # all before it is handled
                        yield event
                        count += 1
                    done[tp] = OffsetAndMetadata(record.offset + 1, "")
                    if limit is not None and count >= limit:
                        break
            await _commit(consumer, done, group)
    finally:
        await consumer.stop()


async def _at_end(consumer: AIOKafkaConsumer) -> bool:
    """Whether every assigned partition's position has reached its high watermark, as the last
    fetch reported it (correct on the embedded broker too, unlike its end-offset lookup)."""
    for tp in consumer.assignment():
        end = consumer.highwater(tp)
        if end is None or await consumer.position(tp) < end:
            return False
    return True


async def _commit(consumer: AIOKafkaConsumer, done: dict[TopicPartition, OffsetAndMetadata],
                  group: str | None) -> None:
    """Commit the handled offsets (a group reader only; a reader without one keeps none).

    A rebalance can take partitions away between a fetch and its commit: a member joined or
    left, or the broker lost the group (a restarted or rolled embedded broker). Those offsets
    are dropped rather than raised, and the partition's owner, this reader or another, reads
    again from the group's last commit: events may come twice, none is lost."""
    if group is None:
        done.clear()
        return
    owned = consumer.assignment()
    offsets = {tp: at for tp, at in done.items() if tp in owned}
    done.clear()
    if offsets:
        try:
            await consumer.commit(offsets)
        except CommitFailedError as exc:
            log.info("group %s rebalanced before its commit, %s will be read again: %s",
                     group, sorted(f"{tp.topic}/{tp.partition}" for tp in offsets), exc)


def _event(record: Any, when: datetime) -> Event | None:
    key = record.key.decode("utf-8", "replace") if record.key is not None else None
    if record.value is None:
        return Event(record.topic, record.partition, record.offset, key, when, {}, b"",
                     tombstone=True)
    try:
        value = orjson.loads(record.value)
    except orjson.JSONDecodeError:
        return None  # not ours: every producer of these topics writes JSON objects
    if not isinstance(value, dict):
        return None
    return Event(record.topic, record.partition, record.offset, key, when, value, record.value)


async def _position(consumer: AIOKafkaConsumer, settings: Settings, topic: str, start: Start,
                    group: str | None) -> datetime | None:
    """Assign or subscribe, and seek to ``start``; the record time below which to skip, if any."""
    if topic not in await consumer.topics():  # all-topics metadata: never auto-creates one
        raise ReadError(f"topic {topic} does not exist on {settings.bootstrap_servers} "
                        "(has a worker run against this broker?)")
    if group is not None:
        consumer.subscribe([topic])
        # a group's own offsets win; ``start`` applies through auto_offset_reset, and a time
        # cannot be honoured by the broker here, so the reader skips what is older
        return start if isinstance(start, datetime) else None
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic)
                                                           or ())]
    consumer.assign(partitions)
    if start == "beginning":
        await consumer.seek_to_beginning(*partitions)
        return None
    if start == "latest":
        await consumer.seek_to_end(*partitions)
        return datetime.now(UTC) if settings.tansu else None
    if settings.tansu:
        await consumer.seek_to_beginning(*partitions)
        return start
    found = await consumer.offsets_for_times(
        {tp: int(start.timestamp() * 1000) for tp in partitions})
    for tp in partitions:
        at = found.get(tp)
        if at is None:  # nothing that recent in this partition
            await consumer.seek_to_end(tp)
        else:
            consumer.seek(tp, at.offset)
    return None
