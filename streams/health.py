"""Liveness, readiness and consumer lag of a worker, served on its web server.

``/livez`` answers 200 while the event loop runs (a blocked loop cannot answer: that is the
failure it detects). ``/readyz`` answers 200 once the worker has completed its first
partition assignment, is not in the middle of a rebalance and has finished table recovery;
503 before that. A worker with an empty assignment (more workers than partitions) is ready: it
is healthy and will take partitions at the next rebalance.

A worker also watches its broker (:class:`BrokerWatch`) every ``BROKER_CHECK_S``: while the
broker does not answer, ``/readyz`` is 503 and ``news_broker_up`` is 0 (``NewsBrokerUnreachable``
alerts); Faust's own clients keep retrying. When it answers again, the pipeline topics it lacks
are created again (an embedded broker comes back empty), so every stage consumes again as soon
as its consumer has rejoined.

Consumer lag is measured the way Kafka tools define it: a partition's end offset minus the
group's committed offset, for the partitions assigned to this worker, every ``LAG_INTERVAL_S``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable
from typing import Any

import faust
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from faust.web import Request, Response, View

from streams import kafka, metrics
from streams.kafka import group_lag
from streams.settings import Settings

LAG_INTERVAL_S = 10.0
BROKER_CHECK_S = 2.0
BROKER_TIMEOUT_S = 5.0

log = logging.getLogger(__name__)


class BrokerWatch:
    """Whether the worker's broker answers, and the pipeline's topics on it again after a loss.

    Owns the worker's admin client (also used for lag): a client that failed is closed and a
    new one made at the next check, so nothing waits on a connection to a broker that is gone.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.admin: AIOKafkaAdminClient | None = None
        self.up = True  # until a check says otherwise: the worker started against it
        self.down_since: float | None = None
        #: Topics created again after the broker lost them, to be read again from their start
        #: once the group has been assigned anew (:meth:`rewind`), and whether it has been.
        self.recreated: set[str] = set()
        self.assigned_since_recreated = False

    async def check(self) -> bool:
        """One check: list the topics (bounded in time), create the missing pipeline ones."""
        try:
            await asyncio.wait_for(self._check(), BROKER_TIMEOUT_S)
        except Exception as exc:  # any failure to answer: connection refused, timeout...
            await self._drop_admin()
            if self.up:
                log.warning("broker %s does not answer (%s: %s); retrying every %gs",
                            self.settings.bootstrap_servers, exc.__class__.__name__, exc,
                            BROKER_CHECK_S)
                self.down_since = time.monotonic()
            self.up = False
        else:
            if not self.up and self.down_since is not None:
                log.warning("broker %s answers again after %.0fs",
                            self.settings.bootstrap_servers, time.monotonic() - self.down_since)
            self.up, self.down_since = True, None
        metrics.BROKER_UP.set(1 if self.up else 0)
        return self.up

    async def _check(self) -> None:
        if self.admin is None:
            self.admin = kafka.make_admin(self.settings)
            await self.admin.start()
        existing = set(await self.admin.list_topics())
        missing = [name for name in kafka.topic_names(self.settings) if name not in existing]
        if missing:  # an embedded broker restarted with nothing: recreate before clients look
            log.warning("topics %s are missing on the broker; creating them", ", ".join(missing))
            metrics.TOPICS_RECREATED.inc(len(missing))
            await kafka.ensure_topics(self.settings, retries=1)
            self.topics_recreated(missing)

    def topics_recreated(self, names: Iterable[str]) -> None:
        """``names`` exist anew, empty (created here, or by a roll of the embedded broker):
        read them from their start once the group has been assigned again (:meth:`rewind`)."""
        self.recreated.update(names)
        self.assigned_since_recreated = False

    async def rewind(self, app: faust.App) -> None:
        """Read the recreated topics' partitions from their start, once the group has been
        assigned after they were created and the worker is ready again.

        The offsets the worker committed before the loss are retried by its consumer until the
        topics exist again, and then land on the new, empty partitions: without this the first
        records produced there, below those stale offsets, would never be read (the one
        partition of ``<app>-stories-in`` always has some). Records read twice are harmless
        (processing is at-least-once)."""
        if not (self.recreated and self.assigned_since_recreated
                and readiness(app, self)["ready"]):
            return
        # a table's changelog is Faust's to read. ``seek_wait`` seeks in the consumer's own
        # thread: ``seek`` would change its fetch buffers under a fetch running there (a
        # KeyError in aiokafka's fetcher that stopped the worker, seen after a roll)
        await app.consumer.seek_wait({
            tp: 0 for tp in app.consumer.assignment()
            if tp.topic in self.recreated and not tp.topic.endswith("-changelog")})
        log.warning("read %s again from their start", ", ".join(sorted(self.recreated)))
        self.recreated.clear()

    async def _drop_admin(self) -> None:
        admin, self.admin = self.admin, None
        if admin is not None:
            try:
                await asyncio.wait_for(admin.close(), BROKER_TIMEOUT_S)
            except Exception:  # closing a client of a dead broker may fail: it is gone anyway
                log.debug("closing the admin client failed", exc_info=True)


