"""Rolling the embedded broker, so that embedded mode can run for days in bounded memory.

The embedded Tansu broker keeps every record in memory, with no retention (it grew from 18 MB
to 1 GB in ten minutes at 10 pages/s; issue 16). Its resident memory has a ceiling,
``NEWSSTREAM_EMBEDDED_MAX_MB``; when it passes :data:`ROLL_AT` of it (the roll point), the
worker that owns it *rolls* it:

1. ingestion pauses (:class:`streams.ingest.emit.IngestGate`: what the feed poller and push
   produce waits; a push is held, then answered 503 with a Retry-After) and stays paused
   until a roll has succeeded;
2. the roll waits until every consumer group with members (the pipeline's stages, a sink, a
   subscriber that uses a group) has consumed and committed everything it reads, read from
   the partitions' fetch responses (this broker's end offsets are unreliable for batched
   topics, streams/kafka.py); after ``DRAIN_LIMIT_S`` without that, the roll is called off
   and tried again every ``RETRY_S``, ingestion still paused: nothing unprocessed is ever
   discarded (a roll is never forced), and the broker does not grow past its ceiling
   meanwhile;
3. the state it must keep is read: every topic's partitions and configuration, and the
   latest value per key of every compacted topic: Faust table changelogs (tables survive a
   roll), ingestion's seen-URL store, the dead-letter replay log;
4. a fresh broker starts on the same address, the topics are created as they were, the
   compacted topics' latest values are produced again to their partitions; once the groups
   that had members have rejoined (so none starts "from the end" past new records) and this
   worker has sought the recreated topics to their start, ingestion resumes. The worker's
   clients reconnect as after any broker loss (streams/health.py), and its consumer reads the
   recreated topics again from their start once reassigned and ready
   (:meth:`streams.health.BrokerWatch.rewind`; before ingestion resumes, so that no record is
   read both before and after that seek): its positions and the offsets it commits late are
   those of the old broker, above the new records, which it would otherwise skip (a 30-minute
   soak lost 62 pages so, and two partitions never committed again, so no later roll could
   drain); its tables' recovery forgets how far it had read their changelogs, and reads the
   carried-over ones from their start.

**The ceiling.** Past the roll point the broker still grows, by the outputs of what was already
in the pipeline (a raw page becomes an article, a record to the dedup stage, an enriched article
and its fan-out events), and by what ingestion let in before the next check saw it there. So the
ingestion gate (streams/ingest/emit.py) lets a record in only while

    broker memory + GROWTH_PER_BYTE * (bytes of the records in the pipeline, this one's too)
                  + GROWTH_PER_RECORD * (records in the pipeline, this one too)
        <= NEWSSTREAM_EMBEDDED_MAX_MB

where the pipeline's records are those its stages have yet to take from the topics whose
records still make the broker grow (:func:`backlog_topics`), measured every
``BACKLOG_CHECK_S`` as the pipeline group's lag plus what the gate let in since, and the
broker's memory is read right after each measurement (so the outputs of every record that has
left the pipeline are in it). :data:`GROWTH_PER_BYTE` and :data:`GROWTH_PER_RECORD` are what
the broker grows by, at most, for a byte of raw record and for a record, once every stage has
made its outputs of it (measured; the numbers are with them). Every growth of the broker
comes from ingestion, so it stays under its ceiling. The bound assumes the pipeline's records
are the latest let in (the stages read partitions in order), and only records that go through
this worker's gate count: `newsstream ingest` or a dead-letter replay run against the embedded
broker from another process are not gated. With a ceiling under ``2 * GROWTH_PER_BYTE`` times
the 8 MiB record limit, a record larger than the allowance goes in alone (it would wait for
ever) and may take the broker past it.
``NEWSSTREAM_EMBEDDED_MAX_BACKLOG`` also bounds the pipeline's backlog in records, so that a
roll's drain ends in bounded time.

A subscriber should commit only what it has handled (``streams.client`` does). A client that
commits its positions when its group rebalances (aiokafka's or Java's auto-commit) commits its
pre-roll offsets to the new broker, which accepts them although the member is unknown to it,
and then waits past records it has not read: on this broker, do not use auto-commit.

What a roll discards: the history of the other topics (raw pages, articles, enriched articles,
fan-out events, dead letters), so nothing before the roll can be replayed or read from the
beginning, and the committed positions of groups without members (they start again at the
beginning of the new broker). Embedded mode is for a laptop, a demo or a small feed list; the
real Kafka of docker-compose keeps history (README, "Embedded mode").
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import faust
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from streams import kafka, memory, metrics
from streams.broker import EmbeddedBroker
from streams.health import BrokerWatch
from streams.ingest.emit import IngestGate
from streams.ingest.runner import KafkaLag
from streams.settings import Settings
from streams.topics import ARTICLES, RAW_HTML, STORIES_IN, internal

log = logging.getLogger(__name__)

#: The share of ``NEWSSTREAM_EMBEDDED_MAX_MB`` at which ingestion pauses and the broker is
#: rolled: the rest is room for what the pipeline makes of its backlog meanwhile.
ROLL_AT = 0.5
#: Most the broker grows by for each byte of a raw record let in, once the pipeline has made
#: all its outputs of it (article, dedup input, enriched article, fan-out events, its share of
#: the broker's own bookkeeping). Measured with the embedded broker (bench/faults.py
#: ``--only fanout``: 0.91 for real pages, whose markup parse drops; 5.0 for pages that are
#: all article text, as base64 records, and 7.4 for the same pushed as HTML text, the worst
#: case: every stage carries the text on); rounded up.
GROWTH_PER_BYTE = 8
#: Most the broker grows by for any one record besides, whatever its size: what its entities
#: add (each is carried by the enriched article and the dedup stage's input, and has a mention
#: event and a trend record; at most ``MAX_ENTITIES`` of streams/enrich/core.py). Measured
#: with 22 KB pages of nothing but distinct names (bench/faults.py ``--only fanout``): 292 KB
#: a record in all, of which 116 KB over ``GROWTH_PER_BYTE`` times its size; with room for
#: longer names.
GROWTH_PER_RECORD = 512 * 1024
#: How often the broker's memory is read for a roll.
CHECK_S = 5.0
#: How often the pipeline's backlog and the broker's memory are measured for the ingestion
#: gate (in between, the gate counts what it lets in).
BACKLOG_CHECK_S = 1.0
#: Longest wait for every group to catch up before a roll is called off.
DRAIN_LIMIT_S = 300.0
#: After a called-off roll, how long before the next try.
RETRY_S = 60.0
#: Longest the compacted topics may take to read (they are small: tables, seen URLs).
SNAPSHOT_LIMIT_S = 120.0
#: Longest wait for the groups to rejoin on the new broker before ingestion resumes.
REJOIN_LIMIT_S = 30.0


@dataclass
class TopicState:
    """A topic as the roll recreates it: its shape, and for a compacted topic its records."""

    partitions: int
    configs: dict[str, str]
    #: latest value per (partition, key), compacted topics only
    latest: dict[tuple[int, bytes | None], bytes] = field(default_factory=dict)

    @property
    def compacted(self) -> bool:
        return "compact" in self.configs.get("cleanup.policy", "")


class BrokerRoll:
    """Watches the embedded broker's memory and rolls it past the roll point, and keeps the
    broker under its ceiling through the ingestion gate (see the module)."""

    def __init__(self, app: faust.App, settings: Settings, broker: EmbeddedBroker,
                 gate: IngestGate, watch: BrokerWatch | None = None) -> None:
        self.app = app
        self.watch = watch
        self.settings = settings
        self.broker = broker
        self.gate = gate
        self.ceiling = settings.embedded_max_mb * 1024 * 1024
        self.roll_point = int(self.ceiling * ROLL_AT)
        self.drain_limit_s = DRAIN_LIMIT_S
        self.next_try = 0.0
        self.lag: KafkaLag | None = None

    def rss(self) -> int:
        process = self.broker.process
        return memory.rss_bytes(process.pid) if process is not None else 0

    async def check(self) -> None:
        """Over the roll point: ingestion pauses, and stays paused until a roll has succeeded
        (a roll called off is tried again every ``RETRY_S``), so that the broker grows by no
        more than the outputs of the backlog already in (:meth:`measure_backlog`)."""
        rss = self.rss()
        metrics.EMBEDDED_BROKER_RSS.set(rss)
        if not (self.roll_point and rss > self.roll_point):
            self.gate.resume("over_limit")
            return
        self.gate.pause("over_limit")
        if time.monotonic() < self.next_try:
            return
        try:
            rolled = await self.roll()
        except Exception:  # logged and tried again later; a stopped broker is restarted
            rolled = False
            metrics.EMBEDDED_BROKER_ROLLS.labels(result="failed").inc()
            self.next_try = time.monotonic() + RETRY_S
            log.exception("embedded broker roll failed; ingestion stays paused; trying again "
                          "in %gs", RETRY_S)
            if self.broker.process is None:
                await asyncio.to_thread(self.broker.start)
        if rolled:
            self.gate.resume("over_limit")

    async def measure_backlog(self) -> None:
        """Tell the gate how many records the pipeline has yet to take from the topics whose
        records still make the broker grow (see :func:`backlog_topics`), then how many bytes
        of them fit under the ceiling given the broker's memory now. A failed probe leaves the
        gate counting what it lets in, so it closes at its bounds all the same."""
        try:
            await self._measure_backlog()
        finally:
            if self.ceiling:
                rss = self.rss()
                metrics.EMBEDDED_BROKER_RSS.set(rss)
                self.gate.allow(allowance(self.ceiling, rss))
                metrics.EMBEDDED_BACKLOG_BYTES.set(self.gate.backlog_bytes)

    async def _measure_backlog(self) -> None:
        pending, entered = self.gate.pending, self.gate.entered
        try:
            if self.lag is None:
                self.lag = KafkaLag(self.settings, self.settings.app_id,
                                    backlog_topics(self.settings))
                await self.lag.start()
            else:
                await self.lag.refresh()  # topics recreated by a roll or a broker restart
            backlog = await self.lag()
        except Exception as exc:  # the broker is being rolled or is away: a fresh probe next
            log.debug("pipeline backlog probe failed: %s", exc)
            if self.lag is not None:
                with contextlib.suppress(Exception):
                    await self.lag.stop()
                self.lag = None
            return
        self.gate.measured(backlog, pending, entered)
        metrics.EMBEDDED_BACKLOG.set(self.gate.backlog)

    async def roll(self) -> bool:
        """Roll the broker now; False when it was called off (groups did not catch up)."""
        started, before = time.monotonic(), self.rss()
        log.warning("embedded broker uses %d MB, over its roll point (%g of "
                    "NEWSSTREAM_EMBEDDED_MAX_MB=%d): pausing ingestion to roll it", before >> 20,
                    ROLL_AT, self.settings.embedded_max_mb)
        self.gate.pause("roll")
        try:
            behind = await self._drain()
            if behind:
                self.next_try = time.monotonic() + RETRY_S
                metrics.EMBEDDED_BROKER_ROLLS.labels(result="called_off").inc()
                log.warning("embedded broker roll called off: after %gs %s; ingestion stays "
                            "paused; trying again in %gs", self.drain_limit_s,
                            "; ".join(behind[:5]), RETRY_S)
                return False
            drained = time.monotonic() - started
            topics = await self._snapshot()
            groups = await self._groups()
            await asyncio.to_thread(self.broker.stop)
            # before the worker's group can rejoin the new broker:
            if self.watch is not None:  # read the recreated topics from their start
                self.watch.topics_recreated(topics)
            self._forget_changelog_offsets(topics)
            await asyncio.to_thread(self.broker.start)
            carried = await self._restore(topics)
            await self._rejoined(groups)
            await self._rewound()
            metrics.EMBEDDED_BROKER_ROLLS.labels(result="rolled").inc()
            metrics.EMBEDDED_BROKER_RSS.set(self.rss())
            log.warning("embedded broker rolled: %d MB -> %d MB; %d topics recreated, %d "
                        "records of compacted topics carried over; drained in %.1fs, ingestion "
                        "paused %.1fs", before >> 20, self.rss() >> 20, len(topics), carried,
                        drained, time.monotonic() - started)
            return True
        finally:
            self.gate.resume("roll")

    def _forget_changelog_offsets(self, topics: Iterable[str]) -> None:
        """Make Faust recover its tables from the new broker's changelogs, from their start.

        Faust's table recovery remembers how far it read each changelog partition and refuses
        to start when a partition's end is below that (``ConsistencyError``: a soak's worker
        crashed so after its fifth roll): the carried-over changelog holds one record per key,
        fewer than the old one. Forgetting those positions, as Faust does for a partition
        revoked, has it read the carried-over records into the tables again. (A RocksDB
        store keeps its own position on disk, which this does not reset.)"""
        # TableManager has the recovery service; its interface type does not declare it.
        recovery = self.app.tables.recovery  # type: ignore[attr-defined]
        recreated = set(topics)
        for tp in list(recovery.active_offsets) + list(recovery.standby_offsets):
            if tp.topic in recreated:
                recovery.revoke(tp)

    async def _drain(self) -> list[str]:
        """Wait until no group with members is behind; what is still behind after the limit."""
        deadline = time.monotonic() + self.drain_limit_s
        while True:
            try:
                behind = await self._behind()
            except Exception as exc:  # the broker did not answer: not drained yet
                behind = [f"broker check failed ({exc.__class__.__name__}: {exc})"]
            if not behind or time.monotonic() > deadline:
                return behind
            await asyncio.sleep(1.0)

    async def _behind(self) -> list[str]:
        """``group topic[partition] at X of Y`` for every position short of its partition's end."""
        admin = await kafka.start_admin(self.settings, retries=1)
        consumer = kafka.make_consumer(self.settings)
        await consumer.start()
        try:
            partitions = await _partitions(consumer)
            positions: dict[tuple[str, TopicPartition], int] = {}
            for group in await _groups_with_members(admin):
                committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
                for tp, meta in committed.items():
                    if meta is not None and meta.offset >= 0:
                        positions[group, tp] = meta.offset
            # this worker's own assignment counts from 0 where nothing is committed yet; its
            # tables' changelogs (Faust names them ``*-changelog``) are assigned to it too, but
            # read only to recover, never committed
            for tp in self.app.consumer.assignment():
                if tp.topic.endswith("-changelog"):
                    continue
                key = (self.settings.app_id, TopicPartition(tp.topic, tp.partition))
                positions.setdefault(key, 0)
            ends = await _highwaters(consumer, {tp: min(
                offset for (_, t), offset in positions.items() if t == tp)
                for _, tp in positions})
            return [f"{group} {tp.topic}[{tp.partition}] at {offset} of {ends[tp]}"
                    for (group, tp), offset in sorted(positions.items(), key=str)
                    if offset < ends[tp]]
        finally:
            await consumer.stop()
            await admin.close()

    async def _groups(self, among: set[str] | None = None) -> set[str]:
        """Groups with members: those listed, or those of ``among`` (this broker lists only
        groups that have committed offsets, which a new broker has none of)."""
        admin = await kafka.start_admin(self.settings, retries=1)
        try:
            return set(await _groups_with_members(admin, among))
        finally:
            await admin.close()

    async def _rejoined(self, groups: set[str]) -> None:
        """Wait (up to ``REJOIN_LIMIT_S``) until the groups that had members have them again
        on the new broker: they have no committed offsets there, so one that rejoined after
        ingestion resumed would start at its reset position (the end, for many) and skip what
        came before."""
        deadline = time.monotonic() + REJOIN_LIMIT_S
        while time.monotonic() < deadline:
            try:
                if groups <= await self._groups(groups):
                    return
            except Exception:  # the new broker is still starting up for this client
                log.debug("group listing failed while waiting for groups to rejoin",
                          exc_info=True)
            await asyncio.sleep(0.5)
        log.warning("embedded broker roll: groups %s did not rejoin within %gs; resuming",
                    ", ".join(sorted(groups - await self._groups(groups))), REJOIN_LIMIT_S)

    async def _rewound(self) -> None:
        """Wait (up to ``REJOIN_LIMIT_S``) until this worker, assigned and ready again, has
        sought the recreated topics to their start (:meth:`streams.health.BrokerWatch.rewind`):
        what ingestion let in before that seek would be processed once before it and again
        after it (a 30-minute soak re-produced 23% of its pages so, about 200 per roll)."""
        if self.watch is None:
            return
        deadline = time.monotonic() + REJOIN_LIMIT_S
        while self.watch.recreated and time.monotonic() < deadline:
            await self.watch.rewind(self.app)
            if self.watch.recreated:
                await asyncio.sleep(0.2)
        if self.watch.recreated:
            log.warning("embedded broker roll: the worker was not ready again within %gs; "
                        "resuming (records taken in meanwhile may be processed twice)",
                        REJOIN_LIMIT_S)

    async def _snapshot(self) -> dict[str, TopicState]:
        """Every topic's shape, and the latest value per key of the compacted ones."""
        admin = await kafka.start_admin(self.settings, retries=1)
        consumer = kafka.make_consumer(self.settings)
        await consumer.start()
        try:
            partitions = await _partitions(consumer)
            names = sorted({tp.topic for tp in partitions})
            configs = await _configs(admin, names)
            topics = {name: TopicState(sum(tp.topic == name for tp in partitions),
                                       configs.get(name, {})) for name in names}
            compacted = [tp for tp in partitions if topics[tp.topic].compacted]
            if compacted:
                consumer.assign(compacted)
                await consumer.seek_to_beginning(*compacted)
                ends = await _highwaters(consumer, {tp: 0 for tp in compacted})
                consumer.assign(compacted)
                await consumer.seek_to_beginning(*compacted)
                remaining = {tp for tp in compacted if ends[tp] > 0}
                deadline = time.monotonic() + SNAPSHOT_LIMIT_S
                while remaining:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"compacted partitions not read to their end in "
                                           f"{SNAPSHOT_LIMIT_S:g}s: {sorted(remaining)}")
                    for tp, records in (await consumer.getmany(timeout_ms=500)).items():
                        latest = topics[tp.topic].latest
                        for record in records:
                            if record.value is None:  # a tombstone: the key is gone
                                latest.pop((tp.partition, record.key), None)
                            else:
                                latest[tp.partition, record.key] = record.value
                        if await consumer.position(tp) >= ends[tp]:
                            remaining.discard(tp)
            return topics
        finally:
            await consumer.stop()
            await admin.close()

    async def _restore(self, topics: dict[str, TopicState]) -> int:
        """Create ``topics`` on the new broker and produce the compacted ones' records."""
        admin = await kafka.start_admin(self.settings)
        try:
            for name, state in topics.items():
                try:
                    await admin.create_topics([NewTopic(
                        name, state.partitions, self.settings.replication,
                        topic_configs=state.configs)])
                except Exception as exc:  # created meanwhile by a client looking it up
                    log.info("topic %s not created by the roll (%s)", name, exc)
        finally:
            await admin.close()
        producer = kafka.make_producer(self.settings)
        await producer.start()
        try:
            sent = [await producer.send(name, value, key=key, partition=partition)
                    for name, state in topics.items()
                    for (partition, key), value in state.latest.items()]
            for future in sent:
                await future  # raises if the new broker refused one
        finally:
            await producer.stop()
        return len(sent)


