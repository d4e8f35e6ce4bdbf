"""What every agent does around its pure core: decode, time, count, dead-letter.

An agent hands each consumed record to :func:`process` with a *handler* (a plain function from
the record's key and value to output records). Whatever the handler raises, and whatever limit
it runs past, becomes one ``news.deadletter`` output carrying the original key and bytes, the
stage and a low-cardinality reason; the agent then goes on with the next record. This module has
no Faust import, so the failure path is unit-testable without a broker.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

from streams import memory, metrics
from streams.errors import InvalidRecord, PipelineError
from streams.kafka import MAX_RECORD_BYTES
from streams.records import DeadLetter
from streams.schemas import validation_errors
from streams.settings import Settings
from streams.topics import DEADLETTER, TopicSpec


@dataclass(frozen=True, slots=True)
class Incoming:
    topic: str
    partition: int | None
    offset: int | None
    key: bytes | None
    value: bytes


@dataclass(frozen=True, slots=True)
class Output:
    topic: TopicSpec
    key: bytes
    value: bytes
    #: Produced with a null value (``value`` is empty): the key's record is gone
    #: (:func:`tombstone`).
    tombstone: bool = False

    @property
    def produced(self) -> bytes | None:
        """The value as produced: None for a tombstone."""
        return None if self.tombstone else self.value


Handler = Callable[[Incoming], Sequence[Output]]
#: Produces outputs and returns once the broker has acknowledged every one (raises otherwise).
Send = Callable[[Sequence[Output]], Awaitable[None]]

log = logging.getLogger(__name__)


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


def encode(topic: TopicSpec, key: str, value: Any) -> Output:
    """Serialise a value (dataclass, dict…) for ``topic`` with orjson."""
    return Output(topic, key.encode(), orjson.dumps(value))


def tombstone(topic: TopicSpec, key: str) -> Output:
    """A record with a null value: on a compacted topic, the key's earlier records go (a
    story that expired, on ``news.stories``)."""
    return Output(topic, key.encode(), b"", tombstone=True)


def decode_json(incoming: Incoming, schema_of: TopicSpec) -> dict[str, Any]:
    """Parse and schema-check a record; :class:`InvalidRecord` when it is not valid."""
    try:
        value = orjson.loads(incoming.value)
    except orjson.JSONDecodeError as exc:
        raise InvalidRecord(f"value is not JSON: {exc}") from exc
    errors = validation_errors(schema_of, value)
    if errors:
        raise InvalidRecord(f"value does not match {schema_of.schema}: " + "; ".join(errors[:5]))
    return value


def checked(handler: Handler) -> Handler:
    """``handler`` with every output validated against its topic's schema first.

    A record that breaks its topic's contract is a bug of the producing stage; caught here it
    becomes an ``invalid_output`` dead letter instead of a record every subscriber rejects.
    Turned on by ``NEWSSTREAM_CHECK_OUTPUTS`` (the test session's workers run with it).
    """

    def check(incoming: Incoming) -> Sequence[Output]:
        outputs = handler(incoming)
        for out in outputs:
            if out.tombstone:  # no value to check
                continue
            errors = validation_errors(out.topic, orjson.loads(out.value))
            if errors:
                raise PipelineError(
                    f"{out.topic.name} output does not match {out.topic.schema}: "
                    + "; ".join(errors[:5]),
                    reason="invalid_output",
                )
        return outputs

    return check


def reason_of(exc: BaseException) -> str:
    """The dead-letter reason code: the error's own, or ``internal_error`` for a bug."""
    return exc.reason if isinstance(exc, PipelineError) else "internal_error"


#: Longest ``url`` and ``message`` a dead letter carries (the original bytes hold the rest).
MAX_DEAD_LETTER_TEXT = 4000


def dead_letter(stage: str, incoming: Incoming, exc: BaseException, url: str | None) -> Output:
    """The ``news.deadletter`` output for ``incoming``: always small enough to be produced.

    The original value goes whole when it fits the message limit beside the other fields; a
    larger one (a raw record near the page limit is base64 again here, a third larger) keeps its
    first bytes and says so: ``original_truncated``, with ``original_size`` and
    ``original_sha256`` of the whole value so the record can be found and checked at its source.
    """
    reason = reason_of(exc)
    message = str(exc) or exc.__class__.__name__
    original = incoming.value
    record = DeadLetter(
        stage=stage,
        reason=reason,
        error_type=exc.__class__.__name__,
        message=message[:MAX_DEAD_LETTER_TEXT],
        topic=incoming.topic,
        partition=incoming.partition,
        offset=incoming.offset,
        url=url[:MAX_DEAD_LETTER_TEXT] if url else url,
        original_key_b64=base64.b64encode(incoming.key).decode() if incoming.key else None,
        original_value_b64="",
        original_size=len(original),
        original_sha256=hashlib.sha256(original).hexdigest(),
        original_truncated=False,
        failed_at=now_iso(),
    )
    key = incoming.key or b""
    room = MAX_RECORD_BYTES - len(key) - len(orjson.dumps(record))
    keep = max(0, room) // 4 * 3  # base64 turns each 3 bytes into 4
    if len(original) > keep:
        original = original[:keep]
        record.original_truncated = True
    record.original_value_b64 = base64.b64encode(original).decode()
    return Output(DEADLETTER, key, orjson.dumps(record))


def _url_of(value: bytes) -> str | None:
    """Best-effort URL of a failed record, for the dead letter (cheap, never raises)."""
    try:
        url = orjson.loads(value).get("url")
    except (orjson.JSONDecodeError, AttributeError):
        return None
    return url if isinstance(url, str) else None


class Core:
    """Where a stage's handler runs: :class:`ThreadCore` here, or a core process
    (:class:`streams.coreproc.ProcessCore`) that can be killed."""

    async def run(self, incoming: Incoming, timeout_s: float) -> Sequence[Output]:
        """The handler's outputs for ``incoming``; ``PipelineError(timeout)`` past
        ``timeout_s``. Other failures of the handler are raised as they are."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the core's thread or process (the worker is stopping)."""


def timed_out(stage: str, timeout_s: float) -> PipelineError:
    return PipelineError(f"{stage} took longer than {timeout_s:g}s", reason="timeout")


class ThreadCore(Core):
    """The handler in a worker thread of the stage's own, so the event loop stays free for
    heartbeats and fetches while a page is parsed or analysed.

    A handler that runs past the timeout cannot be stopped (Python threads cannot be killed):
    its record becomes a ``timeout`` dead letter, its thread is left to finish on its own, and
    the next record gets a fresh thread, so one pathological record costs one dead letter
    instead of a queue of timeouts behind it (but its CPU time goes on: stages that take
    hostile input use a :class:`~streams.coreproc.ProcessCore`).
    """

    def __init__(self, stage: str, handler: Handler) -> None:
        self.stage = stage
        self.handler = handler
        self.executor = self._fresh_executor()

    def _fresh_executor(self) -> ThreadPoolExecutor:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.stage)

    def _call(self, incoming: Incoming) -> Sequence[Output]:
        try:
            return self.handler(incoming)
        finally:
            if len(incoming.value) >= memory.TRIM_FROM_BYTES:
                memory.trim()

    async def run(self, incoming: Incoming, timeout_s: float) -> Sequence[Output]:
        try:
            return await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(self.executor, self._call, incoming),
                timeout=timeout_s,
            )
        except TimeoutError:
            self.executor.shutdown(wait=False)  # abandon the busy thread, not the stage
            self.executor = self._fresh_executor()
            raise timed_out(self.stage, timeout_s) from None

    def close(self) -> None:
        self.executor.shutdown(wait=False)


