"""Ingestion on the embedded broker with the session worker: feed -> news.enriched, the seen
store surviving a restart, dead letters with stage ``ingest``, and POST /ingest on the worker."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import urllib.error
import urllib.request

import orjson
import pytest

from streams.ingest.config import FeedConfig
from streams.ingest.runner import run_feeds
from streams.ingest.seen import DAY_S, KafkaSeen
from streams.settings import Settings
from streams.topics import DEADLETTER, ENRICHED, RAW_HTML
from tests.conftest import Worker
from tests.ingest.site import Site
from tests.kafka_helpers import Records, collect

pytestmark = pytest.mark.integration


def ingest_settings(worker: Worker) -> Settings:
    return dataclasses.replace(
        worker.settings, fetch_allow_hosts=("127.0.0.1",), fetch_host_rate=0,
        fetch_timeout_s=2, fetch_retries=1, fetch_backoff_s=0.01, fetch_max_bytes=1_000_000,
    )


async def test_feed_to_enriched_and_no_refetch_after_restart(worker: Worker, site: Site,
                                                             tag: str) -> None:
    settings = ingest_settings(worker)
    site.feeds[tag] = [f"/{tag}/a/story", f"/{tag}/huge", f"/{tag}/missing"]
    feed = FeedConfig("it-feed", f"{site.base}/{tag}/feed.xml", "feed", 60)
    [report] = await run_feeds(settings, [feed], once=True)
    assert report.outcomes == {"ok": 1, "too_large": 1, "http_4xx": 1}
    page_url = f"{site.base}/{tag}/a/story"

    def done(got: Records) -> bool:
        return any(v["article"]["url"] == page_url for _, v in got[ENRICHED.name]) and any(
            v.get("url") == f"{site.base}/{tag}/huge" for _, v in got[DEADLETTER.name])

    got = await collect(settings, [RAW_HTML.name, ENRICHED.name, DEADLETTER.name], done)
    raw = [v for _, v in got[RAW_HTML.name] if isinstance(v, dict) and v.get("url") == page_url]
    assert len(raw) == 1 and raw[0]["source"] == "it-feed"
    enriched = next(v for _, v in got[ENRICHED.name] if v["article"]["url"] == page_url)
    assert enriched["article"]["title"] == "story"
    letter = next(v for _, v in got[DEADLETTER.name] if v.get("url") == f"{site.base}/{tag}/huge")
    assert (letter["stage"], letter["reason"]) == ("ingest", "too_large")

    restarted = KafkaSeen(settings)  # a new process would read the same topic
    await restarted.start()
    await restarted.stop()
    assert page_url in restarted and f"{site.base}/{tag}/missing" in restarted
    [again] = await run_feeds(settings, [feed], once=True)
    assert (again.discovered, again.new) == (3, 0)
    assert site.hits[f"/{tag}/a/story"] == 1


async def test_seen_store_loads_only_unexpired_urls(worker: Worker, tag: str) -> None:
    settings = dataclasses.replace(worker.settings, seen_ttl_days=1)
    now = [1_750_000_000.0]
    first = KafkaSeen(settings, topic=f"test-seen-{tag}", clock=lambda: now[0])
    await first.start()
    await first.add(f"https://example.com/{tag}/old", "feed", "ok")
    now[0] += 0.8 * DAY_S
    await first.add(f"https://example.com/{tag}/recent", "feed", "ok")
    await first.stop()
    now[0] += 0.5 * DAY_S  # old: 1.3 days, recent: 0.5 days
    restarted = KafkaSeen(settings, topic=f"test-seen-{tag}", clock=lambda: now[0])
    await restarted.start()
    await restarted.stop()
    assert f"https://example.com/{tag}/recent" in restarted
    assert f"https://example.com/{tag}/old" not in restarted and len(restarted) == 1


async def test_seen_store_learns_what_another_poller_handled(worker: Worker, tag: str) -> None:
    topic = f"test-seen-shared-{tag}"
    first, second = KafkaSeen(worker.settings, topic), KafkaSeen(worker.settings, topic)
    await first.start()
    await second.start()
    try:
        await first.add(f"https://example.com/{tag}/handled-by-first", "feed", "ok")
        for _ in range(300):  # the second store follows the topic
            if f"https://example.com/{tag}/handled-by-first" in second:
                break
            await asyncio.sleep(0.05)
        assert f"https://example.com/{tag}/handled-by-first" in second
        assert f"https://example.com/{tag}/never-handled" not in second
    finally:
        await first.stop()
        await second.stop()


def post(worker: Worker, body: bytes, content_type: str) -> tuple[int, dict]:
    request = urllib.request.Request(worker.base_url + "/ingest", data=body, method="POST",
                                     headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, orjson.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, orjson.loads(error.read())


async def test_push_endpoint_on_the_worker(worker: Worker, seed_html: str, tag: str) -> None:
    url = f"https://v.daum.net/v/{tag}-pushed"
    status, body = post(worker, orjson.dumps({"url": url, "html": seed_html}), "application/json")
    assert status == 202 and len(body["id"]) == 32
    assert post(worker, b"<p>", "text/html")[0] == 415
    assert post(worker, b'{"url": 1}', "application/json")[0] == 400

    def done(got: Records) -> bool:
        return any(k == body["id"].encode() for k, _ in got[ENRICHED.name])

    got = await collect(worker.settings, [ENRICHED.name], done)
    event = next(v for k, v in got[ENRICHED.name] if k == body["id"].encode())
    assert event["article"]["source"] == "push"


async def test_a_large_escaped_push_is_read_whole_and_enriched(worker: Worker, seed_html: str,
                                                               tag: str) -> None:
    """A page at the worker's page limit, padded with quotes and Hangul that ``json.dumps``
    escapes (\\" and \\uXXXX): its body is almost twice the page, far over one partial read."""
    url = f"https://v.daum.net/v/{tag}-large"
    room = worker.settings.max_page_bytes - len(seed_html.encode()) - len("<!---->")
    page = seed_html + "<!--" + '"인용" ' * (room // 9) + "-->"  # 9 UTF-8 bytes, 17 escaped
    body = json.dumps({"url": url, "html": page}).encode()
    assert len(page.encode()) <= worker.settings.max_page_bytes < len(body)
    status, answer = post(worker, body, "application/json")
    assert status == 202

    def done(got: Records) -> bool:
        return any(k == answer["id"].encode() for k, _ in got[ENRICHED.name])

    got = await collect(worker.settings, [ENRICHED.name], done)
    event = next(v for k, v in got[ENRICHED.name] if k == answer["id"].encode())
    assert event["article"]["title"].startswith("샘 올트먼의")
    assert '"인용"' not in event["article"]["text"]
