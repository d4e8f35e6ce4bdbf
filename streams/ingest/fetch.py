"""The polite, bounded HTTP fetcher every ingestion source uses (feeds, sitemaps, pages, push).

One aiohttp session with a pooled connector (``FETCH_CONCURRENCY`` connections). For each
request: the SSRF guard (:mod:`streams.ingest.guard`) on the URL and, through the resolver, on
every resolved address; robots.txt (:mod:`streams.ingest.robots`); a per-host semaphore and
start-rate limit; connect and total timeouts. Redirects are followed by hand so that every hop
is re-checked (guard and robots) and counted. The body is read in chunks and the download stops
as soon as it passes ``max_bytes``; gzip/deflate/brotli are decoded here (aiohttp's automatic
decoding is off) with the same cap on the decoded size, so neither a 2 GB body nor a
decompression bomb is ever held in memory. 5xx answers, timeouts and connection errors are
retried with exponential backoff and jitter; 4xx answers are not.

A fetch either returns a :class:`FetchResult` (2xx, or 304 for a conditional GET) or raises
:class:`FetchError` with one of the fixed ``reason`` codes below, which the callers map to a
counted skip or a dead letter (see docs/ingestion.md).
"""

from __future__ import annotations

import asyncio
import random
import time
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

import aiohttp
import brotli  # type: ignore[import-untyped]
from yarl import URL

from streams import __version__, metrics
from streams.errors import FETCH_OUTCOMES, FETCH_REASONS, PipelineError
from streams.ingest.guard import GuardedResolver, HostGuard, Refused
from streams.ingest.robots import RobotsCache
from streams.settings import Settings

# Outcome codes (metric label ``outcome`` and dead-letter/skip ``reason``).
OK, NOT_MODIFIED = FETCH_OUTCOMES
REASONS = FETCH_REASONS
KEPT_HEADERS = frozenset({
    "content-type", "content-language", "etag", "last-modified", "date", "cache-control",
    "expires", "link", "x-robots-tag", "location",
})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
CHUNK = 64 * 1024


class FetchError(PipelineError):
    """A fetch that produced no page; ``reason`` is one of :data:`REASONS`."""

    def __init__(self, message: str, *, reason: str, status: int | None = None,
                 url: str | None = None) -> None:
        super().__init__(message, reason=reason)
        self.status = status
        self.url = url


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    allow_hosts: tuple[str, ...] = ()
    concurrency: int = 32
    per_host: int = 2
    host_rate: float = 1.0  # request starts per second and host; 0 = unlimited
    connect_timeout_s: float = 5.0
    timeout_s: float = 30.0
    retries: int = 3
    backoff_s: float = 0.5
    max_backoff_s: float = 30.0
    max_redirects: int = 5
    max_bytes: int = 5_000_000
    user_agent: str = f"newsstream/{__version__}"
    robots: bool = True

    @classmethod
    def from_settings(cls, s: Settings) -> FetchPolicy:
        return cls(
            allow_hosts=s.fetch_allow_hosts, concurrency=s.fetch_concurrency,
            per_host=s.fetch_per_host, host_rate=s.fetch_host_rate,
            connect_timeout_s=s.fetch_connect_timeout_s, timeout_s=s.fetch_timeout_s,
            retries=s.fetch_retries, backoff_s=s.fetch_backoff_s,
            max_redirects=s.fetch_max_redirects, max_bytes=s.fetch_max_bytes,
            user_agent=s.fetch_user_agent or f"newsstream/{__version__}",
        )


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # as asked
    final_url: str  # after redirects
    status: int
    headers: dict[str, str]
    body: bytes  # decoded from Content-Encoding, still in the page's own charset
    charset: str | None
    content_type: str | None
    fetched_at: str

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Decoder(Protocol):
    def feed(self, data: bytes) -> bytes: ...


class _Identity:
    def feed(self, data: bytes) -> bytes:
        return data


class _Zlib:
    def __init__(self, wbits: int, limit: int) -> None:
        self._d = zlib.decompressobj(wbits)
        self._limit = limit
        self._out = 0

    def feed(self, data: bytes) -> bytes:
        try:
            # Ask for one byte more than allowed: getting it proves the limit is passed.
            out = self._d.decompress(data, self._limit - self._out + 1)
        except zlib.error as exc:
            raise FetchError(f"bad compressed body: {exc}", reason="bad_encoding") from exc
        self._out += len(out)
        return out


