"""Our Prometheus metrics, all in one place (Faust's own sensor adds its own alongside).

Labels stay low-cardinality: ``stage`` is one of the pipeline stages and ``reason`` one of the
fixed error codes of :mod:`streams.errors` (never a URL, an id or a message).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from streams import __version__

STAGES = ("parse", "enrich")

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
BUILD_INFO = Gauge("news_build_info", "Build information (value is always 1).", ["version"])
BUILD_INFO.labels(version=__version__).set(1)

for _stage in STAGES:  # expose zero-valued series from the start so rates are defined
    EVENTS_IN.labels(stage=_stage)
    EVENTS_OUT.labels(stage=_stage)
    PROCESSING_SECONDS.labels(stage=_stage)
