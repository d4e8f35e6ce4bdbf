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
import time

import faust
import orjson

from streams.agent import Outputs, register_stage
from streams.records import dedup_entry_from_dict
from streams.settings import Settings
from streams.stage import Handler
from streams.stories.stream import Deduplicator, dedup_config, handle, rebuild, trend_config
from streams.stories.trends import Trends
from streams.topics import STORIES_DEDUP_CHANGELOG, STORIES_IN, internal

STAGE = "dedup"
#: Faust names the changelog ``<app id>-<table>-changelog``: the topic ensure_topics creates.
TABLE = STORIES_DEDUP_CHANGELOG.name.removesuffix("-changelog")

log = logging.getLogger(__name__)


def register(app: faust.App, settings: Settings, outputs: Outputs) -> None:
    source = internal(STORIES_IN, settings.app_id)
    dedup = Deduplicator(dedup_config(settings))
    trends = Trends(trend_config(settings))
    # use_partitioner: the table's one partition takes every write, expiry deletes included
    table = app.Table(TABLE, partitions=1, use_partitioner=True, key_type=bytes,
                      value_type=bytes, help="dedup entries by article id (streams/stories)")

    @table.on_recover
    async def recovered() -> None:
        started = time.process_time()
        rebuild(dedup, trends, ((key.decode(), dedup_entry_from_dict(orjson.loads(value)))
                                for key, value in table.items()))
        log.info("dedup index and trends rebuilt from %d table entries (%d buckets, %d trend "
                 "keys) in %.2fs CPU", len(dedup.entries), len(dedup.buckets),
                 len(trends.counts), time.process_time() - started)

    def write_table() -> None:
        for article_id, entry in dedup.take_writes().items():
            if entry is None:
                table.pop(article_id.encode(), None)
            else:
                table[article_id.encode()] = orjson.dumps(entry)

    def make_handler(settings: Settings) -> Handler:  # in this process: it shares ``dedup``
        return functools.partial(handle, source=source, dedup=dedup, trends=trends)

    register_stage(app, STAGE, source, make_handler, settings, outputs, concurrency=1,
                   after_each=write_table)
