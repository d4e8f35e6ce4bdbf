"""Duplicate detection in the pipeline: the dedup agent's pure core (no Faust import).

The enrich stage sends every enriched article, with its bucket keys, to one internal topic of
ONE partition (``<app>-stories-in``); one dedup agent reads it, so every article is checked
against every earlier one in a single total order, whichever worker enriched it, and a rerun
over the same records gives the same decisions. docs/stories.md ("Design") says why this
design and not a re-keying by bucket.

:class:`Deduplicator` holds the state. Its durable part is one :class:`DedupEntry` per article
within the horizon, kept in a Faust table keyed by article id (one changelog write per article,
one more when it expires): when the article was first seen, its place in the arrival order
(its offset), the buckets it went into and the decision it got. The bucket index (bucket key ->
article ids in arrival order) is derived from those entries and lives in memory
only: :meth:`Deduplicator.rebuild` makes it again from the table after a recovery, in arrival
order, so a worker that takes over the partition answers exactly as the one it replaces would
have. The agent applies :attr:`Deduplicator.writes` to the table after each record (the handler
runs off the event loop, where a Faust table must not be touched).

The trends (:mod:`streams.stories.trends`) and the stories (:mod:`streams.stories.clusters`)
are derived from the same entries, which keep each article's trend keys and what clustering
kept of it with its story id: counted and clustered as articles come (:func:`step`), rebuilt
with the index (:func:`rebuild`), so they need no table of their own (docs/stories.md,
"Trends" and "Stories in the pipeline"). An entry past the dedup horizon whose story still
lives stays in the table, out of the buckets (``story_only``), until its story expires.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import datetime

import orjson

from streams import metrics
from streams.records import (
    DedupEntry,
    Enriched,
    EntityMention,
    StoriesIn,
    StoryArticle,
    TopicEvent,
    TrendPoint,
    dedup_entry_from_dict,
    kept_json,
    stories_in_from_dict,
    story_article_from_dict,
)
from streams.settings import Settings
from streams.stage import Incoming, Output, decode_json, encode, tombstone
from streams.stories.clusters import (
    StoryConfig,
    StoryIndex,
    StoryState,
    story_article,
    story_record,
)
from streams.stories.dedup import EXACT_PREFIX, DedupConfig, Fingerprinter, estimate
from streams.stories.trends import TrendConfig, Trends, trend_keys
from streams.topics import ENRICHED, ENTITY_MENTIONS, STORIES, TOPIC_EVENTS, TRENDS, TopicSpec


def dedup_config(settings: Settings) -> DedupConfig:
    """The detector's parameters: the shipped ones, with the horizon, threshold and bucket cap
    of the settings."""
    return DedupConfig(threshold=settings.dedup_threshold, horizon_s=settings.dedup_horizon_s,
                       max_bucket=settings.dedup_max_bucket)


def trend_config(settings: Settings) -> TrendConfig:
    """The trends' parameters: 5-minute windows, a day's baseline, the settings' horizon, which
    must not be longer than the dedup table's (the trends are rebuilt from its entries: a
    window could otherwise count articles the table has forgotten)."""
    if settings.trends_horizon_s > settings.dedup_horizon_s:
        raise ValueError(
            f"NEWSSTREAM_TRENDS_HORIZON_S ({settings.trends_horizon_s}) is longer than "
            f"NEWSSTREAM_DEDUP_HORIZON_S ({settings.dedup_horizon_s}): the trends are rebuilt "
            "from the dedup table")
    return TrendConfig(horizon_s=settings.trends_horizon_s)


class Deduplicator:
    """The dedup agent's state: the entries of the articles within the horizon (mirrored in
    the table through :meth:`take_writes`) and the bucket index derived from them.

    An entry's story part (:class:`StoryArticle`, what clustering kept of the article) is read
    only to rebuild the stories and written only with the entry, so it is kept as its JSON
    (:attr:`story_parts`, about 1 KB) rather than as objects (about 5 KB of heap): the entries
    in :attr:`entries` have ``story`` None (docs/stories.md, "State in memory")."""

    def __init__(self, config: DedupConfig,
                 retain: Callable[[DedupEntry], bool] | None = None) -> None:
        self.config = config
        #: Whether an entry past the horizon is still needed elsewhere (its story lives): it
        #: then leaves the buckets but stays in the table, ``story_only`` (:meth:`forget`).
        self.retain = retain or (lambda entry: False)
        self.entries: dict[str, DedupEntry] = {}
        #: article id -> its entry's ``story`` as JSON (:func:`kept_json`)
        self.story_parts: dict[str, bytes] = {}
        #: bucket key -> ids of the articles in it, in arrival order (first seen: ``entries``);
        #: a bucket of one article is its id (most are: a list would cost 64 bytes more for
        #: each of an article's 65 buckets; docs/stories.md, "State in memory")
        self.buckets: dict[str, str | list[str]] = {}
        self._expiry: list[tuple[float, str]] = []  # heap of (first seen, article id)
        #: Table changes since the agent last took them: article id -> entry, or None to delete.
        self.writes: dict[str, DedupEntry | None] = {}

    def rebuild(self, table: Iterable[tuple[str, bytes]]) -> None:
        """Start again from the table's values (JSON, as :meth:`take_writes` gave them): the
        buckets are refilled in arrival order (entries kept only for their story are in no
        bucket). Each entry's story part is made JSON again as it comes, so that the table's
        entries are never all objects at once."""
        self.story_parts.clear()
        kept = []
        for article_id, value in table:
            entry = dedup_entry_from_dict(orjson.loads(value))
            if entry.story is not None:
                self.story_parts[article_id] = kept_json(entry.story)
                entry.story = None
            kept.append((article_id, entry))
        self.entries = dict(sorted(kept, key=lambda item: item[1].seq))
        self.buckets.clear()
        for article_id, entry in self.entries.items():
            for key in entry.keys:
                self._enter(key, article_id, len(self.entries))
        self._expiry = [(entry.first_seen, article_id)
                        for article_id, entry in self.entries.items() if not entry.story_only]
        heapq.heapify(self._expiry)
        self.writes.clear()

    def check(self, article_id: str, keys: Sequence[str], seen_at: float, seq: int,
              trend_keys: Sequence[str] = ()) -> tuple[DedupEntry, bool]:
        """The entry of ``article_id`` (its decision; ``trend_keys`` kept in it) and whether it
        is new. An article already in the table (a re-delivered record, or a later version of
        the page) gets the decision it got the first time.

        The candidates are the articles checked before this one (the records' order): of two
        copies enriched in the opposite order to their fetch times, the later checked links to
        the earlier, where :class:`streams.stories.DuplicateIndex`, made for records in no
        total order, links neither. Otherwise the decision is the index's (the earliest
        candidate by first seen at or above the threshold; the tests hold the two to it on
        records in time order), computed the way an index that holds every bucket can: one
        count per candidate of the bands it shares, in C (``Counter.update``), rather than one
        visit per bucket, so that the buckets of a story copied a hundred times cost about a
        millisecond, not ten."""
        known = self.entries.get(article_id)
        if known is not None:
            return known, False
        self._expire(seen_at)
        config = self.config
        shared: Counter[str] = Counter()
        exact: set[str] = set()
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket:
                held = (bucket,) if isinstance(bucket, str) else bucket
                if key.startswith(EXACT_PREFIX):
                    exact.update(held)
                else:
                    shared.update(held)
        best: tuple[float, float, str] | None = None
        for other in exact.union(shared):
            first = self.entries[other].first_seen
            similarity = 1.0 if other in exact else estimate(shared[other], config)
            if similarity >= config.threshold and (
                    best is None or (first, -similarity, other) < best):
                best = (first, -similarity, other)
        # a full bucket keeps its earliest articles
        entered = [key for key in keys if self._enter(key, article_id, config.max_bucket)]
        entry = DedupEntry(
            first_seen=seen_at, seq=seq, keys=entered,
            duplicate_of=best[2] if best else None,
            duplicate_similarity=-best[1] if best else None, trend_keys=list(trend_keys),
        )
        self.entries[article_id] = entry
        heapq.heappush(self._expiry, (seen_at, article_id))
        self.writes[article_id] = entry
        return entry, True

    def _enter(self, key: str, article_id: str, limit: int) -> bool:
        """Append ``article_id`` to bucket ``key`` unless it holds ``limit`` articles already;
        whether it did."""
        bucket = self.buckets.get(key)
        if bucket is None:
            if limit < 1:
                return False
            self.buckets[key] = article_id
        elif isinstance(bucket, str):
            if limit < 2:
                return False
            self.buckets[key] = [bucket, article_id]
        elif len(bucket) < limit:
            bucket.append(article_id)
        else:
            return False
        return True

    def _expire(self, now: float) -> int:
        """Forget the articles first seen more than the horizon before ``now`` (article time,
        so that a replay expires alike); the number forgotten."""
        oldest = now - self.config.horizon_s
        dropped = 0
        while self._expiry and self._expiry[0][0] < oldest:
            _, article_id = heapq.heappop(self._expiry)
            entry = self.entries.get(article_id)
            if entry is None or entry.story_only:
                continue
            for key in entry.keys:
                bucket = self.buckets[key]
                if isinstance(bucket, str):
                    del self.buckets[key]
                    continue
                bucket.remove(article_id)
                if len(bucket) == 1:
                    self.buckets[key] = bucket[0]
            if self.retain(entry):
                entry.keys, entry.story_only = [], True
                self.writes[article_id] = entry
            else:
                self._delete(article_id)
            dropped += 1
        metrics.DEDUP_EXPIRED.inc(dropped)
        return dropped

    def forget(self, article_ids: Iterable[str]) -> None:
        """Delete the entries of ``article_ids`` that were kept only for their story (the
        others leave at the horizon as usual)."""
        for article_id in article_ids:
            entry = self.entries.get(article_id)
            if entry is not None and entry.story_only:
                self._delete(article_id)

    def _delete(self, article_id: str) -> None:
        del self.entries[article_id]
        self.story_parts.pop(article_id, None)
        self.writes[article_id] = None

    def attach(self, article_id: str, story_id: str, story: StoryArticle) -> None:
        """Record in a new article's entry the story it joined and what clustering kept of
        it (written with the entry)."""
        self.entries[article_id].story_id = story_id
        self.story_parts[article_id] = kept_json(story)
        self.writes[article_id] = self.entries[article_id]

    def story(self, article_id: str) -> StoryArticle | None:
        """The story part of an article's entry, decoded (None: it has none)."""
        part = self.story_parts.get(article_id)
        return story_article_from_dict(orjson.loads(part)) if part is not None else None

    def take_writes(self) -> dict[str, bytes | None]:
        """The table changes since the last call, as the table's values: article id -> the
        entry's JSON (its story part included), or None to delete it."""
        writes, self.writes = self.writes, {}
        return {article_id: None if entry is None else self._encode(article_id, entry)
                for article_id, entry in writes.items()}

    def _encode(self, article_id: str, entry: DedupEntry) -> bytes:
        part = self.story_parts.get(article_id)
        if part is None:
            return kept_json(entry)
        value = {name: getattr(entry, name) for name in _ENTRY_FIELDS}
        value["story"] = orjson.Fragment(part)
        return kept_json(value)


