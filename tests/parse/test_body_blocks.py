"""What the body is made of: boilerplate inside the article column (contact forms, affiliate
disclosures, follow/pin calls, "you might also like" headings) stays out, while a page that a
<form> wraps whole (ASP.NET WebForms) is still read; data tables come out a row per block and do
not split the article; layout tables do not hide it; code samples keep their lines. Synthetic
pages, invented text."""

from __future__ import annotations

from streams.parse import parse_article
from tests.parse.pages import PROSE, page

URL = "https://bakery.example.org/notes/slow-bread"


def body_of(body: str) -> str:
    return parse_article(page("<title>Slow bread</title>", body, lang="en"), URL).text


def test_contact_form_labels_stay_out() -> None:
    text = body_of(
        f"<article><h1>Slow bread</h1>{PROSE}"
        "<form action='/contact'><h3>Let us help!</h3><label>First Name</label><input name=a>"
        "<label>Phone No</label><input name=b><label>Tell us more</label><textarea></textarea>"
        "</form></article>"
    )
    assert "Slow fermentation" in text
    assert "First Name" not in text and "Tell us more" not in text


def test_page_wrapped_in_one_form_is_still_read() -> None:
    text = body_of(f"<form id='aspnetForm' method='post'><main><h1>Slow bread</h1>{PROSE}"
                   "</main></form>")
    assert "Slow fermentation" in text and "enzymes break starch" in text


def test_affiliate_disclosure_and_follow_calls_stay_out() -> None:
    text = body_of(
        f"<article><h1>Slow bread</h1>"
        "<p>We may earn a commission when you buy through links on our site.</p>"
        f"{PROSE}<p>Pin this for later!</p><h3>You might also like</h3>"
        "<p>Follow us on Instagram for more bakes.</p><p>Thanks for reading!</p>"
        "<h3>Recent Posts</h3><p>Reply</p></article>"
    )
    assert "Slow fermentation" in text
    for boilerplate in ("earn a commission", "Pin this", "You might also like", "Follow us",
                        "Thanks for reading", "Recent Posts", "Reply"):
        assert boilerplate not in text, boilerplate


def test_prose_about_commissions_is_kept_when_long() -> None:
    long_paragraph = (
        "<p>Bakers who sell through farm shops usually pay the shop a commission of around a "
        "fifth of the price, which is why a loaf costs more there than at the bakery door; "
        "several bakers told us the arrangement still pays because the shop reaches customers "
        "they would never see otherwise.</p>"
    )
    text = body_of(f"<article><h1>Slow bread</h1>{PROSE}{long_paragraph}</article>")
    assert "pay the shop a commission" in text


RANKING = (
    "<table><tr><th>Rank</th><th>State</th><th>Score</th></tr>"
    + "".join(f"<tr><td>{n}</td><td>State {n}</td><td>{90 - n}.5</td></tr>" for n in range(1, 21))
    + "</table>"
)


def test_data_table_rows_are_one_block_each_and_do_not_split_the_article() -> None:
    # Twenty short rows used to weigh against the container holding the table, so only the
    # section before or after it was taken.
    text = body_of(
        f"<article><h1>Slow bread</h1><section>{PROSE}</section><section>{RANKING}</section>"
        "<section><p>After the ranking, the same bakers explained how they keep a starter "
        "alive through a hot summer without losing its sourness or its strength.</p></section>"
        "</article>"
    )
    assert "Slow fermentation" in text and "keep a starter alive" in text
    assert "Rank | State | Score" in text and "7 | State 7 | 83.5" in text


def test_article_set_in_a_two_column_layout_table_is_read() -> None:
    text = body_of(
        "<table><tr><td class='left'><a href='/'>Home</a><br><a href='/news'>News</a></td>"
        f"<td class='main'><h1>Slow bread</h1>{PROSE}</td></tr></table>"
    )
    assert "Slow fermentation" in text and "enzymes break starch" in text
    assert "Home" not in text


