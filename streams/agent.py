"""The one Faust agent loop every stage uses: consume, call the stage's handler, produce.

Processing is at-least-once: outputs are produced and acknowledged by the broker before the
input event is acknowledged (and so before its offset can be committed). A crash in between
re-delivers the input; consumers recognise the duplicate by its stable key (the article id).
Outputs go through Faust's producer, except, on the embedded broker, those of the fan-out topics
(:class:`FanOutProducer`, see streams/kafka.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

import faust
from aiokafka import AIOKafkaProducer

from streams import kafka
from streams.coreproc import ProcessCore
from streams.settings import Settings
from streams.stage import (
    Core,
    Handler,
    Incoming,
    Observe,
    Output,
    StageRunner,
    ThreadCore,
    build_handler,
    deliver,
)
from streams.topics import FAN_OUT, TopicSpec


class Outputs:
    """How a worker's stages produce their outputs, built once per app by :func:`create_app`.

    Everything goes through Faust's producer, except, in the tansu profile, the fan-out topics:
    those go through one batching aiokafka producer of the worker's own (streams/kafka.py says
    why that is sound), started on first use and stopped when the app stops.
    """

    def __init__(self, app: faust.App, settings: Settings) -> None:
        self.app = app
        self.fan_out_config = kafka.fan_out_producer_config(settings) if settings.tansu else None
        self.fan_out: AIOKafkaProducer | None = None
        self.starting = asyncio.Lock()
        app.on_before_shutdown.connect(self.on_shutdown)

    async def _fan_out_producer(self) -> AIOKafkaProducer:
        async with self.starting:
            if self.fan_out is None:
                producer = AIOKafkaProducer(**self.fan_out_config or {})
                await producer.start()
                self.fan_out = producer
        return self.fan_out

    async def send(self, outputs: Sequence[Output]) -> None:
        """Produce ``outputs`` and wait until the broker has acknowledged every one."""
        pending = []
        for out in outputs:
            if self.fan_out_config is not None and out.topic in FAN_OUT:
                producer = await self._fan_out_producer()
                pending.append(await producer.send(out.topic.name, out.produced, key=out.key))
            else:
                topic = self.app.topic(out.topic.name, key_type=bytes, value_type=bytes)
                pending.append(await topic.send(key=out.key, value=out.produced))
        for fut in pending:
            await fut

    async def on_shutdown(self, app: Any, /, *args: Any, signal: Any, **kwargs: Any) -> None:
        if self.fan_out is not None:
            await self.fan_out.stop()
            self.fan_out = None


def register_stage(
    app: faust.App, stage: str, source: TopicSpec, factory: Callable[[Settings], Handler],
    settings: Settings, outputs: Outputs, *, isolated: bool = False,
    observe: Observe | None = None, concurrency: int | None = None,
    after_each: Callable[[], None] | None = None,
) -> None:
    """Add the agent of ``stage`` to ``app``: ``source`` -> handler -> output topics.

    The handler is ``factory(settings)``; it runs off the event loop with a time limit (see
    :class:`StageRunner`), in a thread of the worker, or with ``isolated`` in a core process
    (:class:`streams.coreproc.ProcessCore`, started now so a broken core fails the worker at
    start), which is killed when the worker stops. ``observe`` sees each success's outputs in
    the worker (metrics, hooks).

    ``concurrency``: records the agent holds at once (default ``NEWSSTREAM_STAGE_CONCURRENCY``;
    1 for a stage whose results depend on the order of its records). ``after_each``: called on
    the event loop after each record's handler, before its outputs are produced (a stage that
    keeps a Faust table writes it there: tables must not be touched from the handler's thread).
    """
    core: Core
    if isolated:
        process = ProcessCore(stage, factory, settings)
        process.start()
        core = process
    else:
        core = ThreadCore(stage, build_handler(factory, settings))

    async def close_core(app: Any, /, *args: Any, **kwargs: Any) -> None:
        core.close()

    app.on_before_shutdown.connect(close_core, weak=False)
    run = StageRunner(stage, core, settings.stage_timeout_s, observe)
    topic = app.topic(source.name, key_type=bytes, value_type=bytes)

    async def handle(event: faust.types.EventT) -> None:
        """One record, in a frame of its own: its outputs (a dead letter can be 8 MB) are
        freed when it returns, not held by the agent's loop until the next record comes."""
        message = event.message
        incoming = Incoming(
            message.topic, message.partition, message.offset, event.key, event.value
        )
        results = await run(incoming)
        if after_each is not None:
            after_each()
        await deliver(outputs.send, stage, incoming, results)
        # Faust's stream keeps its last event, with the record's bytes, until the next record
        # comes; on an idle partition a hostile page's 6.5 MB would stay (issue 16). Its
        # offset is all Faust needs of it from here on.
        event.value = message.value = b""

    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            await handle(event)

    app.agent(topic, name=stage, concurrency=concurrency or settings.stage_concurrency)(agent)
