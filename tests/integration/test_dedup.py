"""Duplicates in the pipeline, on the embedded broker: a copy on another partition than its
original is flagged; with two workers, a kill -9 of the one holding the dedup table changes no
decision (re-delivered records included), and a worker started afresh recovers the table from
its changelog."""

from __future__ import annotations

import asyncio
import dataclasses
import urllib.error
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from aiokafka.partitioner import DefaultPartitioner

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.records import article_id
from streams.settings import Settings
from streams.topics import ENRICHED, ENTITY_MENTIONS, RAW_HTML
from tests.conftest import ROOT, Worker
from tests.integration.test_broker_loss import wait_for
from tests.kafka_helpers import Records, collect, produce, raw_page

pytestmark = pytest.mark.integration

FIXTURES = ROOT / "tests" / "parse" / "fixtures"


def url_on_other_partition(prefix: str, avoid: str, partitions: int) -> str:
    """A URL starting with ``prefix`` whose article id is on another partition than
    ``avoid``'s (Kafka's default partitioner, as every producer of ours uses)."""
    partitioner = DefaultPartitioner()
    every = list(range(partitions))
    taken = partitioner(article_id(avoid).encode(), every, every)
    for n in range(100):
        url = f"{prefix}-{n}"
        if partitioner(article_id(url).encode(), every, every) != taken:
            return url
    raise AssertionError("no URL on another partition")


def by_url(got: Records) -> dict[str, list[dict]]:
    """Every news.enriched record read, by article URL (re-deliveries give several)."""
    found: dict[str, list[dict]] = {}
    for _, value in got[ENRICHED.name]:
        found.setdefault(value["article"]["url"], []).append(value)
    return found


async def enriched(settings: Settings, urls: list[str], limit_s: float = 180) -> dict[str, list]:
    got = await collect(settings, [ENRICHED.name], lambda g: set(urls) <= set(by_url(g)),
                        limit_s=limit_s)
    found = by_url(got)
    assert set(urls) <= set(found), f"not enriched: {set(urls) - set(found)}"
    return {url: found[url] for url in urls}


def headline_tagged(html: str) -> str:
    """The page as another portal reprints it: ``[속보]`` before its headline."""
    return html.replace("<title>", "<title>[속보] ", 1)


async def test_a_copy_on_another_partition_is_flagged(worker: Worker, seed_html: str) -> None:
    run = uuid.uuid4().hex[:8]
    original = f"https://v.daum.net/v/{run}-original"
    copies = [url_on_other_partition(f"https://news.example/{run}/copy-{i}", original,
                                     worker.settings.partitions) for i in range(2)]
    await produce(worker.settings, RAW_HTML.name, [raw_page(original, html=seed_html)])
    first = (await enriched(worker.settings, [original]))[original][0]
    # the session's other tests may have sent this page before: the first copy seen is the
    # original of every later one
    expected = first["duplicate_of"] or first["article"]["id"]
    await produce(worker.settings, RAW_HTML.name, [
        raw_page(copies[0], html=seed_html), raw_page(copies[1], html=headline_tagged(seed_html)),
    ])
    got = await enriched(worker.settings, copies)
    for url in copies:
        value = got[url][0]
        assert value["duplicate_of"] == expected, url
        assert value["duplicate_similarity"] == 1.0  # the same body: the exact path
    tagged = got[copies[1]][0]["article"]["id"]
    entities = len(got[copies[1]][0]["entities"])

    def of_tagged(g: Records) -> list[dict]:
        return [v for _, v in g[ENTITY_MENTIONS.name] if v["article_id"] == tagged]

    # the fan-out events follow the enriched record: wait for all of them
    read = await collect(worker.settings, [ENTITY_MENTIONS.name],
                         lambda g: len(of_tagged(g)) >= entities)
    mentions = of_tagged(read)
    assert entities and len(mentions) >= entities
    assert all(v["duplicate_of"] == expected for v in mentions)


@pytest.fixture
def own_broker() -> Iterator[EmbeddedBroker]:
    broker = EmbeddedBroker(port=free_port()).start()
    yield broker
    broker.stop()