LONG = (
    "<p>Bakers who keep a starter for years say the routine matters more than the recipe: "
    "feed it at the same hour, keep it at the same warmth, and it rewards you with a steady "
    "rise and a flavour that slowly deepens from one season to the next.</p>"
)


def test_layout_container_named_like_a_sidebar_keeps_its_article() -> None:
    text = body_of(
        "<main><section class='inline-and-sidebar-container'><h1>Slow bread</h1>"
        f"<div class='text-layout'>{PROSE}{LONG}{LONG}{LONG}</div>"
        "<div class='sidebar-links'><a href='/a'>Rye</a> <a href='/b'>Spelt</a></div>"
        "</section><div class='mega-menu'>" + "<a href='/x'>Menu item</a> " * 400 + "</div></main>"
    )
    assert "Slow fermentation" in text and "feed it at the same hour" in text
    assert "Menu item" not in text


def test_article_split_into_nav_named_sections_is_kept_whole() -> None:
    sections = "".join(
        f"<div class='content-nav-section' id='part{n}'><h2>Part {n}</h2>{LONG}{LONG}{LONG}{LONG}"
        "</div>" for n in range(1, 4)
    )
    text = body_of(f"<main><h1>Slow bread</h1>{PROSE}{sections}</main>")
    assert "Slow fermentation" in text and "Part 1" in text and "Part 3" in text
    assert text.count("feed it at the same hour") == 1  # repeated paragraphs are kept once


def test_comments_with_long_paragraphs_are_still_chrome() -> None:
    # Long paragraphs, but under a content kind's name (comments), not a layout word.
    comments = "<div class='comments-area'>" + LONG.replace("Bakers", "Reader") * 3 + "</div>"
    text = body_of(f"<article><h1>Slow bread</h1>{PROSE}{LONG * 6}{comments}</article>")
    assert "Slow fermentation" in text and "Reader who keep" not in text


def test_chrome_words_count_only_as_whole_name_parts() -> None:
    extra = ("<p class='contextmenu Body'>Rye needs a wetter dough and a longer proof than "
             "wheat, and its crumb stays dense whatever the baker does to it.</p>")
    text = body_of(  # the article is long enough that no one part is 30% of the page
        f"<article><h1>Slow bread</h1>{PROSE}<div>{LONG}</div>{extra}<div>{LONG * 2}</div>"
        "<div class='articleRelated'><div>Ten rye recipes to try this week, and the other "
        "links our readers liked most.</div></div></article>"
    )
    assert "Rye needs a wetter dough" in text  # "menu" inside "contextmenu" is not a menu
    assert "Ten rye recipes" not in text  # camelCase "articleRelated" is still "related"


def test_sections_split_by_a_link_list_are_both_kept() -> None:
    links = "<ul>" + "".join(f"<li><a href='/p{n}'>Another bread story number {n}</a></li>"
                             for n in range(40)) + "</ul>"
    second = ("<p>In the second part the bakers compare rye and spelt starters, and most of them "
              "prefer rye for its forgiving nature when a feeding is late by a day or two.</p>")
    text = body_of(f"<main><h1>Slow bread</h1><div>{PROSE}{LONG}</div>{links}"
                   f"<div>{second}</div></main>")
    assert "Slow fermentation" in text and "compare rye and spelt" in text
    assert "Another bread story" not in text


def test_closing_author_bio_is_not_body() -> None:
    html = page(
        '<title>Slow bread</title><meta name="author" content="Marta Ellison">',
        f"<article><h1>Slow bread</h1>{PROSE}{LONG}"
        "<p>Marta Ellison is a food writer who has baked in Lisbon and Leeds for twenty years."
        "</p></article>", lang="en")
    article = parse_article(html, URL)
    assert [a.name for a in article.authors] == ["Marta Ellison"]
    assert "food writer" not in article.text and "Slow fermentation" in article.text


