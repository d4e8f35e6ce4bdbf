"""POST /ingest: validation, both modes and body sizes up to the limit, on a plain aiohttp app
(no broker needed)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable

import aiohttp
import orjson
import pytest
from aiohttp import web

from streams.ingest import push as push_module
from streams.ingest.emit import IngestGate, raw_from_push
from streams.ingest.fetch import Fetcher
from streams.ingest.guard import HostGuard
from streams.ingest.push import body_limit, make_handler
from streams.kafka import MAX_RECORD_BYTES
from streams.parse.decode import decode_html
from streams.parse.handler import page_of
from streams.parse.limits import ParseLimits
from streams.records import RawHtml, article_id
from streams.topics import RAW_HTML
from tests.ingest.site import Site

PAGE_LIMIT = 5_000_000  # the default NEWSSTREAM_MAX_PAGE_BYTES
SMALL_PAGE_LIMIT = 10_000


class ListSink:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, dict]] = []
        self.sizes: list[int] = []  # key plus value, as produced
        self.arrived = asyncio.Event()

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        self.records.append((topic, key, orjson.loads(value)))
        self.sizes.append(len(key) + len(value))
        self.arrived.set()


@contextlib.asynccontextmanager
async def serving(fetcher: Fetcher, max_bytes: int, gate: IngestGate | None = None
                  ) -> AsyncIterator[tuple[str, ListSink]]:
    """POST /ingest with a page limit of ``max_bytes`` on a local port, and its sink."""
    sink = ListSink()

    async def get_fetcher() -> Fetcher:
        return fetcher

    app = web.Application()
    handler = make_handler(sink, get_fetcher, max_bytes, HostGuard(["127.0.0.1"]), gate)
    app.router.add_post("/ingest", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/ingest", sink
    finally:
        await runner.cleanup()


@pytest.fixture
async def push(fetcher: Fetcher) -> AsyncIterator[tuple[str, ListSink]]:
    async with serving(fetcher, SMALL_PAGE_LIMIT) as endpoint_and_sink:
        yield endpoint_and_sink


@pytest.fixture
async def big_push(fetcher: Fetcher) -> AsyncIterator[tuple[str, ListSink]]:
    """The endpoint with the default page limit, for bodies of many megabytes."""
    async with serving(fetcher, PAGE_LIMIT) as endpoint_and_sink:
        yield endpoint_and_sink


async def trickle(body: bytes, pieces: int = 200) -> AsyncIterator[bytes]:
    """``body`` as a slow client sends it: in small chunks (chunked transfer encoding, no
    Content-Length), with a pause after each, so the server reads it in many partial reads."""
    step = -(-len(body) // pieces)
    for start in range(0, len(body), step):
        yield body[start:start + step]
        await asyncio.sleep(0.001)


async def post(url: str, body: bytes | AsyncIterator[bytes],
               content_type: str = "application/json") -> tuple[int, dict]:
    async with aiohttp.ClientSession() as session, session.post(
        url, data=body, headers={"Content-Type": content_type}
    ) as resp:
        return resp.status, await resp.json()


def escaped_body(url: str, size: int) -> tuple[bytes, str]:
    """A valid push body of exactly ``size`` bytes and its page, at most PAGE_LIMIT bytes: the
    page is 'é', which ``json.dumps`` writes as ``\\u00e9`` (6 bytes for 2, the costliest escape
    of text); JSON whitespace after the object makes up the rest."""
    skeleton = len(json.dumps({"url": url, "html": "<p></p>"}))
    page = "<p>" + "é" * min((size - skeleton) // 6, (PAGE_LIMIT - 7) // 2) + "</p>"
    body = json.dumps({"url": url, "html": page}).encode()
    return body + b" " * (size - len(body)), page


def page_in(value: dict) -> str:
    """The page a raw-html record carries, read as the parse stage reads it."""
    return decode_html(page_of(RawHtml(**value)), charset=value["charset"],
                       content_type=value["content_type"],
                       limits=ParseLimits(max_bytes=PAGE_LIMIT))


async def test_html_push_is_produced_with_its_id(push: tuple[str, ListSink], tag: str) -> None:
    endpoint, sink = push
    url = f"https://news.example/{tag}?utm_source=x"
    status, body = await post(endpoint, orjson.dumps({"url": url, "html": "<p>hi</p>"}))
    assert status == 202
    assert body["id"] == article_id(url) and body["mode"] == "html"
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


LIMIT = body_limit(PAGE_LIMIT)


@pytest.mark.parametrize("size", [1_000, 1_000_000, 4_000_000, LIMIT],
                         ids=["1KB", "1MB", "4MB", "limit"])
@pytest.mark.parametrize("sent", ["one-write", "trickled"])
async def test_bodies_up_to_the_limit_are_read_whole(big_push: tuple[str, ListSink], tag: str,
                                                     size: int, sent: str) -> None:
    endpoint, sink = big_push
    body, page = escaped_body(f"https://news.example/{tag}", size)
    assert len(body) == size
    status, answer = await post(endpoint, body if sent == "one-write" else trickle(body))
    assert (status, answer["mode"]) == (202, "html")
    [(_, key, value)] = sink.records
    assert key.decode() == answer["id"]
    assert page_in(value) == page
    assert sink.sizes[0] <= MAX_RECORD_BYTES


async def test_a_chunked_body_is_refused_as_soon_as_it_runs_over_the_limit(
        big_push: tuple[str, ListSink], tag: str) -> None:
    endpoint, sink = big_push
    body, _ = escaped_body(f"https://news.example/{tag}", LIMIT)
    status, answer = await post(endpoint, trickle(body + b" "))
    assert status == 413
    assert f"limit of {LIMIT} bytes" in answer["error"]
    assert sink.records == []


async def test_a_content_length_over_the_limit_is_refused_before_reading(
        big_push: tuple[str, ListSink]) -> None:
    """Only the headers are sent: an answer proves the server did not wait for the body."""
    endpoint, sink = big_push
    port = int(endpoint.split(":")[2].split("/")[0])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"POST /ingest HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % (LIMIT + 1))
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        answer = orjson.loads(await reader.readexactly(length))
    finally:
        writer.close()
        await writer.wait_closed()
    assert head.split()[1] == b"413"
    assert f"limit of {LIMIT} bytes" in answer["error"]
    assert sink.records == []


@pytest.mark.parametrize(("page", "dumps", "encoding"), [
    ("<p>" + '"' * (PAGE_LIMIT - 7) + "</p>", orjson.dumps, "content_b64"),
    ("<p>" + "한" * ((PAGE_LIMIT - 7) // 3) + "</p>",
     lambda value: json.dumps(value, ensure_ascii=True).encode(), "html"),
], ids=["quotes", "korean-ascii-escaped"])
async def test_pages_at_the_limit_that_escaping_doubles_are_accepted(
        big_push: tuple[str, ListSink], tag: str, page: str,
        dumps: Callable[[dict[str, str]], bytes], encoding: str) -> None:
    endpoint, sink = big_push
    body = dumps({"url": f"https://news.example/{tag}", "html": page})
    assert len(body) > 2 * (PAGE_LIMIT - 7)
    status, _ = await post(endpoint, body)
    assert status == 202
    [(_, _, value)] = sink.records
    assert encoding in value
    assert page_in(value) == page
    assert sink.sizes[0] <= MAX_RECORD_BYTES


def test_a_push_record_too_large_as_html_carries_the_utf8_bytes_as_base64() -> None:
    page = "<p>인용 " + '"\\' * ((PAGE_LIMIT - 20) // 2) + "</p>"  # 2x as a JSON string
    key, value = raw_from_push("https://news.example/quotes", page, "2025-05-10T05:00:00+00:00")
    record = orjson.loads(value)
    assert "html" not in record
    assert (record["charset"], record["content_type"]) == ("utf-8", "text/html")
    assert len(key) + len(value) <= MAX_RECORD_BYTES
    assert page_of(RawHtml(**record)) == page.encode("utf-8")
    assert page_in(record) == page


def test_a_push_record_that_fits_carries_the_page_as_html() -> None:
    page = "<p>" + "인용" * 1000 + "</p>"
    _, value = raw_from_push("https://news.example/small", page, "2025-05-10T05:00:00+00:00")
    record = orjson.loads(value)
    assert (record["html"], record["charset"]) == (page, None)
    assert "content_b64" not in record


async def test_a_push_during_a_roll_is_held_then_answered_503(
    fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the embedded broker is rolled (the gate paused) a push waits; past the hold it is
    told to retry, and nothing is produced; once the gate opens pushes go through."""
    monkeypatch.setattr(push_module, "HOLD_S", 0.2)
    gate = IngestGate()
    gate.pause("roll")
    page = {"url": "https://example.com/during-roll", "html": "<p>x</p>"}
    async with serving(fetcher, SMALL_PAGE_LIMIT, gate) as (endpoint, sink), \
            aiohttp.ClientSession() as session:
        async with session.post(endpoint, json=page) as response:
            assert response.status == 503 and response.headers["Retry-After"]
        assert sink.records == []
        # the roll ends within the hold
        asyncio.get_running_loop().call_later(0.1, gate.resume, "roll")
        async with session.post(endpoint, json=page) as response:
            assert response.status == 202
        assert len(sink.records) == 1
        assert (gate.entered, gate.pending) == (1, 0)


async def test_a_push_waits_for_room_under_the_backlog_bound(
    fetcher: Fetcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the pipeline's backlog at its bound, both kinds of push are told to retry; once the
    pipeline has taken records, they go through and take their places."""
    monkeypatch.setattr(push_module, "HOLD_S", 0.2)
    gate = IngestGate(max_backlog=1)
    gate.measured(1, 0, 0)
    async with serving(fetcher, SMALL_PAGE_LIMIT, gate) as (endpoint, sink), \
            aiohttp.ClientSession() as session:
        for page in ({"url": "https://example.com/full", "html": "<p>x</p>"},
                     {"url": "https://example.com/full-fetch"}):
            async with session.post(endpoint, json=page) as response:
                assert response.status == 503 and response.headers["Retry-After"]
        assert sink.records == [] and gate.entered == 0
        gate.measured(0, 0, 0)  # the pipeline took it
        async with session.post(endpoint, json={"url": "https://example.com/room",
                                                "html": "<p>x</p>"}) as response:
            assert response.status == 202
        assert len(sink.records) == 1 and gate.backlog == 1