def start(settings: Settings, folder: Path, name: str) -> Worker:
    own = dataclasses.replace(settings, web_port=free_port(), data_dir=str(folder / name))
    log = folder / f"{name}.log"
    return Worker(own, start_worker(own, log), log)


def holds_the_table(worker: Worker, articles: int) -> bool:
    return worker.metrics().get("news_dedup_state_articles", 0) >= articles


def has_partitions(worker: Worker) -> bool:
    try:
        return bool(orjson.loads(worker.get("/readyz"))["partitions"])
    except urllib.error.HTTPError:  # 503: not ready yet
        return False


def dedup_owner(workers: list[Worker], settings: Settings) -> Worker:
    """The worker that has the dedup agent's partition now: the one that reports the lag of
    ``<app>-stories-in`` (each worker reports its own partitions' lag)."""
    series = f'news_consumer_lag_messages{{partition="0",topic="{settings.app_id}-stories-in"}}'
    owners: list[Worker] = []

    def one_owner() -> bool:
        owners[:] = [w for w in workers if series in w.metrics()]
        return len(owners) == 1

    assert wait_for(one_owner, 60), "no single worker holds the dedup partition"
    return owners[0]


def test_a_kill_9_and_a_restart_change_no_decision(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        Settings(), bootstrap_servers=own_broker.bootstrap, embedded=False,
        broker_profile="tansu", partitions=3, app_id=f"dedup-{uuid.uuid4().hex[:8]}",
        max_page_bytes=300_000, check_outputs=True,
    )
    asyncio.run(kafka.ensure_topics(settings))
    # pages with no canonical URL of their own (a copy of one that has one is the same article)
    pages = [seed_html] + [(FIXTURES / f"{name}.html").read_text(encoding="utf-8")
                           for name in ("apnews", "hankyoreh", "kbs")]
    workers = [start(settings, tmp_path, "w1"), start(settings, tmp_path, "w2")]
    try:
        # both in the group before anything flows, so that no rebalance moves the table later
        assert wait_for(lambda: all(has_partitions(w) for w in workers), 120)
        originals = [f"https://news.example/original-{i}" for i in range(len(pages))]
        asyncio.run(produce(settings, RAW_HTML.name, [
            raw_page(url, html=html) for url, html in zip(originals, pages, strict=True)]))
        first = asyncio.run(enriched(settings, originals))
        assert all(first[url][0]["duplicate_of"] is None for url in originals)
        owner = dedup_owner(workers, settings)
        assert holds_the_table(owner, len(pages))

        # three copies of each page, half before the kill and half after
        copies = {f"https://copy.example/{n}-{i}": i for n in range(3) for i in range(len(pages))}
        records = [raw_page(url, html=headline_tagged(pages[i]) if n % 2 else pages[i])
                   for n, (url, i) in enumerate(copies.items())]
        half = len(records) // 2
        asyncio.run(produce(settings, RAW_HTML.name, records[:half]))
        asyncio.run(enriched(settings, list(copies)[:1]))
        owner.process.kill()  # SIGKILL: no commit, no flush, no goodbye
        owner.process.wait()
        asyncio.run(produce(settings, RAW_HTML.name, records[half:]))
        got = asyncio.run(enriched(settings, list(copies)))
        original_ids = [article_id(url) for url in originals]
        for url, i in copies.items():
            decisions = {(v["duplicate_of"], v["duplicate_similarity"]) for v in got[url]}
            assert decisions == {(original_ids[i], 1.0)}, (url, decisions)

        # a worker started afresh, then the survivor stopped: the newcomer holds the table
        # only through its changelog
        survivor = next(w for w in workers if w is not owner)
        workers.append(start(settings, tmp_path, "w3"))
        stop_process(survivor.process, limit_s=30)
        late = "https://copy.example/after-restart"
        asyncio.run(produce(settings, RAW_HTML.name, [raw_page(late, html=pages[1])]))
        value = asyncio.run(enriched(settings, [late]))[late][0]
        assert value["duplicate_of"] == original_ids[1], (tmp_path / "w3.log").read_text()[-3000:]
        assert holds_the_table(workers[-1], len(pages) + len(copies) + 1)
    finally:
        for worker in workers:
            stop_process(worker.process, limit_s=30)
