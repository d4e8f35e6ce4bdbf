"""Trends in the pipeline, on the embedded broker: two workers, a kill -9 of the one holding the
dedup table (and so the trends) between articles of one 5-minute window, and the last
``news.trends`` point of every key and window equals the count of the original articles that
name it, as one worker without the kill counts them (re-delivered records and copies not
counted)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from streams.broker import EmbeddedBroker
from streams.records import enriched_from_dict
from streams.settings import Settings
from streams.stories.stream import seen_at
from streams.stories.trends import TrendConfig, Trends, trend_keys
from streams.topics import RAW_HTML, TRENDS
from tests.conftest import ROOT
from tests.integration.workers import (
    dedup_owner,
    enriched,
    headline_tagged,
    settings_on,
    two_workers,
)
from tests.kafka_helpers import Records, collect, produce, raw_page

pytestmark = pytest.mark.integration

FIXTURES = ROOT / "tests" / "parse" / "fixtures"
#: Every page fetched within one window, so that counts run across the kill.
FETCHED_AT = "2026-12-05T09:00:30+00:00"
Counts = dict[tuple[str, str], int]


def page(name: str) -> str:
    return (FIXTURES / f"{name}.html").read_text(encoding="utf-8")


def expected_counts(got: dict[str, list[dict]]) -> Counts:
    """What one worker counts for these articles: each original's keys in its window, as the
    pure core does (its rebuild and re-delivery equivalence are unit-tested)."""
    trends = Trends(TrendConfig())
    counts: Counts = {}
    for values in got.values():
        article = enriched_from_dict(values[0])
        for point in trends.add(article.article.id, seen_at(article), trend_keys(article),
                                article.duplicate_of):
            counts[point.key, point.window_start] = point.count
    return counts


def last_points(got: Records) -> Counts:
    """The last point of each key and window: a key's points are on one partition, in order."""
    return {(v["key"], v["window_start"]): v["count"] for _, v in got[TRENDS.name]}


def read_trends(settings: Settings, expected: Counts) -> Counts:
    got = asyncio.run(collect(settings, [TRENDS.name],
                              lambda g: last_points(g) == expected, limit_s=60))
    return last_points(got)


def test_window_counts_after_a_kill_9_equal_those_of_one_worker(
    own_broker: EmbeddedBroker, seed_html: str, tmp_path: Path
) -> None:
    settings = settings_on(own_broker, "trends")
    # originals that share keys across the kill (loc:seoul, org:yonhap, org:kr-kma,
    # medtop:17000000...); copies of the first two, half of them headline-tagged
    before = {"https://news.example/seed": seed_html, "https://news.example/kbs": page("kbs"),
              "https://news.example/hankyoreh": page("hankyoreh")}
    after = {f"https://news.example/{name}": page(name) for name in ("yonhap", "daum", "naver")}
    copies = [raw_page(f"https://copy.example/{n}", fetched_at=FETCHED_AT,
                       html=headline_tagged(html) if n % 2 else html)
              for n, html in enumerate([seed_html, page("kbs")] * 2)]
    with two_workers(settings, tmp_path) as workers:
        asyncio.run(produce(settings, RAW_HTML.name, [
            raw_page(url, html=html, fetched_at=FETCHED_AT) for url, html in before.items()]))
        asyncio.run(enriched(settings, list(before)))
        owner = dedup_owner(workers, settings)
        asyncio.run(produce(settings, RAW_HTML.name, copies[:2]))
        asyncio.run(enriched(settings, ["https://copy.example/0"]))
        owner.process.kill()  # SIGKILL: no commit, no flush, no goodbye
        owner.process.wait()
        asyncio.run(produce(settings, RAW_HTML.name, copies[2:] + [
            raw_page(url, html=html, fetched_at=FETCHED_AT) for url, html in after.items()]))
        got = asyncio.run(enriched(settings, [*before, *after, *(
            f"https://copy.example/{n}" for n in range(len(copies)))]))
        expected = expected_counts(got)
        points = read_trends(settings, expected)
    assert points == expected
    # the kill fell between articles one key counts: its count after recovery went on from the
    # lost worker's
    across = {key for url in before for key in trend_keys(enriched_from_dict(got[url][0]))} & {
        key for url in after for key in trend_keys(enriched_from_dict(got[url][0]))}
    assert across and max(expected.values()) >= 3
