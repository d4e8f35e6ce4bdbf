"""Feeds, sitemaps, config and the poller (in memory: a list sink, a memory seen store)."""

from __future__ import annotations

import base64
from pathlib import Path

import orjson
import pytest

from streams.ingest.config import ConfigError, FeedConfig, load_config, parse_config
from streams.ingest.feeds import parse_feed, sniff_kind
from streams.ingest.fetch import Fetcher
from streams.ingest.poller import Backpressure, Poller
from streams.ingest.seen import MemorySeen
from streams.ingest.sitemaps import parse_sitemap
from streams.schemas import validation_errors
from streams.topics import DEADLETTER, RAW_HTML
from tests.ingest.site import EUC_KR_TEXT, Site, rss

ROOT = Path(__file__).resolve().parents[2]


class ListSink:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes, dict]] = []

    async def send(self, topic: str, key: bytes, value: bytes) -> None:
        self.records.append((topic, key, orjson.loads(value)))

    def on(self, topic: str) -> list[dict]:
        return [v for t, _, v in self.records if t == topic]


def test_feed_entries_are_parsed_by_feedparser() -> None:
    body = rss("https://news.example", ["/a/1", "/a/2"])
    entries = parse_feed(body, "https://news.example/feed.xml")
    assert [e.url for e in entries] == ["https://news.example/a/1?utm_source=rss#top",
                                        "https://news.example/a/2?utm_source=rss#top"]
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
            b'<entry><title>x</title><link href="/rel/1"/><id>1</id></entry></feed>')
    assert [e.url for e in parse_feed(atom, "https://n.example/atom")] == ["https://n.example/rel/1"]
    assert sniff_kind(body) == "feed"


def test_news_sitemap_and_index() -> None:
    xml = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
           b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
           b"<url><loc>https://n.example/1</loc><news:news><news:title>T</news:title>"
           b"</news:news></url><url><loc>https://n.example/about</loc></url></urlset>")
    assert sniff_kind(xml) == "sitemap"
    assert [e.url for e in parse_sitemap(xml).entries] == ["https://n.example/1"]
    assert len(parse_sitemap(xml, news_only=False).entries) == 2
    index = (b"<sitemapindex><sitemap><loc>https://n.example/s1.xml</loc></sitemap>"
             b"<sitemap><loc>file:///etc/passwd</loc></sitemap></sitemapindex>")
    assert parse_sitemap(index).children == ["https://n.example/s1.xml"]


def test_example_config_loads_and_bad_configs_say_why(tmp_path: Path) -> None:
    feeds = load_config(ROOT / "feeds.example.toml")
    assert feeds and all(f.interval_s > 0 for f in feeds)
    with pytest.raises(ConfigError, match="name"):
        parse_config({"feed": [{"name": "Bad Name", "url": "https://x"}]})
    with pytest.raises(ConfigError, match="duplicate"):
        parse_config({"feed": [{"name": "a", "url": "https://x"}] * 2})
    with pytest.raises(ConfigError, match="interval_s"):
        parse_config({"feed": [{"name": "a", "url": "https://x", "interval_s": 0}]})


@pytest.fixture
async def poller_parts(fetcher: Fetcher) -> tuple[Fetcher, ListSink, MemorySeen]:
    return fetcher, ListSink(), MemorySeen()


async def test_feed_that_changes_between_polls(site: Site, tag: str, poller_parts) -> None:  # type: ignore[no-untyped-def]
    fetcher, sink, seen = poller_parts
    site.feeds[tag] = [f"/{tag}/a/one", f"/{tag}/a/two"]
    feed = FeedConfig("test-feed", f"{site.base}/{tag}/feed.xml", "auto", 60)
    poller = Poller([feed], fetcher, sink, seen)
    first = await poller.poll(feed)
    assert (first.discovered, first.new, first.outcomes) == (2, 2, {"ok": 2})
    unchanged = await poller.poll(feed)  # same ETag: 304, nothing parsed
    assert unchanged.not_modified and unchanged.new == 0
    site.feeds[tag].append(f"/{tag}/a/three")
    changed = await poller.poll(feed)
    assert (changed.discovered, changed.new) == (3, 1)
    raw = sink.on(RAW_HTML.name)
    assert [r["url"] for r in raw] == [f"{site.base}/{tag}/a/{n}" for n in ("one", "two", "three")]
    assert all(site.hits[f"/{tag}/a/{n}"] == 1 for n in ("one", "two", "three"))
    for record in raw:
        assert validation_errors(RAW_HTML, record) == []
        assert record["source"] == "test-feed" and record["status"] == 200


async def test_each_fixture_ends_as_event_skip_or_dead_letter(site: Site, tag: str,
                                                              poller_parts) -> None:  # type: ignore[no-untyped-def]
    fetcher, sink, seen = poller_parts
    paths = {"euc-kr": "ok", "flaky": "ok", "slow": "timeout", "loop/0": "too_many_redirects",
             "huge": "too_large", "bomb": "too_large", "missing": "http_4xx"}
    site.feeds[tag] = [f"/{tag}/{p}" for p in paths] + [f"/private/{tag}/x"]
    feed = FeedConfig("fixtures", f"{site.base}/{tag}/feed.xml", "feed", 60)
    report = await Poller([feed], fetcher, sink, seen).poll(feed)
    assert report.outcomes == {"ok": 2, "timeout": 1, "too_many_redirects": 1, "too_large": 2,
                               "http_4xx": 1, "robots": 1}
    raw = {r["url"].rsplit("/", 1)[-1]: r for r in sink.on(RAW_HTML.name)}
    euc = raw["euc-kr"]
    assert euc["charset"] == "euc-kr"
    assert EUC_KR_TEXT in base64.b64decode(euc["content_b64"]).decode("euc-kr")
    letters = sink.on(DEADLETTER.name)
    assert sorted(d["reason"] for d in letters) == [
        "timeout", "too_large", "too_large", "too_many_redirects"]
    for letter in letters:
        assert validation_errors(DEADLETTER, letter) == []
        assert letter["stage"] == "ingest" and letter["url"].startswith(site.base)
    again = await Poller([feed], fetcher, sink, seen).poll(feed)
    assert again.new == 0, "every outcome is remembered: nothing is fetched twice"


async def test_sitemap_index_is_followed(site: Site, tag: str, poller_parts) -> None:  # type: ignore[no-untyped-def]
    fetcher, sink, seen = poller_parts
    site.feeds[tag] = [f"/{tag}/a/s1", f"/{tag}/a/s2"]
    feed = FeedConfig("maps", f"{site.base}/{tag}/sitemap-index.xml", "auto", 60)
    report = await Poller([feed], fetcher, sink, seen).poll(feed)
    assert (report.discovered, report.outcomes) == (2, {"ok": 2})  # not-news <url> left out


async def test_backpressure_pauses_while_lag_is_high() -> None:
    lags = [50, 20, 5]
    readings: list[int] = []

    async def probe() -> int:
        readings.append(lags[len(readings)])
        return readings[-1]

    pressure = Backpressure(probe, max_lag=10, check_every_s=0, max_sleep_s=0.01)
    await pressure.wait()
    assert pressure.waited_s > 0
    assert readings == lags  # it let go only at the reading under the limit
    quiet = Backpressure(None, 10)
    quiet.note_produce(0.001)
    await quiet.wait()
    assert quiet.waited_s == 0
