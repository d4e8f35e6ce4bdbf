"""Subscriber filters on every topic's schema example: what each keeps, drops and refuses."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest

from streams.client import FilterError, Filters, parse_since
from streams.client.reader import READABLE, Event
from streams.client.render import jsonl, pretty
from streams.schemas import load_schema, validation_errors
from streams.topics import (
    ALL_TOPICS,
    DEADLETTER,
    ENRICHED,
    ENTITY_MENTIONS,
    TOPIC_EVENTS,
    TRENDS,
    TopicSpec,
)


def example(topic: TopicSpec) -> dict[str, Any]:
    value: dict[str, Any] = copy.deepcopy(load_schema(topic.schema)["examples"][0])
    return value


def enriched(entities: list[str], codes: list[str], language: str = "ko",
             title: str = "샘 올트먼 방한") -> dict[str, Any]:
    value = example(ENRICHED)
    template = value["entities"][0]
    value["entities"] = [{**template, "id": id_} for id_ in entities]
    topic = value["topics"][0]
    value["topics"] = [{**topic, "code": code} for code in codes]
    value["language"] = language
    value["article"]["title"] = title
    assert validation_errors(ENRICHED, value) == []
    return value


def test_no_filter_keeps_everything() -> None:
    for topic in ALL_TOPICS:
        assert Filters().accepts(topic.name, example(topic))


def test_entity_filter_keeps_any_of_the_ids() -> None:
    both = Filters(entities=("org:openai", "per:sam-altman"))
    assert both.accepts(ENRICHED.name, enriched(["org:openai"], []))
    assert both.accepts(ENRICHED.name, enriched(["loc:KR", "per:sam-altman"], []))
    assert not both.accepts(ENRICHED.name, enriched(["org:kakao"], []))


def test_different_filters_must_all_hold() -> None:
    wanted = Filters(entities=("org:openai",), lang="ko", topic_codes=("medtop:04000000",))
    assert wanted.accepts(ENRICHED.name, enriched(["org:openai"], ["medtop:04000000"]))
    assert not wanted.accepts(ENRICHED.name, enriched(["org:openai"], ["medtop:04000000"], "en"))
    assert not wanted.accepts(ENRICHED.name, enriched(["org:openai"], ["medtop:15000000"]))
    assert not wanted.accepts(ENRICHED.name, enriched(["org:kakao"], ["medtop:04000000"]))


def test_language_and_text_match_loosely() -> None:
    value = enriched([], [], language="ko", title="OpenAI opens a Seoul office")
    assert Filters(lang="ko").accepts(ENRICHED.name, value)
    value["language"] = "ko-KR"
    assert Filters(lang="ko").accepts(ENRICHED.name, value)
    assert Filters(match="seoul OFFICE").accepts(ENRICHED.name, value)
    assert not Filters(match="Busan").accepts(ENRICHED.name, value)


def test_source_is_the_feed_or_the_publisher() -> None:
    value = enriched([], [])
    value["article"]["source"] = "daum-feed"
    value["article"]["publisher"] = "파이낸셜뉴스"
    assert Filters(source="DAUM-FEED").accepts(ENRICHED.name, value)
    assert Filters(source="파이낸셜뉴스").accepts(ENRICHED.name, value)
    assert not Filters(source="연합뉴스").accepts(ENRICHED.name, value)


def test_fan_out_topics_filter_on_their_own_key_field() -> None:
    mention = example(ENTITY_MENTIONS)
    entity_id = mention["entity"]["id"]
    assert Filters(entities=(entity_id,)).accepts(ENTITY_MENTIONS.name, mention)
    assert not Filters(entities=("org:nobody",)).accepts(ENTITY_MENTIONS.name, mention)
    event = example(TOPIC_EVENTS)
    code = event["topic"]["code"]
    assert Filters(topic_codes=(code,)).accepts(TOPIC_EVENTS.name, event)
    assert not Filters(topic_codes=("medtop:99999999",)).accepts(TOPIC_EVENTS.name, event)


@pytest.mark.parametrize(("filters", "topic", "message"), [
    (Filters(topic_codes=("medtop:04000000",)), ENTITY_MENTIONS.name, "--topic-code"),
    (Filters(entities=("org:openai",)), TOPIC_EVENTS.name, "--entity"),
    (Filters(lang="ko"), DEADLETTER.name, "--lang"),
    (Filters(topic_codes=("economy",)), ENRICHED.name, "medtop:NNNNNNNN"),
    (Filters(lang="korean"), ENRICHED.name, "language code"),
])
def test_filters_a_topic_cannot_answer_are_refused(filters: Filters, topic: str,
                                                   message: str) -> None:
    with pytest.raises(FilterError, match=message):
        filters.check(topic)


def test_every_readable_topic_accepts_a_text_match() -> None:
    for topic in READABLE:
        Filters(match="x").check(topic)


def test_since_takes_durations_and_instants() -> None:
    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    assert parse_since("10m", now) == now - timedelta(minutes=10)
    assert parse_since("2h", now) == now - timedelta(hours=2)
    assert parse_since("1d", now) == now - timedelta(days=1)
    assert parse_since("2026-12-04T09:00:00+09:00") == datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert parse_since("2026-12-04T09:00") == datetime(2026, 12, 4, 9, 0, tzinfo=UTC)
    with pytest.raises(FilterError, match="duration"):
        parse_since("ten minutes")


def event_of(topic: TopicSpec, value: dict[str, Any]) -> Event:
    raw = orjson.dumps(value)
    return Event(topic.name, 1, 42, "k", datetime(2026, 12, 4, tzinfo=UTC), value, raw)


def test_jsonl_is_one_schema_valid_line_per_event() -> None:
    for topic in ALL_TOPICS:
        line = jsonl(event_of(topic, example(topic)))
        assert "\n" not in line
        assert validation_errors(topic, orjson.loads(line)) == []


def test_pretty_shows_title_entities_with_ids_and_topics() -> None:
    value = enriched(["org:openai", "per:sam-altman"], ["medtop:04000000"],
                     title="샘 올트먼 방한")
    text = pretty(event_of(ENRICHED, value))
    lines = text.splitlines()
    assert lines[0].startswith("2026-12-04 00:00:00Z  news.enriched[1]@42")
    assert "샘 올트먼 방한" in lines[1]
    entities = next(line for line in lines if "entities:" in line)
    assert "org:openai" in entities and "per:sam-altman" in entities
    assert "medtop:04000000" in next(line for line in lines if "topics:" in line)
    letter = pretty(event_of(DEADLETTER, example(DEADLETTER)))
    assert example(DEADLETTER)["reason"] in letter


def test_originals_skips_copies_on_every_topic_that_carries_duplicate_of() -> None:
    only_originals = Filters(originals=True)
    for topic in (ENRICHED, ENTITY_MENTIONS, TOPIC_EVENTS):
        original = example(topic)
        copy_ = {**example(topic), "duplicate_of": "a" * 32}
        assert validation_errors(topic, copy_) == []
        assert only_originals.accepts(topic.name, original), topic.name
        assert not only_originals.accepts(topic.name, copy_), topic.name
        assert Filters().accepts(topic.name, copy_)  # off by default: copies are news too
    with pytest.raises(FilterError, match=r"--originals does not apply to news\.deadletter"):
        only_originals.check(DEADLETTER.name)


def test_pretty_names_the_original_of_a_copy() -> None:
    value = {**example(ENRICHED), "duplicate_of": "b" * 32, "duplicate_similarity": 0.934}
    event = Event(ENRICHED.name, 0, 7, "k", datetime(2026, 12, 5, tzinfo=UTC), value,
                  orjson.dumps(value))
    assert f"copy of {'b' * 32} (similarity 0.93)" in pretty(event)
    original = example(ENRICHED)
    assert "copy of" not in pretty(Event(ENRICHED.name, 0, 8, "k",
                                         datetime(2026, 12, 5, tzinfo=UTC), original,
                                         orjson.dumps(original)))


def test_trend_points_filter_on_their_key_by_kind_and_print_count_baseline_and_score() -> None:
    entity, topic = load_schema(TRENDS.schema)["examples"][:2]
    assert Filters(entities=(entity["key"],)).accepts(TRENDS.name, entity)
    assert not Filters(entities=(entity["key"],)).accepts(TRENDS.name, topic)
    assert Filters(topic_codes=(topic["key"],)).accepts(TRENDS.name, topic)
    assert not Filters(topic_codes=(topic["key"],)).accepts(TRENDS.name, entity)
    assert Filters(originals=True).accepts(TRENDS.name, entity)  # trends count originals only
    text = pretty(event_of(TRENDS, entity))
    assert "org:openai (entity): 10 in the 5 minutes from 2025-05-10T05:00:00+00:00" in text
    assert "baseline 1.00 over 288 windows, burst score +4.09" in text
