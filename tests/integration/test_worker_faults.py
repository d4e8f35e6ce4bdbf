"""Workers under faults on a broker of the test's own: a ``kill -9`` of one of two workers
mid-stream loses nothing, hostile pages cost one dead letter each, and SIGTERM in the middle of
a stream, or while the enrich core reads the longest articles, ends a worker, with its core
process, within 10 s."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import subprocess
import uuid
from pathlib import Path

import orjson
import pytest

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.records import Article, article_id
from streams.settings import Settings
from streams.topics import ARTICLES, DEADLETTER, ENRICHED, RAW_HTML
from tests.integration.conftest import url_of_dead_letter
from tests.integration.procs import core_processes, gone, settings_for, status_of, wait_for
from tests.kafka_helpers import Records, collect, produce, raw_page

pytestmark = pytest.mark.integration

SIGTERM_LIMIT_S = 10  # the bound, in every state


def ready(settings: Settings) -> bool:
    return status_of(f"http://{settings.web_host}:{settings.web_port}/readyz") == 200


def outcomes(got: Records, urls: set[str]) -> tuple[dict[str, int], dict[str, str]]:
    """How many times each of ``urls`` came out enriched, and the reason of each dead letter."""
    enriched: dict[str, int] = {}
    for _, value in got[ENRICHED.name]:
        url = value["article"]["url"]
        if url in urls:
            enriched[url] = enriched.get(url, 0) + 1
    letters = {url: str(v["reason"]) for _, v in got.get(DEADLETTER.name, [])
               if (url := url_of_dead_letter(v)) in urls}
    return enriched, letters


def start(settings: Settings, tmp_path: Path, name: str
          ) -> tuple[Settings, subprocess.Popen[bytes]]:
    mine = dataclasses.replace(settings, web_port=free_port(), data_dir=str(tmp_path / name))
    return mine, start_worker(mine, tmp_path / f"{name}.log")


def test_kill_9_of_one_of_two_workers_mid_stream_loses_nothing(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path
) -> None:
    settings = settings_for(own_broker, tmp_path, partitions=4)
    asyncio.run(kafka.ensure_topics(settings))
    (a, worker_a), (b, worker_b) = start(settings, tmp_path, "a"), start(settings, tmp_path, "b")
    try:
        assert wait_for(lambda: ready(a) and ready(b), 90), "the workers never became ready"
        run = uuid.uuid4().hex[:8]
        pages = {f"https://v.daum.net/v/{run}-{i}" for i in range(150)}
        not_articles = {f"https://example.com/{run}/nav-{i}" for i in range(10)}
        nav = "<html><body><nav><a href='/a'>Home</a></nav></body></html>"
        records = [raw_page(url, html=seed_html) for url in sorted(pages)]
        records += [raw_page(url, html=nav) for url in sorted(not_articles)]
        asyncio.run(produce(settings, RAW_HTML.name, records))
        urls = pages | not_articles

        def some_enriched(got: Records) -> bool:
            return len(outcomes(got, urls)[0]) >= 15

        asyncio.run(collect(settings, [ENRICHED.name, DEADLETTER.name], some_enriched))
        cores = core_processes(worker_a.pid)
        assert cores, "worker a has no core process"
        worker_a.kill()  # mid-stream: records in flight, offsets not yet committed
        assert all(gone(pid) for pid in cores), "the killed worker's core process lives on"

        def all_out(got: Records) -> bool:
            enriched, letters = outcomes(got, urls)
            return set(enriched) | set(letters) >= urls

        got = asyncio.run(collect(settings, [ENRICHED.name, DEADLETTER.name], all_out,
                                  limit_s=240))
        enriched, letters = outcomes(got, urls)
        assert urls - set(enriched) - set(letters) == set(), (
            "records lost after kill -9:\n" + (tmp_path / "b.log").read_text()[-3000:])
        assert set(enriched) == pages
        assert letters == dict.fromkeys(not_articles, "not_article")
    finally:
        stop_process(worker_a, limit_s=5)
        stop_process(worker_b, limit_s=30)


def hostile_pages(run: str) -> dict[str, bytes]:
    """Pages each within the one-element limits but costly as a whole, and binary garbage."""
    text = b"<p>" + b"A sentence of a story about the harbour. " * 6 + b"</p>"
    chain = b"<div>" * 5_000 + text + b"</div>" * 5_000
    attrs = b"<div " + b" ".join(b"a%d=%d" % (i, i) for i in range(1_500)) + b">" + text
    return {
        f"https://example.com/{run}/chains": b"<html><body>" + chain * 20,
        f"https://example.com/{run}/attributes": b"<html><body>" + attrs * 100,
        f"https://example.com/{run}/elements": b"<html><body>" + b"<i>x</i>" * 250_000,
        f"https://example.com/{run}/binary": bytes(range(256)) * 1_000,
    }


def test_hostile_pages_then_sigterm_mid_stream(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path
) -> None:
    settings = settings_for(own_broker, tmp_path, max_page_bytes=5_000_000)
    asyncio.run(kafka.ensure_topics(settings))
    settings, worker = start(settings, tmp_path, "w")
    try:
        assert wait_for(lambda: ready(settings), 90), "the worker never became ready"
        run = uuid.uuid4().hex[:8]
        hostile = hostile_pages(run)
        normal = f"https://v.daum.net/v/{run}-after-hostile"
        records = [raw_page(url, content_b64=base64.b64encode(page).decode())
                   for url, page in hostile.items()]
        records.append(raw_page(normal, html=seed_html))
        asyncio.run(produce(settings, RAW_HTML.name, records))

        def hostile_out(got: Records) -> bool:
            enriched, letters = outcomes(got, {*hostile, normal})
            return set(hostile) <= set(letters) and normal in enriched

        got = asyncio.run(collect(settings, [ENRICHED.name, DEADLETTER.name], hostile_out))
        _, letters = outcomes(got, set(hostile))
        assert {url.rsplit("/", 1)[1]: reason for url, reason in letters.items()} == {
            "chains": "too_complex", "attributes": "too_complex", "elements": "too_complex",
            "binary": "undecodable"}

        # SIGTERM in the middle of a stream of pages
        stream = [raw_page(f"https://v.daum.net/v/{run}-{i}", html=seed_html) for i in range(80)]
        asyncio.run(produce(settings, RAW_HTML.name, stream))
        urls = {f"https://v.daum.net/v/{run}-{i}" for i in range(80)}
        asyncio.run(collect(settings, [ENRICHED.name],
                            lambda got: len(outcomes(got, urls)[0]) >= 3))
        cores = core_processes(worker.pid)
        assert cores, "the worker has no core process"
        worker.terminate()
        assert wait_for(lambda: worker.poll() is not None, SIGTERM_LIMIT_S), (
            "SIGTERM mid-stream not honoured within 10 s:\n"
            + (tmp_path / "w.log").read_text()[-3000:])
        assert all(gone(pid, limit_s=5) for pid in cores), "the core outlived its worker"
    finally:
        stop_process(worker, limit_s=5)


@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_sigterm_while_enrich_reads_long_articles(
    own_broker: EmbeddedBroker, tmp_path: Path, isolation: str
) -> None:
    """SIGTERM while the enrich core is busy on the longest articles (4.5 MB bodies of Korean
    text, the costliest kind to read: enrichment reads its first ``MAX_TEXT_CHARS``), with the
    core in a process of its own or in a thread of the worker: the worker ends within 10 s."""
    settings = settings_for(own_broker, tmp_path, enrich_isolation=isolation)
    asyncio.run(kafka.ensure_topics(settings))
    settings, worker = start(settings, tmp_path, "w")
    try:
        assert wait_for(lambda: ready(settings), 120), "the worker never became ready"
        run = uuid.uuid4().hex[:8]
        body = ("김정은 위원장은 윤석열 대통령과 만나 경제 협력을 논의했다. " * 50_000)[:1_500_000]
        articles = [Article(id=article_id(url), url=url, canonical_url=url, title="회담",
                            text=body)
                    for url in (f"https://v.daum.net/v/{run}-long-{i}" for i in range(6))]
        asyncio.run(produce(settings, ARTICLES.name,
                            [(a.id.encode(), orjson.dumps(a)) for a in articles]))
        urls = {a.url for a in articles}
        got = asyncio.run(collect(settings, [ENRICHED.name],
                                  lambda got: len(outcomes(got, urls)[0]) >= 1, limit_s=300))
        assert len(outcomes(got, urls)[0]) < len(urls), "all read before the SIGTERM"
        cores = core_processes(worker.pid)
        worker.terminate()
        assert wait_for(lambda: worker.poll() is not None, SIGTERM_LIMIT_S), (
            f"SIGTERM while enriching ({isolation}) not honoured within 10 s:\n"
            + (tmp_path / "w.log").read_text()[-3000:])
        assert all(gone(pid, limit_s=5) for pid in cores), "a core outlived its worker"
    finally:
        stop_process(worker, limit_s=5)
