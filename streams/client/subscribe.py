"""``subscribe``: the pipeline's events as typed records, for a few lines of Python.

    async for item in subscribe(entities=["org:openai"], lang="ko", group="openai-watch"):
        print(item.article.title)

The records are the producers' own types (:mod:`streams.records`), read leniently: a field
added by a later minor version of a schema is ignored, so a subscriber keeps working while the
pipeline is upgraded. Filters are ``newsstream tail``'s; ``group`` gives at-least-once delivery
with offsets committed after the loop body has handled an item (see :mod:`streams.client.reader`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from streams.client.filters import Filters, parse_since
from streams.client.reader import Start, read
from streams.records import (
    article_from_dict,
    dead_letter_from_dict,
    enriched_from_dict,
    entity_mention_from_dict,
    story_from_dict,
    topic_event_from_dict,
    trend_point_from_dict,
)
from streams.settings import Settings
from streams.topics import (
    ARTICLES,
    DEADLETTER,
    ENRICHED,
    ENTITY_MENTIONS,
    STORIES,
    TOPIC_EVENTS,
    TRENDS,
)

#: The record type each topic's values are read into; other topics give plain dicts.
DECODERS: dict[str, Callable[[dict[str, Any]], Any]] = {
    ENRICHED.name: enriched_from_dict,
    ENTITY_MENTIONS.name: entity_mention_from_dict,
    TOPIC_EVENTS.name: topic_event_from_dict,
    ARTICLES.name: article_from_dict,
    DEADLETTER.name: dead_letter_from_dict,
    TRENDS.name: trend_point_from_dict,
    STORIES.name: story_from_dict,
}


@dataclass(frozen=True, slots=True)
class Tombstone:
    """What :func:`subscribe` yields for a record with a null value: the record of ``key`` is
    gone. On ``news.stories``, the story ``key`` expired (no article for the stories'
    horizon, 7 days): a subscriber keeping stories by id drops it."""

    topic: str
    key: str | None


async def subscribe(topic: str = ENRICHED.name, *, entities: Iterable[str] = (),
                    topic_codes: Iterable[str] = (), lang: str | None = None,
                    source: str | None = None, match: str | None = None,
                    originals: bool = False, since: str | datetime | None = None,
                    from_beginning: bool = False,
                    group: str | None = None, limit: int | None = None,
                    settings: Settings | None = None) -> AsyncIterator[Any]:
    """Typed events of ``topic`` that pass the filters (``tail``'s options, as arguments),
    and a :class:`Tombstone` for each record with a null value (every one: a filter cannot
    tell whether the key's earlier records passed).

    Without ``since`` or ``from_beginning`` it starts with new events (a named ``group``
    resumes where it stopped). ``settings`` default to the environment's
    (``KAFKA_BOOTSTRAP_SERVERS``, else the embedded broker of a running ``newsstream run``).
    """
    filters = Filters(tuple(entities), tuple(topic_codes), lang, source, match, originals)
    start: Start = ("beginning" if from_beginning
                    else parse_since(since) if isinstance(since, str)
                    else since if since is not None else "latest")
    decode = DECODERS.get(topic, lambda value: value)
    async for event in read((settings or Settings()).for_subscriber(), topic, filters=filters,
                            start=start, group=group, limit=limit):
        yield Tombstone(event.topic, event.key) if event.tombstone else decode(event.value)
