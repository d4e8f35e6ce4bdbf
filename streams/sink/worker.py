"""The PostgreSQL sink inside ``newsstream worker``, when ``NEWSSTREAM_SINK_POSTGRES_DSN`` is set.

It runs as a Faust task (a coroutine on the worker's event loop), not as a Faust agent: it has
its own aiokafka consumer in its own group, so that it commits offsets only after its database
transaction, batches as it needs to, and, while the database is down, pauses only itself. An
agent would share the workers' consumer and commit policy, and a stalled database would hold up
parse and enrich behind it. Every worker with the setting joins the sink's group, so the sink
scales and fails over with the workers.
"""

from __future__ import annotations

import asyncio
import logging

import faust

from streams.settings import Settings

log = logging.getLogger(__name__)


def register(app: faust.App, settings: Settings) -> None:
    if not settings.sink_postgres_dsn:
        return
    # fail at start, not later, when the driver is missing or the DSN malformed
    from streams.sink.postgres import PostgresSink

    PostgresSink(settings, settings.sink_postgres_dsn)

    @app.task
    async def sink_postgres() -> None:
        while True:  # it retries every database and broker error itself; this is for the rest
            sink = PostgresSink(settings, settings.sink_postgres_dsn)
            try:
                await sink.run()
                return
            except Exception:
                log.exception("PostgreSQL sink failed; restarting in 10 s")
                await asyncio.sleep(10)
