"""Record types carried on the topics: the contracts between stages.

Plain dataclasses with no Faust import, so that the pure cores (parse, enrich) and their tests
stay independent of the streaming runtime. They serialise with orjson natively
(``orjson.dumps(article)``); the JSON Schemas in ``schemas/`` describe the same shapes and are
the contract for subscribers. Missing metadata is ``None`` (JSON null), never a guess.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from dataclasses import dataclass, field, fields
from typing import Any, Literal, TypeVar

import orjson

from streams.urls import normalize_url

BlockKind = Literal["paragraph", "heading", "quote", "list_item"]
EntityType = Literal["person", "organization", "location", "product", "event", "other"]
#: How the UTC offset of an article's date is known (``Article.published_tz_source``; the
#: vocabulary is documented in ``schemas/article.schema.json`` and docs/extraction.md).
ZoneSource = Literal["explicit", "page", "domain", "language", "date_only"]
#: What a page is (``Article.kind``): a full article, or a short page made mainly of photos with
#: captions, of a video, or of a few sentences (docs/extraction.md, "Article kinds").
ArticleKind = Literal["article", "photo", "video", "brief"]
#: What a trend counts (``TrendPoint.kind``): a canonical entity id or an IPTC media topic code.
TrendKind = Literal["entity", "topic"]
T = TypeVar("T")


@dataclass(slots=True)
class RawHtml:
    """One page as fetched or pushed (value of ``news.raw-html``): what every producer builds
    (feeds, push, replay, tests, benchmarks) and the parse stage reads.

    Exactly one of ``html`` (the page as text, as pushed) and ``content_b64`` (its bytes as
    fetched, base64, with ``charset`` from the Content-Type when known) carries the page; the
    other is left out of the JSON, as the schema requires.
    """

    url: str
    fetched_at: str
    source: str
    html: str | None = None
    content_b64: str | None = None
    charset: str | None = None
    content_type: str | None = None
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_bytes(cls, url: str, content: bytes, *, fetched_at: str, source: str,
                 charset: str | None = None, content_type: str | None = "text/html",
                 status: int | None = None, headers: dict[str, str] | None = None) -> RawHtml:
        """The record of a page's bytes as fetched or stored."""
        return cls(url, fetched_at, source, content_b64=base64.b64encode(content).decode("ascii"),
                   charset=charset, content_type=content_type, status=status,
                   headers=headers or {})

    @property
    def key(self) -> bytes:
        """The Kafka key: the article id of the URL."""
        return article_id(self.url).encode()

    def encode(self) -> bytes:
        """The JSON value (orjson), without the unused one of ``html`` / ``content_b64``."""
        value = {f.name: getattr(self, f.name) for f in fields(self)}
        if self.html is None:
            del value["html"]
        if self.content_b64 is None:
            del value["content_b64"]
        return orjson.dumps(value)


@dataclass(slots=True)
class Block:
    """One piece of the body in reading order."""

    kind: BlockKind
    text: str


@dataclass(slots=True)
class Author:
    name: str | None = None
    email: str | None = None
    #: The role printed with the name where the byline gives one (``기자``, ``특파원``,
    #: ``에디터``, ``PD``); never guessed.
    role: str | None = None


@dataclass(slots=True)
class Image:
    src: str
    alt: str | None = None
    caption: str | None = None
    width: int | None = None


@dataclass(slots=True)
class Article:
    """What the parse stage extracts from one page (value of ``news.articles``)."""

    id: str
    url: str
    canonical_url: str
    title: str | None
    kind: ArticleKind = "article"
    language: str | None = None
    subtitle: str | None = None
    headings: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    text: str = ""
    authors: list[Author] = field(default_factory=list)
    publisher: str | None = None
    published: str | None = None
    published_source: str | None = None
    published_tz_source: ZoneSource | None = None
    modified: str | None = None
    modified_source: str | None = None
    modified_tz_source: ZoneSource | None = None
    images: list[Image] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    word_count: int = 0
    content_hash: str = ""
    source: str | None = None
    fetched_at: str | None = None
    parsed_at: str | None = None


@dataclass(slots=True)
class Entity:
    """One distinct entity found in an article, with its canonical id and salience."""

    id: str
    type: EntityType
    name: str
    name_ko: str | None = None
    name_en: str | None = None
    surface_forms: list[str] = field(default_factory=list)
    mentions: int = 1
    first_offset: int = 0
    in_title: bool = False
    in_lead: bool = False
    caption_only: bool = False
    source: str = "default"
    confidence: float = 0.5


@dataclass(slots=True)
class Topic:
    """An IPTC Media Topic (top level) with a score in [0, 1]."""

    code: str
    label_en: str
    label_ko: str
    score: float


