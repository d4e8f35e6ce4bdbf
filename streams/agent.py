"""The one Faust agent loop every stage uses: consume, call the stage's handler, produce.

Processing is at-least-once: outputs are produced and acknowledged by the broker before the
input event is acknowledged (and so before its offset can be committed). A crash in between
re-delivers the input; consumers recognise the duplicate by its stable key (the article id).
"""

from __future__ import annotations

from collections.abc import Sequence

import faust

from streams.settings import Settings
from streams.stage import Handler, Incoming, Output, StageRunner, checked, deliver
from streams.topics import TopicSpec


def register_stage(
    app: faust.App, stage: str, source: TopicSpec, handler: Handler, settings: Settings
) -> None:
    """Add the agent of ``stage`` to ``app``: ``source`` -> ``handler`` -> output topics
    (the handler runs off the event loop, with a time limit: see :class:`StageRunner`)."""
    run = StageRunner(
        stage, checked(handler) if settings.check_outputs else handler, settings.stage_timeout_s
    )
    topic = app.topic(source.name, key_type=bytes, value_type=bytes)

    async def send(outputs: Sequence[Output]) -> None:
        await send_all(app, outputs)

    async def agent(stream: faust.StreamT[bytes]) -> None:
        async for event in stream.events():
            message = event.message
            incoming = Incoming(
                message.topic, message.partition, message.offset, event.key, event.value
            )
            await deliver(send, stage, incoming, await run(incoming))

    app.agent(topic, name=stage)(agent)


async def send_all(app: faust.App, outputs: Sequence[Output]) -> None:
    """Produce outputs and wait until the broker has acknowledged every one."""
    pending = [
        await app.topic(out.topic.name, key_type=bytes, value_type=bytes).send(
            key=out.key, value=out.value
        )
        for out in outputs
    ]
    for fut in pending:
        await fut
