"""robots.txt: fetched once per origin, cached, and asked before every page or feed fetch.

Parsing is :mod:`urllib.robotparser`'s; this module only decides what a fetch outcome means
(RFC 9309): a robots.txt that is missing or forbidden (4xx) allows everything; one the server
fails to deliver (5xx, timeout, connection error) disallows everything for a short while, since
the site may be in trouble and a crawler should back off. Entries are cached for ``ttl_s``
(``error_ttl_s`` for failures). Concurrent first requests to one origin share one fetch.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

# (status, body) of GET <origin>/robots.txt; raises on timeouts and connection errors.
RobotsFetch = Callable[[str], Awaitable[tuple[int, bytes]]]

MAX_ROBOTS_BYTES = 500_000  # RFC 9309 asks crawlers to parse at least 500 KiB


@dataclass(slots=True)
class _Entry:
    parser: RobotFileParser | None  # None: allow everything
    disallow_all: bool
    expires: float


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def parse_robots(body: bytes) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace").splitlines())
    return parser


class RobotsCache:
    def __init__(
        self, fetch: RobotsFetch, user_agent: str, ttl_s: float = 3600, error_ttl_s: float = 60
    ) -> None:
        self._fetch = fetch
        self.user_agent = user_agent
        self.ttl_s = ttl_s
        self.error_ttl_s = error_ttl_s
        self._entries: dict[str, _Entry] = {}
        self._pending: dict[str, asyncio.Future[_Entry]] = {}

    async def allowed(self, url: str) -> bool:
        entry = await self._entry(origin_of(url))
        if entry.disallow_all:
            return False
        return entry.parser is None or entry.parser.can_fetch(self.user_agent, url)

    async def _entry(self, origin: str) -> _Entry:
        entry = self._entries.get(origin)
        if entry is not None and entry.expires > time.monotonic():
            return entry
        pending = self._pending.get(origin)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[_Entry] = asyncio.get_running_loop().create_future()
        self._pending[origin] = future
        try:
            entry = await self._load(origin)
            future.set_result(entry)
        except BaseException as exc:  # cancellation: let waiters retry on their own
            future.set_exception(exc)
            future.exception()  # mark retrieved
            raise
        finally:
            del self._pending[origin]
        self._entries[origin] = entry
        return entry

    async def _load(self, origin: str) -> _Entry:
        now = time.monotonic()
        try:
            status, body = await self._fetch(origin + "/robots.txt")
        except asyncio.CancelledError:
            raise
        except Exception:
            return _Entry(None, True, now + self.error_ttl_s)
        if 200 <= status < 300:
            return _Entry(parse_robots(body), False, now + self.ttl_s)
        if 400 <= status < 500:
            return _Entry(None, False, now + self.ttl_s)
        return _Entry(None, True, now + self.error_ttl_s)