@dataclass(slots=True)
class Enrichment:
    """What the enrich core adds to an article (no copy of the article itself)."""

    language: str | None
    entities: list[Entity] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Enriched:
    """An article with its enrichment (value of ``news.enriched``, key: article id).

    ``duplicate_of`` is the id of the first article seen of which this one is a copy (null for
    an original), ``duplicate_similarity`` the estimated similarity of the two (1.0: the same
    story text); ``story_id`` (since 1.2) the story the article belongs to, the key of its
    ``news.stories`` record; all three set by the dedup agent (docs/stories.md)."""

    article: Article
    language: str | None
    entities: list[Entity] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    enriched_at: str = ""
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    story_id: str | None = None


@dataclass(slots=True)
class EntityMention:
    """One entity of one enriched article (value of ``news.entity-mentions``, key: entity id)."""

    article_id: str
    url: str
    title: str | None
    published: str | None
    entity: Entity
    enriched_at: str
    language: str | None = None
    #: The article's ``duplicate_of`` (a trend counts a copy once: skip these).
    duplicate_of: str | None = None


@dataclass(slots=True)
class TopicEvent:
    """One IPTC topic of one enriched article (value of ``news.topic-events``, key: code)."""

    article_id: str
    url: str
    title: str | None
    published: str | None
    topic: Topic
    enriched_at: str
    language: str | None = None
    #: The article's ``duplicate_of`` (a trend counts a copy once: skip these).
    duplicate_of: str | None = None


@dataclass(slots=True)
class StoriesIn:
    """An enriched article on its way to the dedup agent (value of ``<app>-stories-in``, key:
    article id): the ``news.enriched`` value without the duplicate fields, when the article was
    first seen (seconds since the epoch, from ``fetched_at``) and its bucket keys
    (:attr:`streams.stories.Fingerprint.keys`)."""

    enriched: Enriched
    seen_at: float
    keys: list[str]


@dataclass(slots=True)
class StoryArticle:
    """What story clustering (streams/stories/clusters.py) needs of one article, small enough
    to keep one per article: the dedup table keeps it in each entry (:class:`DedupEntry`), and
    the stories are rebuilt from these after a recovery."""

    id: str
    seen_at: float
    language: str | None
    title: str | None
    source: str | None
    #: entity id -> (weight, display name); no ``unk:`` ids.
    entities: dict[str, tuple[float, str]] = field(default_factory=dict)
    #: topic code -> English label
    topics: dict[str, str] = field(default_factory=dict)
    #: term -> weight (:func:`streams.stories.clusters.terms`)
    terms: dict[str, float] = field(default_factory=dict)
    duplicate_of: str | None = None


@dataclass(slots=True)
class DedupEntry:
    """What the dedup table keeps of one article (value of ``<app>-stories-dedup-changelog``,
    key: article id): when it was first seen, its place in the arrival order (its offset in
    ``<app>-stories-in``), the buckets it was entered in, the decision it got, and what it
    counts for in the trends (its canonical entity ids and topic codes, schema 1.1: the trends
    are rebuilt from these entries after a recovery; an entry written before 1.1 counts for
    nothing)."""

    first_seen: float
    seq: int
    keys: list[str]
    duplicate_of: str | None = None
    duplicate_similarity: float | None = None
    trend_keys: list[str] = field(default_factory=list)
    #: Since 1.2: the article's story and what clustering kept of it (stories are rebuilt from
    #: these), and whether the entry is past the dedup horizon, kept only while its story lives.
    story_id: str | None = None
    story: StoryArticle | None = None
    story_only: bool = False


@dataclass(slots=True)
class TrendPoint:
    """One key's count in one tumbling window, against its baseline (value of ``news.trends``,
    key: the entity id or topic code): how many original articles (copies not counted) named
    the key in the window starting at ``window_start``, the mean count per window over the
    ``baseline_windows`` windows before it (at most a day's; fewer while the stream is younger
    than that), and the burst score of the two (:func:`streams.stories.trends.burst_score`)."""

    key: str
    kind: TrendKind
    window_start: str
    window_s: int
    count: int
    baseline: float
    baseline_windows: int
    score: float


@dataclass(slots=True)
class StoryEntity:
    """An entity of a story: its canonical id, a name, and how many of the story's original
    articles mention it."""

    id: str
    name: str
    articles: int


@dataclass(slots=True)
class StoryTopic:
    """An IPTC topic of a story and how many of its original articles carry it."""

    code: str
    label_en: str
    articles: int


@dataclass(slots=True)
class Story:
    """The current state of one story (value of ``news.stories``, key: story id, the article
    id of its first article): a new record on every change, the latest is the state
    (docs/stories.md). ``unique_articles`` are the originals, ``reprints`` the copies the dedup
    stage found of them."""

    id: str
    title: str | None
    first_seen: str
    last_seen: str
    articles: int
    unique_articles: int
    reprints: int
    sources: int
    top_sources: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    entities: list[StoryEntity] = field(default_factory=list)
    topics: list[StoryTopic] = field(default_factory=list)


