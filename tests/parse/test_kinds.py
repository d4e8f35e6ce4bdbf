"""Article kinds and short pages, on small synthetic pages (invented text): which pages with
little text are articles, which pages are never articles, and what kind each article is."""

from __future__ import annotations

import pytest

from streams.errors import ParseError
from streams.parse import parse_article
from streams.parse.kinds import Page, kind_of
from streams.parse.limits import DEFAULT_LIMITS
from streams.records import Block, Image
from tests.parse.pages import PROSE, page

URL = "https://news.example.org/2025/05/02/bakery-closes/"
MARKED = ('<meta property="og:type" content="article">'
          '<meta property="article:published_time" content="2025-05-02T09:00:00+00:00">')
SENTENCE = "<p>The corner bakery on Elm Street closed on Friday after forty years.</p>"
#: Over ``short_body_chars`` of prose (the paragraphs differ: duplicates are dropped).
LONG = "".join(PROSE.replace("<p>", f"<p>Day {day}. ") for day in range(3))


def _reason(html: str) -> str:
    with pytest.raises(ParseError) as err:
        parse_article(html, URL)
    return err.value.reason


def test_a_marked_page_with_one_sentence_is_a_brief() -> None:
    article = parse_article(page(MARKED, f"<article><h1>Bakery closes</h1>{SENTENCE}</article>"),
                            URL)
    assert article.kind == "brief"
    assert article.text == "The corner bakery on Elm Street closed on Friday after forty years."


def test_a_dated_bylined_headline_marks_a_page_without_metadata() -> None:
    body = ("<article><h1>Bakery closes</h1><p class='byline'>By Ann Reed</p>"
            f"<p>Published May 2, 2025</p>{SENTENCE}</article>")
    assert parse_article(page("", body), URL).kind == "brief"


def test_the_same_sentence_on_an_unmarked_page_is_not_an_article() -> None:
    assert _reason(page("", f"<div><h1>Bakery closes</h1>{SENTENCE}</div>")) == "not_article"


def test_a_marked_page_without_a_sentence_is_not_an_article() -> None:
    # A date line, a credit and a tagline are not sentences.
    body = ("<article><h1>Bakery closes</h1><p>Posted 2025.05.02 09:00</p>"
            "<p>Photo: Ann Reed/Getty Images</p><p>The best news from around town</p></article>")
    assert _reason(page(MARKED, body)) == "not_article"


def test_a_photo_page_tells_its_story_with_its_caption() -> None:
    body = ("<article><h1>Bakery closes</h1><figure><picture><source srcset='/a.webp'>"
            "<img src='/a.jpg' alt=''></picture><figcaption>Customers queue outside the bakery "
            "on its last morning.</figcaption></figure></article>")
    article = parse_article(page(MARKED, body), URL)
    assert article.kind == "photo"
    assert article.images[0].caption == "Customers queue outside the bakery on its last morning."
    assert article.text == article.images[0].caption


def test_a_video_widget_in_the_sidebar_does_not_make_a_video_page() -> None:
    body = (f"<article><h1>Bakery closes</h1>{SENTENCE}</article><aside class='sidebar'>"
            "<iframe src='https://www.youtube.com/embed/abc'></iframe></aside>")
    assert parse_article(page(MARKED, body), URL).kind == "brief"
    in_article = body.replace("</article>", "<iframe src='https://www.youtube.com/embed/a'>"
                                            "</iframe></article>")
    assert parse_article(page(MARKED, in_article), URL).kind == "video"


def test_an_article_about_error_pages_is_an_article() -> None:
    body = f"<article><h1>How to fix a 404 page not found error</h1>{LONG}</article>"
    assert parse_article(page("", body), URL).kind == "article"


def test_an_article_about_cookie_rules_is_an_article() -> None:
    quote = ("<p>Regulators said sites may no longer show a banner that only lets readers "
             "\u201caccept all cookies\u201d without a way to refuse them as easily.</p>")
    body = f"<article><h1>New cookie rules</h1>{quote}{LONG}</article>"
    assert parse_article(page("", body), URL).kind == "article"


def test_an_unmarked_short_error_page_is_not_an_article() -> None:
    body = ("<main><h1>Page not found</h1><p>Sorry, the page you are looking for does not exist "
            "or has been moved to another address on this site.</p></main>")
    assert _reason(page("", body)) == "not_article"


def _page(text: str, images: list[Image], player: bool = False) -> Page:
    return Page("T", text, [Block("paragraph", text)], images, player=player)


def test_kind_thresholds() -> None:
    caption = Image("https://e.org/a.jpg", caption="Customers queue outside the bakery.")
    short, long = "One sentence here.", "A sentence of a long story. " * 40
    assert kind_of(_page(short, [caption]), DEFAULT_LIMITS) == "photo"
    assert kind_of(_page(short, [Image("https://e.org/a.jpg")] * 3), DEFAULT_LIMITS) == "photo"
    assert kind_of(_page(short, [caption], player=True), DEFAULT_LIMITS) == "video"
    assert kind_of(_page(long, [caption], player=True), DEFAULT_LIMITS) == "article"
    assert kind_of(_page(short, []), DEFAULT_LIMITS) == "brief"
    assert kind_of(_page(long, [caption]), DEFAULT_LIMITS) == "article"
