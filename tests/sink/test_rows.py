"""The sink's pure part: values to rows, one version per article or story, child rows,
backoff."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson
import pytest

from streams.sink import rows
from streams.sink.rows import RecordError, decode, decode_story, newest
from tests.sink.conftest import enriched_value, story_value

URL = "https://example.com/a"


def encoded(**kwargs: object) -> bytes:
    return orjson.dumps(enriched_value(URL, **kwargs))  # type: ignore[arg-type]


def test_an_enriched_value_becomes_rows_of_every_table() -> None:
    item = decode(encoded(entities=[("org:openai", "OpenAI"), ("per:sam-altman", "Sam Altman")],
                          keywords=["AI", "오픈AI", "AI"], topics=[("medtop:13000000", 0.8)]))
    article = dict(zip(rows.ARTICLE_COLUMNS, item.article, strict=True))
    assert article["id"] == item.id and article["url"] == URL
    assert article["published"] == datetime(2025, 5, 10, tzinfo=UTC)  # a day: midnight UTC
    assert article["enriched_at"] == item.enriched_at == datetime(2025, 5, 10, 5, 0, 16, 300000,
                                                                  tzinfo=UTC)
    assert orjson.loads(article["authors"]) == [{"name": "김성환", "email": "ksh@fnnews.com",
                                                 "role": None}]
    assert [e[0] for e in item.entities] == ["org:openai", "per:sam-altman"]
    assert item.mentions[1][:2] == ("per:sam-altman", "Sam Altman")
    assert item.topics == [("medtop:13000000", "science and technology", "과학기술", 0.8)]
    assert item.keywords == [("AI", 1), ("오픈AI", 2)]  # a repeated keyword once


def test_the_duplicate_fields_reach_their_columns_and_are_null_for_an_original() -> None:
    original = dict(zip(rows.ARTICLE_COLUMNS, decode(encoded()).article, strict=True))
    assert original["duplicate_of"] is None and original["duplicate_similarity"] is None
    value = enriched_value(URL)
    value.update(duplicate_of="a" * 32, duplicate_similarity=0.87)
    copy = dict(zip(rows.ARTICLE_COLUMNS, decode(orjson.dumps(value)).article, strict=True))
    assert (copy["duplicate_of"], copy["duplicate_similarity"]) == ("a" * 32, 0.87)


def test_the_story_id_reaches_its_column_and_is_null_before_version_1_2() -> None:
    value = enriched_value(URL)
    assert dict(zip(rows.ARTICLE_COLUMNS, decode(orjson.dumps(value)).article,
                    strict=True))["story_id"] == "3f1b9a2c5d7e4f6081a2b3c4d5e6f708"
    del value["story_id"]  # a 1.1 record
    assert dict(zip(rows.ARTICLE_COLUMNS, decode(orjson.dumps(value)).article,
                    strict=True))["story_id"] is None


def test_a_story_value_becomes_its_rows_and_a_tombstone_none() -> None:
    value = story_value("b" * 32, entities=[("org:openai", "오픈AI", 5), ("org:openai", "x", 1),
                                            ("per:sam-altman", "샘 올트먼", 4)])
    item = decode_story(orjson.dumps(value))
    assert item is not None
    story = dict(zip(rows.STORY_COLUMNS, item.story, strict=True))
    assert story["id"] == item.id == "b" * 32 and story["articles"] == 9
    assert story["last_seen"] == datetime(2025, 5, 11, 2, 41, 7, tzinfo=UTC)
    assert orjson.loads(story["languages"]) == ["en", "ko"]
    assert item.version == (story["last_seen"], 9)
    # an entity listed twice is one row; ranks follow the record's order
    assert item.entities == [("org:openai", "오픈AI", 5, 1), ("per:sam-altman", "샘 올트먼", 4, 2)]
    assert [t[0] for t in item.topics] == ["medtop:13000000", "medtop:11000000"]
    assert decode_story(None) is None
    for bad in (b"not json", orjson.dumps({"id": "c" * 32}),
                orjson.dumps({**value, "last_seen": "later"})):
        with pytest.raises(RecordError):
            decode_story(bad)


def test_newest_keeps_the_latest_state_of_each_story() -> None:
    def state(articles: int, last_seen: str) -> rows.StoryRows:
        item = decode_story(orjson.dumps(story_value("b" * 32, articles=articles,
                                                     last_seen=last_seen)))
        assert item is not None
        return item

    later = state(5, "2025-05-12T00:00:00+00:00")
    bigger = state(9, "2025-05-11T00:00:00+00:00")
    same_time_more = state(6, "2025-05-12T00:00:00+00:00")
    assert newest([later, bigger])[0] is later  # last_seen first: a story only moves on
    assert newest([same_time_more, later])[0] is same_time_more  # then more articles


def test_unknown_fields_are_ignored() -> None:
    value = enriched_value(URL)
    value["added_in_1_9"] = True
    value["entities"][0]["added_too"] = 1
    assert decode(orjson.dumps(value)).entities[0][0] == "org:openai"


@pytest.mark.parametrize("value", [
    None, b"not json", b"[1]", b"{}", orjson.dumps({"article": {"id": "x"}}),
])
def test_unreadable_values_are_record_errors(value: bytes | None) -> None:
    with pytest.raises(RecordError):
        decode(value)


def test_wrongly_typed_fields_are_record_errors() -> None:
    value = enriched_value(URL)
    value["entities"][0]["mentions"] = "many"
    with pytest.raises(RecordError):
        decode(orjson.dumps(value))
    value = enriched_value(URL)
    value["enriched_at"] = "yesterday"
    with pytest.raises(RecordError, match="enriched_at"):
        decode(orjson.dumps(value))


def test_nul_characters_are_removed() -> None:
    value = enriched_value(URL, title="a\x00b")
    value["article"]["tags"] = ["x\x00y"]
    item = decode(orjson.dumps(value))
    article = dict(zip(rows.ARTICLE_COLUMNS, item.article, strict=True))
    assert article["title"] == "ab" and orjson.loads(article["tags"]) == ["xy"]


def test_an_unreadable_date_is_null_not_an_error() -> None:
    value = enriched_value(URL)
    value["article"]["published"] = "sometime in May"
    article = dict(zip(rows.ARTICLE_COLUMNS, decode(orjson.dumps(value)).article, strict=True))
    assert article["published"] is None


def test_newest_keeps_one_version_per_article_in_id_order() -> None:
    old = decode(encoded(enriched_at="2025-05-10T05:00:00+00:00", title="old"))
    new = decode(encoded(enriched_at="2025-05-11T05:00:00+00:00", title="new"))
    tie = decode(encoded(enriched_at="2025-05-11T05:00:00+00:00", title="tie"))
    other = decode(orjson.dumps(enriched_value("https://example.com/0")))
    kept = newest([new, old, other, tie])
    assert [r.id for r in kept] == sorted([new.id, other.id])
    assert [r.article[3] for r in kept if r.id == new.id] == ["tie"]  # later wins a tie
    assert newest([new, old])[0].article[3] == "new"  # an older one after never wins


def test_an_entity_in_two_articles_is_one_row_with_the_newest_names() -> None:
    a = decode(orjson.dumps(enriched_value("https://example.com/1", entities=[("org:x", "Old")],
                                           enriched_at="2025-05-10T00:00:00+00:00")))
    b = decode(orjson.dumps(enriched_value("https://example.com/2", entities=[("org:x", "New")],
                                           enriched_at="2025-05-12T00:00:00+00:00")))
    for batch in ([a, b], [b, a]):
        params = rows.child_params(batch)
        assert params.entities[0] == ["org:x"] and params.entities[2] == ["New"]
        assert params.entities[5][0].day == 10 and params.entities[6][0].day == 12
        assert params.counts()["article_entities"] == 2 == len(params.mentions)


def test_backoff_doubles_with_jitter_up_to_the_limit() -> None:
    pytest.importorskip("psycopg")
    from streams.sink.postgres import backoff

    for attempt, full in [(0, 0.5), (1, 1.0), (3, 4.0), (10, 30.0), (200, 30.0)]:
        delays = [backoff(attempt, 0.5, 30.0) for _ in range(50)]
        assert all(full / 2 <= d <= full for d in delays)
        assert len(set(delays)) > 1
