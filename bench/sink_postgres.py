"""PostgreSQL sink throughput: enriched articles (with their stories) and rows per second into
PostgreSQL.

Starts a throwaway PostgreSQL (streams/sink/localdb.py: initdb in a temporary folder, default
durability settings: fsync and synchronous commit on) and the embedded broker, and measures:

* **write path**: ``news.enriched`` and ``news.stories`` values (bytes) decoded and written in
  batches of ``--batch`` records (one transaction each), into an empty database, then the
  same again (a replay: every row exists, every upsert replaces);
* **end to end**: the values produced to both topics first (not timed), then the sink
  (``PostgresSink``, a fresh consumer group, as ``newsstream sink postgres`` runs it) from its
  start until the last article is in the database; the steady rate is from the first article
  written to the last (the group join is excluded).

The articles are shaped like the pipeline's output on real pages (docs/benchmarks.md): about
30 entities each, drawn with a skew from 3,000 ids so that popular entities recur across
articles, 3 topics, 10 keywords, 3 KB of text, each under its own URL; as in the pipeline, each
article is followed by its story's state on ``news.stories`` (stories of ``--story-size``
articles, so each story's state is written that many times, each newer than the last).

    .venv/bin/python bench/sink_postgres.py [--articles N] [--batch N] [--entities N]
                                            [--story-size N]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import dataclasses
import random
import time
from typing import Any

import orjson
import psycopg

from streams import kafka
from streams.broker import EmbeddedBroker
from streams.records import article_id
from streams.schemas import load_schema
from streams.settings import Settings
from streams.sink.localdb import LocalPostgres
from streams.sink.postgres import PostgresSink, Writer
from streams.sink.rows import decode, decode_story, newest
from streams.topics import ENRICHED, STORIES

TYPES = ("person", "organization", "location", "product", "event", "other")
TOPICS = [("medtop:13000000", "science and technology", "과학기술"),
          ("medtop:04000000", "economy, business and finance", "경제"),
          ("medtop:11000000", "politics", "정치"), ("medtop:15000000", "sport", "스포츠"),
          ("medtop:01000000", "arts, culture, entertainment and media", "문화")]


Record = tuple[str, bytes, bytes]  # topic, key, value


def records(count: int, entities: int, run: str, story_size: int,
            seed: int = 7) -> list[Record]:
    """``count`` articles, each followed by its story's state."""
    rng = random.Random(seed)
    base: dict[str, Any] = load_schema(ENRICHED.schema)["examples"][0]
    story_base: dict[str, Any] = load_schema(STORIES.schema)["examples"][0]
    entity = base["entities"][0]
    text = (base["article"]["text"] + "\n\n") * 8  # about 3 KB
    out = []
    for i in range(count):
        value = copy.deepcopy(base)
        url = f"https://bench.example/{run}/{i}"
        value["article"].update(id=article_id(url), url=url, canonical_url=url, text=text,
                                title=f"기사 {i} {base['article']['title']}")
        ids = sorted({int(rng.paretovariate(0.9)) % 3000 for _ in range(entities * 2)})[:entities]
        value["entities"] = [{**entity, "id": f"org:e{n}", "type": TYPES[n % 6],
                              "name": f"Entity {n}", "name_ko": f"개체 {n}",
                              "mentions": 1 + n % 7, "first_offset": 40 * k,
                              "surface_forms": [f"개체 {n}", f"E{n}"]}
                             for k, n in enumerate(ids)]
        value["topics"] = [{"code": c, "label_en": en, "label_ko": ko,
                            "score": round(rng.random(), 3)}
                           for c, en, ko in rng.sample(TOPICS, 3)]
        value["keywords"] = [f"키워드{rng.randrange(500)}" for _ in range(10)]
        story_id = article_id(f"https://bench.example/{run}/{i - i % story_size}")
        value["story_id"] = story_id
        out.append((ENRICHED.name, value["article"]["id"].encode(), orjson.dumps(value)))
        story = copy.deepcopy(story_base)
        story.update(id=story_id, articles=i % story_size + 1, unique_articles=i % story_size + 1,
                     reprints=0, last_seen=f"2025-05-11T{i // 3600 % 24:02}:{i // 60 % 60:02}:"
                                           f"{i % 60:02}+00:00",
                     entities=[{"id": e["id"], "name": e["name"], "articles": 1}
                               for e in value["entities"][:5]],
                     topics=[{"code": t["code"], "label_en": t["label_en"], "articles": 1}
                             for t in value["topics"]])
        out.append((STORIES.name, story_id.encode(), orjson.dumps(story)))
    return out