async def _partitions(consumer: AIOKafkaConsumer) -> list[TopicPartition]:
    topics = await consumer.topics()
    return [TopicPartition(topic, p) for topic in sorted(topics) if not topic.startswith("__")
            for p in sorted(consumer.partitions_for_topic(topic) or ())]


async def _groups_with_members(admin: AIOKafkaAdminClient,
                               among: Iterable[str] | None = None) -> list[str]:
    """Consumer groups that have members now (the others lose their positions in a roll): of
    those listed, or of ``among``.

    One group per request: this broker's answer for several groups at once does not decode.
    """
    names = among if among is not None else [g for g, _ in await admin.list_consumer_groups()]
    active = []
    for group in names:
        for response in await admin.describe_consumer_groups([group]):
            for described in response.groups:
                if described[5]:  # (error, group, state, protocol type, protocol, members…)
                    active.append(group)
    return active


async def _highwaters(consumer: AIOKafkaConsumer, start: dict[TopicPartition, int],
                      limit_s: float = 30.0) -> dict[TopicPartition, int]:
    """Each partition's end, from fetch responses (fetching from ``start``): this broker's
    ListOffsets answer is wrong after batched produces."""
    if not start:
        return {}
    consumer.assign(list(start))
    for tp, offset in start.items():
        consumer.seek(tp, offset)
    deadline = time.monotonic() + limit_s
    ends: dict[TopicPartition, int] = {}
    while len(ends) < len(start):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no fetch answer for {sorted(set(start) - set(ends))}")
        await consumer.getmany(timeout_ms=200, max_records=1)
        for tp in start:
            highwater = consumer.highwater(tp)
            if highwater is not None:
                ends[tp] = highwater
    return ends


