"""The sink on the session's broker and a real PostgreSQL: articles land with their entities,
topics and keywords; duplicates and a replay leave the same rows; PostgreSQL stopped and
restarted mid-run, and the sink killed while it was down, still leave every article exactly
once."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from aiokafka import TopicPartition

from streams import kafka
from streams.settings import Settings
from streams.topics import ENRICHED
from tests.conftest import ROOT
from tests.kafka_helpers import produce
from tests.sink.conftest import enriched_value, record

psycopg = pytest.importorskip("psycopg")

from streams.sink.localdb import LocalPostgres  # noqa: E402
from streams.sink.postgres import PostgresSink  # noqa: E402

pytestmark = pytest.mark.integration


def articles(run: str, count: int, start: int = 0) -> list[dict[str, Any]]:
    return [enriched_value(f"https://example.com/{run}/{i}",
                           entities=[("org:openai", "OpenAI"), (f"per:{run}-{i}", f"P{i}")],
                           keywords=[f"k{i}", "AI"], topics=[("medtop:13000000", 0.7)])
            for i in range(start, start + count)]


def count_of(dsn: str, run: str) -> int:
    """Articles of this run in the database (-1 while it is unreachable)."""
    try:
        with psycopg.connect(dsn, connect_timeout=2) as conn:
            row = conn.execute("SELECT count(*) FROM articles WHERE url LIKE %s",
                               (f"https://example.com/{run}/%",)).fetchone()
            return int(row[0]) if row else 0
    except psycopg.OperationalError:
        return -1
    except psycopg.errors.UndefinedTable:  # the sink has not created its schema yet
        return 0


def rows_of_run(dsn: str, run: str) -> dict[str, list[tuple[Any, ...]]]:
    ids = "(SELECT id FROM articles WHERE url LIKE %(p)s)"
    queries = {
        "articles": f"SELECT * FROM articles WHERE id IN {ids} ORDER BY id",
        "article_entities": f"SELECT * FROM article_entities WHERE article_id IN {ids} "
                            "ORDER BY 1, 2",
        "article_topics": f"SELECT * FROM article_topics WHERE article_id IN {ids} ORDER BY 1, 2",
        "article_keywords": f"SELECT * FROM article_keywords WHERE article_id IN {ids} "
                            "ORDER BY 1, 2",
        "entities": "SELECT * FROM entities WHERE id LIKE %(e)s OR id = 'org:openai' ORDER BY 1",
    }
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(q, {"p": f"https://example.com/{run}/%",  # type: ignore[arg-type]
                                       "e": f"per:{run}-%"}).fetchall()
                for name, q in queries.items()}


async def wait_for(check: Callable[[], bool], limit_s: float, what: str) -> None:
    """Poll ``check`` in a thread: a blocking query run on the event loop would wait on the
    lock of a migration that the sink, on the same loop, could then never commit."""
    deadline = time.monotonic() + limit_s
    while not await asyncio.to_thread(check):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def caught_up(settings: Settings, group: str) -> bool:
    """Whether ``group`` has committed news.enriched up to its end (every partition)."""
    consumer = kafka.make_consumer(settings)
    await consumer.start()
    admin = await kafka.start_admin(settings)
    try:
        await consumer.topics()
        tps = [TopicPartition(ENRICHED.name, p)
               for p in sorted(consumer.partitions_for_topic(ENRICHED.name) or ())]
        ends = await consumer.end_offsets(tps)
        lag = await kafka.group_lag(admin, group, ends)
        return sum(lag.values()) == 0
    finally:
        await consumer.stop()
        await admin.close()


def sink_settings(broker: Settings) -> Settings:
    return dataclasses.replace(broker, sink_batch_ms=100, sink_backoff_s=0.2,
                               sink_backoff_max_s=1.0)


async def test_articles_land_and_duplicates_and_a_replay_leave_the_same_rows(
        broker: Settings, database: str) -> None:
    await kafka.ensure_topics(broker)
    run = uuid.uuid4().hex[:8]
    values = articles(run, 20)
    older = [{**v, "enriched_at": "2025-05-01T00:00:00+00:00", "keywords": ["old"]}
             for v in values[:3]]
    batch = [record(v) for v in values] + [record(v) for v in values[:5]]  # duplicates
    batch += [record(v) for v in older] + [(b"junk", b"not json")]
    await produce(broker, ENRICHED.name, batch)

    settings = sink_settings(broker)
    first = PostgresSink(settings, database, group=f"sink-{run}-a")
    task = asyncio.create_task(first.run())
    try:
        await wait_for(lambda: count_of(database, run) == 20, 90, "20 articles")
        await wait_for(lambda: first.batches > 0 and not first.pending, 30, "a commit")
    finally:
        first.stop()
        await asyncio.wait_for(task, 30)
    once = rows_of_run(database, run)
    assert len(once["articles"]) == 20
    assert len(once["article_entities"]) == 40 and len(once["article_topics"]) == 20
    assert len(once["article_keywords"]) == 40
    assert len(once["entities"]) == 21  # org:openai once, one person per article
    assert "old" not in {k[1] for k in once["article_keywords"]}  # the newer version stayed

    replay = PostgresSink(settings, database, group=f"sink-{run}-b")  # the whole topic again
    task = asyncio.create_task(replay.run())
    try:
        await asyncio.sleep(1)
        deadline = time.monotonic() + 90
        while not await caught_up(broker, f"sink-{run}-b"):
            assert time.monotonic() < deadline, "the replay did not catch up"
            await asyncio.sleep(0.5)
    finally:
        replay.stop()
        await asyncio.wait_for(task, 30)
    assert rows_of_run(database, run) == once


def start_sink(broker: Settings, dsn: str, group: str, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
               NEWSSTREAM_BROKER_PROFILE="tansu", NEWSSTREAM_SINK_BATCH_MS="100",
               NEWSSTREAM_SINK_BACKOFF_S="0.2", NEWSSTREAM_SINK_BACKOFF_MAX_S="1",
               NEWSSTREAM_LOG_LEVEL="info", PYTHONPATH=str(ROOT))
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "streams.cli", "sink", "postgres", "--dsn", dsn,
             "--group", group], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


async def test_a_database_restart_mid_run_loses_nothing_and_duplicates_nothing(
        broker: Settings, postgres: LocalPostgres, database: str, tmp_path: Path) -> None:
    await kafka.ensure_topics(broker)
    run = uuid.uuid4().hex[:8]
    group = f"sink-{run}"
    log = tmp_path / "sink.log"
    sink = start_sink(broker, database, group, log)
    failures = lambda: log.read_text(errors="replace").count("consuming paused")  # noqa: E731
    try:
        await produce(broker, ENRICHED.name, [record(v) for v in articles(run, 100)])
        await wait_for(lambda: count_of(database, run) == 100, 120, "the first 100 articles")

        postgres.stop()  # a clean shutdown: connections are cut
        await produce(broker, ENRICHED.name, [record(v) for v in articles(run, 100, 100)])
        await wait_for(lambda: failures() >= 2, 60, "the sink to notice and retry")
        postgres.start()
        await wait_for(lambda: count_of(database, run) == 200, 120, "200 articles after restart")
        assert sink.poll() is None, "the sink exited"

        postgres.stop("immediate")  # as a crash; then the sink is killed while it waits
        seen = failures()
        await produce(broker, ENRICHED.name, [record(v) for v in articles(run, 100, 200)])
        await wait_for(lambda: failures() >= seen + 2, 60, "the sink to retry again")
        sink.kill()
        sink.wait()
        postgres.start()
        sink = start_sink(broker, database, group, log)  # same group: resumes where committed
        await wait_for(lambda: count_of(database, run) == 300, 120, "all 300 articles")
        assert sink.poll() is None
    finally:
        if sink.poll() is None:
            sink.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                assert sink.wait(timeout=20) == 0, log.read_text(errors="replace")[-3000:]
            if sink.poll() is None:
                sink.kill()
    rows = rows_of_run(database, run)
    ids = [a[0] for a in rows["articles"]]
    assert len(ids) == len(set(ids)) == 300
    assert len(rows["article_entities"]) == 600 and len(rows["article_keywords"]) == 600
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, text[-3000:]
    assert "database back after" in text
