"""Kafka client configuration and topic creation, shared by the worker, ingestion and tests.

Every quirk of the Tansu broker is handled here, by configuration, and only when
``settings.tansu`` is true (the embedded broker, or ``NEWSSTREAM_BROKER_PROFILE=tansu``); the
README lists them. Pipeline logic never knows which broker it talks to.

* Tansu reports a wrong end offset when a produce batch holds more than one record: embedded
  producers send one record per batch (``max_batch_size=1`` / ``producer_max_batch_size=1``).
* Idempotent and transactional producers fail on Tansu: idempotence stays off in embedded mode
  and processing is at-least-once everywhere, made harmless by stable article ids.
* Tansu holds a group join for half the session timeout: embedded mode uses short session,
  heartbeat and rebalance timeouts so the first assignment takes seconds, not half a minute.
* Tansu holds a fetch naming several partitions for the whole fetch wait, even when records
  arrive: consumers wait at most 100 ms (Faust through the ``tansu://`` transport of
  :mod:`streams.faust_tansu`), or every hop would add up to 1.5 s of latency.
* That end-offset bug is in the ListOffsets answer only (fetches return every record and the
  right high watermark), and harms only what reads end offsets: Faust's table recovery, lag
  figures and consumers starting "from the end". The fan-out topics (``topics.FAN_OUT``: the
  mention, topic and trend events, all of an article's records but one or two) have none of
  those in the pipeline, so the stages produce them through a second, batching producer
  (:func:`fan_out_producer_config`): one record per batch cost about 0.8 ms a record on the
  embedded broker, a third of the worker's time on real pages.
  A subscriber that starts at the end of one of them may re-read up to one batch.
* Tansu auto-creates unknown topics with 4 partitions: :func:`ensure_topics` creates every topic
  with its configured partition count before any client looks one up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, TopicAlreadyExistsError

from streams.settings import Settings
from streams.topics import ALL_TOPICS, INTERNAL_TOPICS, internal

log = logging.getLogger(__name__)

#: The producers' request limit, and the ``max.message.bytes`` of every topic we create (a real
#: cluster's default is 1 MB). It is above the default page limit plus JSON/base64 overhead.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
#: The largest key plus value any of our producers sends: the request limit less room for the
#: record batch framing and headers. Dead letters are cut to fit it (streams/stage.py).
MAX_RECORD_BYTES = MAX_REQUEST_BYTES - 16 * 1024
#: Topic configuration of every topic :func:`ensure_topics` creates.
TOPIC_CONFIGS = {"max.message.bytes": str(MAX_REQUEST_BYTES)}


def producer_config(settings: Settings) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "acks": "all",
        "max_request_size": MAX_REQUEST_BYTES,
        "compression_type": "gzip",
        "linger_ms": 5,
    }
    if settings.tansu:
        config.update(max_batch_size=1, enable_idempotence=False)
    else:
        config.update(enable_idempotence=True)
    return config


def fan_out_producer_config(settings: Settings) -> dict[str, Any]:
    """The producer of the fan-out topics in the tansu profile: batches, unlike the rest."""
    config = producer_config(settings)
    config.pop("max_batch_size", None)
    return config


def consumer_config(settings: Settings, group_id: str | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap_servers": settings.bootstrap_servers,
        "group_id": group_id,
        "auto_offset_reset": "earliest",
        "enable_auto_commit": group_id is not None,
        "max_partition_fetch_bytes": MAX_REQUEST_BYTES,
        "fetch_max_bytes": 4 * MAX_REQUEST_BYTES,
    }
    if settings.tansu:
        config.update(session_timeout_ms=6000, heartbeat_interval_ms=500, fetch_max_wait_ms=100)
    return config


def faust_config(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``faust.App`` (broker and worker settings)."""
    config: dict[str, Any] = {
        "broker": [
            f"{'tansu' if settings.tansu else 'newsstream'}://{server}"
            for server in settings.bootstrap_servers.split(",")
        ],
        "processing_guarantee": "at_least_once",
        "topic_partitions": settings.partitions,
        "topic_replication_factor": settings.replication,
        "producer_acks": -1,
        "producer_max_request_size": MAX_REQUEST_BYTES,
        "consumer_max_fetch_size": MAX_REQUEST_BYTES,
        "consumer_auto_offset_reset": "earliest",
        "web_bind": settings.web_host,
        "web_host": settings.web_host,
        "web_port": settings.web_port,
    }
    if settings.data_dir:
        config["datadir"] = settings.data_dir
    if settings.tansu:
        config.update(
            producer_max_batch_size=1,
            broker_session_timeout=6,
            broker_heartbeat_interval=0.5,
            broker_rebalance_timeout=10,
            broker_request_timeout=15,
            stream_recovery_delay=0,
        )
    return config


