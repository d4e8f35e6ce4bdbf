"""The pure part of the PostgreSQL sink: ``news.enriched`` and ``news.stories`` values to
rows, and the SQL that writes a batch of them. No I/O, no settings: the runner
(:mod:`streams.sink.postgres`) passes everything in.

A value becomes an :class:`ArticleRows` (every field converted to the column's type, NUL
characters removed: PostgreSQL text cannot hold them) or raises :class:`RecordError`, so a
malformed record is set aside alone and never fails the batch it came in. A batch keeps one
version per article (the newest ``enriched_at``; a later delivery wins a tie) and is written as
one statement per table, the upserts taking the batch's columns as arrays (``unnest``) and
the child rows going in by COPY: a constant number of round trips per batch whatever its size.

Idempotence: the article upsert replaces a stored article only with a version at least as new
(``enriched_at``) and returns the ids it wrote; only those articles' child rows (mentions,
topics, keywords) are deleted and inserted again, in the same transaction. A duplicate delivery
or a replay therefore leaves the same rows, and an old version replayed after a newer one
changes nothing. No column holds the time of writing.

Stories alike: a ``news.stories`` value is a story's whole state, upserted by story id only over
a state no newer (``last_seen``, then ``articles``: both only grow while a story lives), its top
entities and topics replaced with it. A tombstone (the story expired in the stream) changes
nothing: the database keeps what the stream forgets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import orjson

from streams.records import Enriched, Story, enriched_from_dict, story_from_dict


class RecordError(ValueError):
    """A value that cannot become rows (not JSON, a required field missing or of a wrong type)."""


ArticleRow = tuple[Any, ...]  # the columns of ARTICLE_COLUMNS, in order


@dataclass(slots=True)
class ArticleRows:
    """One enriched article as the rows of every table."""

    id: str
    enriched_at: datetime
    article: ArticleRow
    entities: list[tuple[str, str, str, str | None, str | None]] = field(default_factory=list)
    mentions: list[tuple[Any, ...]] = field(default_factory=list)  # ENTITY_COLUMNS, less ids
    topics: list[tuple[str, str, str, float]] = field(default_factory=list)
    keywords: list[tuple[str, int]] = field(default_factory=list)
    #: where the record came from (``topic[partition]@offset``), for logs
    origin: str = ""

    @property
    def version(self) -> tuple[datetime, int]:
        return (self.enriched_at, 0)


@dataclass(slots=True)
class StoryRows:
    """One story's state as the rows of the story tables."""

    id: str
    version: tuple[datetime, int]  # (last_seen, articles): a later state is never older
    story: tuple[Any, ...]  # the columns of STORY_COLUMNS, in order
    entities: list[tuple[str, str, int, int]] = field(default_factory=list)  # id, name, n, rank
    topics: list[tuple[str, str, int, int]] = field(default_factory=list)  # code, label, n, rank
    origin: str = ""


Rows = TypeVar("Rows", ArticleRows, StoryRows)


ARTICLE_COLUMNS = ("id", "url", "canonical_url", "title", "kind", "language", "subtitle",
                   "publisher", "source", "authors", "tags", "published", "published_tz_source",
                   "modified", "word_count", "content_hash", "text", "fetched_at", "parsed_at",
                   "enriched_at", "duplicate_of", "duplicate_similarity", "story_id")
ARTICLE_TYPES = ("text", "text", "text", "text", "text", "text", "text", "text", "text", "jsonb",
                 "jsonb", "timestamptz", "text", "timestamptz", "int4", "text", "text",
                 "timestamptz", "timestamptz", "timestamptz", "text", "float8", "text")
STORY_COLUMNS = ("id", "title", "first_seen", "last_seen", "articles", "unique_articles",
                 "reprints", "sources", "top_sources", "languages")
STORY_TYPES = ("text", "text", "timestamptz", "timestamptz", "int4", "int4", "int4", "int4",
               "jsonb", "jsonb")
MENTION_COLUMNS = ("article_id", "entity_id", "name", "surface_forms", "mentions", "first_offset",
                   "in_title", "in_lead", "caption_only", "source", "confidence")


def _unnest(columns: Sequence[str], types: Sequence[str]) -> str:
    arrays = ", ".join(f"%s::{t}[]" for t in types)
    return f"({', '.join(columns)}) SELECT * FROM unnest({arrays})"


