"""Liveness, readiness and consumer lag of a worker, served on its web server.

``/livez`` answers 200 while the event loop runs (a blocked loop cannot answer: that is the
failure it detects). ``/readyz`` answers 200 once the worker has completed its first
partition assignment, is not in the middle of a rebalance and has finished table recovery;
503 before that. A worker with an empty assignment (more workers than partitions) is ready: it
is healthy and will take partitions at the next rebalance.

Consumer lag is measured the way Kafka tools define it: a partition's end offset minus the
group's committed offset, for the partitions assigned to this worker, every ``LAG_INTERVAL_S``.
"""

from __future__ import annotations

import logging
from typing import Any

import faust
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from faust.web import Request, Response, View

from streams import metrics
from streams.kafka import group_lag, start_admin
from streams.settings import Settings

LAG_INTERVAL_S = 10.0

log = logging.getLogger(__name__)


def readiness(app: faust.App) -> dict[str, Any]:
    """The readiness verdict with the facts it rests on (also the body of ``/readyz``)."""
    assigned_once = app.rebalancing_count > 0
    # TableManager has the recovery service; its interface type does not declare it.
    recovered = app.tables.recovery.completed.is_set()  # type: ignore[attr-defined]
    ready = assigned_once and not app.rebalancing and recovered
    return {
        "ready": ready,
        "assigned_once": assigned_once,
        "rebalancing": bool(app.rebalancing),
        "recovered": recovered,
        "partitions": len(app.consumer.assignment()) if assigned_once else 0,
    }


def register(app: faust.App, settings: Settings) -> None:
    @app.page("/livez")
    async def livez(self: View, request: Request) -> Response:
        return self.json({"live": True})

    @app.page("/readyz")
    async def readyz(self: View, request: Request) -> Response:
        verdict = readiness(app)
        metrics.WORKER_READY.set(1 if verdict["ready"] else 0)
        return self.json(verdict, status=200 if verdict["ready"] else 503)

    admin: AIOKafkaAdminClient | None = None  # made inside the worker's event loop
    reported: set[tuple[str, str]] = set()  # lag series this worker exposes

    @app.timer(LAG_INTERVAL_S)
    async def measure_lag() -> None:
        nonlocal admin
        verdict = readiness(app)
        metrics.WORKER_READY.set(1 if verdict["ready"] else 0)
        assigned = sorted(app.consumer.assignment()) if verdict["assigned_once"] else []
        for topic, partition in reported - {(tp.topic, str(tp.partition)) for tp in assigned}:
            metrics.CONSUMER_LAG.remove(topic, partition)  # moved to another worker
            reported.discard((topic, partition))
        if not assigned:
            return
        if admin is None:
            admin = await start_admin(settings)
        ends = await app.consumer.highwaters(*assigned)
        lag = await group_lag(
            admin, settings.app_id,
            {TopicPartition(tp.topic, tp.partition): ends.get(tp, 0) for tp in assigned},
        )
        for tp, messages in lag.items():
            metrics.CONSUMER_LAG.labels(topic=tp.topic, partition=str(tp.partition)).set(messages)
            reported.add((tp.topic, str(tp.partition)))
