"""Boilerplate inside the article column: contact forms, affiliate disclosures, follow/pin calls
and "you might also like" headings stay out of the body, while a page that a <form> wraps whole
(ASP.NET WebForms) is still read. Synthetic pages, invented text."""

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
        "<p>Follow us on Instagram for more bakes.</p></article>"
    )
    assert "Slow fermentation" in text
    for boilerplate in ("earn a commission", "Pin this", "You might also like", "Follow us"):
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
