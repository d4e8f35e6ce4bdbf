"""The status page's trends and stories: the sparkline, the trending list read from the dedup
agent's trends (ordered by burst score, with names and the day's counts), the top stories of
the last hour, and their sections in the HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from streams.cli import ReplayProgress, stories_section, trending_section
from streams.records import Enrichment, Entity, StoryArticle, Topic
from streams.status.model import build_status
from streams.status.render import SPARK_HEIGHT, SPARK_WIDTH, render_main, render_page, sparkline
from streams.status.trending import Names, stories_now, top_stories, trending
from streams.stories.clusters import StoryConfig, StoryIndex
from streams.stories.trends import TrendConfig, Trends

T0 = 1_746_000_000 - 1_746_000_000 % 300  # a window boundary
DAY = 86_400


def polyline(svg: str) -> list[tuple[float, float]]:
    node = HTMLParser(svg).css_first("svg.spark polyline")
    assert node is not None, svg
    points = (node.attributes["points"] or "").split()
    return [(float(x), float(y)) for x, y in (p.split(",") for p in points)]


def test_sparkline_scales_counts_to_its_box_oldest_left() -> None:
    svg = sparkline([0, 2, 4, 1], width=30, height=20)
    points = polyline(svg)
    assert [x for x, _ in points] == [0.0, 10.0, 20.0, 30.0]
    ys = [y for _, y in points]
    assert ys[0] == 18.0 and ys[2] == 2.0  # zero on the bottom, the peak on the top (2 px pad)
    assert ys[1] == 10.0 and ys[3] == 14.0  # in proportion between
    circle = HTMLParser(svg).css_first("svg.spark circle")
    assert circle is not None
    assert (circle.attributes["cx"], circle.attributes["cy"]) == ("30.0", "14.0")  # the last
    assert 'aria-label="4 counts, highest 4"' in svg


def test_sparkline_of_silence_is_flat_and_of_nothing_is_empty() -> None:
    assert {y for _, y in polyline(sparkline([0] * 288))} == {SPARK_HEIGHT - 2.0}
    assert polyline(sparkline([0] * 288))[-1][0] == SPARK_WIDTH
    svg = sparkline([])
    assert "<circle" not in svg and 'points=""' in svg


def trends_with_a_burst() -> Trends:
    """A day of steady traffic for two keys, then a window where one of them and a new key
    burst."""
    trends = Trends(TrendConfig())
    n = 0
    for window in range(288):
        at = T0 + window * 300
        trends.add(f"a{n}", at, ["org:steady", "medtop:04000000"], None)
        n += 1
    now = T0 + DAY
    for _ in range(12):
        trends.add(f"a{n}", now + 10, ["org:steady", "per:new"], None)
        n += 1
    trends.add(f"a{n}", now + 20, ["medtop:04000000"], None)
    trends.add("copy", now + 30, ["per:new"], duplicate_of="a300")  # copies do not count
    return trends


def test_trending_orders_by_burst_score_with_names_and_the_days_counts() -> None:
    names = {"org:steady": "Steady Corp", "per:new": "New Person"}
    got = trending(trends_with_a_burst(), names.get, n=2)
    assert got["window_start"] == datetime.fromtimestamp(T0 + DAY, UTC).isoformat()
    assert got["window_s"] == 300
    keys = got["keys"]
    # the same count: the new key, with no baseline, is the bigger surprise
    assert [k["key"] for k in keys] == ["per:new", "org:steady"]  # the top 2 of 3
    assert keys[0]["score"] > keys[1]["score"] > 0
    new, steady = keys
    assert steady["name"] == "Steady Corp" and steady["kind"] == "entity"
    assert steady["count"] == 12 and steady["baseline"] == 1.0
    assert new["count"] == 12 and new["baseline"] == 0.0
    assert len(steady["series"]) == 288
    assert steady["series"][-1] == 12 and steady["series"][:-1] == [1] * 287
    assert new["series"] == [0] * 287 + [12]
    everything = trending(trends_with_a_burst())["keys"]
    assert [k["key"] for k in everything][2] == "medtop:04000000"  # at its baseline: last
    assert everything[2]["name"] is None
    assert [k["score"] for k in everything] == sorted((k["score"] for k in everything),
                                                      reverse=True)


def test_trending_of_empty_trends() -> None:
    assert trending(Trends(TrendConfig())) == {"window_start": None, "window_s": 300,
                                               "keys": []}


def test_names_are_learnt_from_enriched_articles_and_bounded() -> None:
    names = Names(size=3)
    enrichment = Enrichment(
        language="ko",
        entities=[Entity(id="org:openai", type="organization", name="오픈AI", mentions=2,
                         first_offset=0),
                  Entity(id="per:x", type="person", name="X", mentions=1, first_offset=5)],
        topics=[Topic("medtop:04000000", "economy", "경제", 0.5)],
    )
    names.add(object(), enrichment, "now")
    assert names.name("org:openai") == "오픈AI"
    assert names.name("medtop:04000000") == "economy"
    enrichment.entities = [Entity(id="per:y", type="person", name="Y", mentions=1,
                                  first_offset=0)]
    enrichment.topics = []
    names.add(object(), enrichment, "later")
    assert names.name("org:openai") is None  # the least recently seen went
    assert names.name("per:y") == "Y" and names.name("per:x") == "X"


def story(n: int, last_seen: str, articles: int, sources: int) -> dict:
    return {"id": f"{n:032x}", "title": f"Story {n}", "first_seen": "2025-05-10T04:00:00+00:00",
            "last_seen": last_seen, "articles": articles, "unique_articles": articles,
            "reprints": 0, "sources": sources, "top_sources": ["연합뉴스", "Reuters"],
            "languages": ["en", "ko"]}


def test_top_stories_of_the_last_hour_most_articles_first() -> None:
    now = datetime(2025, 5, 10, 6, 0, tzinfo=UTC)
    stories = [
        story(1, "2025-05-10T05:10:00+00:00", articles=3, sources=3),
        story(2, "2025-05-10T04:59:59+00:00", articles=9, sources=9),  # over an hour ago
        story(3, "2025-05-10T05:59:00+00:00", articles=5, sources=2),
        story(4, "2025-05-10T05:00:00+00:00", articles=3, sources=3),  # ties with 1: later first
        story(5, "2025-05-10T05:30:00+00:00", articles=3, sources=1),
    ]
    assert [s["id"][-1] for s in top_stories(stories, now)] == ["3", "1", "4", "5"]
    assert [s["id"][-1] for s in top_stories(stories, now, n=2)] == ["3", "1"]
    assert top_stories(stories, now, span_s=2 * 3600)[0]["id"][-1] == "2"


def status_with(trending_part: dict | None) -> dict:
    return build_status({}, now=1.0, base=None, latest=[], generated_at="now", window_s=300,
                        trending=trending_part)


def test_trending_section_lists_keys_by_score_with_a_chart_each() -> None:
    part = trending(trends_with_a_burst(), {"per:new": "<b>New</b> Person"}.get)
    tree = HTMLParser(render_page(status_with(part)))
    rows = tree.css("#trending tbody tr")
    assert [r.attributes["data-key"] for r in rows] == ["per:new", "org:steady",
                                                        "medtop:04000000"]
    new = rows[0]
    assert new.css_first("td.key").text().startswith("<b>New</b> Person")  # escaped, as text
    assert new.css_first("b") is None
    assert rows[1].css_first("td.key").text() == "org:steadyorg:steady"  # no name: the id
    assert [len(polyline(r.css_first("svg").html or "")) for r in rows] == [288] * 3
    assert [td.text() for td in rows[1].css("td.num")] == ["4.7", "12", "1.00"]


def test_trending_section_on_another_worker_and_before_any_count() -> None:
    other = HTMLParser(render_main(status_with(None))).text()
    assert "Trending now" in other and "another worker" in other
    empty = HTMLParser(render_main(status_with(trending(Trends(TrendConfig()))))).text()
    assert "Nothing counted yet." in empty


def test_run_prints_the_top_of_trending_now() -> None:
    part = trending(trends_with_a_burst(), {"per:new": "New Person"}.get)
    lines = trending_section(part, n=2)
    assert lines[0].startswith("trending (burst score; articles in the 5 minutes from ")
    assert lines[1:] == [
        "    5.8  New Person (per:new): 12 article(s), baseline 0.00",
        "    4.7  org:steady: 12 article(s), baseline 1.00",
    ]
    assert trending_section(trending(Trends(TrendConfig()))) == ["trending: nothing counted"]
    assert "another worker" in trending_section(None)[0]


def test_run_reports_once_every_page_is_enriched_or_a_dead_letter() -> None:
    progress = ReplayProgress(pages=5)
    progress.enriched = 5
    assert not progress.through(dead_letters=0)  # still sending: more may come
    progress.sent, progress.enriched = True, 3
    assert not progress.through(dead_letters=1)
    assert progress.through(dead_letters=2)


def test_stories_section_lists_the_top_stories_escaped() -> None:
    now = datetime(2025, 5, 10, 6, 0, tzinfo=UTC)
    stories = [story(1, "2025-05-10T05:10:00+00:00", articles=3, sources=3),
               story(3, "2025-05-10T05:59:00+00:00", articles=5, sources=2)]
    stories[0]["title"] = "<i>北 미사일</i> 발사"
    stories[1]["reprints"] = 2
    status = build_status({}, now=1.0, base=None, latest=[], generated_at="now", window_s=300,
                          stories=top_stories(stories, now))
    tree = HTMLParser(render_page(status))
    rows = tree.css("#stories tbody tr")
    assert [r.attributes["data-story"][-1] for r in rows] == ["3", "1"]
    assert rows[1].css_first(".title").text() == "<i>北 미사일</i> 발사" and not tree.css("i")
    assert [td.text() for td in rows[0].css("td")[1:]] == ["2", "연합뉴스, Reuters",
                                                          "5 (2 reprints)"]
    assert rows[1].css("td")[2].text() == "연합뉴스, Reuters and 1 more"
    none = HTMLParser(render_main(status_with(None))).text()
    assert "Top stories of the last hour" in none and "another worker" in none
    status["stories"] = []
    assert "No story in the last hour." in HTMLParser(render_main(status)).text()


def test_run_prints_the_top_stories() -> None:
    stories = [story(3, "2025-05-10T05:59:00+00:00", articles=5, sources=2)]
    assert stories_section(stories) == [
        "stories (last hour, most articles first):",
        "    5 article(s), 2 source(s) [en/ko]: Story 3",
        "      연합뉴스, Reuters",
    ]
    assert stories_section([]) == ["stories: none in the last hour"]
    assert "another worker" in stories_section(None)[0]


def test_stories_now_ranks_the_clusterers_stories_of_the_streams_last_hour() -> None:
    index = StoryIndex(StoryConfig())
    t = 1_746_860_400.0  # 2025-05-10T07:00:00Z

    def add(article_id: str, story_id: str, at: float, source: str, language: str = "ko",
            duplicate_of: str | None = None) -> None:
        index.add(StoryArticle(id=article_id, seen_at=at, language=language,
                               title=f"[속보] title of {story_id}", source=source,
                               entities={"org:x": (1.0, "X")}, duplicate_of=duplicate_of),
                  story_id)

    add("old1", "old", t - 7200, "A")  # its last article two hours before the latest
    add("old2", "old", t - 7100, "B")
    add("old3", "old", t - 7000, "C")
    add("m1", "missile", t - 1800, "연합뉴스")
    add("m2", "missile", t - 900, "Reuters", language="en")
    add("m3", "missile", t - 600, "뉴시스", duplicate_of="m1")  # a reprint
    add("h1", "hbm", t - 3000, "한국경제")
    add("h2", "hbm", t, "AP", language="en")
    got = stories_now(index)
    assert [s["id"] for s in got] == ["missile", "hbm"]  # 3 articles, then 2; "old" left out
    missile = got[0]
    assert missile["title"] == "title of missile"  # the record's: headline tags removed
    assert (missile["articles"], missile["unique_articles"], missile["reprints"]) == (3, 2, 1)
    assert missile["sources"] == 3 and missile["languages"] == ["en", "ko"]
    # 3 articles and 3 sources each: the later first
    assert [s["id"] for s in stories_now(index, span_s=3 * 3600)] == ["missile", "old", "hbm"]
    assert stories_now(StoryIndex(StoryConfig())) == []
