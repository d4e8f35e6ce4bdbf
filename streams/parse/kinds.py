"""Article kinds: whether a page is an article at all, and which kind (``article``, ``photo``,
``video``, ``brief``).

Photo, video and brief news pages have a headline, a byline or a date and one or two sentences,
often only a caption: far under the body length that tells an article from page chrome
(``ParseLimits.min_body_chars``). Such a page is an article when it *says* it is one (an
OpenGraph ``article``/``video`` type, a JSON-LD article or ``VideoObject``,
``article:published_time``, or a headline printed with its date and byline) and shows at least
one real sentence or caption. Whatever their length, error pages, consent walls and section
indexes are not articles: their text is a message or teasers, not a story.

Every threshold is a field of :class:`~streams.parse.limits.ParseLimits`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from streams.parse import selectors as sel
from streams.parse.limits import ParseLimits
from streams.records import ArticleKind, Author, Block, Image


@dataclass(slots=True)
class Page:
    """What the kind decision reads: the page's title and extracted body, its images (with
    their captions) and caption texts that have no image, and what the page says of itself."""

    title: str | None
    text: str  #: the body's text (``Article.text``)
    blocks: list[Block]
    images: list[Image] = field(default_factory=list)
    loose_captions: list[str] = field(default_factory=list)
    marked: bool = False  #: the page marks itself as an article (:func:`marked`)
    player: bool = False  #: a video player, embed or announced video
    listing: bool = False  #: the body is a teaser of a listing, or holds one

def marked(meta_marked: bool, headline: bool, published_source: str | None,
           authors: list[Author]) -> bool:
    """Whether the page marks itself as an article: its metadata does, or it prints a headline
    with a byline and a date (a date read from the URL alone is not printed)."""
    return meta_marked or (headline and bool(authors) and published_source not in (None, "url"))


def may_be_index(page_marked: bool, title: str | None, limits: ParseLimits) -> bool:
    """Whether the page could be a section index: nothing marks it as an article and its title
    is a label of a few words (``World news``, ``사회``), as a section's is. Only then is the body
    checked for a listing (:func:`streams.parse.content.in_listing`)."""
    return not page_marked and len((title or "").split()) <= limits.section_title_max_words


def rejection(page: Page, limits: ParseLimits) -> str | None:
    """Why ``page`` is not an article, or None when it is one."""
    chars = len(page.text)
    if chars < limits.short_body_chars and _error_page(page):
        return "an error page"
    if _consent_wall(page):
        return "a consent wall"
    if page.listing:
        return "a section index"
    if chars < limits.min_body_chars and not (page.marked and _has_sentence(page, limits)):
        return f"body of {chars} characters"
    return None


def kind_of(page: Page, limits: ParseLimits) -> ArticleKind:
    """``video``: a player and little text; ``photo``: captions as long as the text, or a
    gallery with little text; ``brief``: little text; ``article`` otherwise."""
    chars = len(page.text)
    short = chars < limits.short_body_chars
    if page.player and short:
        return "video"
    captions = sum(len(image.caption) for image in page.images if image.caption)
    gallery = short and len(page.images) >= limits.gallery_min_images
    if gallery or (captions and captions >= chars):
        return "photo"
    return "brief" if short else "article"


def caption_blocks(page: Page, limits: ParseLimits) -> list[Block]:
    """The captions a photo or video page tells its story with, as paragraphs for its body
    (those that are sentences and not already in the body), in page order."""
    text = page.text
    found: list[Block] = []
    for caption in _captions(page):
        if caption not in text and is_sentence(caption, limits):
            found.append(Block("paragraph", caption))
            text += "\n\n" + caption
    return found


def _captions(page: Page) -> list[str]:
    return [image.caption for image in page.images if image.caption] + page.loose_captions


def _has_sentence(page: Page, limits: ParseLimits) -> bool:
    texts = [b.text for b in page.blocks if b.kind != "heading"] + _captions(page)
    return any(is_sentence(text, limits) for text in texts)


def is_sentence(text: str, limits: ParseLimits) -> bool:
    """A sentence of the story: long enough, in words (not a date line such as ``작성
    2025.07.17 10:45``), ended as a sentence is (not a tagline, a label, a credit such as
    ``Dee Dee Myers Getty Images``), and not a chrome line, an error message or a consent
    notice."""
    return (len(text) >= limits.min_sentence_chars and sel.SENTENCE_END.search(text) is not None
            and sum(any(ch.isalpha() for ch in word) for word in text.split())
            >= limits.min_sentence_words
            and not sel.CREDIT_LINE.match(text) and not sel.chrome_text(text)
            and not sel.ERROR_PAGE.search(text) and not sel.CONSENT_NOTICE.search(text))


def _error_page(page: Page) -> bool:
    """An error message in the title or the first blocks (``Page not found``, ``요청하신 페이지를
    찾을 수 없습니다``); only a page with little text is taken at its word."""
    texts = [page.title or ""] + [b.text for b in page.blocks[:3]]
    return any(sel.ERROR_PAGE.search(text) for text in texts)


def _consent_wall(page: Page) -> bool:
    """Whether consent-notice blocks hold more than half of the text (an article about cookie
    rules quotes such wording in a paragraph or two, not throughout). A notice block names
    cookies or consent (:data:`selectors.CONSENT_WORDS`, a cheap test that most pages fail) in
    a notice's wording (:data:`selectors.CONSENT_NOTICE`)."""
    if not any(word in page.text for word in sel.CONSENT_WORDS):
        return False
    named = [b.text for b in page.blocks if any(w in b.text for w in sel.CONSENT_WORDS)]
    if 2 * sum(map(len, named)) <= len(page.text):
        return False
    notice = sum(len(text) for text in named if sel.CONSENT_NOTICE.search(text))
    return 2 * notice > len(page.text)
