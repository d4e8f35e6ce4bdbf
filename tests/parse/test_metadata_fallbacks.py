"""Generic author/date fallbacks, on small synthetic pages (invented text)."""

from __future__ import annotations

from streams.parse import parse_article
from streams.parse.dates import date_in_url, parse_date
from tests.parse.pages import PROSE, page

URL = "https://notes.example.net/posts/slow-bread"


def en_page(head: str, body: str) -> str:
    return page(head, body, lang="en")


def test_author_named_like_the_site_is_kept_when_nothing_else_names_one() -> None:
    html = en_page(
        '<meta property="og:site_name" content="Jane Doe"><meta name="author" content="Jane Doe">',
        f"<article><h1>Why slow bread tastes better</h1>{PROSE}</article>",
    )
    assert [a.name for a in parse_article(html, URL).authors] == ["Jane Doe"]


def test_a_byline_element_elsewhere_still_wins_over_the_site_name() -> None:
    html = en_page(
        '<meta property="og:site_name" content="Crumb Co"><meta name="author" content="Crumb Co">',
        f'<article><h1>Why slow bread tastes better</h1><p class="author">Ann Lee</p>{PROSE}'
        "</article>",
    )
    assert [a.name for a in parse_article(html, URL).authors] == ["Ann Lee"]


def test_date_printed_in_a_byline_element_is_not_part_of_the_name() -> None:
    html = en_page(
        "",
        '<article><h1>Why slow bread tastes better</h1><p class="author">Ann Lee<br>'
        f"4 August 2010</p>{PROSE}</article>",
    )
    assert [a.name for a in parse_article(html, URL).authors] == ["Ann Lee"]


def test_authors_archive_link_is_a_byline() -> None:
    html = en_page(
        "",
        '<article><h1>Why slow bread tastes better</h1><span>by </span>'
        f'<a href="/articles/authors/ann-lee">Ann Lee</a>{PROSE}</article>',
    )
    assert [a.name for a in parse_article(html, URL).authors] == ["Ann Lee"]


def test_meta_published_and_first_readable_time_stamp() -> None:
    html = en_page('<meta name="published" content="July 17, 2025">',
                 f"<article><h1>Why slow bread tastes better</h1>{PROSE}</article>")
    assert parse_article(html, URL).published == "2025-07-17"
    html = en_page("", '<article><h1>Why slow bread tastes better</h1>'
                     '<time datetime="02-12-2025">x</time><time datetime="2025-12-02">y</time>'
                     f"{PROSE}</article>")
    a = parse_article(html, URL)
    assert a.published == "2025-12-02" and a.published_source == "time"


def test_day_first_dotted_dates_and_plus_separated_url_dates() -> None:
    assert parse_date("23.07.2025") == "2025-07-23"
    assert parse_date("v1.10.2020x") is None
    html = en_page("", f"<article><h1>Why slow bread tastes better</h1><span>17.05.2021</span>"
                     f"{PROSE}</article>")
    assert parse_article(html, URL).published == "2021-05-17"
    assert date_in_url("https://b.example/articles/2025-12-15+Rust+notes") == "2025-12-15"


def test_url_dates_with_a_month_name() -> None:
    assert date_in_url("https://news.example/world/2023/oct/03/flood-aid") == "2023-10-03"
    assert date_in_url("https://wine.example/blog/2023/october/3/styles/") == "2023-10-03"
    assert date_in_url("https://wine.example/blog/2023/maybe/03/styles/") is None
    assert date_in_url("https://wine.example/blog/2023/oct/32/styles/") is None


def test_byline_in_the_page_text_names_the_author_when_nothing_else_does() -> None:
    head = "<title>Slow bread</title>"
    html = en_page(head, "<div class='top'><h1>Slow bread</h1><span>Last updated Aug 4, 2025 "
                         f"Written by Mira Holt Table of contents</span></div>{PROSE}")
    assert [a.name for a in parse_article(html, URL).authors] == ["Mira Holt"]
    html = en_page(head, "<h1>Slow bread</h1><p>By Sofia Gonzalez December 2, 2025</p>" + PROSE)
    assert [a.name for a in parse_article(html, URL).authors] == ["Sofia Gonzalez"]
    # Photo credits and team bylines are not a person's byline.
    html = en_page(head, "<h1>Slow bread</h1><p>Photo By Dan Osei. By The Editorial Team</p>"
                         + PROSE)
    assert parse_article(html, URL).authors == []
