"""Which events a subscriber wants: the filters of ``newsstream tail`` and of :func:`subscribe`.

Pure: a filter is checked against one decoded topic value. Each topic says which of its fields a
filter reads (:data:`FIELDS`); a filter a topic cannot answer (``--topic-code`` on
``news.entity-mentions``) is a usage error, raised before anything is read, not a silent
"never matches". Repeating a filter widens it (any of the entity ids); different filters narrow
(an entity id *and* a language).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from streams.topics import (
    ARTICLES,
    DEADLETTER,
    ENRICHED,
    ENTITY_MENTIONS,
    RAW_HTML,
    TOPIC_EVENTS,
    TRENDS,
)

Value = dict[str, Any]
Getter = Callable[[Value], Iterable[str | None]]


class FilterError(ValueError):
    """A filter that is malformed or that the chosen topic cannot answer."""


def _article(value: Value) -> Value:
    article: Value = value.get("article") or {}
    return article


def _enriched_text(value: Value) -> list[str | None]:
    article = _article(value)
    return [article.get("title"), article.get("text")]


def _copy_of(value: Value) -> list[str | None]:
    """The article this event's article is a copy of (``duplicate_of``; absent: an original)."""
    return [value.get("duplicate_of")]


#: Per topic, the fields each filter reads: entity ids, IPTC codes, language, source (the feed
#: or push source, or the publisher's name), the text ``--match`` searches and the article an
#: event's article copies (``--originals`` keeps events whose article copies none).
FIELDS: dict[str, dict[str, Getter]] = {
    ENRICHED.name: {
        "entity": lambda v: [e.get("id") for e in v.get("entities", ())],
        "topic_code": lambda v: [t.get("code") for t in v.get("topics", ())],
        "lang": lambda v: [v.get("language") or _article(v).get("language")],
        "source": lambda v: [_article(v).get("source"), _article(v).get("publisher")],
        "match": _enriched_text,
        "originals": _copy_of,
    },
    ENTITY_MENTIONS.name: {
        "entity": lambda v: [(v.get("entity") or {}).get("id")],
        "lang": lambda v: [v.get("language")],
        "match": lambda v: [v.get("title"), (v.get("entity") or {}).get("name")],
        "originals": _copy_of,
    },
    TOPIC_EVENTS.name: {
        "topic_code": lambda v: [(v.get("topic") or {}).get("code")],
        "lang": lambda v: [v.get("language")],
        "match": lambda v: [v.get("title")],
        "originals": _copy_of,
    },
    TRENDS.name: {
        "entity": lambda v: [v.get("key")] if v.get("kind") == "entity" else [],
        "topic_code": lambda v: [v.get("key")] if v.get("kind") == "topic" else [],
        "match": lambda v: [v.get("key")],
        "originals": lambda v: [],  # a trend counts original articles only
    },
    ARTICLES.name: {
        "lang": lambda v: [v.get("language")],
        "source": lambda v: [v.get("source"), v.get("publisher")],
        "match": lambda v: [v.get("title"), v.get("text")],
    },
    RAW_HTML.name: {
        "source": lambda v: [v.get("source")],
        "match": lambda v: [v.get("url")],
    },
    DEADLETTER.name: {
        "match": lambda v: [v.get("url"), v.get("message"), v.get("reason"), v.get("stage")],
    },
}

_OPTION = {"entity": "--entity", "topic_code": "--topic-code", "lang": "--lang",
           "source": "--source", "match": "--match", "originals": "--originals"}
_TOPIC_CODE_RE = re.compile(r"^medtop:\d{8}$")
_DURATION_RE = re.compile(r"^(\d+(?:\.\d+)?)\s*([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Filters:
    """What to keep. Empty tuples and ``None`` keep everything."""

    entities: tuple[str, ...] = ()
    topic_codes: tuple[str, ...] = ()
    lang: str | None = None
    source: str | None = None
    match: str | None = None
    #: only events of original articles: copies of one seen before (``duplicate_of``) are skipped
    originals: bool = False

    def active(self) -> dict[str, tuple[str, ...]]:
        """The filters in use, by field name, each as the values any of which may match."""
        wanted = {"entity": self.entities, "topic_code": self.topic_codes,
                  "lang": (self.lang,) if self.lang else (),
                  "source": (self.source,) if self.source else (),
                  "match": (self.match,) if self.match else (),
                  "originals": ("yes",) if self.originals else ()}
        return {name: values for name, values in wanted.items() if values}

    def check(self, topic: str) -> None:
        """Raise :class:`FilterError` when a filter is malformed or ``topic`` cannot answer it."""
        for code in self.topic_codes:
            if not _TOPIC_CODE_RE.match(code):
                raise FilterError(f"--topic-code {code!r}: expected medtop:NNNNNNNN")
        if self.lang is not None and not re.fullmatch(r"[a-z]{2,3}", self.lang):
            raise FilterError(f"--lang {self.lang!r}: expected a language code such as ko or en")
        fields = FIELDS.get(topic, {"match": lambda v: []})
        for name in self.active():
            if name not in fields:
                raise FilterError(f"{_OPTION[name]} does not apply to {topic}")

    def accepts(self, topic: str, value: Value, raw: bytes = b"") -> bool:
        """Whether ``value`` (decoded from ``raw``) passes every active filter."""
        fields = FIELDS.get(topic)
        for name, wanted in self.active().items():
            if fields is None:  # a topic without field getters: --match searches the JSON
                if not _contains(raw.decode("utf-8", "replace"), wanted[0]):
                    return False
                continue
            found = [item for item in fields[name](value) if item]
            if name == "originals":
                if found:
                    return False
            elif name == "match":
                if not any(_contains(item, wanted[0]) for item in found):
                    return False
            elif name in ("lang", "source"):
                if not any(_same(item, want, name) for item in found for want in wanted):
                    return False
            elif not set(found) & set(wanted):
                return False
        return True


def _contains(text: str, needle: str) -> bool:
    return needle.casefold() in text.casefold()


def _same(found: str, wanted: str, name: str) -> bool:
    if name == "lang":  # ko matches ko-KR
        return found.lower().split("-")[0] == wanted.lower()
    return found.casefold() == wanted.casefold()


def parse_since(text: str, now: datetime | None = None) -> datetime:
    """``10m``, ``2h``, ``1d``, ``30s`` ago, or an ISO 8601 instant (UTC when it has no zone)."""
    now = now or datetime.now(UTC)
    match = _DURATION_RE.match(text.strip())
    if match:
        return now - timedelta(seconds=float(match.group(1)) * _UNITS[match.group(2)])
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FilterError(
            f"--since {text!r}: expected a duration (30s, 10m, 2h, 1d) or an ISO 8601 time"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