async def _configs(admin: AIOKafkaAdminClient, names: Iterable[str]) -> dict[str, dict[str, str]]:
    """Each topic's configuration as the broker stores it."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    if not resources:
        return {}
    found: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for resource in response.resources:
            entries: list[Any] = resource[4]
            found[resource[3]] = {entry[0]: entry[1] for entry in entries
                                  if entry[1] is not None}
    return found


def backlog_topics(settings: Settings) -> list[str]:
    """The topics whose records, until the pipeline has taken them, still make the broker
    grow by their outputs: a raw page becomes an article, an article a record to the dedup
    stage, that one an enriched article and its fan-out events."""
    return [RAW_HTML.name, ARTICLES.name, internal(STORIES_IN, settings.app_id).name]


def allowance(ceiling: int, rss: int) -> int:
    """Bytes of raw records the pipeline's backlog may hold with the broker at ``rss``: what
    the pipeline makes of them fits under ``ceiling``."""
    return max(0, (ceiling - rss) // GROWTH_PER_BYTE)


def register(app: faust.App, settings: Settings, broker: EmbeddedBroker,
             gate: IngestGate, watch: BrokerWatch) -> BrokerRoll:
    """The worker that owns the embedded broker watches its memory and rolls it, and
    measures the pipeline's backlog and the broker's room for the ingestion gate."""
    roll = BrokerRoll(app, settings, broker, gate, watch)
    if roll.ceiling:
        gate.record_bytes = GROWTH_PER_RECORD // GROWTH_PER_BYTE
        # before the first measurement, as if the broker were at its roll point
        gate.allow(allowance(roll.ceiling, roll.roll_point))
        smallest = 2 * GROWTH_PER_BYTE * kafka.MAX_RECORD_BYTES
        if roll.ceiling < smallest:
            log.warning("NEWSSTREAM_EMBEDDED_MAX_MB=%d is under %d: a record near the %d MB "
                        "limit may take the embedded broker past it", settings.embedded_max_mb,
                        smallest >> 20, kafka.MAX_RECORD_BYTES >> 20)

    @app.timer(CHECK_S)
    async def check_embedded_broker() -> None:
        await roll.check()

    if gate.max_backlog or roll.ceiling:
        @app.timer(BACKLOG_CHECK_S)
        async def measure_pipeline_backlog() -> None:
            await roll.measure_backlog()

    return roll