def readiness(app: faust.App, watch: BrokerWatch | None = None) -> dict[str, Any]:
    """The readiness verdict with the facts it rests on (also the body of ``/readyz``)."""
    assigned_once = app.rebalancing_count > 0
    # TableManager has the recovery service; its interface type does not declare it.
    recovered = app.tables.recovery.completed.is_set()  # type: ignore[attr-defined]
    broker_up = watch is None or watch.up
    ready = assigned_once and not app.rebalancing and recovered and broker_up
    return {
        "ready": ready,
        "broker_up": broker_up,
        "assigned_once": assigned_once,
        "rebalancing": bool(app.rebalancing),
        "recovered": recovered,
        "partitions": len(app.consumer.assignment()) if assigned_once else 0,
    }


def register(app: faust.App, settings: Settings) -> BrokerWatch:
    """Health endpoints, the broker watch and lag metrics; returns the watch (the embedded
    broker's roll tells it which topics it recreated)."""
    watch = BrokerWatch(settings)

    @app.page("/livez")
    async def livez(self: View, request: Request) -> Response:
        return self.json({"live": True})

    @app.page("/readyz")
    async def readyz(self: View, request: Request) -> Response:
        verdict = readiness(app, watch)
        metrics.WORKER_READY.set(1 if verdict["ready"] else 0)
        return self.json(verdict, status=200 if verdict["ready"] else 503)

    @app.timer(BROKER_CHECK_S)
    async def check_broker() -> None:
        await watch.check()
        await watch.rewind(app)

    async def on_assigned(app: faust.App, /, *args: Any, **kwargs: Any) -> None:
        watch.assigned_since_recreated = True

    app.on_partitions_assigned.connect(on_assigned)

    reported: set[tuple[str, str]] = set()  # lag series this worker exposes

    @app.timer(LAG_INTERVAL_S)
    async def measure_lag() -> None:
        verdict = readiness(app, watch)
        metrics.WORKER_READY.set(1 if verdict["ready"] else 0)
        assigned = sorted(app.consumer.assignment()) if verdict["assigned_once"] else []
        for topic, partition in reported - {(tp.topic, str(tp.partition)) for tp in assigned}:
            metrics.CONSUMER_LAG.remove(topic, partition)  # moved to another worker
            reported.discard((topic, partition))
        if not assigned or watch.admin is None or not watch.up:
            return
        ends = await app.consumer.highwaters(*assigned)
        lag = await group_lag(
            watch.admin, settings.app_id,
            {TopicPartition(tp.topic, tp.partition): ends.get(tp, 0) for tp in assigned},
        )
        for tp, messages in lag.items():
            metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(messages)
            reported.add((tp.topic, str(tp.partition)))

    return watch