def build_handler(factory: Callable[[Settings], Handler], settings: Settings) -> Handler:
    """The handler ``factory`` makes from ``settings``, with its outputs checked against their
    schemas when ``NEWSSTREAM_CHECK_OUTPUTS`` is on (in whichever process runs it)."""
    handler = factory(settings)
    return checked(handler) if settings.check_outputs else handler


#: Called in the worker with a record's outputs when its handler succeeded: the metrics or
#: hooks a handler must not touch itself, because a core process's metrics are not the worker's.
Observe = Callable[[Sequence[Output]], None]


class StageRunner:
    """Runs one stage's core on records, one at a time, with a time limit; turns every failure
    into a dead letter.

    ``core`` is a :class:`Core`, or a plain handler to run in a :class:`ThreadCore`.
    """

    def __init__(self, stage: str, core: Core | Handler, timeout_s: float,
                 observe: Observe | None = None) -> None:
        self.stage = stage
        self.core = core if isinstance(core, Core) else ThreadCore(stage, core)
        self.timeout_s = timeout_s
        self.observe = observe
        # An agent may run several actors (NEWSSTREAM_STAGE_CONCURRENCY) so that one record's
        # outputs are produced while the next is processed; the core still takes one record at
        # a time, and its time limit counts only its own work, not the wait for its turn.
        self.turn = asyncio.Lock()

    async def _run(self, incoming: Incoming) -> tuple[Sequence[Output], float]:
        """The core's outputs and its time, once it is this record's turn."""
        async with self.turn:
            started = time.perf_counter()
            outputs = await self.core.run(incoming, self.timeout_s)
            return outputs, time.perf_counter() - started

    async def __call__(self, incoming: Incoming) -> Sequence[Output]:
        """The handler's outputs, or a single dead-letter output if it failed or timed out."""
        stage = self.stage
        metrics.EVENTS_IN.labels(stage=stage).inc()
        exc: BaseException
        try:
            outputs, seconds = await self._run(incoming)
        except Exception as error:  # every failure is a dead letter, never a dead agent
            exc = error
        else:
            metrics.PROCESSING_SECONDS.labels(stage=stage).observe(seconds)
            oversized = [out for out in outputs if _size(out) > MAX_RECORD_BYTES]
            if not oversized:
                if self.observe is not None:
                    self.observe(outputs)
                metrics.EVENTS_OUT.labels(stage=stage).inc()
                return outputs
            exc = PipelineError(
                f"{stage} made a {oversized[0].topic.name} record of {_size(oversized[0])} "
                f"bytes, over the {MAX_RECORD_BYTES}-byte message limit",
                reason="output_too_large",
            )
        metrics.DEAD_LETTERS.labels(stage=stage, reason=reason_of(exc)).inc()
        return [dead_letter(stage, incoming, exc, _url_of(incoming.value))]


