"""Building blocks of the small synthetic pages the generic extractor tests write."""

from __future__ import annotations

# Two paragraphs of invented prose: enough text for the content scorer to see an article.
PROSE = (
    "<p>Slow fermentation changes the flavour of bread far more than the choice of flour, and "
    "the reasons are mostly chemical rather than mystical, as a few simple bakes show.</p>"
    "<p>Leaving the dough in a cool place overnight lets enzymes break starch into sugars, "
    "which brown in the oven and give the crust its colour and a faint sweetness.</p>"
)


def page(head: str, body: str, lang: str | None = None) -> str:
    """A whole HTML document from its head and body markup."""
    html_open = f"<html lang='{lang}'>" if lang else "<html>"
    return f"{html_open}<head>{head}</head><body>{body}</body></html>"