class _Brotli:
    def __init__(self, limit: int) -> None:
        self._d = brotli.Decompressor()
        self._limit = limit
        self._out = 0

    def feed(self, data: bytes) -> bytes:
        try:
            out: bytes = self._d.process(data, output_buffer_limit=self._limit - self._out + 1)
        except brotli.error as exc:
            raise FetchError(f"bad brotli body: {exc}", reason="bad_encoding") from exc
        self._out += len(out)
        return out


def decoder_for(encoding: str, limit: int) -> _Decoder:
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return _Identity()
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS, limit)
    if encoding == "deflate":
        return _Zlib(zlib.MAX_WBITS, limit)
    if encoding == "br":
        return _Brotli(limit)
    raise FetchError(f"unsupported Content-Encoding {encoding!r}", reason="bad_encoding")


async def read_capped(chunks: AsyncIterator[bytes], encoding: str, limit: int) -> bytes:
    """Read and decode a body, stopping as soon as the wire or decoded size passes ``limit``."""
    decoder = decoder_for(encoding, limit)
    wire = 0
    parts: list[bytes] = []
    size = 0
    async for chunk in chunks:
        wire += len(chunk)
        if wire > limit:
            raise FetchError(f"body passed {limit} bytes on the wire", reason="too_large")
        out = decoder.feed(chunk)
        size += len(out)
        if size > limit:
            raise FetchError(f"body decodes to more than {limit} bytes", reason="too_large")
        parts.append(out)
    return b"".join(parts)