def _size(output: Output) -> int:
    return len(output.key) + len(output.value)


async def deliver(send: Send, stage: str, incoming: Incoming, outputs: Sequence[Output]) -> None:
    """Produce a record's outputs; if the broker refuses them, its dead letter instead.

    A produce error never ends the agent and never skips a record silently: the record becomes
    a ``produce_failed`` dead letter (outputs sent before the error stay sent: delivery is
    at-least-once). When even the dead letter cannot be produced, the record is logged with its
    topic, partition, offset and key and counted in ``news_stage_records_lost``, which alerts.
    """
    try:
        await send(outputs)
        return
    except Exception as error:  # whatever the producer raises: the broker did not take it
        failure = error
    exc = PipelineError(
        f"could not produce {stage} output: {failure.__class__.__name__}: {failure}",
        reason="produce_failed",
    )
    try:
        await send([dead_letter(stage, incoming, exc, _url_of(incoming.value))])
        metrics.DEAD_LETTERS.labels(stage=stage, reason="produce_failed").inc()
    except Exception as error:
        metrics.RECORDS_LOST.labels(stage=stage).inc()
        log.error(
            "%s: record %s[%s]@%s key=%r lost: its dead letter could not be produced either "
            "(%s: %s; first error %s)", stage, incoming.topic, incoming.partition,
            incoming.offset, incoming.key, error.__class__.__name__, error, failure,
        )