#: Insert or replace the batch's articles; an older version than the stored one changes nothing.
#: Returns the ids written, whose child rows are then replaced.
UPSERT_ARTICLES = (
    f"INSERT INTO articles {_unnest(ARTICLE_COLUMNS, ARTICLE_TYPES)} "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in ARTICLE_COLUMNS[1:])
    + " WHERE articles.enriched_at <= EXCLUDED.enriched_at RETURNING id"
)
DELETE_CHILDREN = tuple(
    f"DELETE FROM {table} WHERE article_id = ANY(%s::text[])"
    for table in ("article_entities", "article_topics", "article_keywords")
)
#: Entities keep the earliest first sighting and the latest last one; the names (and type) of the
#: latest sighting win, so the result does not depend on the order articles arrive in.
UPSERT_ENTITIES = (
    "INSERT INTO entities (id, type, name, name_ko, name_en, first_seen_at, last_seen_at) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[], %s::text[], "
    "%s::timestamptz[], %s::timestamptz[]) "
    "ON CONFLICT (id) DO UPDATE SET "
    "type = CASE WHEN EXCLUDED.last_seen_at >= entities.last_seen_at "
    "THEN EXCLUDED.type ELSE entities.type END, "
    "name = CASE WHEN EXCLUDED.last_seen_at >= entities.last_seen_at "
    "THEN EXCLUDED.name ELSE entities.name END, "
    "name_ko = CASE WHEN EXCLUDED.last_seen_at >= entities.last_seen_at "
    "THEN EXCLUDED.name_ko ELSE entities.name_ko END, "
    "name_en = CASE WHEN EXCLUDED.last_seen_at >= entities.last_seen_at "
    "THEN EXCLUDED.name_en ELSE entities.name_en END, "
    "first_seen_at = LEAST(entities.first_seen_at, EXCLUDED.first_seen_at), "
    "last_seen_at = GREATEST(entities.last_seen_at, EXCLUDED.last_seen_at)"
)
UPSERT_TOPICS = (
    "INSERT INTO topics (code, label_en, label_ko) "
    "SELECT * FROM unnest(%s::text[], %s::text[], %s::text[]) "
    "ON CONFLICT (code) DO UPDATE SET label_en = EXCLUDED.label_en, label_ko = EXCLUDED.label_ko "
    "WHERE (topics.label_en, topics.label_ko) IS DISTINCT FROM "
    "(EXCLUDED.label_en, EXCLUDED.label_ko)"
)
#: The child rows of the articles written, whose old rows were just deleted: plain COPY, the
#: fastest way in (an INSERT from arrays took twice as long for the mentions).
COPY_MENTIONS = f"COPY article_entities ({', '.join(MENTION_COLUMNS)}) FROM STDIN"
COPY_ARTICLE_TOPICS = "COPY article_topics (article_id, code, score) FROM STDIN"
COPY_KEYWORDS = "COPY article_keywords (article_id, keyword, rank) FROM STDIN"
#: Insert or replace the batch's stories; an older state than the stored one changes nothing.
#: Returns the ids written, whose top entities and topics are then replaced.
UPSERT_STORIES = (
    f"INSERT INTO stories {_unnest(STORY_COLUMNS, STORY_TYPES)} "
    "ON CONFLICT (id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in STORY_COLUMNS[1:])
    + " WHERE (stories.last_seen, stories.articles) <= (EXCLUDED.last_seen, EXCLUDED.articles)"
    " RETURNING id"
)
DELETE_STORY_CHILDREN = tuple(f"DELETE FROM {table} WHERE story_id = ANY(%s::text[])"
                              for table in ("story_entities", "story_topics"))
COPY_STORY_ENTITIES = "COPY story_entities (story_id, entity_id, name, articles, rank) FROM STDIN"
COPY_STORY_TOPICS = "COPY story_topics (story_id, code, label_en, articles, rank) FROM STDIN"


