"""Our Prometheus metrics, all in one place (Faust's own sensor adds its own alongside).

Labels stay low-cardinality: ``stage`` is one of the pipeline stages and ``reason`` one of the
fixed error codes of :mod:`streams.errors` (never a URL, an id or a message).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from streams import __version__
from streams.errors import FETCH_KINDS, FETCH_OUTCOMES, FETCH_REASONS, STAGE_REASONS

STAGES = tuple(STAGE_REASONS)

EVENTS_IN = Counter(
    "news_stage_events_in", "Records a stage consumed from its input topic.", ["stage"]
)
EVENTS_OUT = Counter(
    "news_stage_events_out", "Records a stage produced to its main output topic.", ["stage"]
)
DEAD_LETTERS = Counter(
    "news_stage_dead_letters",
    "Records a stage sent to news.deadletter, by error reason.",
    ["stage", "reason"],
)
RECORDS_LOST = Counter(
    "news_stage_records_lost",
    "Records a stage could neither process nor dead-letter, because the broker refused even "
    "the dead letter (each is logged with its topic, partition, offset and key).",
    ["stage"],
)
CORE_RESTARTS = Counter(
    "news_stage_core_restarts",
    "Core processes of a stage killed and replaced (streams/coreproc.py): reason=timeout (a "
    "record ran past the stage timeout), rss (grown by more than NEWSSTREAM_CORE_MAX_RSS_MB "
    "since it was ready), crash (the process died on a record).",
    ["stage", "reason"],
)
CORE_RSS = Gauge(
    "news_stage_core_rss_bytes",
    "Resident memory of a stage's core process after its last record (0: not started yet).",
    ["stage"],
)
PROCESSING_SECONDS = Histogram(
    "news_stage_processing_seconds",
    "Time a stage's pure core spent on one record.",
    ["stage"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
FRESHNESS_SECONDS = Histogram(
    "news_freshness_seconds",
    "Time from fetch (or ingestion) of a raw page to its enriched event.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600),
)
ARTICLES_MISSING = Counter(
    "news_parse_articles_missing",
    "Articles the parse stage produced without a field (extraction health), by field.",
    ["field"],
)
ENTITIES_PER_ARTICLE = Histogram(
    "news_enrich_entities_per_article",
    "Distinct entities the enrich stage found in one article.",
    buckets=(0, 1, 2, 5, 10, 20, 40, 80),
)
ENRICH_TEXT_CUT = Counter(
    "news_enrich_text_cut",
    "Articles longer than the enrich stage reads (streams/enrich/core.py MAX_TEXT_CHARS: title, "
    "body and captions together): entities, topics and keywords come from their first part.",
)
TOPICS_PER_ARTICLE = Histogram(
    "news_enrich_topics_per_article",
    "IPTC topics the enrich stage assigned to one article.",
    buckets=(0, 1, 2, 3, 5),
)
CONSUMER_LAG = Gauge(
    "news_consumer_lag_messages",
    "Messages between a partition's end offset and the group's committed offset, for the "
    "partitions assigned to this worker.",
    ["topic", "partition"],
)
WORKER_READY = Gauge(
    "news_worker_ready", "1 once the worker has its assignment and finished recovery, else 0."
)
BROKER_UP = Gauge(
    "news_broker_up",
    "1 while the worker's broker answers its checks (every 2 s, 5 s timeout), 0 while it does not.",
)
TOPICS_RECREATED = Counter(
    "news_topics_recreated",
    "Pipeline topics the worker found missing on its broker and created again (an embedded "
    "broker that restarted comes back empty).",
)
EMBEDDED_BROKER_RSS = Gauge(
    "news_embedded_broker_rss_bytes",
    "Resident memory of the embedded broker this worker owns (every 5 s; 0 without one).",
)
EMBEDDED_BACKLOG = Gauge(
    "news_embedded_backlog_records",
    "Records ingested that the pipeline has yet to take (news.raw-html, news.articles, the "
    "dedup stage's input), as the ingestion gate of the worker that owns the embedded broker "
    "counts them; ingestion waits at NEWSSTREAM_EMBEDDED_MAX_BACKLOG (streams/roll.py).",
)
EMBEDDED_BACKLOG_BYTES = Gauge(
    "news_embedded_backlog_bytes",
    "Bytes of the ingested records the pipeline has yet to take, as the ingestion gate of the "
    "worker that owns the embedded broker counts them: ingestion waits while what the pipeline "
    "makes of them would not fit under NEWSSTREAM_EMBEDDED_MAX_MB (streams/roll.py).",
)
EMBEDDED_BROKER_ROLLS = Counter(
    "news_embedded_broker_rolls",
    "Rolls of the embedded broker (streams/roll.py): result=rolled (a fresh broker with the "
    "topics and compacted state carried over), called_off (consumer groups did not catch up; "
    "ingestion stays paused, tried again later), failed (an error; logged, tried again later).",
    ["result"],
)
SINK_ARTICLES = Counter(
    "news_sink_articles",
    "Enriched articles a sink handled: result=written (inserted or replaced), stale (the stored "
    "version is newer; nothing changed), rejected (the database refused the article's rows; "
    "logged with its partition and offset), invalid (not a readable news.enriched value).",
    ["sink", "result"],
)
SINK_STORIES = Counter(
    "news_sink_stories",
    "Story states (news.stories) a sink handled: result=written (inserted or replaced), stale "
    "(the stored state is newer; nothing changed), rejected (the database refused the story's "
    "rows), invalid (not a readable news.stories value), expired (a tombstone: the story expired "
    "in the stream; its rows are kept).",
    ["sink", "result"],
)
SINK_ROWS = Counter(
    "news_sink_rows", "Rows a sink wrote (inserted or upserted), by table.", ["sink", "table"]
)
SINK_BATCH_SECONDS = Histogram(
    "news_sink_batch_seconds",
    "Time a sink took to write one batch (one database transaction, retries excluded).",
    ["sink"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
SINK_ERRORS = Counter(
    "news_sink_errors",
    "Failed write attempts of a sink, retried with backoff: kind=unavailable (cannot connect, "
    "connection lost, timeout), conflict (deadlock or serialization failure), database (any "
    "other error of the database, such as a missing table).",
    ["sink", "kind"],
)
SINK_UP = Gauge(
    "news_sink_up",
    "1 while a sink's database accepts its writes, 0 while it retries (consuming stops).",
    ["sink"],
)
DEDUP_ARTICLES = Counter(
    "news_dedup_articles",
    "Articles the dedup agent decided on: result=original, exact_copy (the same normalised "
    "body), near_copy (similarity at or above the threshold), redelivered (already in the "
    "table: its first decision again).",
    ["result"],
)
DEDUP_EXPIRED = Counter(
    "news_dedup_expired", "Articles deleted from the dedup table: older than the horizon.",
)
DEDUP_STATE_ARTICLES = Gauge(
    "news_dedup_state_articles", "Articles in this worker's dedup table (within the horizon).",
)
DEDUP_STATE_BUCKETS = Gauge(
    "news_dedup_state_buckets", "Non-empty LSH buckets in this worker's dedup index.",
)
TRENDS_POINTS = Counter(
    "news_trends_points",
    "news.trends points the dedup agent produced: one per trend key of an original article, "
    "and a re-delivered article's again.",
)
STORIES_EXPIRED = Counter(
    "news_stories_expired",
    "Stories forgotten past the stories' horizon (each sent to news.stories as a tombstone).",
)
STORIES_STATE_STORIES = Gauge(
    "news_stories_state_stories",
    "Stories within the stories' horizon, in this worker's dedup agent.",
)
TRENDS_STATE_KEYS = Gauge(
    "news_trends_state_keys",
    "Entity ids and topic codes with a count in a window within the trends' horizon, in this "
    "worker's dedup agent.",
)
BUILD_INFO = Gauge("news_build_info", "Build information (value is always 1).", ["version"])
BUILD_INFO.labels(version=__version__).set(1)

for _result in ("original", "exact_copy", "near_copy", "redelivered"):
    DEDUP_ARTICLES.labels(result=_result)
for _field in ("title", "body", "published", "author"):
    ARTICLES_MISSING.labels(field=_field)
for _stage in STAGES:  # expose zero-valued series from the start so rates are defined
    EVENTS_IN.labels(stage=_stage)
    EVENTS_OUT.labels(stage=_stage)
    PROCESSING_SECONDS.labels(stage=_stage)
    RECORDS_LOST.labels(stage=_stage)
    for _reason in STAGE_REASONS[_stage]:
        DEAD_LETTERS.labels(stage=_stage, reason=_reason)

# Ingestion (streams/ingest): feeds, push, replay. ``kind`` is feed|sitemap|page|robots,
# ``host_class`` is public|allowlisted, ``outcome``/``reason`` are the fixed codes of
# streams/ingest/fetch.py; ``feed`` is a name from the feeds config file (bounded by it).
FETCHES = Counter(
    "news_fetch_requests", "HTTP fetches by kind, outcome and host class.",
    ["kind", "outcome", "host_class"],
)
FETCH_BYTES = Counter("news_fetch_bytes", "Decoded body bytes received, by kind.", ["kind"])
FETCH_SECONDS = Histogram(
    "news_fetch_seconds", "Latency of one fetch (all retries and redirects), by kind.", ["kind"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
INGEST_ITEMS = Counter(
    "news_ingest_items", "Entry URLs found in feeds/sitemaps: result=discovered|new.",
    ["feed", "result"],
)
INGEST_POLL_LAG = Gauge(
    "news_ingest_feed_poll_lag_seconds", "How late the last poll of a feed started.", ["feed"],
)
INGEST_PRODUCED = Counter(
    "news_ingest_produced", "Records put on news.raw-html, by source kind.", ["source"],
)
INGEST_SKIPPED = Counter(
    "news_ingest_skipped", "Pages not ingested and not dead-lettered, by reason.", ["reason"],
)
INGEST_BACKPRESSURE_SECONDS = Counter(
    "news_ingest_backpressure_seconds",
    "Time the poller waited because news.raw-html lag or producing was over its limit.",
)
INGEST_RAW_LAG = Gauge(
    "news_ingest_raw_html_lag", "Consumer lag of the pipeline group on news.raw-html.",
)
INGEST_FEEDS_CONFIGURED = Gauge(
    "news_ingest_feeds_configured", "Feeds in this process's feeds file (polled or not).",
)
INGEST_FEEDS_OWNED = Gauge(
    "news_ingest_feeds_owned", "Feeds this process polls now (feeds are shared by partition).",
)
INGEST_SEEN_URLS = Gauge(
    "news_ingest_seen_urls", "URLs the seen-URL store remembers (in memory, not yet expired).",
)

for _kind in FETCH_KINDS:  # zero-valued fetch series for public hosts, as for dead letters
    FETCH_BYTES.labels(kind=_kind)
    for _outcome in (*FETCH_OUTCOMES, *FETCH_REASONS):
        FETCHES.labels(kind=_kind, outcome=_outcome, host_class="public")
