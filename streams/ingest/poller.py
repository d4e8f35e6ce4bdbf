"""The feed poller: each feed on its own interval, conditional GET, new entries fetched once.

One loop per process: it sleeps until the next feed is due, polls it (RSS/Atom or sitemap;
sitemap indexes one level down), and fetches the entries whose normalised URL the seen store
does not know, at most ``page_concurrency`` at a time (the fetcher adds per-host limits).
Feed validators (ETag / Last-Modified) live in memory: after a restart the first poll is a full
GET, but the seen store keeps the entries from being fetched again.

Several pollers on one feeds file (``NEWSSTREAM_FEEDS_FILE`` on every worker) share the feeds
instead of each polling all of them: ``owns`` says whether this process polls a feed now. The
worker's comes from :func:`streams.ingest.runner.partition_owner`: a feed belongs to whoever holds
partition :func:`owner_partition` of ``news.raw-html`` in the pipeline's consumer group, so the
feeds move with the partitions on a rebalance and every feed has exactly one poller once the
group is stable (during a rebalance a feed may be polled twice; the shared seen store and stable
ids make that harmless). A feed not owned is looked at again every ``OWNERSHIP_RECHECK_S``.

Backpressure (:class:`Backpressure`): before each feed poll and each page fetch the poller asks
whether the pipeline keeps up. It pauses, with growing sleeps, while the consumer lag of the
pipeline group on ``news.raw-html`` is above ``NEWSSTREAM_INGEST_MAX_LAG``, and after a produce
that blocked longer than ``slow_produce_s``. Producing itself is awaited (acks), so the number
of pages in flight is bounded by ``page_concurrency`` whatever the lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from streams import metrics
from streams.ingest.config import FeedConfig
from streams.ingest.emit import Sink, ingest_url
from streams.ingest.feeds import Entry, FeedError, parse_feed, sniff_kind
from streams.ingest.fetch import Fetcher, FetchError
from streams.ingest.seen import SeenStore, seen_key
from streams.ingest.sitemaps import parse_sitemap
from streams.urls import normalize_url

log = logging.getLogger(__name__)

LagProbe = Callable[[], Awaitable[int]]
OWNERSHIP_RECHECK_S = 5.0


def owner_partition(feed_name: str, partitions: int) -> int:
    """The partition whose holder polls ``feed_name`` (a stable hash: the same in every process,
    unlike ``hash()``)."""
    digest = hashlib.sha256(feed_name.encode()).digest()
    return int.from_bytes(digest[:4], "big") % max(partitions, 1)


class Backpressure:
    def __init__(self, probe: LagProbe | None, max_lag: int, *, check_every_s: float = 5.0,
                 slow_produce_s: float = 2.0, max_sleep_s: float = 30.0) -> None:
        self.probe = probe
        self.max_lag = max_lag
        self.check_every_s = check_every_s
        self.slow_produce_s = slow_produce_s
        self.max_sleep_s = max_sleep_s
        self._checked = -float("inf")
        self._over = False
        self._penalty = 0.0
        self.waited_s = 0.0

    def note_produce(self, seconds: float) -> None:
        """Producing that blocks is a sign of a broker in trouble: slow down by as much."""
        if seconds > self.slow_produce_s:
            self._penalty = min(self.max_sleep_s, max(self._penalty, seconds))

    async def _lag_over(self) -> bool:
        now = time.monotonic()
        if self.probe is not None and now - self._checked >= self.check_every_s:
            self._checked = now
            try:
                lag = await self.probe()
            except Exception as exc:  # a failing probe must not stop ingestion
                log.warning("lag probe failed: %s", exc)
                return False
            metrics.INGEST_RAW_LAG.set(lag)
            self._over = lag > self.max_lag
        return self._over

    async def wait(self) -> None:
        sleep = min(0.5, self.max_sleep_s)
        while True:
            pause, self._penalty = self._penalty, 0.0
            if not pause and await self._lag_over():
                pause, sleep = sleep, min(self.max_sleep_s, sleep * 2)
                self._checked = -float("inf")  # re-probe after the pause
            if not pause:
                return
            await asyncio.sleep(pause)
            self.waited_s += pause
            metrics.INGEST_BACKPRESSURE_SECONDS.inc(pause)


@dataclass(slots=True)
class PollReport:
    feed: str
    not_modified: bool = False
    discovered: int = 0
    new: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    error: str | None = None


class Poller:
    def __init__(self, feeds: list[FeedConfig], fetcher: Fetcher, sink: Sink, seen: SeenStore,
                 backpressure: Backpressure | None = None, *, page_concurrency: int = 8,
                 owns: Callable[[FeedConfig], bool] | None = None) -> None:
        self.feeds = feeds
        self.fetcher = fetcher
        self.sink = sink
        self.seen = seen
        self.backpressure = backpressure or Backpressure(None, 0)
        self.page_slots = asyncio.Semaphore(page_concurrency)
        self.validators: dict[str, tuple[str | None, str | None]] = {}  # url -> etag, modified
        self.due = {f.name: 0.0 for f in feeds}
        self.owns = owns or (lambda feed: True)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Poll forever (or until ``stop`` is set). Never raises for a feed's failure."""
        stop = stop or asyncio.Event()
        start = time.monotonic()
        metrics.INGEST_FEEDS_CONFIGURED.set(len(self.feeds))
        self.due = {f.name: start for f in self.feeds}
        while not stop.is_set():
            now = time.monotonic()
            owned = {feed.name for feed in self.feeds if self.owns(feed)}
            metrics.INGEST_FEEDS_OWNED.set(len(owned))
            for feed in self.feeds:
                if self.due[feed.name] <= now and feed.name not in owned:
                    self.due[feed.name] = now + min(OWNERSHIP_RECHECK_S, feed.interval_s)
                    continue
                if self.due[feed.name] <= now:
                    metrics.INGEST_POLL_LAG.labels(feed=feed.name).set(now - self.due[feed.name])
                    await self.backpressure.wait()
                    await self.poll(feed)
                    self.due[feed.name] = max(self.due[feed.name] + feed.interval_s,
                                              time.monotonic())
            next_due = min(self.due.values(), default=now + 60) - time.monotonic()
            if next_due > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=next_due)

    async def poll(self, feed: FeedConfig) -> PollReport:
        report = PollReport(feed.name)
        try:
            entries = await self._entries(feed, feed.url, report, depth=0)
        except (FetchError, FeedError) as exc:
            report.error = f"{exc.reason}: {exc}"
            log.warning("feed %s: %s", feed.name, report.error)
            return report
        unique: dict[str, Entry] = {}
        for entry in entries:
            unique.setdefault(seen_key(entry.url), entry)
        fresh: list[Entry] = []
        listed: list[Entry] = []
        for entry in unique.values():
            (listed if entry.url in self.seen else fresh).append(entry)
        # still listed: stays remembered (the store writes only when its record is old)
        await asyncio.gather(*(self.seen.refresh(e.url, feed.name) for e in listed))
        report.discovered, report.new = len(unique), len(fresh)
        metrics.INGEST_ITEMS.labels(feed=feed.name, result="discovered").inc(len(unique))
        metrics.INGEST_ITEMS.labels(feed=feed.name, result="new").inc(len(fresh))
        for outcome in await asyncio.gather(*(self._page(feed, e) for e in fresh)):
            report.outcomes[outcome] = report.outcomes.get(outcome, 0) + 1
        log.info("feed %s: %d discovered, %d new %s", feed.name, report.discovered, report.new,
                 report.outcomes)
        return report

    async def _page(self, feed: FeedConfig, entry: Entry) -> str:
        async with self.page_slots:
            await self.backpressure.wait()
            started = time.monotonic()
            # Fetch the normalised URL: no fragment, no utm_*/click-id parameters.
            outcome = await ingest_url(self.fetcher, self.sink, normalize_url(entry.url),
                                       feed.name)
            self.backpressure.note_produce(time.monotonic() - started)
            await self.seen.add(entry.url, feed.name, outcome)
            return outcome

    async def _entries(self, feed: FeedConfig, url: str, report: PollReport,
                       depth: int) -> list[Entry]:
        etag, modified = self.validators.get(url, (None, None))
        kind = "sitemap" if feed.kind == "sitemap" else "feed"
        result = await self.fetcher.fetch(url, kind=kind, etag=etag, last_modified=modified)
        if result.not_modified:
            report.not_modified = depth == 0 or report.not_modified
            return []
        self.validators[url] = (result.headers.get("etag"), result.headers.get("last-modified"))
        if feed.kind == "feed" or (feed.kind == "auto" and sniff_kind(result.body) == "feed"):
            return parse_feed(result.body, result.final_url, result.headers.get("content-type"))
        sitemap = parse_sitemap(result.body, news_only=feed.news_only)
        entries = list(sitemap.entries)
        if depth == 0:  # an index lists sitemaps; indexes of indexes are not followed
            for child in sitemap.children:
                try:
                    entries += await self._entries(feed, child, report, depth + 1)
                except (FetchError, FeedError) as exc:
                    log.warning("feed %s: child sitemap %s: %s", feed.name, child, exc)
        return entries

