"""Fixtures of the PostgreSQL sink's tests: one throwaway server for the session (it skips,
saying why, only where PostgreSQL or psycopg is not installed) and a fresh database per test."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from streams.records import article_id
from streams.schemas import load_schema
from streams.topics import ENRICHED, STORIES

try:
    import psycopg

    from streams.sink.localdb import LocalPostgres, PostgresUnavailable
except ImportError:  # pragma: no cover (the test extra installs psycopg)
    psycopg = None  # type: ignore[assignment]


@pytest.fixture(scope="session")
def postgres() -> Iterator[LocalPostgres]:
    if psycopg is None:
        pytest.skip("psycopg is not installed (pip install -e '.[test]')")
    try:
        server = LocalPostgres()
        server.start()
    except PostgresUnavailable as exc:
        pytest.skip(f"PostgreSQL unavailable ({exc}); `make test` installs it "
                    "(ops/bin/ensure-postgres)")
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def database(postgres: LocalPostgres) -> Iterator[str]:
    """The DSN of a new, empty database on the session's server."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.dsn, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield postgres.dsn.replace("dbname=postgres", f"dbname={name}")


def enriched_value(url: str, *, entities: list[tuple[str, str]] | None = None,
                   enriched_at: str = "2025-05-10T05:00:16.300000+00:00",
                   title: str = "title", keywords: list[str] | None = None,
                   topics: list[tuple[str, float]] | None = None) -> dict[str, Any]:
    """A schema-valid news.enriched value (the schema's example) for ``url``; ``entities`` are
    ``(id, name)`` pairs, ``topics`` ``(code, score)`` pairs."""
    value: dict[str, Any] = copy.deepcopy(load_schema(ENRICHED.schema)["examples"][0])
    value["article"].update(id=article_id(url), url=url, canonical_url=url, title=title)
    base = value["entities"][0]
    if entities is not None:
        value["entities"] = [{**base, "id": eid, "name": name, "mentions": i + 1,
                              "first_offset": 10 * i} for i, (eid, name) in enumerate(entities)]
    if topics is not None:
        value["topics"] = [{**value["topics"][0], "code": code, "score": score}
                           for code, score in topics]
    if keywords is not None:
        value["keywords"] = keywords
    value["enriched_at"] = enriched_at
    return value


def record(value: dict[str, Any]) -> tuple[bytes, bytes]:
    return value["article"]["id"].encode(), orjson.dumps(value)


def story_value(story_id: str, *, articles: int = 9, last_seen: str = "2025-05-11T02:41:07+00:00",
                entities: list[tuple[str, str, int]] | None = None) -> dict[str, Any]:
    """A schema-valid news.stories value (the schema's example) for ``story_id``; ``entities``
    are ``(id, name, articles)``."""
    value: dict[str, Any] = copy.deepcopy(load_schema(STORIES.schema)["examples"][0])
    value.update(id=story_id, articles=articles, unique_articles=articles - value["reprints"],
                 last_seen=last_seen)
    if entities is not None:
        value["entities"] = [{"id": eid, "name": name, "articles": n}
                             for eid, name, n in entities]
    return value