class HostLimiter:
    """At most ``per_host`` requests in flight per host, started at most ``rate`` per second."""

    def __init__(self, per_host: int, rate: float) -> None:
        self.per_host = max(1, per_host)
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self._sems: dict[str, asyncio.Semaphore] = {}
        self._next: dict[str, float] = {}

    def semaphore(self, host: str) -> asyncio.Semaphore:
        return self._sems.setdefault(host, asyncio.Semaphore(self.per_host))

    async def pace(self, host: str) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        start = max(now, self._next.get(host, now))
        self._next[host] = start + self.interval
        if start > now:
            await asyncio.sleep(start - now)


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff with full jitter in [0.5, 1.5) x base x 2^attempt, at most ``cap``."""
    return float(min(cap, base * (2**attempt)) * random.uniform(0.5, 1.5))


def _retriable(exc: FetchError) -> bool:
    return exc.reason in ("http_5xx", "timeout", "connect_error")


class Fetcher:
    """Use as ``async with Fetcher(policy) as f: result = await f.fetch(url)``."""

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.guard = HostGuard(policy.allow_hosts)
        self.limiter = HostLimiter(policy.per_host, policy.host_rate)
        self.robots = RobotsCache(self._fetch_robots, policy.user_agent)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Fetcher:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.policy.concurrency, limit_per_host=self.policy.per_host,
                resolver=GuardedResolver(self.guard), ttl_dns_cache=60,
            )
            self._session = aiohttp.ClientSession(
                connector=connector, auto_decompress=False,
                headers={"User-Agent": self.policy.user_agent,
                         "Accept-Encoding": "gzip, deflate, br"},
                timeout=aiohttp.ClientTimeout(
                    total=self.policy.timeout_s, sock_connect=self.policy.connect_timeout_s
                ),
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def fetch(
        self, url: str, *, kind: str = "page", etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url`` under the policy (conditional when ``etag``/``last_modified`` given)."""
        started = time.perf_counter()
        outcome = OK
        try:
            result = await self._fetch_with_retries(url, kind, etag, last_modified)
            outcome = NOT_MODIFIED if result.not_modified else OK
            metrics.FETCH_BYTES.labels(kind=kind).inc(len(result.body))
            return result
        except Refused as exc:
            outcome = "refused"
            raise FetchError(str(exc), reason="refused", url=url) from exc
        except FetchError as exc:
            outcome = exc.reason
            exc.url = exc.url or url
            raise
        finally:
            metrics.FETCHES.labels(
                kind=kind, outcome=outcome, host_class=self.guard.host_class(url)
            ).inc()
            metrics.FETCH_SECONDS.labels(kind=kind).observe(time.perf_counter() - started)

    async def _fetch_with_retries(
        self, url: str, kind: str, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        attempt = 0
        while True:
            try:
                return await self._follow(url, kind, etag, last_modified)
            except FetchError as exc:
                if not _retriable(exc) or attempt >= self.policy.retries:
                    raise
            await asyncio.sleep(
                backoff_delay(attempt, self.policy.backoff_s, self.policy.max_backoff_s)
            )
            attempt += 1

    async def _follow(
        self, url: str, kind: str, etag: str | None, last_modified: str | None
    ) -> FetchResult:
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        current = url
        seen: set[str] = set()
        for _hop in range(self.policy.max_redirects + 1):
            self.guard.check_url(current)
            if self.policy.robots and kind != "robots" and not await self.robots.allowed(current):
                raise FetchError(f"robots.txt disallows {current}", reason="robots", url=current)
            seen.add(current)
            status, resp_headers, body, charset, ctype, location = await self._get_once(
                current, headers
            )
            if status in REDIRECTS and location:
                nxt = str(URL(current).join(URL(location)))
                if nxt in seen:
                    raise FetchError(f"redirect loop at {nxt}", reason="too_many_redirects",
                                     status=status, url=url)
                current = nxt
                continue
            if status == 304:
                return FetchResult(url, current, status, resp_headers, b"", charset, ctype,
                                   datetime.now(UTC).isoformat())
            if status >= 500:
                raise FetchError(f"HTTP {status}", reason="http_5xx", status=status, url=current)
            if status >= 400 or not 200 <= status < 300:
                raise FetchError(f"HTTP {status}", reason="http_4xx", status=status, url=current)
            return FetchResult(url, current, status, resp_headers, body, charset, ctype,
                               datetime.now(UTC).isoformat())
        raise FetchError(f"more than {self.policy.max_redirects} redirects",
                         reason="too_many_redirects", url=url)

    async def _get_once(
        self, url: str, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes, str | None, str | None, str | None]:
        """One request, no redirects: status, kept headers, body, charset, type, location."""
        assert self._session is not None, "Fetcher not started"
        host = URL(url).host or ""
        limit = self.policy.max_bytes
        async with self.limiter.semaphore(host):
            await self.limiter.pace(host)
            try:
                async with asyncio.timeout(self.policy.timeout_s), self._session.get(
                    url, headers=headers, allow_redirects=False
                ) as resp:
                    kept = {k.lower(): v for k, v in resp.headers.items()
                            if k.lower() in KEPT_HEADERS}
                    body = b""
                    if 200 <= resp.status < 300:
                        if (resp.content_length or 0) > limit:
                            raise FetchError(
                                f"Content-Length {resp.content_length} is over {limit} bytes",
                                reason="too_large", status=resp.status, url=url)
                        body = await read_capped(
                            resp.content.iter_chunked(CHUNK),
                            resp.headers.get("Content-Encoding", ""), limit)
                    charset = resp.charset.lower() if resp.charset else None
                    return (resp.status, kept, body, charset, resp.content_type,
                            resp.headers.get("Location"))
            except (TimeoutError, aiohttp.ServerTimeoutError) as exc:
                raise FetchError(f"timed out after {self.policy.timeout_s:g}s",
                                 reason="timeout", url=url) from exc
            except aiohttp.ClientConnectorError as exc:
                if isinstance(exc.os_error, Refused):  # pragma: no cover - wrapped by aiohttp
                    raise exc.os_error from exc
                raise FetchError(f"cannot connect: {exc}", reason="connect_error",
                                 url=url) from exc
            except aiohttp.ClientError as exc:
                raise FetchError(f"{exc.__class__.__name__}: {exc}", reason="connect_error",
                                 url=url) from exc

    async def _fetch_robots(self, url: str) -> tuple[int, bytes]:
        try:
            result = await self.fetch(url, kind="robots")
        except FetchError as exc:
            if exc.reason in ("http_4xx", "too_large"):
                return exc.status or 404, b""
            raise
        return result.status, result.body
