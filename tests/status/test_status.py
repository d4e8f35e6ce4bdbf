"""The status page's pure parts: samples -> status dict (counts, rates, quantiles), the ring of
latest articles, the observer hook, and the HTML (escaping above all)."""

from __future__ import annotations

import math
import re

import pytest
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from streams.records import Article, Enrichment, Entity, Topic
from streams.status import hooks
from streams.status.model import (
    LatestArticles,
    Snapshot,
    SnapshotWindow,
    build_status,
    histogram_quantile,
    read_samples,
)
from streams.status.render import CONTENT_SECURITY_POLICY, SCRIPT, STYLE, render_page, safe_href


class Metrics:
    """The status-relevant metrics of streams.metrics, in a private registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_in = Counter("news_stage_events_in", "", ["stage"], registry=r)
        self.events_out = Counter("news_stage_events_out", "", ["stage"], registry=r)
        self.dead = Counter("news_stage_dead_letters", "", ["stage", "reason"], registry=r)
        self.freshness = Histogram(
            "news_freshness_seconds", "", buckets=(0.5, 1, 2.5, 5, 10), registry=r
        )
        self.other = Counter("faust_messages_received", "", registry=r)  # not ours: ignored
        self.rss = Gauge("process_resident_memory_bytes", "", registry=r)
        self.core_rss = Gauge("news_stage_core_rss_bytes", "", ["stage"], registry=r)
        self.broker_rss = Gauge("news_embedded_broker_rss_bytes", "", registry=r)
        self.rolls = Counter("news_embedded_broker_rolls", "", ["result"], registry=r)

    def samples(self) -> dict:
        return read_samples(self.registry.collect())


def article(n: int, title: str | None = None) -> tuple[Article, Enrichment]:
    a = Article(id=f"id{n}", url=f"https://news.example/{n}",
                canonical_url=f"https://news.example/{n}", title=title or f"Title {n}",
                published="2025-02-06T09:00:00+09:00", publisher="Example")
    e = Enrichment(
        language="ko",
        entities=[
            Entity(id="org:openai", type="organization", name="OpenAI", mentions=5,
                   first_offset=10),
            Entity(id="per:sam-altman", type="person", name="샘 올트먼", mentions=5,
                   first_offset=2),
            *[Entity(id=f"oth:{i}", type="other", name=f"x{i}", mentions=1, first_offset=50 + i)
              for i in range(10)],
        ],
        topics=[Topic("medtop:04000000", "economy", "경제", 0.4),
                Topic("medtop:13000000", "science and technology", "과학기술", 0.9)],
    )
    return a, e


def test_read_samples_keeps_only_our_metrics_without_created() -> None:
    m = Metrics()
    m.events_in.labels(stage="parse").inc(3)
    m.other.inc()
    samples = m.samples()
    assert samples[("news_stage_events_in_total", (("stage", "parse"),))] == 3
    assert not any(name.startswith("faust_") for name, _ in samples)
    assert not any(name.endswith("_created") for name, _ in samples)


def test_counts_and_rates_per_stage_over_the_window() -> None:
    m = Metrics()
    m.events_in.labels(stage="parse").inc(10)
    m.events_out.labels(stage="parse").inc(8)
    m.dead.labels(stage="parse", reason="not_html").inc(2)
    base = Snapshot(100.0, m.samples())
    m.events_in.labels(stage="parse").inc(20)
    m.events_out.labels(stage="parse").inc(15)
    m.dead.labels(stage="parse", reason="not_html").inc(1)
    m.dead.labels(stage="parse", reason="too_large").inc(4)
    m.events_in.labels(stage="enrich").inc(15)
    status = build_status(m.samples(), now=110.0, base=base, latest=[],
                          generated_at="now", window_s=300)
    stages = {s["stage"]: s for s in status["stages"]}
    assert list(stages) == ["parse", "enrich"]
    assert stages["parse"] == {
        "stage": "parse", "in": 30, "out": 23, "dead_letters": 7,
        "in_per_s": 2.0, "out_per_s": 1.5, "dead_letters_per_s": 0.5,
    }
    assert stages["enrich"]["in"] == 15 and stages["enrich"]["in_per_s"] == 1.5
    assert stages["enrich"]["out"] == 0 and stages["enrich"]["dead_letters"] == 0
    assert status["window_s"] == 10.0
    assert status["dead_letters"] == [
        {"stage": "parse", "reason": "too_large", "count": 4, "per_s": 0.4},
        {"stage": "parse", "reason": "not_html", "count": 3, "per_s": 0.1},
    ]


def test_without_a_base_snapshot_there_are_counts_but_no_rates() -> None:
    m = Metrics()
    m.events_in.labels(stage="parse").inc(4)
    status = build_status(m.samples(), now=5.0, base=None, latest=[], generated_at="now",
                          window_s=300)
    parse = status["stages"][0]
    assert parse["in"] == 4 and parse["in_per_s"] is None
    assert status["window_s"] is None
    assert status["freshness"] == {
        "count": 0, "p50_s": None, "p95_s": None,
        "recent": {"count": 0, "p50_s": None, "p95_s": None},
    }


def test_freshness_quantiles_from_the_histogram_and_its_recent_part() -> None:
    m = Metrics()
    for _ in range(10):
        m.freshness.observe(7)  # old and slow
    base = Snapshot(0.0, m.samples())
    for _ in range(10):
        m.freshness.observe(0.2)  # recent and fast
    status = build_status(m.samples(), now=60.0, base=base, latest=[], generated_at="now",
                          window_s=300)
    fresh = status["freshness"]
    assert fresh["count"] == 20
    assert fresh["p50_s"] == 0.5  # rank 10 ends exactly at the first bucket's bound
    assert 5 < fresh["p95_s"] <= 10
    assert fresh["recent"]["count"] == 10
    assert 0 < fresh["recent"]["p50_s"] <= 0.5 and 0 < fresh["recent"]["p95_s"] <= 0.5


@pytest.mark.parametrize(("q", "buckets", "expected"), [
    (0.5, [(1.0, 0.0), (2.0, 10.0), (math.inf, 10.0)], 1.5),
    (0.5, [(1.0, 10.0), (math.inf, 10.0)], 0.5),
    (0.9, [(1.0, 0.0), (2.0, 5.0), (math.inf, 10.0)], 2.0),  # in +Inf: the highest bound
    (0.5, [(1.0, 0.0), (math.inf, 0.0)], None),
    (0.5, [], None),
])
def test_histogram_quantile_matches_promql(q: float, buckets: list, expected: float | None
                                           ) -> None:
    assert histogram_quantile(q, buckets) == expected


def test_snapshot_window_keeps_one_snapshot_at_least_a_window_old() -> None:
    window = SnapshotWindow(window_s=30)
    for t in range(0, 100, 5):
        window.add(float(t), {})
    base = window.base()
    assert base is not None and base.at == 65.0  # 95 - 30 = 65: the newest >= 30 s old
    assert len(window) == 7


def test_latest_articles_ring_is_bounded_newest_first_and_deduplicated() -> None:
    ring = LatestArticles(size=3)
    for n in range(5):
        ring.add(*article(n), f"2025-01-01T00:00:0{n}+00:00")
    assert [i["article_id"] for i in ring.items()] == ["id4", "id3", "id2"]
    ring.add(*article(3, title="Title 3, again"), "later")  # re-delivered: moves to the front
    items = ring.items()
    assert [i["article_id"] for i in items] == ["id3", "id4", "id2"]
    assert items[0]["title"] == "Title 3, again"


def test_article_summary_has_top_entities_and_topics() -> None:
    ring = LatestArticles()
    ring.add(*article(1), "2025-01-01T00:00:00+00:00")
    item = ring.items()[0]
    assert item["url"] == "https://news.example/1"
    assert item["published"] == "2025-02-06T09:00:00+09:00"
    assert [e["name"] for e in item["entities"][:2]] == ["샘 올트먼", "OpenAI"]  # ties: first seen
    assert len(item["entities"]) == 6
    assert [t["label"] for t in item["topics"]] == ["science and technology", "economy"]


def test_hook_notifies_observers_and_swallows_their_errors() -> None:
    seen: list[str] = []

    def broken(*_: object) -> None:
        raise RuntimeError("observer bug")

    remove_broken = hooks.subscribe(broken)
    remove_seen = hooks.subscribe(lambda a, e, at: seen.append(a.id))
    try:
        hooks.notify(*article(7), "now")  # must not raise
    finally:
        remove_broken()
        remove_seen()
    assert seen == ["id7"]
    assert broken not in hooks.observers


def rendered(latest: list) -> str:
    m = Metrics()
    m.events_in.labels(stage="parse").inc(12)
    m.dead.labels(stage="parse", reason="not_html").inc(1)
    status = build_status(m.samples(), now=10.0, base=Snapshot(0.0, {}), latest=latest,
                          generated_at="now", window_s=300, worker={"app": "newsstream"})
    return render_page(status)


def test_page_shows_numbers_and_articles() -> None:
    ring = LatestArticles()
    ring.add(*article(1, title="샘 올트먼의 '중국 밀어내기'"), "now")
    tree = HTMLParser(rendered(ring.items()))
    assert tree.css_first("#parse-in").text() == "12"
    assert tree.css_first("#parse-dead").text() == "1"
    assert "not_html" in tree.css_first("#dead-letters").text()
    link = tree.css_first("li[data-article=id1] a.title")
    assert link.text() == "샘 올트먼의 '중국 밀어내기'"
    assert link.attributes["href"] == "https://news.example/1"
    assert "OpenAI" in tree.css_first("li[data-article=id1]").text()


def test_untrusted_text_is_escaped_and_unsafe_links_are_not_made() -> None:
    ring = LatestArticles()
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    a, e = article(1, title=evil)
    a.canonical_url = "javascript:alert(3)"
    e.entities[0].name = '"><u>underlined</u>'
    ring.add(a, e, "now")
    page = rendered(ring.items())
    tree = HTMLParser(page)
    assert len(tree.css("script")) == 1  # only the page's own
    assert not tree.css("img") and not tree.css("u")
    assert '"><u>underlined</u>' in tree.css_first("li[data-article=id1]").text()
    assert tree.css_first("li[data-article=id1] .title").text() == evil
    assert "javascript:" not in page
    assert safe_href("https://a.example/x?y=1") == "https://a.example/x?y=1"
    assert safe_href("javascript:alert(1)") is None and safe_href("//a.example") is None


def test_content_security_policy_allows_exactly_the_inline_script_and_style() -> None:
    page = rendered([])
    assert f"<script>{SCRIPT}</script>" in page and f"<style>{STYLE}</style>" in page
    hashes = re.findall(r"'sha256-([A-Za-z0-9+/=]+)'", CONTENT_SECURITY_POLICY)
    assert len(hashes) == 2
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY


def test_memory_of_the_worker_its_core_and_its_embedded_broker() -> None:
    m = Metrics()
    m.rss.set(600 * 1048576)
    m.core_rss.labels(stage="parse").set(80 * 1048576)
    status = build_status(m.samples(), now=10.0, base=None, latest=[], generated_at="now",
                          window_s=300)
    assert status["memory"] == {"worker_bytes": 600 * 1048576,
                                "core_bytes": {"parse": 80 * 1048576},
                                "embedded_broker_bytes": None, "embedded_broker_rolls": 0}
    tree = HTMLParser(render_page(status))
    assert tree.css_first("#mem-worker").text() == "600 MB"
    assert tree.css_first("#mem-core-parse").text() == "80 MB"
    assert tree.css_first("#mem-broker") is None  # a worker without an embedded broker

    m.broker_rss.set(300 * 1048576)
    m.rolls.labels(result="rolled").inc(3)
    m.rolls.labels(result="called_off").inc(1)
    tree = HTMLParser(render_page(build_status(
        m.samples(), now=10.0, base=None, latest=[], generated_at="now", window_s=300)))
    assert tree.css_first("#mem-broker").text() == "300 MB"
    assert tree.css_first("#mem-rolls").text() == "3"
