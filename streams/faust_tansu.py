"""Faust transport for the Tansu broker (``tansu://`` broker URLs, tansu profile only).

This project's Faust driver (:mod:`streams.faust_driver`) with one change more: a shorter
consumer fetch wait. Tansu answers a fetch
that names a single partition as soon as a record arrives, but holds a fetch that names several
partitions for the whole ``fetch_max_wait_ms`` even when records arrive meanwhile. Faust
hard-codes that wait to 1.5 s, so on Tansu every hop of the pipeline cost up to 1.5 s of
latency (measured: ~1.3 s per hop idle, 2 ms with a 100 ms wait). Real Kafka answers early
(``fetch.min.bytes``), so the production transport keeps Faust's wait.

Registered as the ``tansu`` transport through the ``faust.transports`` entry point.
"""

from __future__ import annotations

from typing import Any, ClassVar

from faust.transport.drivers import aiokafka as driver

from streams import faust_driver

FETCH_MAX_WAIT_MS = 100


class TansuConsumerThread(faust_driver.ConsumerThread):
    def _create_worker_consumer(self, transport: Any) -> Any:
        consumer = super()._create_worker_consumer(transport)
        # Read by AIOKafkaConsumer.start() when it builds its fetcher; not started yet here.
        consumer._fetch_max_wait_ms = FETCH_MAX_WAIT_MS
        return consumer


class TansuConsumer(faust_driver.Consumer):
    def _new_consumer_thread(self) -> driver.AIOKafkaConsumerThread:
        return TansuConsumerThread(self, loop=self.loop, beacon=self.beacon)


class Transport(faust_driver.Transport):
    Consumer: ClassVar[Any] = TansuConsumer
