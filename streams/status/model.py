"""The status of one worker as a plain dict, from its metric samples and latest articles.

Pure and Faust-free: the inputs are prometheus_client metric families (``REGISTRY.collect()``
in the worker, a private ``CollectorRegistry`` in tests), timestamps and a ring of article
summaries. Rates are computed the way Prometheus' ``rate()`` would over a recent window: the
difference between the current counter values and a snapshot taken about ``window_s`` ago.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from prometheus_client.metrics_core import Metric

from streams.metrics import STAGES
from streams.records import Article, Enrichment

LabelSet = tuple[tuple[str, str], ...]
SampleKey = tuple[str, LabelSet]
Samples = dict[SampleKey, float]

PREFIX = "news_"  # only our own metrics (Faust's sensor adds hundreds of its own series)
PROCESS_RSS = "process_resident_memory_bytes"  # prometheus_client's, of the worker process
TOP_ENTITIES = 6
TOP_TOPICS = 3


def read_samples(families: Iterable[Metric]) -> Samples:
    """Sample name + sorted labels -> value, for our metric families (``_created`` left out)."""
    samples: Samples = {}
    for family in families:
        if not family.name.startswith(PREFIX) and family.name != PROCESS_RSS:
            continue
        for sample in family.samples:
            if sample.name.endswith("_created"):
                continue
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = float(sample.value)
    return samples


def _select(samples: Samples, name: str, **match: str) -> list[tuple[dict[str, str], float]]:
    return [
        (dict(labels), value)
        for (sample_name, labels), value in samples.items()
        if sample_name == name and all(dict(labels).get(k) == v for k, v in match.items())
    ]


def _total(samples: Samples, name: str, **match: str) -> float:
    return sum(value for _, value in _select(samples, name, **match))


def histogram_quantile(q: float, buckets: Iterable[tuple[float, float]]) -> float | None:
    """The ``q`` quantile of cumulative ``(le, count)`` buckets, as PromQL computes it.

    Linear interpolation inside the bucket holding the rank; the lowest bucket starts at 0; a
    rank in the ``+Inf`` bucket gives the highest finite bound. ``None`` without observations.
    """
    ordered = sorted(buckets)
    if not ordered or ordered[-1][1] <= 0:
        return None
    rank = q * ordered[-1][1]
    lower, below = 0.0, 0.0
    for upper, count in ordered:
        if count >= rank and count > below:
            if math.isinf(upper):
                return lower
            return lower + (upper - lower) * (rank - below) / (count - below)
        lower, below = upper, count
    return lower


def _buckets(samples: Samples, name: str) -> list[tuple[float, float]]:
    return [(float(labels["le"]), value) for labels, value in _select(samples, name + "_bucket")]


@dataclass(frozen=True, slots=True)
class Snapshot:
    at: float  # monotonic seconds
    samples: Samples


class SnapshotWindow:
    """Periodic snapshots of the samples, kept for about ``window_s``: the base of the rates.

    The oldest kept snapshot is the newest one at least ``window_s`` old (or simply the oldest
    while the worker is younger than the window), so a rate spans the whole window.
    """

    def __init__(self, window_s: float = 300.0) -> None:
        self.window_s = window_s
        self._snapshots: deque[Snapshot] = deque()
        self._lock = threading.Lock()

    def add(self, at: float, samples: Samples) -> None:
        with self._lock:
            self._snapshots.append(Snapshot(at, samples))
            while len(self._snapshots) >= 2 and self._snapshots[1].at <= at - self.window_s:
                self._snapshots.popleft()

    def base(self) -> Snapshot | None:
        with self._lock:
            return self._snapshots[0] if self._snapshots else None

    def __len__(self) -> int:
        return len(self._snapshots)


def _rate(now: float, base_value: float, span_s: float | None) -> float | None:
    if span_s is None or span_s <= 0:
        return None
    return max(0.0, now - base_value) / span_s


def _rounded(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def summarize(article: Article, enrichment: Enrichment, enriched_at: str) -> dict[str, Any]:
    """What the page shows of one enriched article (top entities and topics only)."""
    top = sorted(enrichment.entities, key=lambda e: (-e.mentions, e.first_offset))[:TOP_ENTITIES]
    topics = sorted(enrichment.topics, key=lambda t: -t.score)[:TOP_TOPICS]
    return {
        "article_id": article.id,
        "title": article.title,
        "url": article.canonical_url or article.url,
        "published": article.published,
        "publisher": article.publisher,
        "language": enrichment.language,
        "enriched_at": enriched_at,
        "entities": [
            {"id": e.id, "name": e.name, "type": e.type, "mentions": e.mentions} for e in top
        ],
        "topics": [
            {"code": t.code, "label": t.label_en, "score": round(t.score, 3)} for t in topics
        ],
    }


class LatestArticles:
    """A bounded, thread-safe ring of the latest enriched articles, one entry per article id.

    A re-delivered article (at-least-once) replaces its older entry and moves to the front.
    """

    def __init__(self, size: int = 10) -> None:
        self.size = size
        self._items: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, article: Article, enrichment: Enrichment, enriched_at: str) -> None:
        """An :data:`streams.status.hooks.EnrichedObserver`."""
        summary = summarize(article, enrichment, enriched_at)
        with self._lock:
            self._items.pop(article.id, None)
            self._items[article.id] = summary
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def items(self) -> list[dict[str, Any]]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._items.values()))


def build_status(
    samples: Samples,
    *,
    now: float,
    base: Snapshot | None,
    latest: list[dict[str, Any]],
    generated_at: str,
    window_s: float,
    worker: Mapping[str, Any] | None = None,
    trending: Mapping[str, Any] | None = None,
    stories: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The status dict (the body of ``/status.json`` and the content of ``/status``).

    ``samples`` are the current values at monotonic time ``now``; ``base`` is the snapshot the
    rates are measured from (``None``, or one taken at ``now``: rates are ``None``).
    ``trending``: :func:`streams.status.trending.trending`, and ``stories``:
    :func:`streams.status.trending.top_stories`, or ``None`` on a worker that does not hold
    the dedup agent's state.
    """
    span = (now - base.at) if base is not None and now > base.at else None
    before: Samples = base.samples if base is not None else {}

    def counter(name: str, **match: str) -> tuple[float, float | None]:
        value = _total(samples, name, **match)
        return value, _rate(value, _total(before, name, **match), span)

    stage_names = list(STAGES) + sorted(
        {labels["stage"] for labels, _ in _select(samples, "news_stage_events_in_total")}
        - set(STAGES)
    )
    stages: list[dict[str, Any]] = []
    for stage in stage_names:
        events_in, rate_in = counter("news_stage_events_in_total", stage=stage)
        events_out, rate_out = counter("news_stage_events_out_total", stage=stage)
        dead, rate_dead = counter("news_stage_dead_letters_total", stage=stage)
        stages.append({
            "stage": stage,
            "in": int(events_in),
            "out": int(events_out),
            "dead_letters": int(dead),
            "in_per_s": _rounded(rate_in),
            "out_per_s": _rounded(rate_out),
            "dead_letters_per_s": _rounded(rate_dead),
        })

    dead_letters: list[dict[str, Any]] = []
    for labels, value in _select(samples, "news_stage_dead_letters_total"):
        if value <= 0:
            continue
        old = _total(before, "news_stage_dead_letters_total", **labels)
        dead_letters.append({
            "stage": labels.get("stage", ""),
            "reason": labels.get("reason", ""),
            "count": int(value),
            "per_s": _rounded(_rate(value, old, span)),
        })
    dead_letters.sort(key=lambda d: (-d["count"], d["stage"], d["reason"]))

    name = "news_freshness_seconds"
    now_buckets = _buckets(samples, name)
    old_buckets = dict(_buckets(before, name))
    recent = [(le, count - old_buckets.get(le, 0.0)) for le, count in now_buckets]
    freshness = {
        "count": int(_total(samples, name + "_count")),
        "p50_s": _rounded(histogram_quantile(0.5, now_buckets), 3),
        "p95_s": _rounded(histogram_quantile(0.95, now_buckets), 3),
        "recent": {
            "count": int(max((c for _, c in recent), default=0.0)),
            "p50_s": _rounded(histogram_quantile(0.5, recent), 3) if span else None,
            "p95_s": _rounded(histogram_quantile(0.95, recent), 3) if span else None,
        },
    }

    memory = {
        "worker_bytes": _total(samples, PROCESS_RSS) or None,
        "core_bytes": {labels["stage"]: value for labels, value in
                       _select(samples, "news_stage_core_rss_bytes") if value > 0},
        # 0 but in the worker that owns an embedded broker
        "embedded_broker_bytes": _total(samples, "news_embedded_broker_rss_bytes") or None,
        "embedded_broker_rolls": int(_total(samples, "news_embedded_broker_rolls_total",
                                            result="rolled")),
    }

    return {
        "generated_at": generated_at,
        "window_s": round(span, 1) if span else None,
        "window_target_s": window_s,
        "worker": dict(worker or {}),
        "stages": stages,
        "dead_letters": dead_letters,
        "freshness": freshness,
        "memory": memory,
        "stories": stories,
        "trending": None if trending is None else dict(trending),
        "latest": latest,
    }
