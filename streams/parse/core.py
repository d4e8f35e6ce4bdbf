"""``parse_article``: one page in, one :class:`~streams.records.Article` out (or ParseError)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.errors import ParseError
from streams.parse import kinds
from streams.parse import selectors as sel
from streams.parse.authors import english_byline, is_byline, korean_byline, text_byline
from streams.parse.content import (
    RawBlock,
    Walk,
    body_node,
    body_ranges,
    collect_captions,
    in_listing,
    is_chrome_text,
    sentence_weights,
    walk,
)
from streams.parse.dates import resolve_zone, zone_evidence
from streams.parse.decode import decode_page
from streams.parse.fields import (
    date_stamps,
    detect_language,
    find_subtitle,
    has_structured_authors,
    has_structured_date,
    resolve_authors,
    resolve_dates,
    text_after,
    title_region,
)
from streams.parse.limits import DEFAULT_LIMITS, ParseLimits
from streams.parse.metadata import Meta, read_all
from streams.parse.prescan import check_shape
from streams.parse.titles import headline_candidates, resolve_title
from streams.records import Article, ArticleKind, Author, Block, Image, article_id
from streams.urls import normalize_url

_WORD = re.compile(r"\w+")
_HAS_WORD = re.compile(r"\w")
#: Characters that are never ``\w`` and often stick to words (``end.``, ``"quoted"``).
_EDGE_PUNCT = ".,;:!?()[]\"'“”‘’«»…-–—"


def _word_count(text: str) -> int:
    """``len(_WORD.findall(text))``, faster: a whitespace-separated token that is alphanumeric
    once edge punctuation is stripped is one word; only the others go through the regex."""
    n = 0
    findall = _WORD.findall
    for token in text.split():
        if token.isalnum():
            n += 1
        else:
            token = token.strip(_EDGE_PUNCT)
            if token.isalnum():
                n += 1
            elif token:
                n += len(findall(token))
    return n


def _canonical(meta: Meta, url: str) -> str:
    for cand in (meta.canonical, meta.og_url):
        if cand:
            absolute = urljoin(url, cand.strip())
            if absolute.startswith(("http://", "https://")):
                return normalize_url(absolute)
    return normalize_url(url)


_CHROME_CACHE: dict[str, bool] = {}


def _is_chrome_name(names: str) -> bool:
    """Whether a ``class id`` string names page chrome (memoised: pages repeat class names,
    and so do the pages of one site)."""
    found = _CHROME_CACHE.get(names)
    if found is None:
        low = _normal_names(names)
        found = bool(sel.CHROME_NAMES.search(low)) and not sel.CHROME_NEGATED.search(low)
        if len(_CHROME_CACHE) >= 100_000:
            _CHROME_CACHE.clear()
        _CHROME_CACHE[names] = found
    return found


def _normal_names(names: str) -> str:
    """``class id`` lower-cased with a ``-`` at each camelCase hump (``articleRelated`` ->
    ``article-related``), so that chrome words are found at the start of a name part."""
    low = names.lower()
    # Only an upper-case letter can make a hump (the regex scans every position).
    return low if low == names else sel.CAMEL_HUMP.sub("-", names).lower()


def _remove_chrome(body: LexborNode) -> None:
    doomed: list[LexborNode] = []
    cache = _CHROME_CACHE
    for node in body.css("[class], [id]"):
        attrs = node.attributes
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        found = cache.get(names)
        if found or (found is None and _is_chrome_name(names)):
            doomed.append(node)  # protected tags are skipped below
    # A collapsed accordion or tab panel is hidden until its heading is clicked, but it is
    # the article's text (a step-by-step guide, an FAQ): only its visibility says "chrome".
    # React's streamed segments (<div hidden id="S:1f">) are hidden only until a script moves
    # them into place: server-rendered Next.js pages carry whole article sections that way.
    doomed.extend(node for node in body.css(sel.CHROME_SELECTOR)
                  if node.attributes.get("role") not in sel.PANEL_ROLES
                  and not sel.STREAMED_SEGMENT_ID.fullmatch(node.attributes.get("id") or ""))
    if not doomed:
        return
    total = len(body.text())
    wrappers: set[int] | None = None
    for node in doomed:
        size = len(node.text())
        if node.tag in sel.PROTECTED_TAGS or (total and size > 0.3 * total):
            continue
        if size >= sel.LAYOUT_PROSE_CHARS and _layout_prose(node):
            continue
        if size >= sel.CONTENT_WRAPPER_SHARE * total:
            if wrappers is None:
                wrappers = _content_wrappers(body)
            if node.mem_id in wrappers:
                continue
        node.decompose()


def _content_wrappers(body: LexborNode) -> set[int]:
    """The ``mem_id`` of the page's text container (the element named as one,
    :data:`selectors.CONTENT_SELECTOR`, that holds the most text, at least
    :data:`selectors.CONTENT_MIN_CHARS`: a related list's teasers are named so too, each with a
    short excerpt) and of its ancestors."""
    best, best_size = None, sel.CONTENT_MIN_CHARS - 1
    for node in body.css(sel.CONTENT_SELECTOR):
        size = len(node.text())
        if size > best_size:
            best, best_size = node, size
    out: set[int] = set()
    while best is not None:
        out.add(best.mem_id)
        best = best.parent
    return out


def _layout_prose(node: LexborNode) -> bool:
    """Whether ``node`` is named as chrome only by layout words (sidebar, nav, menu) and holds
    runs of long paragraphs: then it is a layout container around the article, not chrome."""
    attrs = node.attributes
    names = _normal_names(f"{attrs.get('class') or ''} {attrs.get('id') or ''}")
    if not sel.LAYOUT_CHROME_WORDS.search(names):
        return False
    if sel.CHROME_NAMES.search(sel.LAYOUT_CHROME_WORDS.sub(" ", names)):
        return False  # also named by a content kind (comments, related, newsletter...)
    prose = 0
    for paragraph in node.css("p"):
        length = len(paragraph.text())
        if length >= 100:
            prose += length
            if prose >= sel.LAYOUT_PROSE_CHARS:
                return True
    return False


def _place_streamed_segments(body: LexborNode, slots: dict[str, LexborNode]) -> bool:
    """Move React's streamed segments (``<div hidden id="S:1f">``, sent after the page's layout)
    to their placeholders (``slots``: ``<template id="B:1f">`` by id), as the page's script does
    in a browser, so that the article's sections come out in reading order. Whether any moved
    (the tree's nodes then changed)."""
    moved = False
    for segment in body.css(sel.STREAMED_SEGMENTS):
        slot = slots.pop("B:" + (segment.attributes.get("id") or "")[2:], None)
        if slot is not None:
            slot.insert_before(segment)  # inserts a copy
            slot.decompose()
            segment.decompose()
            moved = True
    return moved


def _drop_structural(body: LexborNode) -> None:
    nodes = body.css(sel.DROP_STRUCTURAL)
    if not nodes:
        return
    total = len(body.text(deep=True))
    for node in nodes:
        size = len(node.text(deep=True))
        # An element that swallowed the page (unclosed tag) holds most of the text and the
        # headline or the main/article element; mega-menus hold much text but neither.
        if total and size > 0.5 * total and node.css_first("main, article, h1") is not None:
            continue
        node.decompose()


def _site_root(body: LexborNode, url: str, min_chars: int) -> LexborNode | None:
    for selector in sel.site_rules_for(urlsplit(url).netloc):
        node = body.css_first(selector)
        if node is not None and len(node.text()) >= min_chars:
            return node
    return None


def _leading_text(body: LexborNode) -> str | None:
    """The loose text before the first element of a scraped fragment (often its title)."""
    for child in body.iter(include_text=True):
        if child.tag == "-text":
            text = " ".join((child.text_content or "").split())
            if text:
                return text
        elif child.tag not in ("br", "-comment"):
            return None
    return None


def _byline_texts(tree: LexborHTMLParser, limit: int = 12) -> list[str]:
    """The texts of the first ``limit`` items of ``tree.css(sel.BYLINE_SELECTOR)``, where an
    element comes once per selector it matches, read with the cheaper ``sel.BYLINE_QUERY``."""
    out: list[str] = []
    last_id, text = -1, ""
    for node in tree.css(sel.BYLINE_QUERY):
        key = node.mem_id
        if key != last_id:  # an element's repeats are adjacent
            last_id = key
            text = " ".join(node.text(separator=" ").split())
            names = node.attributes.get("class") or ""
            out.extend(text for word in sel.BYLINE_SUBSUMED if word in names)
        out.append(text)
        if len(out) >= limit:
            break
    return out[:limit]


class _Body:
    """Body blocks after the metadata lines (bylines, hashtags, copyright) are taken out."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.authors: list[Author] = []
        self.tags: list[str] = []
        self.publisher: str | None = None
        self.lead_publisher: str | None = None


def _filter_blocks(raw: list[RawBlock], title: str | None) -> _Body:
    out = _Body()
    seen: set[str] = set()
    n = len(raw)
    for i, block in enumerate(raw):
        text = block.text
        if _opens_tail(raw, i):
            break  # "Related Posts", "More Videos", "Testimonials": the article has ended
        if sel.HASHTAG_LINE.match(text):
            out.tags.extend(sel.HASHTAG.findall(text))
            continue
        cm = sel.COPYRIGHT.match(text)
        if cm:
            out.publisher = out.publisher or cm.group(1).strip()
            continue
        if len(text) < 200 and is_chrome_text(block):
            continue
        if len(text) < 60 and (sel.LABEL_LINE.match(text) or not _HAS_WORD.search(text)):
            continue  # "Table of contents", "Dec 4, 2025", a lone "•" or zero-width joiner
        if (i < 3 or i >= n - 4) and is_byline(text):
            out.authors.extend(korean_byline(text) or english_byline(text))
            continue
        length = len(text)
        if block.links > 0.6 * length:
            continue
        if title and block.kind == "heading" and text == title:
            continue
        if length > 20:
            if text in seen:
                continue
            seen.add(text)
        kind = block.kind
        if kind == "paragraph" and block.bold >= length and length < 120 and text[-1] not in ".!?":
            kind = "heading"
        out.blocks.append(Block(kind, text))
    if out.blocks:
        lead = out.blocks[0].text
        m = sel.LEAD_DATELINE.match(lead)
        if m:
            out.lead_publisher = m.group(1)
        cut = lead.rfind("=", 0, 50)
        if cut > 0:  # "(서울=연합뉴스) 홍길동 기자 = 본문"
            out.authors.extend(korean_byline(lead[:cut]))
    return out


def _too_short(blocks: list[Block], limits: ParseLimits) -> bool:
    """Whether ``blocks`` make a body under ``min_body_chars`` (joined by blank lines)."""
    return sum(len(b.text) + 2 for b in blocks) - 2 < limits.min_body_chars


def _opens_tail(raw: list[RawBlock], i: int) -> bool:
    """Whether block ``i`` heads what follows the article: a heading (or a bold line) in the last
    third that is only a teaser-list label (:data:`selectors.TAIL_SECTION`), with no long
    unlinked paragraph after it (teaser excerpts are short; an article that goes on is not)."""
    block = raw[i]
    text = block.text
    if 3 * i < 2 * len(raw) or len(text) >= 60 or not sel.TAIL_SECTION.fullmatch(text):
        return False
    if block.kind != "heading" and block.bold < len(text):
        return False
    return not any(len(b.text) >= 300 and b.links < 0.1 * len(b.text) for b in raw[i + 1:])


def _without_author_bio(blocks: list[Block], authors: list[Author]) -> list[Block]:
    """``blocks`` without a closing author box or bio, and without what follows them.

    A box starts at a short heading in the second half of the last ten blocks (``About the
    author``, ``Written by``: :data:`selectors.AUTHOR_BOX`). A bio is one of the last four
    blocks that starts with an author's full or first name followed by a verb that introduces a
    bio (``Jane Doe is a food writer``, ``Karina holds an MBA``). Only authors named like people
    count (two or three capitalised words, no ``Official``/``Team``/``Inc``): a brand as author
    starts many a paragraph of its own article."""
    people = [a.name for a in authors if a.name and sel.PERSON_NAME.fullmatch(a.name)
              and not sel.NOT_A_PERSON.search(a.name)]
    names = {part for name in people for part in (name, name.split()[0]) if len(part) >= 3}
    for index in range(max(3, len(blocks) // 2, len(blocks) - 10), len(blocks)):
        text = blocks[index].text
        if len(text) < 40 and sel.AUTHOR_BOX.match(text):
            blocks = blocks[:index]
            break
    if not names:
        return blocks
    for index in range(max(0, len(blocks) - 4), len(blocks)):
        text = blocks[index].text
        for name in names:
            if text.startswith(name) and sel.BIO_VERB.match(text, len(name)):
                return blocks[:index]
    return blocks


def _lead_publisher(lead: str) -> tuple[str | None, list[Author]]:
    part = lead.split("=")[-1].strip()
    authors = korean_byline(part)
    if authors:
        name = authors[0].name or ""
        part = part.split(name)[0].strip() if name else part
    part = part.split()[0] if part else part
    if not part or any(ch.isdigit() for ch in part):
        return None, authors
    return part, authors


def _outside(node: LexborNode | None, dropped: list[LexborNode]) -> LexborNode | None:
    """``node``, or None when it lies inside one of the ``dropped`` nodes (an ``<h1>`` in a
    ``<button>``): those are decomposed, and reading a destroyed node is undefined."""
    if node is None or not dropped:
        return node
    inside = {drop.mem_id for drop in dropped}
    parent: LexborNode | None = node
    while parent is not None:
        if parent.mem_id in inside:
            return None
        parent = parent.parent
    return node


def _has_player(dropped: list[LexborNode]) -> bool:
    """Whether a video player sits in the page outside its chrome: a ``<video>``, or an embed of
    a video host or player page (a sidebar's video widget is not the page's video). Read from
    the elements about to be dropped, before they are."""
    for node in dropped:
        if node.tag not in sel.PLAYER_TAGS:
            continue
        attrs = node.attributes
        source = attrs.get("src") or attrs.get("data-src") or attrs.get("data") or ""
        if (node.tag == "video" or sel.VIDEO_EMBED.search(source)) and not _in_chrome(node):
            return True
    return False


def _in_chrome(node: LexborNode) -> bool:
    """Whether an ancestor of ``node`` is structural chrome or named as chrome."""
    parent = node.parent
    while parent is not None and parent.tag not in ("body", "html"):
        attrs = parent.attributes
        if parent.tag in sel.H1_CHROME_TAGS or _is_chrome_name(
                f"{attrs.get('class') or ''} {attrs.get('id') or ''}"):
            return True
        parent = parent.parent
    return False


def _page_images(walked: Walk, start: int, end: int, short: bool) -> list[Image]:
    """The images of the body's blocks; on a page with too little text to place them, also the
    captioned images elsewhere in the cleaned page (a photo page's photo sits beside its text)."""
    images = [img for pos, img in walked.images if start <= pos <= end]
    if short:
        images += [img for pos, img in walked.images
                   if img.caption and not start <= pos <= end]
    return images


def _article_kind(page: kinds.Page, body_element: Callable[[], LexborNode | None],
                  limits: ParseLimits) -> ArticleKind:
    """The page's kind, or ParseError(``not_article``) when it is not an article. Whether its
    body is a teaser in a listing is only looked at (``body_element``: the element the body
    came from) where the page could be an index."""
    if kinds.may_be_index(page.marked, page.title, limits):
        page.listing = in_listing(body_element(), limits.short_body_chars)
    why = kinds.rejection(page, limits)
    if why:
        raise ParseError(f"not an article: {why}", reason="not_article")
    return kinds.kind_of(page, limits)


def _droppable(body: LexborNode) -> list[LexborNode]:
    """The elements of :data:`selectors.DROP_TAGS` under ``body``, less a ``<noscript>`` that
    holds the page's text: at least :data:`selectors.NOSCRIPT_TEXT_CHARS` and a quarter of the
    body's text outside scripts and styles (a "this site requires JavaScript" footer holds
    less)."""
    nodes = body.css(sel.DROP_TAGS)
    total = -1
    kept = []
    for node in nodes:
        if node.tag == "noscript":
            size = len(node.text())
            if size >= sel.NOSCRIPT_TEXT_CHARS:
                if total < 0:
                    total = len(body.text()) - sum(len(other.text()) for other in nodes
                                                   if other.tag in ("script", "style"))
                if 4 * size >= total:
                    kept.append(node.mem_id)
    if not kept:
        return nodes
    return [node for node in nodes if node.mem_id not in kept]


def parse_article(
    html: str | bytes,
    url: str,
    *,
    charset: str | None = None,
    content_type: str | None = None,
    limits: ParseLimits | None = None,
) -> Article:
    """Extract the article in ``html`` (fetched from ``url``); raise ParseError if impossible.

    Bytes are decoded (``charset``/``content_type`` from the HTTP header first); see
    :mod:`streams.parse.decode`. The work is bounded by ``limits``.
    """
    limits = limits or DEFAULT_LIMITS
    text, utf8 = decode_page(html, charset=charset, content_type=content_type, limits=limits)
    # what would make building the tree costly
    check_shape(text if utf8 is None else utf8, limits.max_nodes)
    try:
        tree = LexborHTMLParser(text if utf8 is None else utf8)
    except Exception as exc:  # selectolax raises bare errors on internal failures
        raise ParseError(f"unparseable: {exc}", reason="not_html") from exc
    body = tree.body
    if body is None:
        raise ParseError("no body", reason="not_html")
    meta = read_all(tree, limits, html if isinstance(html, bytes) else text)
    h1s, brands, headline = headline_candidates(tree, url, meta.h1_nodes)
    leading = _leading_text(body)
    title = resolve_title(meta, h1s, leading, brands)
    # Byline elements and the page text are read only when metadata leaves a need for them.
    structured_authors = has_structured_authors(meta, title)
    byline_texts = [] if structured_authors else _byline_texts(tree)
    subtitle = find_subtitle(tree, headline, title)  # before any node is decomposed
    dropped = _droppable(body)
    # Streamed segments are looked for only where their placeholders are: templates are among
    # the tags dropped anyway, and a query of the whole tree costs 0.2 ms a page.
    slots = {key: node for node in dropped if node.tag == "template"
             and (key := node.attributes.get("id") or "").startswith("B:")}
    if slots and _place_streamed_segments(body, slots):
        dropped = _droppable(body)  # the moved segments are new nodes
    headline = _outside(headline, dropped)  # a decomposed node must not be read again
    player = meta.video or _has_player(dropped)
    for node in dropped:
        node.decompose()
    # The byline line under the headline, read before chrome removal can take it away.
    under_headline = text_after(headline, sel.HEADLINE_DATE_WINDOW)
    lang_known = detect_language(meta.lang, "") is not None
    # Read before <footer>s go: an article's own <footer> often holds its date.
    page_text = "" if lang_known and has_structured_date(meta) else body.text(separator=" ")
    # Where no metadata or byline element names the author, the page text may ("Written by
    # Jane Roe" under the headline), read before chrome removal takes the header with it. It is
    # only there when no structured date was found: reading it for the other pages too found
    # no more authors on the development set and cost 3% of the speed.
    text_authors = [] if structured_authors or byline_texts else text_byline(
        title_region(page_text, title))
    _drop_structural(body)
    captions, loose_captions = collect_captions(body)
    _remove_chrome(body)
    site = _site_root(body, url, limits.min_body_chars)
    walked = walk(site or body, url, captions, limits)
    if site is not None or not walked.blocks:
        ranges = [(0, len(walked.blocks))]
    else:
        ranges = body_ranges(walked)
    parsed = _filter_blocks([b for s, e in ranges for b in walked.blocks[s:e]], title)
    if site is None and walked.blocks and _too_short(parsed.blocks, limits):
        # Too short for the scorer's taste; a photo, video or brief page's sentences may lose
        # to its headline: weigh them by their length.
        ranges = body_ranges(walked, sentence_weights(
            walked, lambda text: kinds.is_sentence(text, limits)))
        parsed = _filter_blocks([b for s, e in ranges for b in walked.blocks[s:e]], title)
    body_text = "\n\n".join(b.text for b in parsed.blocks)
    start, end = ranges[0][0], ranges[-1][1]
    for source, alt_blocks in meta.body_texts:
        alt_text = "\n\n".join(t for _, t in alt_blocks)
        if (
            len(alt_text) > max(1.5 * len(body_text), len(body_text) + 200)
            or (len(body_text) < limits.min_body_chars <= len(alt_text))
            or (source == "fusion" and alt_text)
        ):
            parsed.blocks = [Block(k, " ".join(t.split())) for k, t in alt_blocks  # type: ignore[arg-type]
                             if t.strip()]
            body_text = "\n\n".join(b.text for b in parsed.blocks)
            break
    for extra in walked.blocks[end : end + 30]:
        found = sel.COPYRIGHT.match(extra.text) if len(extra.text) < 200 else None
        if found:
            parsed.publisher = parsed.publisher or found.group(1).strip()
            break
    images = _page_images(walked, start, end, len(body_text) < limits.min_body_chars)
    publisher = meta.publisher or meta.site_name
    lead_authors: list[Author] = []
    if parsed.lead_publisher:
        lead_pub, lead_authors = _lead_publisher(parsed.lead_publisher)
        publisher = publisher or lead_pub
    publisher = publisher or parsed.publisher
    authors = resolve_authors(meta, parsed.authors + lead_authors, byline_texts, text_authors,
                              title=title, publisher=publisher)
    kept = _without_author_bio(parsed.blocks, authors)
    if len(kept) < len(parsed.blocks) and kept:
        parsed.blocks = kept
        body_text = "\n\n".join(b.text for b in kept)
    published, published_source, modified, modified_source = resolve_dates(
        meta, page_text, url, images, title, under_headline
    )
    page_marked = kinds.marked(meta.article_marked, headline is not None, published_source,
                               authors)
    page = kinds.Page(title, body_text, parsed.blocks, images, loose_captions, page_marked,
                      player)
    kind = _article_kind(page, lambda: site or body_node(walked, start, end), limits)
    if kind in ("photo", "video"):
        parsed.blocks += kinds.caption_blocks(page, limits)
        body_text = "\n\n".join(b.text for b in parsed.blocks)
    tags = list(dict.fromkeys(t.strip().lstrip("#") for t in [*meta.tags, *parsed.tags]
                              if t.strip().lstrip("#")))
    canonical = _canonical(meta, url)
    language = detect_language(meta.lang, body_text or page_text)
    # Local times become instants from the page's own evidence (or only their day is kept).
    zones = zone_evidence(date_stamps(meta), canonical, language)
    published, published_tz_source = resolve_zone(published, zones)
    modified, modified_tz_source = resolve_zone(modified, zones)
    return Article(
        id=article_id(canonical),
        url=url,
        canonical_url=canonical,
        title=title,
        kind=kind,
        language=language,
        subtitle=subtitle,
        headings=[b.text for b in parsed.blocks if b.kind == "heading"],
        blocks=parsed.blocks,
        text=body_text,
        authors=authors,
        publisher=publisher,
        published=published,
        published_source=published_source,
        published_tz_source=published_tz_source,
        modified=modified,
        modified_source=modified_source,
        modified_tz_source=modified_tz_source,
        images=images,
        tags=tags[:50],
        word_count=_word_count(body_text),
        content_hash=hashlib.sha256(body_text.encode("utf-8")).hexdigest(),
    )

