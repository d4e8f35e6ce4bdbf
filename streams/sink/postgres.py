"""The PostgreSQL sink: news.enriched and news.stories into the relational schema of
docs/sink-postgres.md.

A consumer group of its own (``<app id>-sink-postgres``), independent of the workers' group,
so that a slow or absent database delays only the sink, never the pipeline. The loop:

1. take a batch: up to ``NEWSSTREAM_SINK_BATCH_SIZE`` records, or what came within
   ``NEWSSTREAM_SINK_BATCH_MS``;
2. write it in one transaction (:mod:`streams.sink.rows`: idempotent upserts keyed by article,
   entity and story id; an article's mentions, topics and keywords replaced with it, a story's
   top entities and topics likewise);
3. only then commit the batch's offsets (``enable_auto_commit`` is off).

The next batch is fetched only once this one is written: the batch is the backpressure, and
memory holds one batch plus the client's fetch buffer. When the database cannot be reached (or
the connection breaks, or a write fails for a reason that may pass), the sink pauses its
partitions (stops fetching), keeps the batch and retries with exponential backoff and jitter
(``NEWSSTREAM_SINK_BACKOFF_S`` doubling up to ``NEWSSTREAM_SINK_BACKOFF_MAX_S``), logging each
failure and counting it in ``news_sink_errors``; ``news_sink_up`` is 0 meanwhile. It polls the
paused consumer while it waits, so it stays in its group. Offsets are never committed for rows
not written, so a stop or a crash at any point re-delivers what was not written (at-least-once),
and the idempotent writes make the re-delivery harmless.

A record that is not a readable enriched or story value, or whose rows the database refuses as data
(class 22/23 errors, found by writing that batch's articles one by one), is logged with its
partition and offset, counted (``news_sink_articles`` / ``news_sink_stories``,
``result="invalid"|"rejected"``) and passed over, so one bad record cannot stop the sink. Every
other error is retried. A ``news.stories`` tombstone (the story expired in the stream) is
counted and changes no row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata
from psycopg import errors as pgerrors
from psycopg.conninfo import conninfo_to_dict

from streams import kafka, metrics
from streams.settings import Settings
from streams.sink import rows as sql
from streams.sink.migrate import migrate
from streams.sink.rows import ArticleRows, RecordError, StoryRows, decode, decode_story, newest
from streams.topics import ENRICHED, STORIES

log = logging.getLogger(__name__)

SINK = "postgres"
#: Longest a batch's transaction may take before the connection is dropped and it is retried.
WRITE_TIMEOUT_S = 60.0
#: Connection defaults a DSN may override: give up a connection attempt after 10 s, notice a
#: dead server on an idle connection within about a minute.
CONNECT_DEFAULTS = {"connect_timeout": "10", "application_name": "newsstream-sink",
                    "keepalives": "1", "keepalives_idle": "30", "keepalives_interval": "10",
                    "keepalives_count": "3"}


def group_id(settings: Settings) -> str:
    """The sink's consumer group: one per app id, apart from the workers' own."""
    return f"{settings.app_id}-sink-postgres"


def redact(dsn: str) -> str:
    """The DSN without its password, for logs."""
    try:
        parts = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError:
        return "<unparsable DSN>"
    parts.pop("password", None)
    return " ".join(f"{k}={v}" for k, v in parts.items())


@dataclass(slots=True)
class WriteReport:
    """What writing one batch did."""

    written: int = 0
    stale: int = 0
    rejected: int = 0
    stories_written: int = 0
    stories_stale: int = 0
    stories_rejected: int = 0
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, other: WriteReport) -> None:
        for name in ("written", "stale", "rejected", "stories_written", "stories_stale",
                     "stories_rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for table, count in other.rows.items():
            self.rows[table] = self.rows.get(table, 0) + count


class Writer:
    """One connection to the database; writes batches of articles and stories in
    transactions."""

    def __init__(self, dsn: str) -> None:
        params = conninfo_to_dict(dsn)  # raises ProgrammingError on a malformed DSN
        self.params: dict[str, Any] = {**CONNECT_DEFAULTS, **params}
        self.conn: psycopg.AsyncConnection[Any] | None = None

    async def connect(self) -> None:
        """Connect (if not connected) and bring the schema up to date."""
        if self.conn is not None and not self.conn.closed:
            return
        self.conn = await psycopg.AsyncConnection.connect(autocommit=True, **self.params)
        await migrate(self.conn)

    async def close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def write(self, batch: Sequence[ArticleRows],
                    stories: Sequence[StoryRows] = ()) -> WriteReport:
        """Write ``batch`` (one version per article) and ``stories`` (one state per story) in
        one transaction. When the database refuses some of it as data, the articles and
        stories are written one by one and those refused are logged and passed over."""
        await self.connect()
        try:
            return await self._write(batch, stories)
        except (pgerrors.DataError, pgerrors.IntegrityError) as exc:
            if len(batch) + len(stories) == 1:
                one = batch[0] if batch else stories[0]
                what = "article" if batch else "story"
                log.error("sink: the database refused %s %s (%s): %s; passed over", what,
                          one.id, one.origin, exc)
                return WriteReport(rejected=1) if batch else WriteReport(stories_rejected=1)
            report = WriteReport()
            for article in batch:
                report.add(await self.write([article]))
            for story in stories:
                report.add(await self.write([], [story]))
            return report

    async def _write(self, batch: Sequence[ArticleRows],
                     stories: Sequence[StoryRows]) -> WriteReport:
        assert self.conn is not None
        async with self.conn.transaction(), self.conn.cursor() as cur:
            report = WriteReport()
            if batch:
                await self._write_articles(cur, batch, report)
            if stories:
                await self._write_stories(cur, stories, report)
            return report

    @staticmethod
    async def _copy(cur: psycopg.AsyncCursor[Any], statement: str,
                    rows: Sequence[tuple[Any, ...]]) -> None:
        if rows:
            async with cur.copy(statement) as copy:
                for row in rows:
                    await copy.write_row(row)

    async def _write_articles(self, cur: psycopg.AsyncCursor[Any],
                              batch: Sequence[ArticleRows], report: WriteReport) -> None:
        await cur.execute(sql.UPSERT_ARTICLES, sql.article_params(batch))
        written = {row[0] for row in await cur.fetchall()}
        kept = [r for r in batch if r.id in written]
        report.written, report.stale = len(kept), len(batch) - len(kept)
        report.rows["articles"] = len(kept)
        if not kept:
            return
        ids = [r.id for r in kept]
        for statement in sql.DELETE_CHILDREN:
            await cur.execute(statement, (ids,))
        child = sql.child_params(kept)
        await cur.execute(sql.UPSERT_ENTITIES, child.entities)
        await cur.execute(sql.UPSERT_TOPICS, child.topics)
        await self._copy(cur, sql.COPY_MENTIONS, child.mentions)
        await self._copy(cur, sql.COPY_ARTICLE_TOPICS, child.article_topics)
        await self._copy(cur, sql.COPY_KEYWORDS, child.keywords)
        report.rows.update(child.counts())

    async def _write_stories(self, cur: psycopg.AsyncCursor[Any],
                             stories: Sequence[StoryRows], report: WriteReport) -> None:
        await cur.execute(sql.UPSERT_STORIES, sql.story_params(stories))
        written = {row[0] for row in await cur.fetchall()}
        kept = [r for r in stories if r.id in written]
        report.stories_written, report.stories_stale = len(kept), len(stories) - len(kept)
        report.rows["stories"] = len(kept)
        if not kept:
            return
        for statement in sql.DELETE_STORY_CHILDREN:
            await cur.execute(statement, ([r.id for r in kept],))
        entities, topics = sql.story_child_rows(kept)
        await self._copy(cur, sql.COPY_STORY_ENTITIES, entities)
        await self._copy(cur, sql.COPY_STORY_TOPICS, topics)
        report.rows.update(story_entities=len(entities), story_topics=len(topics))


def error_kind(exc: BaseException) -> str:
    """The ``news_sink_errors`` kind of a failed write attempt."""
    if isinstance(exc, pgerrors.DeadlockDetected | pgerrors.SerializationFailure):
        return "conflict"
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError | OSError
                  | TimeoutError):
        return "unavailable"
    return "database"


def backoff(attempt: int, first_s: float, max_s: float) -> float:
    """Delay before retry ``attempt`` (0 = the first): doubling from ``first_s`` up to
    ``max_s``, times a random factor in [0.5, 1] so that many sinks do not retry in step."""
    return min(max_s, first_s * 2 ** min(attempt, 32)) * random.uniform(0.5, 1.0)


class PostgresSink:
    """news.enriched and news.stories into PostgreSQL until :meth:`stop` (or the task is
    cancelled)."""

    def __init__(self, settings: Settings, dsn: str, *, group: str | None = None) -> None:
        self.settings = settings
        self.writer = Writer(dsn)
        self.dsn = dsn
        self.group = group or group_id(settings)
        self.topics = (ENRICHED.name, STORIES.name)
        self.batch_size = max(1, settings.sink_batch_size)
        self.batch_s = max(0.0, settings.sink_batch_ms / 1000)
        self.stopping = asyncio.Event()
        self.pending: dict[TopicPartition, OffsetAndMetadata] = {}  # written, not committed
        self.up = metrics.SINK_UP.labels(SINK)
        self.batches = 0

    def stop(self) -> None:
        """Finish the batch being written (if the database takes it), commit it, and return."""
        self.stopping.set()

    async def run(self) -> None:
        config = kafka.consumer_config(self.settings, self.group)
        config.update(enable_auto_commit=False, auto_offset_reset="earliest",
                      max_poll_records=self.batch_size)
        consumer = AIOKafkaConsumer(*self.topics, **config)
        log.info("sink: %s -> PostgreSQL %s as group %s", ", ".join(self.topics),
                 redact(self.dsn), self.group)
        try:
            if not await self._start(consumer):
                return
            await self._ensure_database(consumer)
            while not self.stopping.is_set():
                records = await self._take(consumer)
                if records:
                    await self._handle(consumer, records)
                await self._commit(consumer)
        finally:
            with contextlib.suppress(Exception):
                await consumer.stop()
            await self.writer.close()

    async def _start(self, consumer: AIOKafkaConsumer) -> bool:
        """Start the consumer, retrying while the broker is away; False when stopped first."""
        attempt = 0
        while not self.stopping.is_set():
            try:
                await consumer.start()
                return True
            except KafkaError as exc:
                delay = backoff(attempt, self.settings.sink_backoff_s,
                                self.settings.sink_backoff_max_s)
                log.warning("sink: broker %s unreachable (%s); retrying in %.1f s",
                            self.settings.bootstrap_servers, exc, delay)
                await self._sleep(delay)
                attempt += 1
        return False

    async def _ensure_database(self, consumer: AIOKafkaConsumer) -> None:
        """Connect and migrate before the first fetch, so a missing database shows at once."""
        await self._retrying(consumer, self.writer.connect, "connect")

    async def _take(self, consumer: AIOKafkaConsumer) -> list[Any]:
        """The next batch: ``batch_size`` records, or those that came within ``batch_s`` of the
        first; empty after a second with nothing (to commit and to notice a stop)."""
        taken: list[Any] = []
        deadline: float | None = None
        while len(taken) < self.batch_size and not self.stopping.is_set():
            if deadline is None:
                timeout_ms = 1000
            else:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                timeout_ms = int(left * 1000)
            got = await consumer.getmany(timeout_ms=timeout_ms,
                                         max_records=self.batch_size - len(taken))
            for records in got.values():
                taken += records
            if not taken:
                break
            if deadline is None:
                deadline = time.monotonic() + self.batch_s
        return taken

    async def _handle(self, consumer: AIOKafkaConsumer, records: list[Any]) -> None:
        articles: list[ArticleRows] = []
        stories: list[StoryRows] = []
        offsets: dict[TopicPartition, OffsetAndMetadata] = {}
        for record in records:
            # a partition's records come in order: the last one's next offset is committed
            offsets[TopicPartition(record.topic, record.partition)] = OffsetAndMetadata(
                record.offset + 1, "")
            origin = f"{record.topic}[{record.partition}]@{record.offset}"
            is_story = record.topic == STORIES.name
            try:
                if not is_story:
                    article = decode(record.value)
                    article.origin = origin
                    articles.append(article)
                elif (story := decode_story(record.value)) is None:
                    metrics.SINK_STORIES.labels(SINK, "expired").inc()
                else:
                    story.origin = origin
                    stories.append(story)
            except RecordError as exc:
                log.error("sink: %s is not a readable %s value (%s); passed over", origin,
                          record.topic, exc)
                (metrics.SINK_STORIES if is_story else metrics.SINK_ARTICLES).labels(
                    SINK, "invalid").inc()
        batch, states = newest(articles), newest(stories)
        if batch or states:
            started = time.monotonic()
            report = await self._retrying(consumer, lambda: self.writer.write(batch, states),
                                          "write")
            if report is None:
                return  # stopped before the batch was written: its offsets stay uncommitted
            metrics.SINK_BATCH_SECONDS.labels(SINK).observe(time.monotonic() - started)
            for result in ("written", "stale", "rejected"):
                if count := getattr(report, result):
                    metrics.SINK_ARTICLES.labels(SINK, result).inc(count)
                if count := getattr(report, f"stories_{result}"):
                    metrics.SINK_STORIES.labels(SINK, result).inc(count)
            for table, count in report.rows.items():
                metrics.SINK_ROWS.labels(SINK, table).inc(count)
        self.pending.update(offsets)
        self.batches += 1

    async def _retrying(self, consumer: AIOKafkaConsumer, attempt_once: Any,
                        what: str) -> Any:
        """``await attempt_once()`` until it succeeds; None when stopped first. Fetching is
        paused while it fails."""
        attempt = 0
        while True:
            try:
                result = await asyncio.wait_for(attempt_once(), WRITE_TIMEOUT_S)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                kind = error_kind(exc)
                metrics.SINK_ERRORS.labels(SINK, kind).inc()
                self.up.set(0)
                await self.writer.close()  # a broken or timed-out connection is not reused
                delay = backoff(attempt, self.settings.sink_backoff_s,
                                self.settings.sink_backoff_max_s)
                log.warning("sink: %s failed (%s: %s: %s); consuming paused, retrying in %.1f s",
                            what, kind, type(exc).__name__, str(exc).strip().splitlines()[0]
                            if str(exc).strip() else "", delay,
                            exc_info=kind == "database")
                if not await self._wait_paused(consumer, delay):
                    return None
                attempt += 1
                continue
            if attempt:
                log.info("sink: database back after %d failed attempt(s); consuming again",
                         attempt)
                consumer.resume(*consumer.assignment())
            self.up.set(1)
            return result

    async def _wait_paused(self, consumer: AIOKafkaConsumer, delay: float) -> bool:
        """Wait ``delay`` seconds with every partition paused, polling the consumer so that it
        stays in its group; False when stopped meanwhile."""
        deadline = time.monotonic() + delay
        while not self.stopping.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            consumer.pause(*consumer.assignment())  # after a rebalance, new ones too
            try:
                got = await consumer.getmany(timeout_ms=int(min(left, 1.0) * 1000))
            except KafkaError as exc:
                log.debug("sink: poll while paused: %s", exc)
                await self._sleep(min(left, 1.0))
                continue
            for tp, records in got.items():  # fetched in the instant before a pause: again
                consumer.seek(tp, records[0].offset)
        return False

    async def _commit(self, consumer: AIOKafkaConsumer) -> None:
        """Commit the offsets of the batches written (a failure is retried with the next)."""
        if not self.pending:
            return
        assigned = consumer.assignment()
        offsets = {tp: meta for tp, meta in self.pending.items() if tp in assigned}
        try:
            if offsets:
                await consumer.commit(offsets)
            self.pending.clear()
        except KafkaError as exc:  # rebalance or broker away: the rows are written anyway
            log.warning("sink: offset commit failed (%s); will retry with the next batch", exc)
            self.pending = {tp: meta for tp, meta in self.pending.items()
                            if tp in consumer.assignment()}

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.stopping.wait(), seconds)
