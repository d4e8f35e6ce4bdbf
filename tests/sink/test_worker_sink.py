"""A worker started with ``NEWSSTREAM_SINK_POSTGRES_DSN``, end to end: raw pages go in at the
top of the pipeline and come out as rows in PostgreSQL, articles and their story, written by
the sink task the worker runs beside its agents (the compose stack's `--profile sink` runs
workers this way)."""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.records import article_id
from streams.settings import Settings
from streams.topics import RAW_HTML
from tests.kafka_helpers import produce, raw_page
from tests.sink.test_sink_integration import wait_for

psycopg = pytest.importorskip("psycopg")

pytestmark = pytest.mark.integration


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(port=free_port()).start()
    yield broker
    broker.stop()


def stored(dsn: str, ids: list[str]) -> dict[str, int]:
    """Rows per table for these articles (all -1 until the sink has created its schema)."""
    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            return {table: int(conn.execute(  # type: ignore[index]
                f"SELECT count(*) FROM {table} WHERE {column} = ANY(%s)", (ids,)).fetchone()[0])
                for table, column in (("articles", "id"), ("article_entities", "article_id"),
                                      ("article_topics", "article_id"))}
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return dict.fromkeys(("articles", "article_entities", "article_topics"), -1)


def story_of(dsn: str, ids: list[str]) -> tuple[str, int, int] | None:
    """(story id, articles, reprints) of the one story all these articles are in, once both the
    articles' story ids and the story's row with all of them are written."""
    with psycopg.connect(dsn) as conn:
        story_ids = {row[0] for row in conn.execute(
            "SELECT story_id FROM articles WHERE id = ANY(%s)", (ids,))}
        if len(story_ids) != 1 or None in story_ids:
            return None
        row = conn.execute("SELECT id, articles, reprints FROM stories WHERE id = %s",
                           (story_ids.pop(),)).fetchone()
    return (row[0], row[1], row[2]) if row and row[1] == len(ids) else None


def written_metric(port: int) -> float:
    text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    for line in text.splitlines():
        if line.startswith('news_sink_articles_total{') and 'result="written"' in line:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_a_worker_with_a_dsn_writes_what_it_enriches_into_postgresql(
    own_broker: EmbeddedBroker, database: str, seed_html: str, tmp_path: Path,
) -> None:
    settings = dataclasses.replace(
        Settings(), bootstrap_servers=own_broker.bootstrap, embedded=False,
        broker_profile="tansu", partitions=2, app_id=f"wsink-{uuid.uuid4().hex[:8]}",
        web_port=free_port(), data_dir=str(tmp_path / "data"), sink_postgres_dsn=database)
    urls = [f"https://v.daum.net/v/wsink-{uuid.uuid4().hex[:8]}-{i}" for i in range(3)]
    ids = [article_id(url) for url in urls]
    asyncio.run(kafka.ensure_topics(settings))
    worker = start_worker(settings, tmp_path / "worker.log")
    try:
        asyncio.run(produce(settings, RAW_HTML.name, [raw_page(u, html=seed_html) for u in urls]))
        asyncio.run(wait_for(lambda: stored(database, ids)["articles"] == len(ids), 180,
                             "the worker's sink to write the three articles"))
        rows = stored(database, ids)
        assert rows["article_entities"] >= len(ids)  # the seed page names several entities
        assert rows["article_topics"] >= len(ids)
        with psycopg.connect(database) as conn:
            got = {row[0] for row in conn.execute("SELECT url FROM articles WHERE id = ANY(%s)",
                                                   (ids,))}
        assert got == set(urls)
        assert written_metric(settings.web_port) == len(ids)
        # the same page under three URLs: an original and two copies, one story of three
        asyncio.run(wait_for(lambda: story_of(database, ids) is not None, 60,
                             "the story of the three articles"))
        story_id, articles, reprints = story_of(database, ids) or ("", 0, 0)
        assert story_id in ids and (articles, reprints) == (3, 2)
    finally:
        stop_process(worker, limit_s=30)
