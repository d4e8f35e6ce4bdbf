"""The content scorer: one walk over the cleaned tree turns it into ordered text blocks, then
the element whose blocks score highest (prose adds, link lists and chrome subtract: a maximum
weight subtree) is taken as the article body.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin

from selectolax.lexbor import LexborNode

from streams.errors import ParseError
from streams.parse import selectors as sel
from streams.parse.limits import ParseLimits
from streams.records import BlockKind, Image

INLINE_TAGS = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em",
        "font", "i", "ins", "kbd", "label", "mark", "nobr", "q", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr", "-text", "picture",
        "ruby", "rb",
    }
)
KIND_OF_TAG: dict[str, BlockKind] = {
    "p": "paragraph", "pre": "paragraph", "dd": "paragraph", "dt": "paragraph",
    "h1": "heading", "h2": "heading", "h3": "heading", "h4": "heading", "h5": "heading",
    "h6": "heading", "li": "list_item", "blockquote": "quote",
}
BOLD_TAGS = frozenset({"b", "strong"})
#: Table cells are read inline, separated by `` | ``, so that a table row is one block.
CELL_TAGS = frozenset({"td", "th"})
#: Nodes the walk does not enter: ``rt``/``rp`` are a ruby's reading aids (the kana printed over
#: kanji), which would otherwise split every Japanese word of the text.
SKIP_NODES = frozenset({"-comment", "-doctype", "img", "source", "hr", "rt", "rp"})
IMAGE_ATTRS = ("data-org-src", "data-src", "data-lazy-src", "data-original", "data-url", "src")


@dataclass(slots=True)
class RawBlock:
    kind: BlockKind
    text: str
    links: int
    bold: int
    chrome: int = -1  #: memoised CHROME_TEXT match on short text: -1 unknown, 0 no, 1 yes
    row: bool = False  #: the text of a table row (cells joined by `` | ``)


def is_chrome_text(block: RawBlock) -> bool:
    """Whether a short block (< 300 chars) reads as page chrome (memoised on the block)."""
    if block.chrome < 0:
        block.chrome = int(len(block.text) < 300 and sel.chrome_text(block.text))
    return block.chrome == 1


@dataclass(slots=True)
class Walk:
    """Blocks in document order, and for each block-level element the range it spans."""

    blocks: list[RawBlock] = field(default_factory=list)
    spans: list[tuple[LexborNode, int, int]] = field(default_factory=list)
    images: list[tuple[int, Image]] = field(default_factory=list)


def _image(node: LexborNode, base_url: str, captions: dict[int, str]) -> Image | None:
    attrs = node.attributes
    src = None
    for name in IMAGE_ATTRS:
        value = attrs.get(name)
        if value and not value.startswith("data:"):
            src = value.strip()
            break
    if not src:
        srcset = attrs.get("srcset") or attrs.get("data-srcset")
        if srcset:
            src = srcset.split(",")[0].split()[0] if srcset.split() else None
    if not src:
        return None
    width = None
    for name in ("data-org-width", "width"):
        value = attrs.get(name)
        if value and value.isdigit():
            width = int(value)
            break
    alt = " ".join((attrs.get("alt") or "").split()) or None
    # Most sources are absolute already; urljoin costs 25 µs, a tenth of a page's images budget.
    absolute = src if src.startswith(("https://", "http://")) else urljoin(base_url, src)
    return Image(absolute, alt, captions.get(node.mem_id), width)


def collect_captions(root: LexborNode) -> tuple[dict[int, str], list[str]]:
    """Detach caption elements; map the image each one describes (by mem_id) to its text. The
    texts of captions with no image near them (a video's description under its player) come
    second, in page order: a short page's only sentences may be there."""
    captions: dict[int, str] = {}
    loose: list[str] = []
    for cap in root.css(sel.CAPTION_SELECTOR):
        if cap.tag in ("body", "html", "main", "article"):
            continue
        text = " ".join(cap.text(separator=" ").split())
        holder = cap.parent
        img = None
        for _ in range(3):
            if holder is None:
                break
            img = holder.css_first("img")
            if img is not None:
                break
            holder = holder.parent
        if img is None and text:
            loose.append(text)
        elif img is not None and text and img.mem_id not in captions:
            captions[img.mem_id] = text
        cap.decompose()
    return captions, loose


def _preformatted(raw: str) -> str:
    """The text of a ``<pre>`` (a code sample, a poem, a table in monospace): lines kept, common
    indentation and trailing spaces removed, blank lines at either end dropped."""
    return textwrap.dedent("\n".join(line.rstrip() for line in raw.split("\n"))).strip("\n")


def walk(
    root: LexborNode, base_url: str, captions: dict[int, str], limits: ParseLimits
) -> Walk:
    """Turn the tree under ``root`` into blocks in one iterative pass (bounded by limits).

    The walk keeps a stack of child iterators (one per open element): a run of text nodes and
    leaf elements is consumed by one ``for`` loop without touching the stack, and an element
    is left when its iterator is exhausted. Whitespace-only text met while no text is pending
    is skipped (it could only be collapsed away).
    """
    out = Walk()
    blocks, spans, images = out.blocks, out.spans, out.images
    buf: list[str] = []
    link_chars = bold_chars = 0
    link_depth = bold_depth = 0
    kinds: list[BlockKind] = ["paragraph"]
    span_start: list[int] = []
    # Per open block-level element: -1, or for a table row (<tr>) the number of its cells so
    # far. Text flushed at the level of a row of two or more cells, spanning cells (it holds a
    # `` | ``), is a table row's text; one cell's text is page layout (old sites set whole
    # articles in a <td>, in paragraphs broken by <br>).
    rows: list[int] = []
    pre_depth = 0  # inside <pre>: the text's line breaks and indentation are kept
    visited = 0
    max_nodes, max_depth = limits.max_nodes, limits.max_depth

    def flush() -> None:
        nonlocal link_chars, bold_chars
        text = _preformatted("".join(buf)) if pre_depth else " ".join("".join(buf).split())
        if text:
            blocks.append(RawBlock(kinds[-1], text, min(link_chars, len(text)), bold_chars,
                                   row=bool(rows) and rows[-1] >= 2 and " | " in text))
        buf.clear()
        link_chars = bold_chars = 0

    # iters[d] yields the nodes at depth d; opened[d] is the element whose children
    # iters[d + 1] yields (the root is yielded by a one-item iterator).
    iters: list[Iterator[LexborNode]] = [iter((root,))]
    opened: list[tuple[LexborNode, str]] = []
    depth = 0
    while iters:
        for node in iters[-1]:
            visited += 1
            if visited > max_nodes:
                raise ParseError("too many nodes", reason="too_complex")
            if depth > max_depth:
                raise ParseError("nesting too deep", reason="too_complex")
            text = node.text_content  # None for elements (and for empty text nodes)
            if text is not None:
                if buf or not text.isspace():
                    buf.append(text)
                    if link_depth:
                        link_chars += len(text.strip())
                    if bold_depth:
                        bold_chars += len(text.strip())
                continue
            tag = node.tag or ""
            if tag == "-text":
                continue  # a text node without data adds nothing
            if tag in SKIP_NODES:
                if tag == "img":
                    image = _image(node, base_url, captions)
                    if image is not None:
                        images.append((len(blocks), image))
                continue
            if tag == "br":
                if pre_depth:
                    buf.append("\n")
                elif buf:
                    flush()
                continue
            if tag == "a":
                link_depth += 1
            elif tag in BOLD_TAGS:
                bold_depth += 1
            elif tag in CELL_TAGS:
                if rows and rows[-1] >= 0:
                    rows[-1] += 1
                if buf and not buf[-1].endswith(" | "):
                    buf.append(" | ")
            elif tag not in INLINE_TAGS:
                if buf:
                    flush()
                pre_depth += tag == "pre"
                kind = KIND_OF_TAG.get(tag)
                if kind is not None:
                    kinds.append("quote" if kinds[-1] == "quote" and kind == "paragraph" else kind)
                span_start.append(len(blocks))
                rows.append(0 if tag == "tr" else -1)
            opened.append((node, tag))
            iters.append(node.iter(include_text=True))
            depth += 1
            break
        else:
            iters.pop()
            depth -= 1
            if not opened:
                break
            elem, tag = opened.pop()
            if tag == "a":
                link_depth -= 1
            elif tag in BOLD_TAGS:
                bold_depth -= 1
            elif tag in CELL_TAGS:
                pass
            elif tag not in INLINE_TAGS:
                if buf:
                    flush()
                pre_depth -= tag == "pre"
                if tag in KIND_OF_TAG:
                    kinds.pop()
                rows.pop()
                spans.append((elem, span_start.pop(), len(blocks)))
    if buf:
        flush()
    return out


#: A sibling of the best element joins the body when its blocks weigh at least this share of
#: the best element's (and at least :data:`SIBLING_MIN`): readability's sibling rule, for
#: articles split into sections between which sit link lists or widgets that keep the common
#: parent from winning.
SIBLING_SHARE = 0.2
SIBLING_MIN = 50.0


def body_ranges(walk_: Walk, prefix: list[float] | None = None) -> list[tuple[int, int]]:
    """The block ranges of the body: the element whose blocks weigh most (deepest on ties) and
    those of its block-level siblings that weigh enough (:data:`SIBLING_SHARE`), in order.
    ``prefix``: the running block weights, when not the usual ones."""
    prefix = prefix or _prefix_weights(walk_)
    spans = walk_.spans
    best_index = -1
    best_score = float("-inf")
    # spans are recorded in post-order (children before parents): keep the first maximum.
    for index, (_, start, end) in enumerate(spans):
        score = prefix[end] - prefix[start]
        if score > best_score:
            best_index, best_score = index, score
    if best_index < 0:
        raise ParseError("no content", reason="not_article")
    node, start, end = spans[best_index]
    ranges = [(start, end)]
    parent = node.parent
    if parent is None or best_score <= 0:
        return ranges
    # The parent's span comes later in post-order; its direct block-level children are found
    # by walking back from it, skipping each child's own descendants (just before the child).
    parent_id = parent.mem_id
    at = next((i for i in range(best_index + 1, len(spans))
               if spans[i][0].mem_id == parent_id), -1)
    if at < 0:
        return ranges
    parent_start = spans[at][1]
    floor = max(SIBLING_MIN, SIBLING_SHARE * best_score)
    j = at - 1
    while j >= 0 and spans[j][1] >= parent_start:
        _, child_start, child_end = spans[j]
        if child_end > child_start and (child_start, child_end) != (start, end) and (
                prefix[child_end] - prefix[child_start] >= floor):
            ranges.append((child_start, child_end))
        j -= 1
        while j >= 0 and spans[j][1] >= child_start and spans[j][2] <= child_end:
            j -= 1  # a descendant of this child
    ranges.sort()
    return _article_ranges(walk_, node, ranges)


#: An ``<article>`` (or ``itemprop=articleBody``) around the best element replaces the chosen
#: ranges when it holds at least this many times their prose: link lists inside a post (a
#: changelog of linked items) can outweigh its paragraphs in the scorer, leaving one paragraph.
ARTICLE_PROSE_RATIO = 2.0


def _prose(walk_: Walk, start: int, end: int) -> float:
    """Characters of unlinked text in the non-chrome blocks of ``[start, end)``."""
    total = 0.0
    for block in walk_.blocks[start:end]:
        if block.chrome != 1 and block.kind != "heading" and block.text:
            total += len(block.text) * max(0.0, 1.0 - block.links / len(block.text))
    return total


def _article_ranges(walk_: Walk, node: LexborNode, ranges: list[tuple[int, int]]
                    ) -> list[tuple[int, int]]:
    ancestor = node.parent
    while ancestor is not None and ancestor.tag not in ("article", "body", "html"):
        if ancestor.attributes.get("itemprop") == "articleBody":
            break
        ancestor = ancestor.parent
    if ancestor is None or ancestor.tag in ("body", "html") or (
            ancestor.tag == "article" and sum(n.tag == "article" for n, _, _ in walk_.spans) > 1):
        return ranges  # a listing: each teaser is an <article>
    span = next(((s, e) for n, s, e in walk_.spans if n.mem_id == ancestor.mem_id), None)
    if span is None:
        return ranges
    chosen = sum(_prose(walk_, s, e) for s, e in ranges)
    return [span] if _prose(walk_, *span) >= ARTICLE_PROSE_RATIO * chosen else ranges


def sentence_weights(walk_: Walk, is_sentence: Callable[[str], bool]) -> list[float]:
    """Running block weights for a page whose body came out too short to be an article: a
    block that reads as a sentence (``is_sentence``) weighs its unlinked length, without the
    prose penalty that lets a headline (weight 0) outweigh one or two short sentences; the
    others weigh as usual (date lines and credits below zero)."""
    usual = _prefix_weights(walk_)
    prefix = [0.0]
    for i, block in enumerate(walk_.blocks):
        weight = usual[i + 1] - usual[i]
        if block.kind != "heading" and 2 * block.links < len(block.text) and is_sentence(
                block.text):
            weight = float(len(block.text) - block.links)
        prefix.append(prefix[-1] + weight)
    return prefix


def _prefix_weights(walk_: Walk) -> list[float]:
    """Running sums of the block weights (``prefix[i]``: blocks before ``i``)."""
    prefix = [0.0]
    total = 0.0
    chrome_text, copyright_ = sel.chrome_text, sel.COPYRIGHT.match
    # Block weight, inlined (the hottest loop after the walk): positive for prose, negative
    # for link lists, chrome and crumbs.
    for block in walk_.blocks:
        text = block.text
        length = len(text)
        if length < 300:
            chrome = block.chrome
            if chrome < 0:
                chrome = block.chrome = int(chrome_text(text))
            if chrome or copyright_(text):
                total += -float(length) - 20.0
                prefix.append(total)
                continue
        if block.row and length < 300:  # a data table's row: content but not prose, neutral
            prefix.append(total)
            continue
        density = block.links / length
        if density > 0.5:
            total += -length * density * 0.5 - 10.0
        elif block.kind != "heading":
            total += length * (1.0 - density) - 30.0
        else:
            total += 0.0
        prefix.append(total)
    return prefix


def body_node(walk_: Walk, start: int, end: int) -> LexborNode | None:
    """The deepest element whose blocks are exactly ``[start, end)`` (spans are in post-order:
    children first)."""
    return next((node for node, s, e in walk_.spans if (s, e) == (start, end)), None)


#: How many levels above the body element a listing's item is looked for (a teaser card's
#: text often sits four levels inside its list item).
LISTING_DEPTH = 5


def in_listing(node: LexborNode | None, max_item_chars: int) -> bool:
    """Whether ``node`` is one teaser of a listing: it, or one of its nearest ancestors
    (:data:`LISTING_DEPTH`), has at least two siblings alike (same tag and class) which, like it,
    each hold a link and under ``max_item_chars`` of text. The scorer then chose one teaser's
    standfirst; an article's paragraphs and sections are not alike in that way (they hold no
    link, or too much text)."""
    item = node
    for _ in range(LISTING_DEPTH):
        if item is None or item.parent is None or item.tag in ("body", "html"):
            return False
        if _alike_items(item.parent.iter(), item, max_item_chars) >= 3:
            return True
        item = item.parent
    return False


def _alike_items(elements: Iterator[LexborNode], like: LexborNode, max_chars: int) -> int:
    """How many of ``elements`` are teaser items (a link, short text) of the kind of ``like``
    (a tag and a class)."""
    kind = _item_kind(like)
    if not kind[1]:
        return 0
    return sum(1 for element in elements if _item_kind(element) == kind
               and element.css_first("a[href]") is not None and len(element.text()) < max_chars)


def _item_kind(element: LexborNode) -> tuple[str, str]:
    """Tag and class of ``element``, without the class words that number one item
    (``post-123``): the items of a listing share the rest."""
    names = (element.attributes.get("class") or "").split()
    return element.tag or "", " ".join(n for n in names if not any(c.isdigit() for c in n))
