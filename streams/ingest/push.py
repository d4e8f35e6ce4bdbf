"""Push API: ``POST /ingest`` on the worker's web server puts one page on ``news.raw-html``.

    POST /ingest  Content-Type: application/json
    {"url": "https://…", "html": "<html>…"}   the page as the client has it -> produced now
    {"url": "https://…"}                      a URL to fetch -> fetched in the background under
                                              the fetch policy (SSRF guard, robots, limits)
    -> 202 {"id": "<article id>", "url": "<normalised url>", "mode": "html" | "fetch"}

Limits: ``html``, decoded and measured as UTF-8, may be up to ``NEWSSTREAM_MAX_PAGE_BYTES``
(5 MB by default). The body is read whole, up to :func:`body_limit` (3x the page limit + 64 KiB,
about 15 MB by default) so the largest page still fits after any client's JSON escaping. The
page is produced as ``html``, or as ``content_b64`` when that record would be too large for Kafka
(:func:`~streams.ingest.emit.raw_from_push`).

Errors are JSON ``{"error": "..."}``: 415 when the body is not JSON, 413 when the body is over
:func:`body_limit` (by Content-Length before anything is read, or as soon as a chunked body runs
over) or ``html`` is over the page limit, 400 for invalid JSON, a missing or non-http(s) URL, a
URL the SSRF guard refuses outright, unknown fields or a non-string ``html``. A fetch that fails
later ends as a skip or dead letter, like a feed entry.
:func:`validate` is pure; :func:`make_handler` is a plain aiohttp handler, so both are testable
without Faust; :func:`register` mounts it as a Faust view.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import faust
import orjson
from aiohttp import web

from streams import metrics
from streams.ingest.emit import (
    FaustSink,
    IngestGate,
    Sink,
    ingest_url,
    raw_from_push,
)
from streams.ingest.fetch import Fetcher, FetchPolicy
from streams.ingest.guard import HostGuard, Refused
from streams.kafka import MAX_RECORD_BYTES
from streams.records import article_id
from streams.settings import Settings
from streams.stage import now_iso
from streams.topics import RAW_HTML
from streams.urls import normalize_url

log = logging.getLogger(__name__)

URL_ROOM = 64 * 1024  # the URL, the field names and whitespace around the page
ESCAPE_FACTOR = 3  # JSON-escaped bytes per UTF-8 byte of a page, at most (see body_limit)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class PushError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class PushRequest:
    url: str
    html: str | None

    @property
    def id(self) -> str:
        return article_id(self.url)


def body_limit(max_page_bytes: int) -> int:
    """The largest push body: the largest allowed page after JSON escaping, plus the URL.

    A client's escaping at most triples a page's UTF-8 bytes: quotes and backslashes take 2 bytes
    for 1 (``\\"``), a Hangul syllable 6 for 3 and an emoji 12 for 4 when non-ASCII is written as
    ``\\uXXXX`` (``json.dumps``' default), and a 2-byte character (é, Cyrillic) 6 for 2. Only C0
    control characters (``\\u0001``, 6 bytes for 1) escape worse; pages do not carry them in
    bulk, and buffering 6x the page limit (30 MB by default) per push is not worth it for them.
    """
    return ESCAPE_FACTOR * max_page_bytes + URL_ROOM


async def read_body(request: web.Request, limit: int) -> bytes:
    """The whole body, read to EOF; 413 as soon as it is over ``limit``, so at most ``limit``
    bytes are ever buffered. One ``content.read(n)`` returns only what has arrived so far, which
    cut large pages short."""
    if (request.content_length or 0) > limit:
        raise PushError(413, f"body is over the limit of {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.content.iter_any():
        size += len(chunk)
        if size > limit:
            raise PushError(413, f"body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def validate(content_type: str, body: bytes, max_bytes: int, guard: HostGuard) -> PushRequest:
    """The push request in the whole ``body``, or :class:`PushError` with the HTTP status and
    message; the body's size is :func:`read_body`'s to check, the page's (413) is checked here."""
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise PushError(415, f"Content-Type must be application/json, not {content_type!r}")
    try:
        data: Any = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise PushError(400, f"body is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise PushError(400, "body must be a JSON object with 'url' and optional 'html'")
    unknown = set(data) - {"url", "html"}
    if unknown:
        raise PushError(400, f"unknown fields: {', '.join(sorted(unknown))}")
    url, html = data.get("url"), data.get("html")
    if not isinstance(url, str) or not url.strip():
        raise PushError(400, "'url' is required and must be a string")
    if html is not None and not isinstance(html, str):
        raise PushError(400, "'html' must be a string")
    if html is not None and len(html.encode("utf-8")) > max_bytes:
        raise PushError(413, f"html is over the page limit of {max_bytes} bytes")
    try:
        guard.check_url(url.strip())
    except Refused as exc:
        raise PushError(400, f"url refused: {exc}") from exc
    return PushRequest(url.strip(), html)


#: While ingestion is paused (the embedded broker is being rolled, or the pipeline's backlog is
#: at its bound), a push is held this long, then answered 503 with this Retry-After.
HOLD_S = 10.0


def make_handler(sink: Sink, fetcher: Callable[[], Awaitable[Fetcher]],
                 max_bytes: int, guard: HostGuard, gate: IngestGate | None = None) -> Handler:
    """An aiohttp handler for POST /ingest; ``fetcher`` returns the started shared fetcher.
    ``gate``: a valid push takes its place there (both modes: a fetch's record is produced
    later, in the background), waiting at most :data:`HOLD_S`."""
    tasks: set[asyncio.Task[None]] = set()
    limit = body_limit(max_bytes)

    async def fetch_in_background(url: str) -> None:
        try:
            await ingest_url(await fetcher(), sink, url, "push")
        finally:
            if gate is not None:
                gate.sent()

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.method != "POST":
            return web.json_response({"error": "use POST"}, status=405)
        try:
            body = await read_body(request, limit)
            push = validate(request.headers.get("Content-Type", ""), body, max_bytes, guard)
        except PushError as exc:
            return web.json_response({"error": str(exc)}, status=exc.status)
        record = None if push.html is None else raw_from_push(push.url, push.html, now_iso())
        # a page to fetch takes the place of the largest record it can become
        size = MAX_RECORD_BYTES if record is None else len(record[0]) + len(record[1])
        if gate is not None and not await gate.enter(HOLD_S, size):
            return web.json_response(
                {"error": "ingestion is paused (the embedded broker is being rolled, or the "
                          "pipeline is behind); retry shortly"}, status=503,
                headers={"Retry-After": str(int(HOLD_S))})
        if record is None:
            task = asyncio.create_task(fetch_in_background(push.url))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
            mode = "fetch"
        else:
            key, value = record
            try:
                await sink.send(RAW_HTML.name, key, value)
            finally:
                if gate is not None:
                    gate.sent()
            metrics.INGEST_PRODUCED.labels(source="push").inc()
            mode = "html"
        return web.json_response(
            {"id": push.id, "url": normalize_url(push.url), "mode": mode}, status=202)

    return handle


def register(app: faust.App, settings: Settings, gate: IngestGate) -> None:
    """Mount POST /ingest on the worker's web server."""
    policy = FetchPolicy.from_settings(settings)
    shared: list[Fetcher] = []

    async def fetcher() -> Fetcher:
        if not shared:
            shared.append(Fetcher(policy))
            await shared[0].start()
        return shared[0]

    handle = make_handler(FaustSink(app), fetcher, settings.max_page_bytes,
                          HostGuard(policy.allow_hosts), gate)

    @app.page("/ingest")
    class IngestView(faust.web.View):
        async def post(self, request: web.Request) -> web.StreamResponse:
            return await handle(request)
