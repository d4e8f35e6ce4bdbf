"""The sink's writes on a real PostgreSQL: migrations, idempotent upserts, versions, refusals,
and the documented example query."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.conftest import ROOT
from tests.sink.conftest import enriched_value, story_value

psycopg = pytest.importorskip("psycopg")

from streams.sink.migrate import Migration, MigrationError, migrate, migrations  # noqa: E402
from streams.sink.postgres import Writer  # noqa: E402
from streams.sink.rows import ArticleRows, StoryRows, decode, decode_story, newest  # noqa: E402

TABLES = ("articles", "entities", "article_entities", "topics", "article_topics",
          "article_keywords", "stories", "story_entities", "story_topics")


def rows_of(*values: dict[str, Any]) -> list[ArticleRows]:
    return newest(decode(orjson.dumps(v)) for v in values)


def stories_of(*values: dict[str, Any]) -> list[StoryRows]:
    return newest(s for v in values if (s := decode_story(orjson.dumps(v))) is not None)


async def dump(dsn: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in key order."""
    async with await psycopg.AsyncConnection.connect(dsn) as conn:
        out = {}
        for table in TABLES:
            cur = await conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")
            out[table] = await cur.fetchall()
        return out


def now(days: float = 0) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).isoformat()


async def test_migrations_apply_once_even_when_sinks_start_together(database: str) -> None:
    async def one() -> list[int]:
        async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
            return await migrate(conn)

    results = await asyncio.gather(*(one() for _ in range(4)))
    assert sorted(results) == [[], [], [], [1, 2, 3]]
    async with await psycopg.AsyncConnection.connect(database, autocommit=True) as conn:
        cur = await conn.execute("SELECT version, name FROM schema_migrations ORDER BY version")
        assert await cur.fetchall() == [(1, "init"), (2, "duplicates"), (3, "stories")]
        edited = [Migration(1, "init", migrations()[0].sql + "\n-- edited\n"),
                  *migrations()[1:]]
        with pytest.raises(MigrationError, match="edited"):
            await migrate(conn, edited)
        with pytest.raises(MigrationError, match="lacks"):
            await migrate(conn, [])


