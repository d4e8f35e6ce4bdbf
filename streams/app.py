"""Builds the Faust app of a worker; it holds no agents itself (they register per stage)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import faust
from faust.sensors.prometheus import setup_prometheus_sensors
from prometheus_client import REGISTRY

from streams import faust_driver, health, memory, roll
from streams.agent import Outputs
from streams.broker import EmbeddedBroker
from streams.ingest.emit import IngestGate
from streams.kafka import faust_config
from streams.settings import Settings
from streams.status import web as status_web
from streams.status.web import StatusBoard


def create_app(settings: Settings, embedded: EmbeddedBroker | None = None
               ) -> tuple[faust.App, StatusBoard, IngestGate]:
    """The worker app: parse, enrich and dedup agents, Faust's Prometheus sensor on ``/metrics``;
    its status board (what ``/status`` shows, and ``newsstream run`` prints a part of); and the
    gate what it ingests goes through (``newsstream run``'s replay too).

    ``embedded``: the embedded broker this process started, which the worker then keeps under
    ``NEWSSTREAM_EMBEDDED_MAX_MB`` and rolls (streams/roll.py).
    """
    from streams.enrich import agent as enrich_agent  # imported here: they import the cores
    from streams.ingest import runner as ingest_runner
    from streams.parse import agent as parse_agent
    from streams.sink import worker as sink_worker
    from streams.stories import agent as dedup_agent

    if settings.data_dir:  # Faust creates the folder, not its parents
        Path(settings.data_dir).mkdir(parents=True, exist_ok=True)
    app = faust_driver.App(
        settings.app_id,
        key_serializer="raw",
        value_serializer="raw",
        autodiscover=False,
        **faust_config(settings),
    )
    # Faust's sensor serves the default registry, which also holds streams.metrics.
    setup_prometheus_sensors(app, registry=REGISTRY, name_prefix="faust")
    memory.keep_large_blocks_apart()

    @app.timer(memory.TRIM_INTERVAL_S)
    async def give_memory_back() -> None:
        await asyncio.to_thread(memory.trim)

    outputs = Outputs(app, settings)
    parse_agent.register(app, settings, outputs)
    enrich_agent.register(app, settings, outputs)
    # news.enriched + fan-out, with duplicate_of; its trends shown on /status
    stories = dedup_agent.register(app, settings, outputs)
    watch = health.register(app, settings)
    board = status_web.register(app, settings, stories)  # /status, /status.json
    gate = IngestGate(settings.embedded_max_backlog if embedded is not None else 0)
    ingest_runner.register(app, settings, gate)  # POST /ingest; feeds when NEWSSTREAM_FEEDS_FILE
    if embedded is not None:
        roll.register(app, settings, embedded, gate, watch)
    sink_worker.register(app, settings)  # PostgreSQL sink when NEWSSTREAM_SINK_POSTGRES_DSN
    return app, board, gate
