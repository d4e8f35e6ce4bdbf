"""Where a fetch ends: a ``news.raw-html`` event, a counted skip, or an ``ingest`` dead letter.

* ok (2xx): a raw-html event with the bytes as fetched (base64), the final URL, the status,
  the kept headers and the charset from Content-Type.
* skip, counted in ``news_ingest_skipped{reason}``: ``robots``, ``refused`` (SSRF guard),
  ``http_4xx``. Policy or the site says no; a retry would get the same answer and nobody has
  to act.
* dead letter, stage ``ingest``: ``too_large``, ``timeout``, ``http_5xx``, ``connect_error``,
  ``too_many_redirects``, ``bad_encoding``. The page exists but could not be taken under the
  limits, or the site kept failing through all retries: worth a look, and replayable.

The dead letter's ``topic`` is ``news.raw-html`` (where the page should have gone), its
``original_value_b64`` the fetch request ``{"url", "source"}`` as JSON, its key the article id.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Protocol

import faust
import orjson
from aiokafka import AIOKafkaProducer

from streams import metrics
from streams.ingest.fetch import Fetcher, FetchError, FetchResult
from streams.kafka import MAX_RECORD_BYTES
from streams.records import RawHtml, article_id
from streams.stage import Incoming, dead_letter
from streams.topics import DEADLETTER, RAW_HTML

SKIP_REASONS = frozenset({"robots", "refused", "http_4xx"})


class Sink(Protocol):
    """Produces one record and returns once the broker has acknowledged it."""

    async def send(self, topic: str, key: bytes, value: bytes) -> None: ...


class ProducerSink:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        await self.producer.send_and_wait(topic, key=key, value=value)


class IngestGate:
    """What ingestion produces in a worker passes through it, one record at a time
    (:meth:`enter`), so that the embedded broker's memory stays under its ceiling
    (streams/roll.py):

    * it is closed while any reason to pause is held (:meth:`pause`): while the broker is
      rolled, and while it is over its roll point and not yet rolled;
    * with ``max_backlog``, it also closes while that many records are in the pipeline and
      not yet through it: the backlog the roll's probe last measured, plus every record let in
      since. A roll then only has to drain at most that many pages, in bounded time;
    * once given a byte allowance (:meth:`allow`), it lets a record in only while the bytes
      of the records in the pipeline, this one's included, fit in it: the roll sets the
      allowance from the broker's room under its ceiling, so that what the pipeline makes of
      its backlog fits there. Each record counts as its size plus ``record_bytes`` (what the
      pipeline makes of any record, whatever its size, in bytes of record). The records a
      probe finds still in the pipeline are taken to be the latest let in (the stages read
      each partition in order); a record larger than the whole allowance goes in alone, once
      nothing else is in the pipeline.

    The gate of a worker without an embedded broker never closes."""

    def __init__(self, max_backlog: int = 0) -> None:
        self.max_backlog = max_backlog
        #: records in the pipeline, as far as this gate knows (see :meth:`measured`)
        self.backlog = 0
        #: bytes of the records in the pipeline: the sizes of the latest ``backlog`` let in
        self.backlog_bytes = 0
        self._sizes: deque[int] = deque()
        #: bytes the pipeline's backlog may hold; None: no byte bound
        self.allowance: int | None = None
        #: bytes counted for each record on top of its size
        self.record_bytes = 0
        #: records let in since the start, and those not yet acknowledged by the broker
        self.entered = 0
        self.pending = 0
        self._paused: set[str] = set()
        self._change = asyncio.Event()

    def has_room(self, size: int = 0) -> bool:
        if self._paused or (self.max_backlog and self.backlog >= self.max_backlog):
            return False
        if self.allowance is None:
            return True
        return (self.backlog_bytes + size <= self.allowance
                or (self.backlog_bytes == 0 and self.allowance > 0))

    def _changed(self) -> None:
        """Wake every waiter to look again (each needs room for a record of its own size)."""
        self._change.set()
        self._change = asyncio.Event()

    async def enter(self, limit_s: float | None = None, size: int = 0) -> bool:
        """Wait until a record of ``size`` bytes may go in and count it in; False (and not
        counted) when that takes more than ``limit_s``. Call :meth:`sent` once it is produced
        or given up."""
        size += self.record_bytes
        try:
            async with asyncio.timeout(limit_s):
                while not self.has_room(size):  # woken with others: one may take the place
                    await self._change.wait()
        except TimeoutError:
            return False
        self.backlog += 1
        self.backlog_bytes += size
        self._sizes.append(size)
        self.entered += 1
        self.pending += 1
        return True

    def sent(self) -> None:
        """A record let in has been acknowledged by the broker (or was not produced)."""
        self.pending -= 1

    def measured(self, backlog: int, pending_before: int, entered_before: int) -> None:
        """The pipeline's backlog as a probe read it (consumer lag, which counts only what
        the broker has acknowledged), given ``pending`` and ``entered`` when the probe began:
        what was pending then and what entered since may be missing from it, so they are
        added (a record counted twice errs on the safe side)."""
        self.backlog = backlog + pending_before + self.entered - entered_before
        while len(self._sizes) > self.backlog:  # the oldest let in are through
            self.backlog_bytes -= self._sizes.popleft()
        self._changed()

    def allow(self, allowance: int) -> None:
        """Let the pipeline's backlog hold up to ``allowance`` bytes from now on."""
        self.allowance = allowance
        self._changed()

    def pause(self, reason: str) -> None:
        self._paused.add(reason)
        self._changed()

    def resume(self, reason: str) -> None:
        self._paused.discard(reason)
        self._changed()