def test_brand_as_author_keeps_its_paragraphs() -> None:
    html = page(
        '<title>Slow bread</title><meta name="author" content="Crumb Official">',
        f"<article><h1>Slow bread</h1>{PROSE}{LONG}"
        "<p>Crumb is a bakery brand that has sold sourdough kits since 2012 in three countries."
        "</p></article>", lang="en")
    assert "bakery brand" in parse_article(html, URL).text


def test_article_as_br_separated_text_in_a_two_cell_layout_row_is_read() -> None:
    # Old sites: a menu cell, then the article as loose text broken by <br>, in one row.
    story = "<br><br>".join(
        f"Paragraph {n}: bakers who keep a starter for years say the routine matters more "
        "than the recipe, and a steady rise rewards a steady hand." for n in range(1, 7))
    text = body_of(f"<table><tr><td><a href='/'>Home</a></td><td><h1>Slow bread</h1>{story}"
                   "</td></tr></table>")
    assert "Paragraph 1:" in text and "Paragraph 6:" in text


def test_closing_author_box_is_not_body() -> None:
    text = body_of(
        f"<article><h1>Slow bread</h1>{PROSE}{LONG}<h3>About the author</h3>"
        "<p>Sam Reyes bakes, writes and teaches sourdough workshops on weekends.</p>"
        "</article>"
    )
    assert "Slow fermentation" in text
    assert "About the author" not in text and "teaches sourdough" not in text


def test_label_lines_and_empty_marks_are_not_body() -> None:
    text = body_of(
        "<article><h1>Slow bread</h1><p>Table of contents</p><p>Dec 4, 2025 · 7 min read</p>"
        f"<p>\u200d</p>{PROSE}<p>Advertising</p><p>•</p>{LONG}<p>3 days ago</p><p>Tags</p><p>Thank "
        "you! Your submission has been received!</p><p>Oops! Something went wrong while "
        "submitting the form.</p><p>Contact Us</p><p>Join our newsletter</p><p>Privacy Policy</p>"
        "<p>Follow me on Instagram</p>"
        "</article>"
    )
    assert "Slow fermentation" in text and "feed it at the same hour" in text
    for label in ("Table of contents", "min read", "\u200d", "•", "Tags", "submission",
                  "submitting", "Advertising", "days ago", "Contact Us", "newsletter",
                  "Privacy", "Follow me"):
        assert label not in text, label


def test_post_whose_linked_lists_outweigh_its_paragraphs_is_read_whole() -> None:
    # A changelog-style post (Asciidoc/Jekyll markup): each section has a short paragraph and a
    # long list of linked items, which the scorer counts against the section.
    def section(number: int, prose: str) -> str:
        items = "".join(f"<li><p><a href='/pr/{number}{n}'>Fix the oven timer bug number "
                        f"{number}{n} in the scheduler</a></p></li>" for n in range(12))
        return (f"<div class='sect1'><h2>Part {number}</h2><div class='sectionbody'>"
                f"<div class='paragraph'><p>{prose}</p></div><div class='ulist'><ul>{items}</ul>"
                "</div></div></div>")

    parts = [
        "The first part of this report covers the changes merged upstream this month, most of "
        "them small fixes to the timer code that bakers asked for after the spring release.",
        "The second part lists the patches still under review, which mostly touch the proofing "
        "schedule and how the scheduler recovers when the oven loses power in the night.",
        "In the last part I explain what comes next: a rewrite of the scheduler so that several "
        "ovens can share one queue, which should land before the summer if reviews go well, "
        "together with better documentation of every flag and a test suite for the recovery.",
    ]
    text = body_of("<nav><a href='/'>Home</a></nav><main><article id='post-page'><h2>Report</h2>"
                   f"<div class='content'>{''.join(section(n, p) for n, p in enumerate(parts))}"
                   "</div></article></main><footer>Built with Jekyll</footer>")
    assert all(part[:40] in text for part in parts)
    assert "Built with Jekyll" not in text