async def write_path(dsn: str, encoded: list[Record], batch: int) -> dict[str, float]:
    writer = Writer(dsn)
    await writer.connect()
    try:
        figures = {}
        articles = sum(topic == ENRICHED.name for topic, _, _ in encoded)
        for label in ("fresh", "replay"):
            rows = 0
            started = time.perf_counter()
            for i in range(0, len(encoded), batch):
                chunk = encoded[i:i + batch]
                report = await writer.write(
                    newest(decode(v) for t, _, v in chunk if t == ENRICHED.name),
                    newest(s for t, _, v in chunk if t == STORIES.name
                           and (s := decode_story(v)) is not None))
                rows += sum(report.rows.values())
            seconds = time.perf_counter() - started
            figures[f"{label}_articles_per_s"] = round(articles / seconds, 1)
            figures[f"{label}_rows_per_s"] = round(rows / seconds, 1)
            figures["rows_per_article"] = round(rows / articles, 1)
            print(f"write path, {label}: {articles} articles, {rows} rows in {seconds:.2f} s"
                  f" = {articles / seconds:.0f} articles/s, {rows / seconds:.0f} rows/s",
                  flush=True)
        return figures
    finally:
        await writer.close()


def count(dsn: str, run: str, story_ids: list[str]) -> int:
    """Articles in the database, or fewer while their stories' latest states are not all in
    (the sum of the stories' article counts)."""
    try:
        with psycopg.connect(dsn) as conn:
            row = conn.execute("SELECT (SELECT count(*) FROM articles WHERE url LIKE %s), "
                               "(SELECT coalesce(sum(articles), 0) FROM stories "
                               "WHERE id = ANY(%s))",
                               (f"https://bench.example/{run}/%", story_ids)).fetchone()
            return min(int(row[0]), int(row[1])) if row else 0
    except psycopg.errors.UndefinedTable:
        return 0


async def end_to_end(settings: Settings, dsn: str, encoded: list[Record], run: str,
                     per_article: float) -> dict[str, float]:
    await kafka.ensure_topics(settings)
    producer = kafka.make_producer(settings)
    await producer.start()
    started = time.perf_counter()
    try:
        for topic, key, value in encoded:
            await producer.send(topic, key=key, value=value)
        await producer.flush()
    finally:
        await producer.stop()
    articles = sum(topic == ENRICHED.name for topic, _, _ in encoded)
    story_ids = sorted({key.decode() for topic, key, _ in encoded if topic == STORIES.name})
    print(f"produced {len(encoded)} records in {time.perf_counter() - started:.1f} s "
          "(not timed)", flush=True)
    sink = PostgresSink(settings, dsn, group=f"bench-{run}")
    started = time.perf_counter()
    task = asyncio.create_task(sink.run())
    first = None
    try:
        # in a thread: a query blocked on the sink's migration must not block its event loop
        while (n := await asyncio.to_thread(count, dsn, run, story_ids)) < articles:
            if n and first is None:
                first = (time.perf_counter(), n)
            assert not task.done(), "the sink stopped"
            await asyncio.sleep(0.05)
        done = time.perf_counter()
    finally:
        sink.stop()
        await asyncio.wait_for(task, 60)
    total = done - started
    first_t, first_n = first or (started, 0)
    steady = (articles - first_n) / max(done - first_t, 1e-9)
    print(f"end to end: {articles} articles in {total:.2f} s from the sink's start "
          f"(group join included); steady {steady:.0f} articles/s, "
          f"{steady * per_article:.0f} rows/s", flush=True)
    return {"e2e_seconds": round(total, 2), "e2e_articles_per_s": round(steady, 1),
            "e2e_rows_per_s": round(steady * per_article, 1)}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    run = f"{int(time.time())}"
    encoded = records(args.articles, args.entities, run, args.story_size)
    print(f"{args.articles} articles and their stories' states, batch {args.batch} records; "
          "rows: the article, its mentions, topics and keywords, the entities and topics "
          "upserted (once per batch), the story and its entities and topics (once per batch)",
          flush=True)
    summary: dict[str, Any] = {"articles": args.articles, "batch": args.batch,
                               "story_size": args.story_size}
    with LocalPostgres() as pg:
        async with await psycopg.AsyncConnection.connect(pg.dsn, autocommit=True) as conn:
            version = (await (await conn.execute("SHOW server_version")).fetchone() or ("?",))[0]
            await conn.execute("CREATE DATABASE writepath")
            await conn.execute("CREATE DATABASE endtoend")
        summary["postgres"] = version
        summary.update(await write_path(pg.dsn.replace("dbname=postgres", "dbname=writepath"),
                                        encoded, args.batch))
        with EmbeddedBroker() as broker:
            settings = dataclasses.replace(
                Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
                broker_profile="tansu", sink_batch_size=args.batch)
            summary.update(await end_to_end(
                settings, pg.dsn.replace("dbname=postgres", "dbname=endtoend"),
                records(args.articles, args.entities, run + "e", args.story_size), run + "e",
                summary["rows_per_article"]))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--entities", type=int, default=30, help="entities per article")
    parser.add_argument("--story-size", type=int, default=5, help="articles per story")
    args = parser.parse_args()
    print(orjson.dumps(asyncio.run(main_async(args))).decode())


if __name__ == "__main__":
    main()
