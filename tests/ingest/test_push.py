"""POST /ingest: validation and both modes, on a plain aiohttp app (no broker needed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import orjson
import pytest
from aiohttp import web

from streams.ingest.fetch import Fetcher
from streams.ingest.guard import HostGuard
from streams.ingest.push import make_handler
from streams.records import article_id
from streams.topics import RAW_HTML
from streams.urls import normalize_url
from tests.ingest.site import Site


class ListSink:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, dict]] = []
        self.arrived = asyncio.Event()

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        self.records.append((topic, key, orjson.loads(value)))
        self.arrived.set()


@pytest.fixture
async def push(fetcher: Fetcher) -> AsyncIterator[tuple[str, ListSink]]:
    sink = ListSink()

    async def get_fetcher() -> Fetcher:
        return fetcher

    app = web.Application()
    handler = make_handler(sink, get_fetcher, 10_000, HostGuard(["127.0.0.1"]))
    app.router.add_post("/ingest", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/ingest", sink
    finally:
        await runner.cleanup()


async def post(url: str, body: bytes, content_type: str = "application/json") -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body, headers={"Content-Type": content_type}
    ) as resp:
        return resp.status, await resp.json()


async def test_html_push_is_produced_with_its_id(push: tuple[str, ListSink], tag: str) -> None:
    endpoint, sink = push
    url = f"https://news.example/{tag}?utm_source=x"
    status, body = await post(endpoint, orjson.dumps({"url": url, "html": "<p>hi</p>"}))
    assert status == 202
    assert body["id"] == article_id(normalize_url(url)) and body["mode"] == "html"
    topic, key, value = sink.records[0]
    assert (topic, key.decode(), value["html"], value["source"]) == (
        RAW_HTML.name, body["id"], "<p>hi</p>", "push")


async def test_url_push_is_fetched(push: tuple[str, ListSink], site: Site, tag: str) -> None:
    endpoint, sink = push
    status, body = await post(endpoint, orjson.dumps({"url": f"{site.base}/{tag}/a/pushed"}))
    assert (status, body["mode"]) == (202, "fetch")
    await sink.arrived.wait()
    assert sink.records[0][2]["url"] == f"{site.base}/{tag}/a/pushed"


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"<p>x</p>", "text/html", 415, "application/json"),
    (b"{not json", "application/json", 400, "not valid JSON"),
    (b'{"html": "<p>x</p>"}', "application/json", 400, "'url' is required"),
    (b'{"url": "ftp://x/y"}', "application/json", 400, "scheme"),
    (b'{"url": "http://10.0.0.1/"}', "application/json", 400, "private"),
    (b'{"url": "https://x.example/", "html": 3}', "application/json", 400, "'html'"),
    (b'{"url": "https://x.example/", "extra": 1}', "application/json", 400, "unknown"),
    (orjson.dumps({"url": "https://x.example/", "html": "x" * 20_000}), "application/json",
     413, "limit"),
    (orjson.dumps({"url": "https://x.example/", "html": "x" * 200_000}), "application/json",
     413, "over"),
])
async def test_bad_requests_are_refused_clearly(push: tuple[str, ListSink], body: bytes,
                                                content_type: str, status: int,
                                                message: str) -> None:
    endpoint, sink = push
    got, answer = await post(endpoint, body, content_type)
    assert got == status
    assert message in answer["error"]
    assert sink.records == []