def test_collapsed_accordion_panels_are_read_but_other_hidden_boxes_are_not() -> None:
    steps = "".join(
        f"<div class='accordion'><a role='button' aria-controls='s{n}'>Step {n}</a>"
        f"<div id='s{n}' style='display:none;' role='region' aria-labelledby='h{n}'><p>In step "
        f"{n} the baker folds the dough again, waits forty minutes and checks how far it has "
        "risen against the mark drawn on the side of the tub before going on.</p></div></div>"
        for n in range(1, 4))
    hidden = ("<div style='display:none'><p>Sign up now and get twenty per cent off your first "
              "order of flour, starter kits and proofing baskets from our partner shop.</p></div>")
    text = body_of(f"<article><h1>Slow bread</h1>{PROSE}{steps}{hidden}</article>")
    assert "In step 1 the baker" in text and "In step 3 the baker" in text
    assert "Sign up now" not in text


def test_react_streamed_segments_are_read_in_their_placeholders_order() -> None:
    # Next.js streaming: the server sends the layout with <template id="B:n"> placeholders and
    # the sections later, hidden, as <div hidden id="S:n">; a script moves them into place.
    first = ("<p>The first section explains why a cold retard gives the crumb a deeper flavour "
             "and a more open structure than a warm, fast rise ever manages to produce.</p>")
    second = ("<p>The second section covers shaping: a tight skin on the loaf holds the gas in "
              "and lets the scoring open evenly once the tin goes into the hot oven.</p>")
    html = (f"<article><h1>Slow bread</h1>{PROSE}<!--$?--><template id='B:1'></template><!--/$-->"
            "<!--$?--><template id='B:2'></template><!--/$--></article>"
            f"<div hidden id='S:2'>{second}</div><div hidden id='S:1'>{first}</div>")
    text = body_of(html)
    assert "The first section" in text and "The second section" in text
    assert text.index("Slow fermentation") < text.index("The first section") < text.index(
        "The second section")


def test_teaser_list_heading_at_the_end_closes_the_body() -> None:
    teasers = "".join(
        f"<h3>Another loaf, part {n}</h3><p>A short excerpt of another post about bread and its "
        f"crust, number {n}, with a link to read on.</p>" for n in range(3))
    article = f"<h1>Slow bread</h1>{PROSE}{LONG * 12}"
    text = body_of(f"<div class='post'>{article}<h2>Related Posts</h2>{teasers}</div>")
    assert "Slow fermentation" in text and "Another loaf" not in text
    # An article that goes on after such a heading with long prose keeps it.
    more = ("<p>" + "The last section returns to the starter and how to keep it alive while "
            "the baker is away, which matters more than any flour, " * 3 + "</p>")
    text = body_of(f"<div class='post'>{article}<h2>Recent posts</h2>{more}</div>")
    assert "The last section returns" in text


def test_comments_inside_highlighted_code_samples_are_kept() -> None:
    code = ("<pre><code><span class='hljs-comment'># stage every changed file</span>\ngit add -A\n"
            "<span class='token comment'># record the change</span>\ngit commit</code></pre>")
    text = body_of(f"<article><h1>Slow bread</h1>{PROSE}{code}{LONG}"
                   "<div class='comments'><p>Great post, thanks!</p></div></article>")
    assert "# stage every changed file" in text and "# record the change" in text
    assert "Great post" not in text


def test_preformatted_code_keeps_its_lines_and_indentation() -> None:
    text = body_of(f"<article><h1>Slow bread</h1>{PROSE}<pre><code>    def rise(dough):\n"
                   "        while not dough.ready:\n            wait(60)\n\n        return dough\n"
                   "</code></pre><pre>first line<br>second line</pre></article>")
    assert ("def rise(dough):\n    while not dough.ready:\n        wait(60)\n\n    return dough"
            in text)
    assert "first line\nsecond line" in text
