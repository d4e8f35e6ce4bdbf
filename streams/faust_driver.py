"""Faust's aiokafka driver and flow control, with the fixes every profile needs (the driver
serves ``newsstream://`` broker URLs; :class:`App` brings the flow control). Both keep a record
that a worker takes over after a rebalance from being skipped.

**Partitions never committed.** After a rebalance Faust seeks each assigned partition "to its
committed offset" through aiokafka's ``seek_to_committed``, which seeks only where the group has
committed an offset above 0. A partition the group never committed (its previous owner was
killed before its first commit, every 2.8 s) therefore keeps whatever position the consumer
reached meanwhile: records it fetched while the new assignment was still recovering, and Faust
then dropped when it cleared its buffers, are skipped for good. Seen on the embedded broker as a
worker that took over a killed worker's partitions and never read the records produced around
the kill (tests/integration/test_dedup.py). Here such a partition is sought where the consumer's
reset policy puts it (``earliest`` in this project: its start), as a fresh consumer would, so
those records are read (at-least-once: a record may be read twice, never skipped).

Table changelogs are left to Faust's recovery, which positions them itself.

**Records fetched around the seek.** Once a rebalance's recovery is done, Faust resumes the
stream partitions, seeks them to their committed offsets and then resumes its flow control, whose
``resume`` (mode's ``FlowControlEvent``) empties every stream's queue, even when the flow was
not suspended. The fetcher runs meanwhile, and its offsets are marked read as it hands records
to the queues: a record fetched after the seek and emptied by that resume was not read until
the next rebalance (tests/integration/test_dedup.py's late record, about 1 run in 3, seen with
the seek, the fetch and the delivery to the queue logged); and so was a record fetched before
the seek, queued and emptied, when the rest of its batch, handed over after the seek, marked
offsets above it read again (tests/integration/test_worker_faults.py's kill -9, seen the same
way). Here ``resume`` empties the queues only when the flow was suspended (what was queued
before a rebalance, of an older generation); a record fetched around the seek stays queued and
is read, at worst twice (at-least-once).

Registered as the ``newsstream`` transport through the ``faust.transports`` entry point;
:mod:`streams.faust_tansu` builds the embedded broker's transport on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import faust
from aiokafka import TopicPartition
from faust.transport.drivers import aiokafka as driver
from mode.utils.objects import cached_property
from mode.utils.queues import FlowControlEvent


class ConsumerThread(driver.AIOKafkaConsumerThread):
    async def seek_to_committed(self) -> Mapping[Any, int]:
        return await self.call_thread(self._seek_to_committed)

    async def _seek_to_committed(self) -> Mapping[Any, int]:
        consumer = self._ensure_consumer()
        committed: Mapping[TopicPartition, int | None] = await consumer.seek_to_committed()
        unsought = [tp for tp, offset in committed.items()
                    if (offset is None or offset <= 0) and not tp.topic.endswith("-changelog")]
        if unsought:
            if self.app.conf.consumer_auto_offset_reset == "latest":
                await consumer.seek_to_end(*unsought)
            else:
                await consumer.seek_to_beginning(*unsought)
        return committed  # type: ignore[return-value]  # what Faust's own returns


class Consumer(driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return ConsumerThread(self, loop=self.loop, beacon=self.beacon)


class FlowControl(FlowControlEvent):
    """mode's flow control, whose ``resume`` empties the queues only after a suspension (see
    the module docstring, "Records fetched around the seek")."""

    def resume(self) -> None:
        if self.is_active():  # queued while the flow ran: records of this generation, kept
            return
        super().resume()


class App(faust.App):
    """Faust's app with :class:`FlowControl` (used with this driver's :class:`Consumer`)."""

    @cached_property
    def flow_control(self) -> FlowControlEvent:
        return FlowControl(loop=self.loop)


class Transport(driver.Transport):
    Consumer: ClassVar[Any] = Consumer
