"""Title choice between the ``<h1>`` and the metadata titles, and visible-date fallbacks, on
small synthetic pages (invented text, markup in common CMS/blog patterns)."""

from __future__ import annotations

from streams.parse import parse_article
from streams.parse.dates import parse_date
from streams.parse.decode import fix_mojibake
from streams.parse.titles import related
from tests.parse.pages import PROSE, page

URL = "https://notes.example.net/posts/slow-bread"
TITLE = "Why slow bread tastes better"


def en_page(head: str, body: str) -> str:
    return page(head, body, lang="en")


# --- titles -------------------------------------------------------------------------------


def test_section_label_h1_loses_to_an_unrelated_og_title() -> None:
    # A theme that prints the blog's section name as the page's only <h1>.
    html = en_page(
        f'<title>{TITLE} - Crumb Notes</title><meta property="og:title" content="{TITLE}">',
        f"<div class='page-header'><h1>Our BLOG</h1></div><div class='post'><h2>{TITLE}</h2>"
        f"{PROSE}</div>",
    )
    assert parse_article(html, URL).title == TITLE


def test_reworded_h1_sharing_words_with_og_title_is_kept() -> None:
    html = en_page(
        '<meta property="og:title" content="Slow bread: why it tastes better | Crumb Notes">',
        f"<article><h1>{TITLE}</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == TITLE


def test_unrelated_h1_is_kept_when_only_title_names_the_site() -> None:
    # <title> alone may be just the site's name; it does not overrule the headline.
    html = en_page("<title>Crumb Notes</title>", f"<article><h1>{TITLE}</h1>{PROSE}</article>")
    assert parse_article(html, URL).title == TITLE


def test_later_h1_related_to_the_og_title_beats_an_unrelated_first_one() -> None:
    html = en_page(
        '<meta property="og:title" content="Slow bread tastes better: here is why">',
        f"<h1>Subscribe today</h1><article><h1>{TITLE}</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == TITLE


def test_entities_in_jsonld_headline_do_not_hide_an_equal_h1() -> None:
    html = en_page(
        '<script type="application/ld+json">{"@type": "BlogPosting", "headline": '
        '"Salt &amp; time &#8211; why slow bread tastes better"}</script>',
        f"<article><h1>Salt &amp; time – why slow bread tastes better</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == "Salt & time – why slow bread tastes better"


def test_one_word_h1_inside_a_long_og_title_is_not_the_title() -> None:
    og = "How we baked forty loaves with rye, spelt, Einkorn and emmer in one weekend"
    html = en_page(
        f'<meta property="og:title" content="{og}">',
        f"<article><h1>Einkorn</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == og


def test_capitalised_h1_gives_way_to_the_written_case_metadata_title() -> None:
    html = en_page(
        '<meta property="og:title" content="Slow Bread: Why It Tastes Better">',
        f"<article><h1>SLOW BREAD TASTES BETTER</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == "Slow Bread: Why It Tastes Better"


def test_an_h1_of_several_sentences_is_a_pitch_not_the_headline() -> None:
    pitch = ("Learn which breads rise best at home? Get baker tips on flour, water and time. "
             "We will help you learn everything you need to know about the slow rise of dough.")
    html = en_page(f'<meta property="og:title" content="{TITLE}">',
                   f"<article><h1>{pitch}</h1>{PROSE}</article>")
    assert parse_article(html, URL).title == TITLE
    # A long one-sentence headline (a paper's title) stays.
    paper = ("Effects of slow fermentation on the flavour of wheat bread: a randomised blind "
             "tasting trial among ninety home bakers in three European countries")
    html = en_page('<meta property="og:title" content="Slow fermentation and the flavour of '
                   'wheat bread">', f"<article><h1>{paper}</h1>{PROSE}</article>")
    assert parse_article(html, URL).title == paper


def test_related_and_mojibake_helpers() -> None:
    assert related("Why slow bread tastes better", ["Slow bread: why it is better"])
    assert not related("Conclusions", ["Advent of baking, week 2"])
    assert fix_mojibake("A baker\u00e2\u0080\u0099s guide") == "A baker\u2019s guide"
    assert fix_mojibake("Caf\u00e9 \u00e2 la carte") == "Caf\u00e9 \u00e2 la carte"  # no C1
    assert fix_mojibake("\u0080 stray \u20ac") == "\u0080 stray \u20ac"  # not Latin-1


def test_mojibake_title_is_repaired() -> None:
    html = en_page("", f"<article><h1>A baker\u00e2\u0080\u0099s guide to rye</h1>{PROSE}"
                       "</article>")
    assert parse_article(html, URL).title == "A baker\u2019s guide to rye"


def test_double_encoded_page_is_repaired_whole() -> None:
    # A page whose UTF-8 was read as Latin-1 and saved as UTF-8 again, fetched as bytes.
    good = en_page("", f"<article><h1>Rye doesn\u2019t rush</h1>{PROSE}"
                       "<p>It isn\u2019t fast, but it\u2019s worth the wait.</p></article>")
    article = parse_article(good.encode("utf-8").decode("latin-1").encode("utf-8"), URL)
    assert article.title == "Rye doesn\u2019t rush"
    assert "It isn\u2019t fast, but it\u2019s worth the wait." in article.text


# --- dates --------------------------------------------------------------------------------


def test_published_on_label_with_capital_on() -> None:
    # The label wins over an unlabelled date printed earlier (an event teaser).
    html = en_page("", f"<p>Bread fair on 3 May 2026</p><article><h1>{TITLE}</h1>"
                       f"<span>Published On: 15 August 2025</span>{PROSE}</article>")
    assert parse_article(html, URL).published == "2025-08-15"


def test_other_meta_spellings_of_the_publication_date() -> None:
    for name in ("published-date", "w-published-date"):
        html = en_page(f'<meta name="{name}" content="2021-02-16">',
                       f"<article><h1>{TITLE}</h1>{PROSE}</article>")
        a = parse_article(html, URL)
        assert (a.published, a.published_source) == ("2021-02-16", "meta")


def test_date_in_the_articles_own_footer() -> None:
    html = en_page("", f"<article><h1>{TITLE}</h1>{PROSE}<footer class='author__meta'>"
                       "<span>Ann Baker</span> <span>March 30, 2023</span></footer></article>")
    assert parse_article(html, URL).published == "2023-03-30"


def test_labelled_date_far_below_the_headline() -> None:
    long_body = PROSE * 70  # the post date is printed after ~23,000 characters of text
    html = en_page("", f"<article><h1>{TITLE}</h1>{long_body}"
                       "<div class='meta'>Posted on April 13, 2023</div></article>")
    assert parse_article(html, URL).published == "2023-04-13"


def test_date_printed_before_an_updated_label_is_the_publication_date() -> None:
    html = en_page("", f"<article><h1>{TITLE}</h1><p>Ann Baker · August 16, 2019 - Updated "
                       f"July 9, 2025</p>{PROSE}</article>")
    assert parse_article(html, URL).published == "2019-08-16"
    html = en_page("", f"<article><h1>{TITLE}</h1><p>Updated on: October 28, 2024</p>"
                       f"{PROSE}</article>")
    assert parse_article(html, URL).published == "2024-10-28"


def test_numeric_slashed_dates_only_when_unambiguous() -> None:
    assert parse_date("2/24/2026") == "2026-02-24"
    assert parse_date("24/2/2026") == "2026-02-24"
    assert parse_date("03/10/2023") is None  # 10 March or 3 October
    html = en_page("", f"<article><h1>{TITLE}</h1><span>Updated: 10/31/2024</span>{PROSE}"
                       "</article>")
    assert parse_article(html, URL).published == "2024-10-31"
    html = en_page("", f"<article><h1>{TITLE}</h1><span>03/10/2023</span>{PROSE}</article>")
    assert parse_article(html, URL).published is None


def test_date_after_the_names_of_a_byline_far_below_the_headline() -> None:
    # The byline sits under the article, more than the usual 6,000 characters from the title.
    html = en_page("", f"<article><h1>{TITLE}</h1>{PROSE * 30}<div class='author-box'>"
                       "Written by Mira Holt and Dan Osei April 8, 2024</div></article>")
    assert parse_article(html, URL).published == "2024-04-08"
    # "by" in running text before a date is not a byline.
    html = en_page("", f"<article><h1>{TITLE}</h1>{PROSE * 30}<p>Prices were cut by the "
                       "bakery on April 8, 2024.</p></article>")
    assert parse_article(html, URL).published is None


def _with_jsonld_date(day: str, under_headline: str) -> str:
    head = ('<script type="application/ld+json">{"@type": "BlogPosting", '
            f'"datePublished": "{day}"}}</script>')
    return en_page(head, f"<article><div class='post-title'><h1>{TITLE}</h1></div>"
                         f"<div class='meta'>{under_headline}</div>{PROSE}</article>")


def test_earlier_date_printed_under_the_headline_beats_a_republished_metadata_date() -> None:
    # A migrated post: the CMS stamped a new datePublished, the byline keeps the original day.
    article = parse_article(_with_jsonld_date("2025-11-05T10:00:00+00:00",
                                              "Ann Baker · January 31, 2024 · 5 min read"), URL)
    assert (article.published, article.published_source) == ("2024-01-31", "text")


def test_metadata_date_stays_when_the_printed_date_is_later_or_an_update() -> None:
    article = parse_article(_with_jsonld_date("2024-01-31T10:00:00+00:00",
                                              "Ann Baker · March 2, 2025"), URL)
    assert (article.published, article.published_source) == ("2024-01-31T10:00:00+00:00",
                                                             "jsonld")
    article = parse_article(_with_jsonld_date("2025-06-01T10:00:00+00:00",
                                              "Updated May 3, 2024"), URL)
    assert article.published_source == "jsonld"
    # A UTC timestamp past midnight printed as the previous local day is the same instant:
    # the precise timestamp stays.
    article = parse_article(_with_jsonld_date("2025-12-19T02:41:00+00:00", "Dec 18, 2025"), URL)
    assert article.published == "2025-12-19T02:41:00+00:00"