class FaustSink:
    """Produces through the worker's own Faust producer."""

    def __init__(self, app: faust.App) -> None:
        self.app = app

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        fut = await self.app.topic(topic, key_type=bytes, value_type=bytes).send(
            key=key, value=value)
        await fut


class GatedSink:
    """``sink`` behind ``gate``: each record waits for its place there first."""

    def __init__(self, sink: Sink, gate: IngestGate) -> None:
        self.sink = sink
        self.gate = gate

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        await self.gate.enter(size=len(key) + len(value))
        try:
            await self.sink.send(topic, key, value)
        finally:
            self.gate.sent()


def raw_from_fetch(result: FetchResult, source: str) -> tuple[bytes, bytes]:
    raw = RawHtml.of_bytes(
        result.final_url, result.body, fetched_at=result.fetched_at, source=source,
        charset=result.charset, status=result.status, headers=result.headers,
        content_type=result.headers.get("content-type", result.content_type),
    )
    return raw.key, raw.encode()


def raw_from_push(url: str, html: str, fetched_at: str) -> tuple[bytes, bytes]:
    """The raw-html record of a pushed page: the page as ``html`` text, unless JSON-escaping it
    would put the record over :data:`MAX_RECORD_BYTES` (a 5 MB page of quotes is 10 MB as a
    JSON string). Then it goes as ``content_b64`` of its UTF-8 bytes with charset ``utf-8``,
    which the parse stage reads like a fetched page: base64 is a fixed 4/3, so the largest
    allowed page (5 MB by default) stays under the Kafka producer's message size."""
    raw = RawHtml(url, fetched_at, "push", html=html, content_type="text/html")
    key, record = raw.key, raw.encode()
    if len(key) + len(record) > MAX_RECORD_BYTES:
        record = RawHtml.of_bytes(url, html.encode("utf-8"), fetched_at=fetched_at,
                                  source="push", charset="utf-8").encode()
    return key, record


async def emit_failure(sink: Sink, url: str, source: str, exc: FetchError) -> str:
    """Count a skip or produce a dead letter for a failed fetch; return ``skip``/``dead_letter``."""
    if exc.reason in SKIP_REASONS:
        metrics.INGEST_SKIPPED.labels(reason=exc.reason).inc()
        return "skip"
    request = orjson.dumps({"url": url, "source": source})
    incoming = Incoming(RAW_HTML.name, None, None, article_id(url).encode(), request)
    letter = dead_letter("ingest", incoming, exc, url)
    await sink.send(DEADLETTER.name, letter.key, letter.value)
    metrics.DEAD_LETTERS.labels(stage="ingest", reason=exc.reason).inc()
    return "dead_letter"


async def ingest_url(fetcher: Fetcher, sink: Sink, url: str, source: str) -> str:
    """Fetch one page and deliver it; returns ``ok``, or the failure's reason code."""
    try:
        result = await fetcher.fetch(url, kind="page")
    except FetchError as exc:
        await emit_failure(sink, url, source, exc)
        return exc.reason
    key, value = raw_from_fetch(result, source)
    await sink.send(RAW_HTML.name, key, value)
    metrics.INGEST_PRODUCED.labels(source="push" if source == "push" else "feed").inc()
    return "ok"
