"""Every topic has a valid draft 2020-12 schema whose examples validate."""

from __future__ import annotations

import jsonschema_rs
import pytest

from streams.schemas import load_schema, validation_errors
from streams.topics import (
    ALL_TOPICS,
    ARTICLES,
    DEADLETTER,
    INTERNAL_TOPICS,
    RAW_HTML,
    SIDE_TOPICS,
    TRENDS,
    TopicSpec,
)

# Every topic with a schema, the planned news.trends (no agent produces it yet) among them.
TOPICS = ALL_TOPICS + SIDE_TOPICS + INTERNAL_TOPICS


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_schema_is_valid_and_versioned(topic: TopicSpec) -> None:
    schema = load_schema(topic.schema)
    jsonschema_rs.meta.validate(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(f"/{topic.name}/v1.json")
    assert schema["version"].startswith("1.")
    assert schema["additionalProperties"] is False
    assert schema["required"]


@pytest.mark.parametrize("topic", TOPICS, ids=lambda t: t.name)
def test_schema_examples_validate(topic: TopicSpec) -> None:
    examples = load_schema(topic.schema)["examples"]
    assert examples
    for example in examples:
        assert validation_errors(topic, example) == []


def test_unknown_fields_and_bad_formats_are_rejected() -> None:
    example = dict(load_schema(ARTICLES.schema)["examples"][0])
    assert validation_errors(ARTICLES, {**example, "surprise": 1})
    assert validation_errors(ARTICLES, {**example, "id": "not-a-hash"})
    raw = dict(load_schema(RAW_HTML.schema)["examples"][0])
    assert validation_errors(RAW_HTML, {**raw, "fetched_at": "yesterday"})
    both = {**raw, "content_b64": "PGh0bWw+"}
    assert validation_errors(RAW_HTML, both), "html and content_b64 are exclusive"
    letter = dict(load_schema(DEADLETTER.schema)["examples"][0])
    assert validation_errors(DEADLETTER, {**letter, "reason": "Has Spaces"})
    trend = dict(load_schema(TRENDS.schema)["examples"][0])
    assert validation_errors(TRENDS, {**trend, "key": "unk:0a1b2c3d4e5f"}), "unk: ids do not trend"
    assert validation_errors(TRENDS, {**trend, "kind": "keyword"})
