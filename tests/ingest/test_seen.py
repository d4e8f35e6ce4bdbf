"""The seen-URL store's expiry: in memory with a settable clock, and through the poller."""

from __future__ import annotations

from streams.ingest.config import FeedConfig
from streams.ingest.fetch import Fetcher
from streams.ingest.poller import Poller
from streams.ingest.seen import DAY_S, MemorySeen
from tests.ingest.site import Site
from tests.ingest.test_poller import ListSink


class Clock:
    def __init__(self) -> None:
        self.now = 1_750_000_000.0

    def __call__(self) -> float:
        return self.now


class CountingSeen(MemorySeen):
    """A memory store that counts the records it would persist."""

    def __init__(self, ttl_s: float, clock: Clock) -> None:
        super().__init__(ttl_s, clock)
        self.writes: list[tuple[str, str]] = []

    async def _persist(self, key: str, url: str, source: str, outcome: str, now: float) -> None:
        self.writes.append((url, outcome))


async def test_url_is_forgotten_after_the_ttl_and_memory_is_pruned() -> None:
    clock = Clock()
    seen = MemorySeen(ttl_s=DAY_S, clock=clock)
    await seen.add("https://example.com/a?utm_source=rss", "feed", "ok")
    assert "https://example.com/a" in seen  # the normalised URL is the key
    clock.now += DAY_S - 1
    assert "https://example.com/a" in seen
    clock.now += 2
    assert "https://example.com/a" not in seen
    await seen.add("https://example.com/b", "feed", "ok")  # a write prunes expired keys
    assert len(seen) == 1 and "https://example.com/b" in seen


async def test_without_ttl_nothing_expires_and_refresh_never_writes() -> None:
    clock = Clock()
    seen = CountingSeen(ttl_s=0, clock=clock)
    await seen.add("https://example.com/a", "feed", "ok")
    clock.now += 3650 * DAY_S
    await seen.refresh("https://example.com/a", "feed")
    assert "https://example.com/a" in seen and seen.writes == [("https://example.com/a", "ok")]


async def test_refresh_writes_at_most_every_half_ttl() -> None:
    clock = Clock()
    seen = CountingSeen(ttl_s=10 * DAY_S, clock=clock)
    await seen.refresh("https://example.com/never-added", "feed")
    await seen.add("https://example.com/a", "feed", "http_4xx")
    for _ in range(30):  # a feed listing the URL every day for a month
        clock.now += DAY_S
        await seen.refresh("https://example.com/a", "feed")
        assert "https://example.com/a" in seen
    assert seen.writes[0] == ("https://example.com/a", "http_4xx")
    assert [o for _, o in seen.writes[1:]] == ["listed"] * 6  # days 5, 10, ..., 30
    assert "https://example.com/never-added" not in seen


async def test_poller_keeps_listed_urls_and_refetches_forgotten_ones(site: Site, tag: str,
                                                                     fetcher: Fetcher) -> None:
    clock = Clock()
    seen = CountingSeen(ttl_s=4 * DAY_S, clock=clock)
    site.feeds[tag] = [f"/{tag}/a/kept"]
    feed = FeedConfig("ttl-feed", f"{site.base}/{tag}/feed.xml", "feed", 60)
    poller = Poller([feed], fetcher, ListSink(), seen)
    assert (await poller.poll(feed)).new == 1
    for _ in range(6):  # still listed every day: remembered past the TTL, never refetched
        clock.now += DAY_S
        site.feeds[tag].append(f"/{tag}/a/day{len(site.feeds[tag])}")  # new ETag each day
        await poller.poll(feed)
    assert site.hits[f"/{tag}/a/kept"] == 1
    site.feeds[tag] = [f"/{tag}/a/other"]  # dropped from the feed ...
    clock.now += 5 * DAY_S
    await poller.poll(feed)
    site.feeds[tag] = [f"/{tag}/a/other", f"/{tag}/a/kept"]  # ... listed again after the TTL
    report = await poller.poll(feed)
    assert report.new == 1 and site.hits[f"/{tag}/a/kept"] == 2