def _object(value: bytes) -> dict[str, Any]:
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError as exc:
        raise RecordError(f"not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise RecordError("not a JSON object")
    return data


def decode(value: bytes | None) -> ArticleRows:
    """The rows of one ``news.enriched`` value (read leniently: unknown fields are ignored)."""
    if value is None:
        raise RecordError("no value")
    data = _object(value)
    try:
        return rows_of(enriched_from_dict(data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordError(f"{type(exc).__name__}: {exc}") from exc


def decode_story(value: bytes | None) -> StoryRows | None:
    """The rows of one ``news.stories`` value; None for a tombstone (the story expired)."""
    if value is None:
        return None
    data = _object(value)
    try:
        return story_rows_of(story_from_dict(data))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordError(f"{type(exc).__name__}: {exc}") from exc


def story_rows_of(story: Story) -> StoryRows:
    """The story tables' rows for one story state; raises ValueError/TypeError on bad fields."""
    story_id = _text(story.id)
    if not story_id:
        raise RecordError("story id is empty")
    first_seen, last_seen = _when(story.first_seen), _when(story.last_seen)
    if first_seen is None or last_seen is None:
        raise RecordError(f"first_seen/last_seen are not times: {story.first_seen!r}, "
                          f"{story.last_seen!r}")
    articles = int(story.articles)
    row = (story_id, _opt(story.title), first_seen, last_seen, articles,
           int(story.unique_articles), int(story.reprints), int(story.sources),
           _json([_text(s) for s in story.top_sources]),
           _json([_text(s) for s in story.languages]))
    rows = StoryRows(story_id, (last_seen, articles), row)
    entity_ids: set[str] = set()
    for entity in story.entities:
        entity_id = _text(entity.id)
        if entity_id and entity_id not in entity_ids:
            entity_ids.add(entity_id)
            rows.entities.append((entity_id, _text(entity.name), int(entity.articles),
                                  len(entity_ids)))
    codes: set[str] = set()
    for topic in story.topics:
        code = _text(topic.code)
        if code and code not in codes:
            codes.add(code)
            rows.topics.append((code, _text(topic.label_en), int(topic.articles), len(codes)))
    return rows


def rows_of(item: Enriched) -> ArticleRows:
    """Every table's rows for one enriched article; raises ValueError/TypeError on bad fields."""
    a = item.article
    article_id = _text(a.id)
    if not article_id:
        raise RecordError("article id is empty")
    enriched_at = _when(item.enriched_at)
    if enriched_at is None:
        raise RecordError(f"enriched_at is not a time: {item.enriched_at!r}")
    article: ArticleRow = (
        article_id, _text(a.url), _text(a.canonical_url or a.url), _opt(a.title),
        _text(a.kind or "article"), _opt(item.language if item.language is not None
                                         else a.language),
        _opt(a.subtitle), _opt(a.publisher), _opt(a.source),
        _json([{"name": _opt(w.name), "email": _opt(w.email), "role": _opt(w.role)}
               if not isinstance(w, dict) else _clean(w) for w in a.authors]),
        _json([_text(t) for t in a.tags]),
        _when(a.published), _opt(a.published_tz_source), _when(a.modified),
        int(a.word_count or 0), _text(a.content_hash or ""), _text(a.text or ""),
        _when(a.fetched_at), _when(a.parsed_at), enriched_at,
        _opt(item.duplicate_of),
        None if item.duplicate_similarity is None else float(item.duplicate_similarity),
        _opt(item.story_id),
    )
    rows = ArticleRows(article_id, enriched_at, article)
    seen: set[str] = set()
    for e in item.entities:
        entity_id = _text(e.id)
        if not entity_id or entity_id in seen:
            continue  # the enrichment lists an entity once; a repeat would break the key
        seen.add(entity_id)
        name = _text(e.name)
        rows.entities.append((entity_id, _text(e.type), name, _opt(e.name_ko), _opt(e.name_en)))
        rows.mentions.append((
            entity_id, name, _json([_text(s) for s in e.surface_forms]), int(e.mentions),
            int(e.first_offset), bool(e.in_title), bool(e.in_lead), bool(e.caption_only),
            _text(e.source), float(e.confidence),
        ))
    codes: set[str] = set()
    for t in item.topics:
        code = _text(t.code)
        if code and code not in codes:
            codes.add(code)
            rows.topics.append((code, _text(t.label_en), _text(t.label_ko), float(t.score)))
    words: set[str] = set()
    for keyword in item.keywords:
        word = _text(keyword)
        if word and word not in words:
            words.add(word)
            rows.keywords.append((word, len(words)))
    return rows


def newest(items: Iterable[Rows]) -> list[Rows]:
    """One version per article or story, the newest (the later one on a tie), in id order: one
    statement may touch a row once, and a fixed order keeps concurrent sinks from deadlocking."""
    kept: dict[str, Rows] = {}
    for rows in items:
        old = kept.get(rows.id)
        if old is None or rows.version >= old.version:
            kept[rows.id] = rows
    return [kept[key] for key in sorted(kept)]


def article_params(batch: Sequence[ArticleRows]) -> list[list[Any]]:
    """:data:`UPSERT_ARTICLES`'s arguments: one array per column."""
    return _columns([r.article for r in batch], len(ARTICLE_COLUMNS))


def story_params(batch: Sequence[StoryRows]) -> list[list[Any]]:
    """:data:`UPSERT_STORIES`'s arguments: one array per column."""
    return _columns([r.story for r in batch], len(STORY_COLUMNS))


def story_child_rows(batch: Sequence[StoryRows]) -> tuple[list[tuple[Any, ...]],
                                                          list[tuple[Any, ...]]]:
    """The rows of :data:`COPY_STORY_ENTITIES` and :data:`COPY_STORY_TOPICS` for ``batch``
    (the stories written)."""
    return ([(r.id, *e) for r in batch for e in r.entities],
            [(r.id, *t) for r in batch for t in r.topics])


@dataclass(slots=True)
class ChildParams:
    """The arguments of the child statements for the articles actually written."""

    entities: list[list[Any]]  # columns
    topics: list[list[Any]]  # columns
    mentions: list[tuple[Any, ...]]  # rows
    article_topics: list[tuple[Any, ...]]  # rows
    keywords: list[tuple[Any, ...]]  # rows

    def counts(self) -> dict[str, int]:
        """Rows per table."""
        return {"entities": len(self.entities[0]), "article_entities": len(self.mentions),
                "topics": len(self.topics[0]), "article_topics": len(self.article_topics),
                "article_keywords": len(self.keywords)}


def child_params(batch: Sequence[ArticleRows]) -> ChildParams:
    """Arguments of :data:`UPSERT_ENTITIES` and :data:`UPSERT_TOPICS` (columns: an entity or
    topic once however many articles name it, its newest sighting's names, in key order) and the
    rows of :data:`COPY_MENTIONS`, :data:`COPY_ARTICLE_TOPICS` and :data:`COPY_KEYWORDS`, for
    ``batch`` (the articles written)."""
    entities: dict[str, tuple[tuple[str, str, str, str | None, str | None], datetime, datetime]]
    entities = {}
    topics: dict[str, tuple[str, str, str]] = {}
    mentions: list[tuple[Any, ...]] = []
    article_topics: list[tuple[str, str, float]] = []
    keywords: list[tuple[str, str, int]] = []
    for rows in batch:
        when = rows.enriched_at
        for entity in rows.entities:
            old = entities.get(entity[0])
            if old is None:
                entities[entity[0]] = (entity, when, when)
            else:
                latest = entity if when >= old[2] else old[0]
                entities[entity[0]] = (latest, min(old[1], when), max(old[2], when))
        mentions += [(rows.id, *m) for m in rows.mentions]
        for code, label_en, label_ko, score in rows.topics:
            topics[code] = (code, label_en, label_ko)
            article_topics.append((rows.id, code, score))
        keywords += [(rows.id, word, rank) for word, rank in rows.keywords]
    entity_rows = [(*entities[k][0], entities[k][1], entities[k][2]) for k in sorted(entities)]
    return ChildParams(
        entities=_columns(entity_rows, 7),
        topics=_columns([topics[k] for k in sorted(topics)], 3),
        mentions=mentions,
        article_topics=list(article_topics),
        keywords=list(keywords),
    )


def _columns(rows: Sequence[Sequence[Any]], width: int) -> list[list[Any]]:
    if not rows:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*rows, strict=True)]


def _text(value: Any) -> str:
    if value is None:
        raise RecordError("a required text field is null")
    if not isinstance(value, str):
        raise RecordError(f"expected text, got {type(value).__name__}")
    return value.replace("\x00", "") if "\x00" in value else value


def _opt(value: Any) -> str | None:
    return None if value is None else _text(value)


def _clean(value: Any) -> Any:
    """A JSON value without NUL characters (jsonb refuses ``\\u0000``)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    return value


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _when(value: Any) -> datetime | None:
    """An RFC 3339 time (UTC when it has no offset) or a day (its midnight UTC); None when
    missing or unreadable: a date the page got wrong must not hold up the article."""
    if not isinstance(value, str) or not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return None
        when = datetime(day.year, day.month, day.day)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