def make_producer(settings: Settings) -> AIOKafkaProducer:
    return AIOKafkaProducer(**producer_config(settings))


def make_consumer(
    settings: Settings, *topics: str, group_id: str | None = None
) -> AIOKafkaConsumer:
    return AIOKafkaConsumer(*topics, **consumer_config(settings, group_id))


def make_admin(settings: Settings) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=settings.bootstrap_servers)


async def start_admin(settings: Settings, retries: int = 20, delay_s: float = 0.5
                      ) -> AIOKafkaAdminClient:
    """A started admin client; a broker that is still starting gets ``retries`` tries."""
    for attempt in range(retries):
        admin = make_admin(settings)
        try:
            await admin.start()
            return admin
        except KafkaConnectionError:
            await admin.close()
            if attempt == retries - 1:
                raise
            await asyncio.sleep(delay_s)
    raise AssertionError("unreachable")  # pragma: no cover (the loop returns or raises)


async def create_topics(
    settings: Settings, topics: Sequence[str], configs: Mapping[str, str] | None = None,
    retries: int = 20, partitions: int | None = None,
) -> list[str]:
    """Create those of ``topics`` that do not exist yet, with ``partitions`` (default: the
    configured count) and the configured replication and ``configs`` on top of
    :data:`TOPIC_CONFIGS`; return the names created.

    The one place topics are created (the pipeline's, ingestion's seen-URL topic). An existing
    topic keeps its configuration; a concurrent creation by another process is not an error.
    """
    admin = await start_admin(settings, retries)
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in topics if name not in existing]
        for name in missing:
            with contextlib.suppress(TopicAlreadyExistsError):  # another worker won the race
                await admin.create_topics([NewTopic(
                    name, partitions or settings.partitions, settings.replication,
                    topic_configs={**TOPIC_CONFIGS, **(configs or {})},
                )])
        if missing:
            log.info("created topics %s", ", ".join(missing))
        return missing
    finally:
        await admin.close()


def topic_names(settings: Settings) -> list[str]:
    """Every topic :func:`ensure_topics` creates: the pipeline's and the app's internal ones."""
    return [t.name for t in ALL_TOPICS] + [internal(t, settings.app_id).name
                                            for t in INTERNAL_TOPICS]


async def ensure_topics(settings: Settings, retries: int = 20) -> list[str]:
    """Create every pipeline topic, and the app's internal topics (their own partition
    counts), that do not exist yet, the compacted ones (``TopicSpec.compacted``: news.stories,
    the dedup table's changelog) with ``cleanup.policy=compact``; return the names created. An
    existing topic keeps its configuration (:func:`create_topics`)."""
    compact = {"cleanup.policy": "compact"}
    created = await create_topics(settings, [t.name for t in ALL_TOPICS if not t.compacted],
                                  retries=retries)
    created += await create_topics(settings, [t.name for t in ALL_TOPICS if t.compacted],
                                   compact, retries)
    for spec in INTERNAL_TOPICS:
        created += await create_topics(settings, [internal(spec, settings.app_id).name],
                                       compact if spec.compacted else None, retries,
                                       spec.partitions)
    return created


async def group_lag(
    admin: AIOKafkaAdminClient, group: str, ends: Mapping[TopicPartition, int]
) -> dict[TopicPartition, int]:
    """Consumer lag of ``group`` as Kafka tools define it: end offset minus committed offset
    (a partition the group never committed counts from 0), for the partitions in ``ends``."""
    # Explicit partitions: the embedded broker cannot list a group's offsets without them.
    committed = await admin.list_consumer_group_offsets(group, partitions=list(ends))
    lag = {}
    for tp, end in ends.items():
        meta = committed.get(tp)
        done = meta.offset if meta is not None and meta.offset >= 0 else 0
        lag[tp] = max(0, end - done)
    return lag
