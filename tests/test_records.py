"""Record types: the raw-html record every producer builds (schema-valid, keyed by the article
id), and every topic's record type against its schema."""

from __future__ import annotations

import base64
import dataclasses
from typing import Any

import orjson
import pytest

from streams.records import (
    Article,
    DeadLetter,
    DeadLetterReplay,
    DedupEntry,
    Enriched,
    Entity,
    EntityMention,
    RawHtml,
    StoriesIn,
    Topic,
    TopicEvent,
    TrendPoint,
    article_from_dict,
    article_id,
    dead_letter_from_dict,
    dedup_entry_from_dict,
    enriched_from_dict,
    entity_mention_from_dict,
    stories_in_from_dict,
    topic_event_from_dict,
    trend_point_from_dict,
)
from streams.schemas import load_schema, validation_errors
from streams.topics import (
    ARTICLES,
    DEADLETTER,
    DEADLETTER_REPLAYS,
    ENRICHED,
    ENTITY_MENTIONS,
    RAW_HTML,
    STORIES_DEDUP_CHANGELOG,
    STORIES_IN,
    TOPIC_EVENTS,
    TRENDS,
    TopicSpec,
)

FETCHED = "2025-05-10T05:00:00+00:00"


def test_a_pushed_page_carries_html_only() -> None:
    raw = RawHtml("https://News.example/a?utm_source=x", FETCHED, "push", html="<p>나</p>")
    value = orjson.loads(raw.encode())
    assert value["html"] == "<p>나</p>" and "content_b64" not in value
    assert validation_errors(RAW_HTML, value) == []
    assert raw.key == article_id("https://news.example/a").encode()


def test_fetched_bytes_carry_content_b64_only() -> None:
    raw = RawHtml.of_bytes("https://news.example/b", "<p>나</p>".encode("euc-kr"),
                           fetched_at=FETCHED, source="feed", charset="euc-kr", status=200,
                           headers={"etag": "x"})
    value = orjson.loads(raw.encode())
    assert "html" not in value and value["charset"] == "euc-kr"
    assert base64.b64decode(value["content_b64"]).decode("euc-kr") == "<p>나</p>"
    assert validation_errors(RAW_HTML, value) == []
    assert RawHtml(**value) == raw  # what the parse stage reads back


# Every topic value's record type has exactly the fields of its schema, nested records too:
# producers and subscribers (streams.client) share these types, so neither can drift.
SHAPES = [
    (RawHtml, RAW_HTML, None), (Article, ARTICLES, None), (Enriched, ENRICHED, None),
    (Entity, ENRICHED, "entity"), (Topic, ENRICHED, "topic"),
    (EntityMention, ENTITY_MENTIONS, None), (TopicEvent, TOPIC_EVENTS, None),
    (DeadLetter, DEADLETTER, None), (DeadLetterReplay, DEADLETTER_REPLAYS, None),
    (StoriesIn, STORIES_IN, None), (DedupEntry, STORIES_DEDUP_CHANGELOG, None),
    (TrendPoint, TRENDS, None),
]


@pytest.mark.parametrize(("record", "topic", "definition"), SHAPES,
                         ids=lambda x: getattr(x, "__name__", None) or getattr(x, "name", x))
def test_record_fields_are_the_schema_properties(record: type, topic: TopicSpec,
                                                 definition: str | None) -> None:
    schema = load_schema(topic.schema)
    shape = schema["$defs"][definition] if definition else schema
    assert {f.name for f in dataclasses.fields(record)} == set(shape["properties"])
    # a required property never gets a default that would hide its absence
    no_default = {f.name for f in dataclasses.fields(record)
                  if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING}
    assert no_default <= set(shape["required"])


DECODERS = [(ENRICHED, enriched_from_dict), (ENTITY_MENTIONS, entity_mention_from_dict),
            (TOPIC_EVENTS, topic_event_from_dict), (DEADLETTER, dead_letter_from_dict),
            (ARTICLES, article_from_dict), (STORIES_IN, stories_in_from_dict),
            (STORIES_DEDUP_CHANGELOG, dedup_entry_from_dict), (TRENDS, trend_point_from_dict)]


@pytest.mark.parametrize(("topic", "decode"), DECODERS, ids=lambda x: getattr(x, "name", ""))
def test_examples_read_back_into_records_and_encode_the_same(topic: TopicSpec,
                                                             decode: Any) -> None:
    for example in load_schema(topic.schema)["examples"]:
        again = orjson.loads(orjson.dumps(decode(example)))
        assert as_written(again, example) == example
        # an optional field the example leaves out reads as its default (None, [], "article")
        assert validation_errors(topic, {k: v for k, v in again.items()
                                         if k in example or v is not None}) == []


def as_written(value: Any, example: Any) -> Any:
    """``value`` restricted to the keys present in ``example``, recursively."""
    if isinstance(example, dict):
        return {k: as_written(value[k], v) for k, v in example.items()}
    if isinstance(example, list):
        return [as_written(v, e) for v, e in zip(value, example, strict=True)]
    return value


def test_a_field_added_in_a_later_minor_version_is_ignored_by_older_readers() -> None:
    example = load_schema(ENRICHED.schema)["examples"][0]
    newer = {**example, "added_later": 1,
             "entities": [{**e, "added_later": True} for e in example["entities"]]}
    assert enriched_from_dict(newer) == enriched_from_dict(example)
