"""The dedup agent: ``<app>-stories-in`` (one partition) -> ``news.enriched`` with
``duplicate_of`` and ``duplicate_similarity``, plus the entity-mention and topic-event fan-out
and the ``news.trends`` points of each original article's keys.

Its state is the Faust table ``stories-dedup`` (article id -> :class:`DedupEntry`, changelog
``<app>-stories-dedup-changelog``, one partition like its source). The bucket index and the
trends are derived from the table: rebuilt whenever the table has recovered (a start, a
rebalance, a worker taking over from a killed one), before Faust resumes the stream.
One record at a time, in offset order (concurrency 1: Faust does not keep the order between
the actors of one agent), because the decisions and the counts depend on the order; holding
two records at once measured no faster (docs/stories.md).
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import faust

from streams.agent import Outputs, register_stage
from streams.settings import Settings
from streams.stage import Handler, Incoming, Output
from streams.stories.clusters import StoryIndex
from streams.stories.stream import (
    Deduplicator,
    dedup_config,
    handle,
    rebuild,
    story_config,
    trend_config,
)
from streams.stories.trends import Trends
from streams.topics import STORIES_DEDUP_CHANGELOG, STORIES_IN, internal

STAGE = "dedup"
#: Faust names the changelog ``<app id>-<table>-changelog``: the topic ensure_topics creates.
TABLE = STORIES_DEDUP_CHANGELOG.name.removesuffix("-changelog")

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoriesView:
    """What the status page reads of the agent's in-memory state. ``lock`` is held while a
    record's handler changes it (in the stage's thread) and while the page reads it (on the
    event loop, where the rebuild after a recovery runs too, so the two never overlap);
    ``held()``: whether this worker holds the agent's partition now (one that lost it in a
    rebalance keeps its last state, stale)."""

    lock: threading.Lock
    trends: Trends
    stories: StoryIndex
    held: Callable[[], bool]


def register(app: faust.App, settings: Settings, outputs: Outputs) -> StoriesView:
    source = internal(STORIES_IN, settings.app_id)
    stories = StoryIndex(story_config(settings))
    # an entry past the dedup horizon stays (out of the buckets) while its story lives
    dedup = Deduplicator(dedup_config(settings),
                         retain=lambda entry: entry.story_id in stories.stories)
    trends = Trends(trend_config(settings))
    # use_partitioner: the table's one partition takes every write, expiry deletes included
    table = app.Table(TABLE, partitions=1, use_partitioner=True, key_type=bytes,
                      value_type=bytes, help="dedup entries by article id (streams/stories)")

    lock = threading.Lock()  # held per record for its handler only: < 1 ms (docs/stories.md)

    def held() -> bool:  # before the first assignment the consumer may not have started
        return app.rebalancing_count > 0 and any(
            tp.topic == source.name for tp in app.consumer.assignment())

    @table.on_recover
    async def recovered() -> None:
        started = time.process_time()
        rebuild(dedup, trends, stories, ((key.decode(), value) for key, value in table.items()))
        log.info("dedup index, trends and stories rebuilt from %d table entries (%d buckets, "
                 "%d trend keys, %d stories) in %.2fs CPU", len(dedup.entries),
                 len(dedup.buckets), len(trends.counts), len(stories.stories),
                 time.process_time() - started)

    def write_table() -> None:
        for article_id, value in dedup.take_writes().items():
            if value is None:
                table.pop(article_id.encode(), None)
            else:
                table[article_id.encode()] = value

    def make_handler(settings: Settings) -> Handler:  # in this process: it shares ``dedup``
        core = functools.partial(handle, source=source, dedup=dedup, trends=trends,
                                 stories=stories)

        def locked(incoming: Incoming) -> Sequence[Output]:
            with lock:
                return core(incoming)

        return locked

    register_stage(app, STAGE, source, make_handler, settings, outputs, concurrency=1,
                   after_each=write_table)
    return StoriesView(lock, trends, stories, held)