_ENTRY_FIELDS = tuple(f.name for f in fields(DedupEntry))


def rebuild(dedup: Deduplicator, trends: Trends, stories: StoryIndex,
            table: Iterable[tuple[str, bytes]]) -> None:
    """After the table has recovered: the bucket index, the trends and the stories, from its
    entries (``table``: article id and value) in arrival order (``seq``), which is the order
    the lost worker counted and clustered them in, so all three are the state it had.
    Entries kept only for their story (past the dedup horizon, so past the trends' too) count
    for the stories alone."""
    dedup.rebuild(table)
    trends.rebuild((article_id, entry.first_seen, entry.trend_keys, entry.duplicate_of)
                   for article_id, entry in dedup.entries.items() if not entry.story_only)
    stories.restore((story, entry.story_id) for article_id, entry in dedup.entries.items()
                    if entry.story_id is not None
                    and (story := dedup.story(article_id)) is not None)
    # Stories that expire on the way are left in ``stories.expired``: the lost worker had not
    # written their expiry (their entries are still here), so it had not sent their
    # tombstones either; the next record's step forgets their entries and sends them.


def story_config(settings: Settings) -> StoryConfig:
    """The clusterer's parameters: the shipped ones, with the settings' window and horizon."""
    return StoryConfig(window_s=settings.stories_window_s, horizon_s=settings.stories_horizon_s)


