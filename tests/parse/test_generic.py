"""Generic behaviours of the extractor (any site), on small synthetic pages.

Each page is written for the test; the markup follows common CMS/blog patterns (WordPress
``site-title`` headers, Blogger/Substack home-link ``<h1>``, broken ``<aside>`` markup, BEM
layout modifiers, standfirsts), the text is invented.
"""

from __future__ import annotations

from streams.parse import parse_article
from tests.parse.pages import PROSE, page

URL = "https://blog.example.org/2025/03/04/slow-bread/"


def test_home_link_h1_is_site_branding_not_the_title() -> None:
    html = page(
        "<title>Why slow bread tastes better - Crumb Notes</title>",
        '<div id="header"><h1 class="title"><a href="https://blog.example.org/">Crumb Notes'
        "</a></h1></div><div class='post'><h3 class='post-title'>Why slow bread tastes better"
        f"</h3>{PROSE}</div>",
    )
    a = parse_article(html, URL)
    assert a.title == "Why slow bread tastes better"


def test_brand_prefix_without_separator_is_stripped_from_title() -> None:
    html = page(
        "<title>crumbnotes.org Why slow bread tastes better</title>",
        f'<h1><a href="/">crumbnotes.org</a></h1><div class="entry">{PROSE}</div>',
    )
    assert parse_article(html, URL).title == "Why slow bread tastes better"


