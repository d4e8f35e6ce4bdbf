"""The seen-URL store's expiry (in memory with a settable clock, and through the poller) and
the sharing of one feeds file by several pollers."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from faust.types import TP

from streams.ingest.config import FeedConfig
from streams.ingest.fetch import Fetcher
from streams.ingest.poller import Poller, owner_partition
from streams.ingest.runner import partition_owner, raw_html_assignment
from streams.ingest.seen import DAY_S, MemorySeen
from streams.topics import RAW_HTML
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


def test_owner_partition_is_stable_and_spreads_feeds() -> None:
    names = [f"feed-{n}" for n in range(60)]
    parts = [owner_partition(name, 4) for name in names]
    assert parts == [owner_partition(name, 4) for name in names]  # no per-process salt
    assert owner_partition("yonhap", 4) == 3  # fixed forever: a change would reshuffle feeds
    assert set(parts) == {0, 1, 2, 3} and owner_partition("x", 0) == 0


class FakeConsumer:
    def __init__(self, mine: set[int]) -> None:
        self.mine = mine

    def assignment(self) -> set[TP]:
        return {TP(RAW_HTML.name, p) for p in self.mine} | {TP("news.articles", 0)}


def test_worker_owns_the_feeds_of_its_raw_html_partitions() -> None:
    feeds = [FeedConfig(f"feed-{n}", f"https://example.com/{n}.xml") for n in range(20)]
    apps = [SimpleNamespace(consumer=FakeConsumer(mine)) for mine in ({0, 1}, {2}, {3})]
    owns = [partition_owner(raw_html_assignment(app), lambda: 4)  # type: ignore[arg-type]
            for app in apps]
    assert all([o(feed) for o in owns].count(True) == 1 for feed in feeds)  # one poller each
    assert raw_html_assignment(apps[0])() == {0, 1}  # type: ignore[arg-type]
    assert not partition_owner(lambda: {0, 1, 2, 3}, lambda: 0)(feeds[0])  # no metadata yet


async def test_pollers_sharing_a_feeds_file_poll_each_feed_once(site: Site, tag: str,
                                                                fetcher: Fetcher) -> None:
    feeds = []
    for n in range(6):
        site.feeds[f"{tag}-{n}"] = [f"/{tag}-{n}/a/page"]
        feeds.append(FeedConfig(f"shared-{n}", f"{site.base}/{tag}-{n}/feed.xml", "feed", 3600))
    seen = MemorySeen()
    sinks = [ListSink(), ListSink()]
    pollers = [Poller(feeds, fetcher, sinks[me], seen,
                      owns=lambda feed, me=me: owner_partition(feed.name, 2) == me)
               for me in (0, 1)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(p.run(stop)) for p in pollers]
    try:
        for _ in range(200):
            if all(site.hits[f"/{tag}-{n}/a/page"] for n in range(6)):
                break
            await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.gather(*tasks)
    assert [site.hits[f"/{tag}-{n}/feed.xml"] for n in range(6)] == [1] * 6
    assert [site.hits[f"/{tag}-{n}/a/page"] for n in range(6)] == [1] * 6
    assert all(sink.on(RAW_HTML.name) for sink in sinks)  # both pollers had feeds to poll


def test_a_store_that_only_learns_still_forgets() -> None:
    # A worker that owns no feed writes nothing; what it learns by following the topic must
    # still expire (pruning is not tied to writing).
    clock = Clock()
    seen = MemorySeen(ttl_s=DAY_S, clock=clock)
    seen.stamps = {"old": clock.now - 2 * DAY_S, "new": clock.now}
    clock.now += 2 * 3600
    seen._prune(clock.now)
    assert set(seen.stamps) == {"new"}