def seen_at(enriched: Enriched) -> float:
    """When an article was first seen, in seconds since the epoch: when its page was fetched
    (the record's own time, so that a replay gets the same answer), else parsed, else
    enriched."""
    article = enriched.article
    stamp = article.fetched_at or article.parsed_at or enriched.enriched_at
    return datetime.fromisoformat(stamp).timestamp()


def stories_in(enriched: Enriched, fingerprinter: Fingerprinter) -> StoriesIn:
    """The record the enrich stage sends to the dedup agent: the article and its keys."""
    fingerprint = fingerprinter.fingerprint(enriched.article.title, enriched.article.text)
    return StoriesIn(enriched, seen_at(enriched), list(fingerprint.keys))


def enriched_outputs(enriched: Enriched) -> list[Output]:
    """What subscribers get for one article: its ``news.enriched`` record, one
    ``news.entity-mentions`` event per entity and one ``news.topic-events`` event per topic,
    each carrying the article's ``duplicate_of``."""
    a, e = enriched.article, enriched
    return [
        encode(ENRICHED, a.id, e),
        *(encode(ENTITY_MENTIONS, entity.id, EntityMention(
            a.id, a.canonical_url, a.title, a.published, entity, e.enriched_at, e.language,
            e.duplicate_of)) for entity in e.entities),
        *(encode(TOPIC_EVENTS, topic.code, TopicEvent(
            a.id, a.canonical_url, a.title, a.published, topic, e.enriched_at, e.language,
            e.duplicate_of)) for topic in e.topics),
    ]


