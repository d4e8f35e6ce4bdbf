"""How ``newsstream tail`` prints an event: ``jsonl`` (the value itself, one line, for jq) or
``pretty`` (a short readable block per event, its first line always the event's time and key).

A tombstone (a null value: on ``news.stories``, a story that expired) has no value to print:
``jsonl`` prints ``{"id": <key>, "expired": true}`` for a story (``{"key": <key>, "deleted":
true}`` on another topic), so that a jq pipeline keyed by id can drop it, and ``pretty`` one
line, ``story <id> expired``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from streams.client.reader import Event
from streams.topics import (
    DEADLETTER,
    ENRICHED,
    ENTITY_MENTIONS,
    STORIES,
    TOPIC_EVENTS,
    TRENDS,
)

Value = dict[str, Any]
#: Entities shown per article in the pretty format (by mentions, then first position).
TOP_ENTITIES = 8


def jsonl(event: Event) -> str:
    """The value as one JSON line (schema-valid as produced; re-encoded, never altered); a
    tombstone's line says which key went."""
    if event.tombstone:
        gone = ({"id": event.key, "expired": True} if event.topic == STORIES.name
                else {"key": event.key, "deleted": True})
        return orjson.dumps(gone).decode()
    return orjson.dumps(event.value).decode()


def pretty(event: Event) -> str:
    head = f"{event.timestamp:%Y-%m-%d %H:%M:%S}Z  {event.topic}[{event.partition}]@{event.offset}"
    if event.tombstone:
        what = "story" if event.topic == STORIES.name else "key"
        gone = "expired" if event.topic == STORIES.name else "deleted"
        return f"{head}\n  {what} {event.key} {gone}\n"
    body = _BODIES.get(event.topic, _generic)(event.value)
    return "\n".join([head, *("  " + line for line in body if line)]) + "\n"


def _entity(entity: Value) -> str:
    return f"{entity.get('name')} [{entity.get('id')}, {entity.get('type')}]"


def _topic(topic: Value) -> str:
    return f"{topic.get('label_en')} {topic.get('score', 0):.2f} ({topic.get('code')})"


def _enriched(value: Value) -> list[str]:
    article = value.get("article") or {}
    entities = sorted(value.get("entities", ()),
                      key=lambda e: (-e.get("mentions", 0), e.get("first_offset", 0)))
    source = " · ".join(str(part) for part in (article.get("publisher"), article.get("source"),
                                               value.get("language"), article.get("published"))
                        if part)
    more = len(entities) - TOP_ENTITIES
    copy_of = value.get("duplicate_of")
    similarity = value.get("duplicate_similarity")
    return [
        str(article.get("title") or "(no title)"),
        source,
        f"copy of {copy_of}" + (f" (similarity {similarity:.2f})"
                                if isinstance(similarity, int | float) else "")
        if copy_of else "",
        f"story {value['story_id']}" if value.get("story_id") else "",
        "entities: " + (", ".join(_entity(e) for e in entities[:TOP_ENTITIES]) or "-")
        + (f", … {more} more" if more > 0 else ""),
        "topics:   " + (", ".join(_topic(t) for t in value.get("topics", ())) or "-"),
        str(article.get("canonical_url") or article.get("url") or ""),
    ]


def _mention(value: Value) -> list[str]:
    entity = value.get("entity") or {}
    return [_entity(entity) + f" × {entity.get('mentions', 1)}",
            f"in: {value.get('title') or '(no title)'}", str(value.get("url") or "")]


def _topic_event(value: Value) -> list[str]:
    return [_topic(value.get("topic") or {}), f"in: {value.get('title') or '(no title)'}",
            str(value.get("url") or "")]


def _trend(value: Value) -> list[str]:
    minutes = int(value.get("window_s") or 0) // 60
    return [f"{value.get('key')} ({value.get('kind')}): {value.get('count')} in the {minutes} "
            f"minutes from {value.get('window_start')}",
            f"baseline {float(value.get('baseline') or 0):.2f} over "
            f"{value.get('baseline_windows')} windows, burst score "
            f"{float(value.get('score') or 0):+.2f}"]


def _story(value: Value) -> list[str]:
    entities = ", ".join(str(e.get("name")) for e in value.get("entities") or ())
    return [f"{value.get('title') or '(no title)'}",
            f"{value.get('articles')} articles ({value.get('reprints')} reprints) from "
            f"{value.get('sources')} sources, {'/'.join(value.get('languages') or ())}, "
            f"{value.get('first_seen')} .. {value.get('last_seen')}",
            f"entities: {entities}"]


def _dead_letter(value: Value) -> list[str]:
    return [f"{value.get('stage')}: {value.get('reason')} ({value.get('error_type')})",
            str(value.get("message") or "")[:300],
            f"from {value.get('topic')}[{value.get('partition')}]@{value.get('offset')}"
            + (f"  {value['url']}" if value.get("url") else "")]


def _generic(value: Value) -> list[str]:
    text = orjson.dumps(value).decode()
    return [text if len(text) <= 300 else text[:300] + "…"]


_BODIES: dict[str, Callable[[Value], list[str]]] = {
    ENRICHED.name: _enriched,
    ENTITY_MENTIONS.name: _mention,
    TOPIC_EVENTS.name: _topic_event,
    TRENDS.name: _trend,
    STORIES.name: _story,
    DEADLETTER.name: _dead_letter,
}