def test_migration_files_are_numbered_without_gaps(tmp_path: Path) -> None:
    assert [m.version for m in migrations()] == list(range(1, len(migrations()) + 1))
    (tmp_path / "0001_a.sql").write_text("SELECT 1;")
    (tmp_path / "0003_c.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="in order"):
        migrations(tmp_path)


async def test_a_batch_lands_and_writing_it_again_changes_nothing(database: str) -> None:
    values = [enriched_value(f"https://example.com/{i}",
                             entities=[("org:openai", "OpenAI"), (f"per:p{i}", f"P {i}")],
                             keywords=["AI", f"k{i}"], topics=[("medtop:13000000", 0.5 + i / 10)])
              for i in range(3)]
    writer = Writer(database)
    try:
        report = await writer.write(rows_of(*values))
        assert (report.written, report.stale) == (3, 0)
        assert report.rows == {"articles": 3, "entities": 4, "article_entities": 6, "topics": 1,
                               "article_topics": 3, "article_keywords": 6}
        first = await dump(database)
        assert len(first["entities"]) == 4 and len(first["article_entities"]) == 6
        # a duplicate delivery, a replay of everything, and a batch holding one article twice
        await writer.write(rows_of(*values))
        await writer.write(rows_of(values[1], values[1], values[0]))
        assert await dump(database) == first
    finally:
        await writer.close()


async def test_copies_are_stored_with_their_original_and_a_query_keeps_originals_only(
        database: str) -> None:
    original = enriched_value("https://example.com/story")
    copy = enriched_value("https://portal.example/story")
    copy.update(duplicate_of=original["article"]["id"], duplicate_similarity=0.93)
    writer = Writer(database)
    try:
        await writer.write(rows_of(original, copy))
    finally:
        await writer.close()
    async with await psycopg.AsyncConnection.connect(database) as conn:
        cur = await conn.execute("SELECT url, duplicate_of, duplicate_similarity FROM articles "
                                 "ORDER BY url")
        assert await cur.fetchall() == [
            ("https://example.com/story", None, None),
            ("https://portal.example/story", original["article"]["id"], 0.93)]
        cur = await conn.execute("SELECT count(*) FROM articles WHERE duplicate_of IS NULL")
        assert await cur.fetchone() == (1,)


async def test_a_newer_version_replaces_the_children_and_an_older_one_changes_nothing(
        database: str) -> None:
    url = "https://example.com/versions"
    v1 = enriched_value(url, entities=[("org:a", "A"), ("org:b", "B")], keywords=["x", "y"],
                        enriched_at="2025-05-10T00:00:00+00:00", title="v1")
    v2 = enriched_value(url, entities=[("org:a", "A2")], keywords=["z"],
                        enriched_at="2025-05-11T00:00:00+00:00", title="v2")
    writer = Writer(database)
    try:
        await writer.write(rows_of(v1))
        await writer.write(rows_of(v2))
        after = await dump(database)
        report = await writer.write(rows_of(v1))  # an old version replayed late
        assert (report.written, report.stale) == (0, 1)
        assert await dump(database) == after
    finally:
        await writer.close()
    assert [a[3] for a in after["articles"]] == ["v2"]
    assert [(m[1], m[2]) for m in after["article_entities"]] == [("org:a", "A2")]
    assert [k[1] for k in after["article_keywords"]] == ["z"]
    # entities keep their first sighting; names follow the latest
    entities = {e[0]: e for e in after["entities"]}
    assert entities["org:a"][2] == "A2"
    assert entities["org:a"][5] < entities["org:a"][6]


async def test_an_article_the_database_refuses_is_passed_over_alone(database: str) -> None:
    good = [enriched_value(f"https://example.com/ok{i}") for i in range(2)]
    bad = enriched_value("https://example.com/bad")
    bad["article"]["word_count"] = 2**40  # beyond integer: the database refuses the row
    writer = Writer(database)
    try:
        report = await writer.write(rows_of(good[0], bad, good[1]))
    finally:
        await writer.close()
    assert (report.written, report.rejected) == (2, 1)
    assert len((await dump(database))["articles"]) == 2


def example_query() -> str:
    text = (ROOT / "docs" / "sink-postgres.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- example: top-entities[^>]*-->\n```sql\n(.*?)```", text, re.S)
    assert found, "docs/sink-postgres.md lost its example query"
    return found.group(1)


async def test_the_documented_query_gives_the_top_entities_of_the_last_day(database: str) -> None:
    values = [
        enriched_value("https://example.com/q1", entities=[("org:openai", "OpenAI"),
                                                           ("loc:KR", "Korea")],
                       enriched_at=now()),
        enriched_value("https://example.com/q2", entities=[("org:openai", "OpenAI")],
                       enriched_at=now()),
        enriched_value("https://example.com/q3", entities=[("org:old", "Old news")],
                       enriched_at=now()),
    ]
    for value in values:
        value["article"]["published"] = now(0.5)
    values[2]["article"]["published"] = now(3)  # published three days ago: not counted
    writer = Writer(database)
    try:
        await writer.write(rows_of(*values))
    finally:
        await writer.close()
    async with await psycopg.AsyncConnection.connect(database) as conn:
        cur = await conn.execute(example_query().encode())
        top = await cur.fetchall()
    assert [(r[0], r[1], r[3]) for r in top] == [("org:openai", "OpenAI", 2),
                                                  ("loc:KR", "Korea", 1)]


async def test_stories_land_and_only_a_newer_state_replaces_one(database: str) -> None:
    sid = "b" * 32
    early = story_value(sid, articles=2, last_seen="2025-05-10T06:00:00+00:00",
                        entities=[("org:openai", "오픈AI", 2), ("org:old", "Old", 1)])
    later = story_value(sid, articles=4, last_seen="2025-05-10T09:00:00+00:00",
                        entities=[("org:openai", "오픈AI", 4)])
    other = story_value("c" * 32, articles=1)
    writer = Writer(database)
    try:
        report = await writer.write([], stories_of(early, other))
        assert (report.stories_written, report.stories_stale) == (2, 0)
        assert report.rows["stories"] == 2 and report.rows["story_entities"] == 5
        report = await writer.write([], stories_of(later))
        after = await dump(database)
        # an older state replayed late, and the same state delivered twice, change nothing
        report = await writer.write([], stories_of(early))
        assert (report.stories_written, report.stories_stale) == (0, 1)
        await writer.write([], stories_of(later, later))
        assert await dump(database) == after
    finally:
        await writer.close()
    stories = {row[0]: row for row in after["stories"]}
    assert stories[sid][4] == 4 and stories["c" * 32][4] == 1
    assert [(e[1], e[3], e[4]) for e in after["story_entities"] if e[0] == sid] == [
        ("org:openai", 4, 1)]  # the entities of the older state went with it
    assert len([t for t in after["story_topics"] if t[0] == sid]) == 2


async def test_a_batch_of_articles_and_their_story_is_written_together(database: str) -> None:
    values = [enriched_value(f"https://example.com/s{i}") for i in range(3)]
    sid = values[0]["article"]["id"]
    for value in values:
        value["story_id"] = sid
    writer = Writer(database)
    try:
        report = await writer.write(rows_of(*values), stories_of(story_value(sid, articles=3)))
    finally:
        await writer.close()
    assert (report.written, report.stories_written) == (3, 1)
    async with await psycopg.AsyncConnection.connect(database) as conn:
        cur = await conn.execute("SELECT s.articles, count(a.id) FROM stories s "
                                 "JOIN articles a ON a.story_id = s.id GROUP BY s.articles")
        assert await cur.fetchall() == [(3, 3)]


def stories_query() -> str:
    text = (ROOT / "docs" / "sink-postgres.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- example: top-stories[^>]*-->\n```sql\n(.*?)```", text, re.S)
    assert found, "docs/sink-postgres.md lost its stories query"
    return found.group(1)


async def test_the_documented_query_gives_the_biggest_stories_of_the_last_day(
        database: str) -> None:
    big, small, old = ("b" * 32, "c" * 32, "d" * 32)
    states = [story_value(big, articles=6, last_seen=now(0.1)),
              story_value(small, articles=5, last_seen=now(0.2)),
              story_value(old, articles=50, last_seen=now(3))]
    states[1]["reprints"], states[1]["unique_articles"] = 4, 1  # mostly reprints: ranks lower
    articles = []
    for sid, count in ((big, 2), (small, 1), (old, 1)):
        for i in range(count):
            value = enriched_value(f"https://example.com/{sid[0]}{i}", enriched_at=now())
            value["story_id"] = sid
            articles.append(value)
    writer = Writer(database)
    try:
        await writer.write(rows_of(*articles), stories_of(*states))
    finally:
        await writer.close()
    async with await psycopg.AsyncConnection.connect(database) as conn:
        cur = await conn.execute(stories_query().encode())
        top = await cur.fetchall()
    assert [(r[0], r[2], r[-1]) for r in top] == [(big, 2, 2), (small, 1, 1)]
