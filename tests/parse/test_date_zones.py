"""Local times (a time of day without a UTC offset) become instants from the page's own
evidence, or only their day is kept: the article schema accepts no local time. Synthetic pages
and stamps (invented text)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import orjson
import pytest

from streams.parse import parse_article
from streams.parse.dates import (
    _DOMAIN_ZONES,
    _LANGUAGE_ZONES,
    ZoneEvidence,
    parse_date,
    resolve_zone,
    zone_evidence,
)
from streams.records import Article
from streams.schemas import validation_errors
from streams.topics import ARTICLES
from tests.parse.pages import PROSE, page

TITLE = "Why slow bread tastes better"


def _article(head: str, url: str, lang: str | None = "en", body: str = "") -> Article:
    html = page(head, f"<article><h1>{TITLE}</h1>{body}{PROSE}</article>", lang=lang)
    article = parse_article(html, url)
    assert validation_errors(ARTICLES, orjson.loads(orjson.dumps(article))) == []
    return article


def _published_meta(content: str) -> str:
    return f'<meta property="article:published_time" content="{content}">'


def _jsonld(published: str, modified: str | None = None) -> str:
    dates = f'"datePublished": "{published}"'
    if modified:
        dates += f', "dateModified": "{modified}"'
    return f'<script type="application/ld+json">{{"@type": "NewsArticle", {dates}}}</script>'


# --- the two reported shapes ----------------------------------------------------------------


def test_time_element_without_seconds_or_zone_keeps_its_day_where_nothing_tells_the_zone() -> None:
    a = _article("", "https://bakery.example.com/slow-bread",
                 body='<time datetime="2026-03-11T09:35">11 March</time>')
    assert (a.published, a.published_source, a.published_tz_source) == (
        "2026-03-11", "time", "date_only")


def test_meta_published_time_with_a_space_and_no_zone() -> None:
    a = _article(_published_meta("2023-09-30 19:49:39"), "https://bakery.example.com/slow-bread")
    assert (a.published, a.published_tz_source) == ("2023-09-30", "date_only")
    a = _article(_published_meta("2023-09-30 19:49:39"), "https://www.bakery.co.uk/slow-bread")
    assert (a.published, a.published_tz_source) == ("2023-09-30T19:49:39+01:00", "domain")


# --- each way the offset is known ----------------------------------------------------------


def test_a_written_offset_is_kept() -> None:
    a = _article(_published_meta("2025-03-11T09:35:00-05:00"), "https://www.bakery.de/brot")
    assert (a.published, a.published_tz_source) == ("2025-03-11T09:35:00-05:00", "explicit")


def test_offset_of_another_date_of_the_page_on_the_same_day() -> None:
    # The modified date carries the page's offset; the .de domain (+01:00 in March) loses.
    a = _article(_jsonld("2026-03-11T09:35:00", "2026-03-11T18:00:00-05:00"),
                 "https://www.bakery.de/brot")
    assert (a.published, a.published_tz_source) == ("2026-03-11T09:35:00-05:00", "page")
    assert (a.modified, a.modified_tz_source) == ("2026-03-11T18:00:00-05:00", "explicit")


def test_a_time_element_elsewhere_on_the_page_gives_the_offset() -> None:
    a = _article(_published_meta("2023-09-30 19:49:39"), "https://bakery.example.com/slow-bread",
                 body='<p>Updated <time datetime="2023-10-02T08:00:00+09:00">Oct 2</time></p>')
    assert (a.published, a.published_tz_source) == ("2023-09-30T19:49:39+09:00", "page")


def test_the_same_instant_written_in_utc_gives_the_local_offset() -> None:
    head = _jsonld("2025-12-17T16:59:10") + _published_meta("2025-12-17T21:59:10Z")
    a = _article(head, "https://gov.example.com/agents")
    assert (a.published, a.published_tz_source) == ("2025-12-17T16:59:10-05:00", "page")


def test_a_utc_stamp_of_another_instant_says_nothing_of_the_local_zone() -> None:
    a = _article(_jsonld("2025-12-17T16:59:10", "2026-01-05T08:00:00Z"),
                 "https://gov.example.com/agents")
    assert (a.published, a.published_tz_source) == ("2025-12-17", "date_only")


@pytest.mark.parametrize(("stamp", "expected"), [
    ("2025-07-14T10:00:00", "2025-07-14T10:00:00+02:00"),  # summer time
    ("2025-01-14T10:00:00", "2025-01-14T10:00:00+01:00"),
])
def test_country_domain_follows_summer_time(stamp: str, expected: str) -> None:
    a = _article(_published_meta(stamp), "https://www.zeitung.de/brot", lang="de")
    assert (a.published, a.published_tz_source) == (expected, "domain")


@pytest.mark.parametrize("url", ["https://news.example.us/bread", "https://news.example.com.au/bread",
                                 "https://news.example.ca/bread", "https://news.example.com.br/bread"])
def test_no_zone_is_guessed_for_a_country_of_several(url: str) -> None:
    a = _article(_published_meta("2025-07-14T10:00:00"), url)
    assert (a.published, a.published_tz_source) == ("2025-07-14", "date_only")


def test_page_language_of_one_zone() -> None:
    korean = _article(_published_meta("2025-05-10 14:00"), "https://news.example.com/ko/1",
                      lang="ko")
    assert (korean.published, korean.published_tz_source) == ("2025-05-10T14:00:00+09:00",
                                                              "language")
    japanese = _article(_published_meta("2025-05-10 14:00"), "https://news.example.com/ja/1",
                        lang="ja")
    assert japanese.published == "2025-05-10T14:00:00+09:00"
    spanish = _article(_published_meta("2025-05-10 14:00"), "https://news.example.com/es/1",
                       lang="es")
    assert (spanish.published, spanish.published_tz_source) == ("2025-05-10", "date_only")


def test_a_korean_byline_time_is_kst() -> None:
    a = _article("", "https://news.example.net/1", lang="ko",
                 body="<p class='date'>입력 2025.05.10 오후 2:05</p>")
    assert (a.published, a.published_source, a.published_tz_source) == (
        "2025-05-10T14:05:00+09:00", "byline", "language")


def test_a_day_alone_has_no_offset_to_know() -> None:
    a = _article(_published_meta("2025-05-10"), "https://www.bakery.de/brot")
    assert (a.published, a.published_tz_source) == ("2025-05-10", None)
    assert (a.modified, a.modified_tz_source) == (None, None)


# --- the pure functions ---------------------------------------------------------------------


def test_readers_return_what_is_written() -> None:
    assert parse_date("2025.05.10 14:00") == "2025-05-10T14:00:00"  # local: no zone added
    assert parse_date("2025-05-10T14:00:00+0900") == "2025-05-10T14:00:00+09:00"
    assert parse_date("1746853200") == "2025-05-10T05:00:00+00:00"  # epoch: an instant
    assert parse_date("2025-05-10 14:00-15:00") == "2025-05-10T14:00:00"  # a range, no offset


def test_evidence_and_resolution() -> None:
    stamps = ["2025-05-10T09:00:00+09:00", "1746853200", "2025-05-10", "not a date"]
    evidence = zone_evidence(stamps, "https://www.example.fr/a", "en")
    assert [s.isoformat() for s in evidence.stamps] == ["2025-05-10T09:00:00+09:00"]
    assert (evidence.zone, evidence.zone_source) == (ZoneInfo("Europe/Paris"), "domain")
    assert resolve_zone("2025-05-10T20:00:00", evidence) == ("2025-05-10T20:00:00+09:00", "page")
    assert resolve_zone("2025-05-10T20:00:00", ZoneEvidence(zone=evidence.zone,
                                                            zone_source="domain")) == (
        "2025-05-10T20:00:00+02:00", "domain")
    assert resolve_zone("2025-05-10T20:00:00", ZoneEvidence()) == ("2025-05-10", "date_only")
    assert resolve_zone(None, evidence) == (None, None)


def test_the_nearest_zoned_stamp_gives_the_offset_when_none_is_on_that_day() -> None:
    evidence = zone_evidence(["2025-01-10T09:00:00+01:00", "2025-07-10T09:00:00+02:00"],
                             "https://example.com/a", None)
    assert resolve_zone("2025-06-30T08:00:00", evidence)[0] == "2025-06-30T08:00:00+02:00"
    assert resolve_zone("2025-02-01T08:00:00", evidence)[0] == "2025-02-01T08:00:00+01:00"


def test_every_zone_name_is_known_to_zoneinfo() -> None:
    for name in {*_DOMAIN_ZONES.values(), *_LANGUAGE_ZONES.values()}:
        assert ZoneInfo(name).key == name
