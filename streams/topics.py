"""Every topic of the pipeline: name, key, value schema. The one place topic names live.

Keys are UTF-8 strings: the stable article id (see :func:`streams.records.article_id`) for
article-shaped records, so every version of one page lands on one partition and duplicates are
recognisable; the entity id or topic code for the fan-out topics, so a subscriber to one entity
or topic reads one partition. Values are orjson-encoded JSON described by ``schemas/<file>``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class TopicSpec:
    name: str
    schema: str
    key: str
    description: str
    #: Partitions of the topic; ``None``: ``NEWSSTREAM_PARTITIONS``.
    partitions: int | None = None
    #: Created with ``cleanup.policy=compact``: the latest record of each key is its state, and
    #: a null value (a tombstone) deletes the key.
    compacted: bool = False


RAW_HTML = TopicSpec(
    "news.raw-html", "raw-html.schema.json", "article id of the normalised URL",
    "Pages as fetched or pushed, before parsing.",
)
ARTICLES = TopicSpec(
    "news.articles", "article.schema.json", "article id of the canonical URL",
    "Structured articles from the parse stage.",
)
ENRICHED = TopicSpec(
    "news.enriched", "enriched.schema.json", "article id",
    "Articles with entities, topics and keywords from the enrich stage.",
)
ENTITY_MENTIONS = TopicSpec(
    "news.entity-mentions", "entity-mention.schema.json", "entity id",
    "One event per entity found in an enriched article.",
)
TOPIC_EVENTS = TopicSpec(
    "news.topic-events", "topic-event.schema.json", "IPTC media topic code",
    "One event per IPTC topic assigned to an enriched article.",
)
# Produced by the dedup agent (docs/stories.md, "Story clusters"), after each article's outputs.
# Compacted: each record is a story's whole state, and a story that expires gets a tombstone.
STORIES = TopicSpec(
    "news.stories", "story.schema.json", "story id (the article id of its first article)",
    "The current state of each story on every change: title, first and last seen, article "
    "and source counts, languages, top entities and topics; a null value: the story expired.",
    compacted=True,
)
# Produced by the dedup agent (docs/stories.md, "Trends"), with each original article's outputs.
TRENDS = TopicSpec(
    "news.trends", "trend.schema.json", "entity id or IPTC media topic code",
    "Per entity and topic: the count of original articles in a 5-minute window, its 24-hour "
    "baseline and a burst score, on every change of the count.",
)
DEADLETTER = TopicSpec(
    "news.deadletter", "deadletter.schema.json", "original key (article id when known)",
    "Records a stage could not process: original payload, stage and reason.",
)

# Ingestion's durable seen-URL memory. Compacted (cleanup.policy=compact on real Kafka), so it is
# created by streams/ingest/seen.py with that config, not by ensure_topics; not in ALL_TOPICS.
INGEST_SEEN = TopicSpec(
    "news.ingest-seen", "ingest-seen.schema.json", "article id of the normalised entry URL",
    "One record per page URL ingestion has handled (fetched, skipped or dead-lettered).",
)

# What `newsstream deadletters replay` has re-produced, so that a second run does not do it again.
# Compacted by key like INGEST_SEEN and created by streams/client/deadletters.py; not in
# ALL_TOPICS (no stage reads or writes it).
DEADLETTER_REPLAYS = TopicSpec(
    "news.deadletter-replays", "deadletter-replay.schema.json",
    "the dead letter's place in news.deadletter (partition:offset)",
    "One record per dead letter whose original was re-produced to its topic.",
)

# Internal topics of one app (one Faust app id): their names are ``<app id>-<name>``, like Faust's
# changelogs, so two apps on one cluster do not read each other's; :func:`internal` names them.
# Duplicate detection (docs/stories.md, "Design"): the enrich stage sends each article with its
# fingerprint to ONE partition, so that one agent sees every article in one total order.
STORIES_IN = TopicSpec(
    "stories-in", "stories-in.schema.json", "article id",
    "Enriched articles with their duplicate-detection fingerprint, on their way to the dedup "
    "agent (one partition: one total order).", partitions=1,
)
# The changelog of the dedup agent's table (Faust names it ``<app id>-<table>-changelog``).
STORIES_DEDUP_CHANGELOG = TopicSpec(
    "stories-dedup-changelog", "dedup-entry.schema.json", "article id",
    "The dedup table: one entry per article within the horizon (a null value deletes it).",
    partitions=1, compacted=True,
)
INTERNAL_TOPICS: tuple[TopicSpec, ...] = (STORIES_IN, STORIES_DEDUP_CHANGELOG)


def internal(spec: TopicSpec, app_id: str) -> TopicSpec:
    """The internal topic ``spec`` of app ``app_id``, under its full name."""
    return replace(spec, name=f"{app_id}-{spec.name}")


# Topics that only subscribers read: no stage consumes them and no table recovers from them, so
# on the embedded broker their records may be produced in batches (streams/kafka.py).
FAN_OUT: frozenset[TopicSpec] = frozenset({ENTITY_MENTIONS, TOPIC_EVENTS, TRENDS, STORIES})

ALL_TOPICS: tuple[TopicSpec, ...] = (
    RAW_HTML, ARTICLES, ENRICHED, ENTITY_MENTIONS, TOPIC_EVENTS, STORIES, TRENDS,
    DEADLETTER,
)

#: Topics beside the pipeline's: written by ingestion and by dead-letter replay, with their own
#: configuration (compacted); readable by subscribers like the others.
SIDE_TOPICS: tuple[TopicSpec, ...] = (INGEST_SEEN, DEADLETTER_REPLAYS)