def handle(incoming: Incoming, source: TopicSpec, dedup: Deduplicator, trends: Trends,
           stories: StoryIndex) -> Sequence[Output]:
    """One ``<app>-stories-in`` record -> the article's outputs, with its duplicate decision,
    the ``news.trends`` points of its keys when it is an original counted now, and the
    ``news.stories`` record of its story after it, preceded by a tombstone for each story
    that expired before it. ``incoming.offset`` is the article's place in the arrival order.

    A re-delivered record counts nothing again but produces its keys' current points and its
    story's current state again: the worker that counted it may have been killed before its
    outputs were sent."""
    if incoming.offset is None:
        raise ValueError("a stories-in record without an offset has no place in the order")
    record = stories_in_from_dict(decode_json(incoming, source))
    enriched = record.enriched
    entry, new, points, story, expired = step(
        dedup, trends, stories, enriched.article.id, record.keys, record.seen_at,
        incoming.offset, trend_keys(enriched), story_article(enriched, record.seen_at,
                                                            stories.config))
    enriched.duplicate_of = entry.duplicate_of
    enriched.duplicate_similarity = entry.duplicate_similarity
    enriched.story_id = entry.story_id
    result = ("redelivered" if not new else "original" if entry.duplicate_of is None
              else "exact_copy" if entry.duplicate_similarity == 1.0 else "near_copy")
    metrics.DEDUP_ARTICLES.labels(result=result).inc()
    metrics.DEDUP_STATE_ARTICLES.set(len(dedup.entries))
    metrics.DEDUP_STATE_BUCKETS.set(len(dedup.buckets))
    metrics.TRENDS_POINTS.inc(len(points))
    metrics.TRENDS_STATE_KEYS.set(len(trends.counts))
    metrics.STORIES_STATE_STORIES.set(len(stories.stories))
    metrics.STORIES_EXPIRED.inc(len(expired))
    outputs = [*enriched_outputs(enriched), *(encode(TRENDS, p.key, p) for p in points),
               *(tombstone(STORIES, story_id) for story_id in expired)]
    if story is not None:
        outputs.append(encode(STORIES, story.id, story_record(story, stories.config.top)))
    return outputs


def step(dedup: Deduplicator, trends: Trends, stories: StoryIndex, article_id: str,
         keys: Sequence[str], seen_at: float, seq: int, trend_keys: Sequence[str],
         story: StoryArticle | None = None
         ) -> tuple[DedupEntry, bool, list[TrendPoint], StoryState | None, list[str]]:
    """One article through the agent's state: its entry, whether it is new, the trend points
    to produce (its keys' counts after counting it; for an article already in the table, their
    current counts, counting nothing again), its story after it (for an article already in
    the table, its story as it is now; None when it was not clustered), and the ids of the
    stories that expired before it (their ``news.stories`` tombstones).

    Stories that expire at ``seen_at`` go first, so that the dedup horizon's expiry in the
    check keeps no entry for a story that has just ended; the entry of a new article records
    its story id and ``story`` (with its ``duplicate_of``), from which :func:`rebuild` makes
    the stories again."""
    stories.expire(seen_at)
    expired = []
    for gone in stories.take_expired():
        dedup.forget(gone.article_ids)
        expired.append(gone.id)
    entry, new = dedup.check(article_id, keys, seen_at, seq, trend_keys)
    if not new:
        points = trends.current(article_id, entry.trend_keys)
        return entry, new, points, stories.stories.get(entry.story_id or ""), expired
    points = trends.add(article_id, entry.first_seen, entry.trend_keys, entry.duplicate_of)
    if story is None:
        return entry, new, points, None, expired
    story.duplicate_of = entry.duplicate_of
    story_id, state, _ = stories.step(story)
    dedup.attach(article_id, story_id, story)
    return entry, new, points, state, expired