def test_navigation_and_widget_h1s_are_skipped() -> None:
    html = page(
        "<title>Crumb Notes</title>",
        '<nav><h1 class="menu-toggle">Menu</h1></nav>'
        '<div class="sidebar"><h1 class="widget-title">Popular posts</h1></div>'
        f"<article><h1>Why slow bread tastes better</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).title == "Why slow bread tastes better"


def test_h1_linking_off_site_is_not_the_headline() -> None:
    html = page(
        "<title>Reading list, week 9 | Crumb Notes</title>",
        '<article><h1><a href="https://other.example.com/post">Someone else\'s post</a></h1>'
        f"{PROSE}</article>",
    )
    assert parse_article(html, URL).title == "Reading list, week 9"


def test_bullet_separator_and_site_name_are_stripped() -> None:
    html = page(
        '<title>Why slow bread tastes better • Crumb Notes</title>'
        '<meta property="og:site_name" content="Crumb Notes">',
        f"<div class='content'>{PROSE}</div>",
    )
    assert parse_article(html, URL).title == "Why slow bread tastes better"


def test_unclosed_aside_that_swallows_the_page_is_kept() -> None:
    html = page(
        "<title>Why slow bread tastes better</title>",
        '<aside class="announcement-banner"><p>Free shipping this week</p>'
        f"<main><h1>Why slow bread tastes better</h1>{PROSE}</main>",
    )
    a = parse_article(html, URL)
    assert "Slow fermentation changes the flavour" in a.text


def test_mega_menu_nav_is_still_dropped() -> None:
    menu = "".join(f'<li><a href="/c/{i}">Category number {i} with a long name</a></li>'
                   for i in range(60))
    html = page(
        "<title>Why slow bread tastes better</title>",
        f"<nav><ul>{menu}</ul></nav><article><h1>Why slow bread tastes better</h1>{PROSE}"
        "</article>",
    )
    a = parse_article(html, URL)
    assert "Category number" not in a.text
    assert "enzymes break starch" in a.text


def test_bem_layout_modifier_is_not_chrome() -> None:
    html = page(
        "<title>Why slow bread tastes better</title>",
        '<section class="m-article m-article--sidebar-right"><h1>Why slow bread tastes better'
        f'</h1>{PROSE}</section><div class="sidebar"><p>Other stuff to read today</p></div>',
    )
    a = parse_article(html, URL)
    assert "enzymes break starch" in a.text
    assert "Other stuff" not in a.text


# --- subtitle ------------------------------------------------------------------------------


def test_explicit_standfirst_is_the_subtitle() -> None:
    html = page(
        '<title>Why slow bread tastes better</title><meta property="og:description" '
        'content="A summary for link previews only.">',
        '<article><header><h1>Why slow bread tastes better</h1>'
        '<p class="article-standfirst">Time, not flour, does most of the work in a good '
        f"loaf.</p></header>{PROSE}</article>",
    )
    a = parse_article(html, URL)
    assert a.subtitle == "Time, not flour, does most of the work in a good loaf."


def test_h2_right_under_the_h1_is_the_subtitle() -> None:
    html = page(
        "<title>Why slow bread tastes better</title>",
        "<article><div class='head'><h1>Why slow bread tastes better</h1></div>"
        f"<h2>An overnight rest beats any additive you can buy</h2>{PROSE}</article>",
    )
    assert parse_article(html, URL).subtitle == "An overnight rest beats any additive you can buy"


def test_korean_sub_tit_is_the_subtitle() -> None:
    sentence = "정부가 추석을 앞두고 온누리상품권 할인율을 한시 상향한다고 밝혔다. "
    body = "<p>" + sentence * 3 + "</p>"
    html = page(
        "<title>온누리상품권 할인율 상향</title>",
        '<div class="article_head"><h1 class="tit">온누리상품권 할인율 상향</h1>'
        '<h3 class="sub_tit">추석 앞두고 한시 적용…전통시장 매출 회복 기대</h3></div>'
        f'<div class="article_body">{body}</div>',
    )
    a = parse_article(html.encode("utf-8"), "https://news.example.kr/a/2")
    assert a.subtitle == "추석 앞두고 한시 적용…전통시장 매출 회복 기대"


def test_og_description_alone_is_not_a_subtitle() -> None:
    html = page(
        '<title>Why slow bread tastes better</title><meta property="og:description" '
        'content="Time, not flour, does most of the work in a good loaf.">'
        '<meta name="description" content="Time, not flour, does most of the work.">',
        f"<article><h1>Why slow bread tastes better</h1>{PROSE}</article>",
    )
    assert parse_article(html, URL).subtitle is None


def test_section_label_and_newsletter_box_are_not_subtitles() -> None:
    html = page(
        "<title>Why slow bread tastes better</title>",
        "<article><h1>Why slow bread tastes better</h1><h2>Baking</h2>"
        '<div class="subtitle">Sign up for our newsletter and get a recipe every week</div>'
        f"{PROSE}</article>",
    )
    assert parse_article(html, URL).subtitle is None


def test_portal_rules_apply_only_on_their_own_site() -> None:
    # ``main#main-content article`` is the BBC rule; elsewhere the generic scorer decides.
    cards = "".join(f'<p><a href="/s/{i}">Short teaser number {i} for another story.</a></p>'
                    for i in range(3))
    html = page(
        "<title>Why slow bread tastes better</title>",
        f'<main id="main-content"><article>{cards}</article><div class="story">{PROSE}'
        f"{PROSE.replace('Slow', 'Cold')}</div></main>",
    )
    a = parse_article(html, URL)
    assert "enzymes break starch" in a.text
    assert "Short teaser" not in a.text


def test_byline_labels_and_comment_authors_are_not_names() -> None:
    from streams.parse.authors import clean_name

    assert clean_name("Authored by: Jane Roe") == "Jane Roe"
    assert clean_name("Lori Campbell says") is None
    assert clean_name("10 mins read") is None
    assert clean_name("The Author") is None


def test_name_debris_from_byline_widgets_is_trimmed() -> None:
    from streams.parse.authors import clean_name

    assert clean_name("Summer Swann - June 12") == "Summer Swann"
    assert clean_name("Elaine Chen Dec. 18") == "Elaine Chen"
    assert clean_name("May 28 Written By Isabella Tabacchi") == "Isabella Tabacchi"
    assert clean_name("Jennifer Huberty 1") == "Jennifer Huberty"  # a footnote mark
    assert clean_name("Meaghan Weeden ● December 23") == "Meaghan Weeden"
    for junk in ("Name *", "Sat, - 06:36", "Jun 2 Written By", "Article by"):
        assert clean_name(junk) is None, junk