@dataclass(slots=True)
class DeadLetter:
    """A record a stage could not process (value of ``news.deadletter``, key: the original's).

    ``original_value_b64`` is the original value, cut to fit the message limit when
    ``original_truncated`` (``original_size`` and ``original_sha256`` describe the whole)."""

    stage: str
    reason: str
    error_type: str
    message: str
    topic: str
    partition: int | None
    offset: int | None
    original_key_b64: str | None
    original_value_b64: str
    failed_at: str
    url: str | None = None
    original_size: int | None = None
    original_sha256: str | None = None
    original_truncated: bool = False


@dataclass(slots=True)
class DeadLetterReplay:
    """A dead letter whose original was re-produced (value of ``news.deadletter-replays``)."""

    deadletter_partition: int
    deadletter_offset: int
    topic: str
    original_sha256: str
    replayed_at: str
    stage: str | None = None
    reason: str | None = None


def kept_json(value: Any) -> bytes:
    """``orjson.dumps(value)`` copied to its own length, for JSON kept in memory for long (the
    dedup table's values, the story part of its entries). orjson (3.13) returns its whole
    output buffer, 4 KB at least and grown in powers of two, with only the length set: a 2 KB
    entry kept as it comes holds 16 KB (measured: docs/stories.md, "State in memory")."""
    return memoryview(orjson.dumps(value)).tobytes()


def article_id(url: str) -> str:
    """Stable article id, the one place it is computed: ``sha256`` of the normalised URL
    (:func:`streams.urls.normalize_url`, idempotent), first 32 hex digits. Every spelling of one
    URL (host case, tracking parameters, fragment) gives the same id, and so the same Kafka key."""
    return hashlib.sha256(normalize_url(url).encode("utf-8")).hexdigest()[:32]


def article_from_dict(data: dict[str, Any]) -> Article:
    """Rebuild an :class:`Article` from its JSON form (a schema-valid ``news.articles`` value)."""
    return _build(Article, {
        **data,
        "blocks": [_build(Block, b) for b in data.get("blocks", ())],
        "authors": [_build(Author, a) for a in data.get("authors", ())],
        "images": [_build(Image, i) for i in data.get("images", ())],
    })


def enriched_from_dict(data: dict[str, Any]) -> Enriched:
    return _build(Enriched, {
        **data,
        "article": article_from_dict(data["article"]),
        "entities": [_build(Entity, e) for e in data.get("entities", ())],
        "topics": [_build(Topic, t) for t in data.get("topics", ())],
    })


def entity_mention_from_dict(data: dict[str, Any]) -> EntityMention:
    return _build(EntityMention, {**data, "entity": _build(Entity, data["entity"])})


def topic_event_from_dict(data: dict[str, Any]) -> TopicEvent:
    return _build(TopicEvent, {**data, "topic": _build(Topic, data["topic"])})


def stories_in_from_dict(data: dict[str, Any]) -> StoriesIn:
    return _build(StoriesIn, {**data, "enriched": enriched_from_dict(data["enriched"])})


def dedup_entry_from_dict(data: dict[str, Any]) -> DedupEntry:
    story = data.get("story")
    return _build(DedupEntry, {**data, "story": story and story_article_from_dict(story)})


def story_article_from_dict(data: dict[str, Any]) -> StoryArticle:
    """A :class:`StoryArticle` from its JSON form (``orjson.dumps`` of one): what a table that
    keeps one per article gives back to :meth:`StoryIndex.restore`."""
    return StoryArticle(
        id=data["id"], seen_at=data["seen_at"], language=data.get("language"),
        title=data.get("title"), source=data.get("source"),
        entities={k: (float(w), str(name)) for k, (w, name) in data.get("entities", {}).items()},
        topics=dict(data.get("topics", {})), terms=dict(data.get("terms", {})),
        duplicate_of=data.get("duplicate_of"),
    )


def story_from_dict(data: dict[str, Any]) -> Story:
    return _build(Story, {
        **data,
        "entities": [_build(StoryEntity, e) for e in data.get("entities", ())],
        "topics": [_build(StoryTopic, t) for t in data.get("topics", ())],
    })


def trend_point_from_dict(data: dict[str, Any]) -> TrendPoint:
    return _build(TrendPoint, data)


def dead_letter_from_dict(data: dict[str, Any]) -> DeadLetter:
    return _build(DeadLetter, data)


def _build(cls: type[T], data: dict[str, Any]) -> T:
    """``cls(**data)`` without the fields ``cls`` does not know: a value written by a newer
    minor version of a schema (an added optional field) still reads with an older client."""
    known = _field_names(cls)  # type: ignore[arg-type]
    return cls(**{name: value for name, value in data.items() if name in known})


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    """The field names of a record type (looked up once: every record read needs them)."""
    return frozenset(f.name for f in fields(cls))
