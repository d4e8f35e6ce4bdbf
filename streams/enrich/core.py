"""``enrich(article, enricher)``: entities with canonical ids and salience, IPTC topics and
keywords, in one pass of named steps (:func:`enrich` reads them in order):

1. :func:`read`: the language, and the texts to read (title, body, captions, at most
   :data:`MAX_TEXT_CHARS` of them together, runs of :data:`MAX_RUN_CHARS` characters without a
   space blanked) and the same with e-mail addresses and URLs masked;
2. :func:`learn_aliases`: ``한국어(English)`` pairs of the article, overlaid on the enricher's
   lexicon (gazetteer and CLDR countries);
3. :func:`tokenise`: the Korean analyser's morphemes of each text (Korean pages only);
4. :func:`find_names`: per text, the name candidates, typed and linked to canonical ids where the
   lexicon knows them (:func:`streams.enrich.korean.extract`, :func:`streams.enrich.english.extract`
   do these three per language), generic words dropped; then the surnames of the persons found,
   and the hashtags;
5. :func:`streams.enrich.resolve.resolve`: within the article, mentions become entities (ids of
   unknown names, coreference, salience), at most :data:`MAX_ENTITIES` of them;
6. :func:`topics_and_keywords`: IPTC topics and keywords (:mod:`streams.enrich.topics`).

Pure and deterministic: the same article and enricher always give the same enrichment. Every
resource (analyser, CRF models, lexicon, tables) comes from the
:class:`~streams.enrich.enricher.Enricher` passed in; nothing here is loaded or cached.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from streams.enrich import aliases, english, generic, korean, topics
from streams.enrich.ids import normalise
from streams.enrich.lexicon import Known, Lexicon, is_hangul
from streams.enrich.mention import Mention, occupy
from streams.enrich.resolve import Located, Segment, resolve
from streams.records import Article, Enrichment, Entity, Topic

if TYPE_CHECKING:
    from streams.enrich.enricher import Enricher

#: Most characters of an article that enrichment reads: its title, body and captions, in that
#: order, each cut at the last space before what is left of this (``news_enrich_text_cut``
#: counts the articles cut). Its cost grows faster than the text (Korean body text: 0.57 s of
#: CPU for 20,000 characters, 3.2 s for 80,000), and a page may hold 5 MB of it; under this
#: bound an article costs about a second at most (bench/faults.py ``--only enrich_hostile``),
#: and it is longer than all but the longest features (which keep their lead, where the
#: salient names are).
MAX_TEXT_CHARS = 30_000
#: A run of this many characters without a space is masked: no name is that long, and reading
#: one costs time that grows with its square (a run of 20,000 Latin letters: 0.56 s; 80,000:
#: 8.7 s).
MAX_RUN_CHARS = 100
#: Most entities of one article: those of the title, then in the order of their first mention.
#: Each is carried on by every record made of the article (the enriched article, a mention
#: event, a trend record), so this bounds what one article adds to the broker (streams/roll.py
#: ``GROWTH_PER_RECORD``); the most of 470 real articles was 183, the median 14.
MAX_ENTITIES = 200
_RUN_RE = re.compile(rf"\S{{{MAX_RUN_CHARS},}}")
_MASK_RE = re.compile(r"\S+@\S+\.\w+|https?://\S+|www\.\S+")


def detect_language(article: Article) -> str | None:
    """The declared language, else ``ko`` when Hangul dominates letters, ``en`` for Latin."""
    if article.language:
        return article.language.split("-")[0].lower()
    sample = (article.title or "") + article.text[:2000]
    hangul = sum(1 for char in sample if is_hangul(char))
    latin = sum(1 for char in sample if char.isascii() and char.isalpha())
    if hangul == latin == 0:
        return None
    return "ko" if hangul * 2 >= latin else "en"


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def mask(text: str) -> str:
    """Blank out e-mail addresses and URLs (same length, so offsets hold): never names."""
    return _MASK_RE.sub(_blank, text)


def blank_runs(text: str) -> str:
    """Blank out runs of :data:`MAX_RUN_CHARS` characters without a space (same length): never
    names, and every later step (the address pattern of :func:`mask` too, which backtracks
    over the square of a run) costs more than their length."""
    return _RUN_RE.sub(_blank, text)


def body_text(article: Article) -> str:
    return article.text or "\n\n".join(block.text for block in article.blocks)


def lead_span(article: Article, text: str) -> tuple[int, int]:
    """Character range of the first paragraph inside ``text`` (the lead)."""
    for block in article.blocks:
        if block.kind == "paragraph" and block.text.strip():
            start = text.find(block.text)
            if start >= 0:
                return start, start + len(block.text)
            break
    end = text.find("\n\n")
    return 0, end if end >= 0 else len(text)


def captions(article: Article) -> list[str]:
    """Distinct alt texts and captions, in image order (alt often repeats the caption)."""
    out: list[str] = []
    for image in article.images:
        for piece in (image.caption, image.alt):
            if piece and piece.strip() and piece.strip() not in out:
                out.append(piece.strip())
    return out


@dataclass(frozen=True, slots=True)
class Page:
    """What enrichment reads of an article (:func:`read`)."""

    language: str | None
    title: str
    text: str  # the body
    parts: list[tuple[Segment, str]]  # title, body, then each caption, as written
    pieces: list[str]  # the same texts with e-mail addresses and URLs masked (offsets hold)
    korean: bool  # Korean mode: Kiwi, the Korean rules and CRF
    empty: bool  # nothing to read: no title, body, caption or tag


def enrich(article: Article, enricher: Enricher) -> Enrichment:
    """Entities, topics and keywords of one article (see the package docstring for ids), in
    the steps of the module docstring."""
    page = read(article)  # language; title, body and captions, masked
    if page.empty:
        return Enrichment(language=page.language)
    lexicon = learn_aliases(enricher, page)  # the gazetteer plus this article's aliases
    tokens = tokenise(enricher, page)  # the Korean analyser, Korean pages only
    # name candidates, typed and linked to ids where known (per language), generic words out
    located = find_names(enricher, page, lexicon, tokens, article.tags)
    # within the article: unknown names' ids, coreference, salience
    entities = resolve(located, lead_span(article, page.text), page.language,
                       enricher.places)[:MAX_ENTITIES]
    scored, keywords = topics_and_keywords(enricher, page, tokens, located, entities)
    return Enrichment(language=page.language, entities=entities, topics=scored, keywords=keywords)


def read(article: Article) -> Page:
    """The language and the texts of ``article`` (title, body, captions) within
    :data:`MAX_TEXT_CHARS`, over-long runs blanked; and the same texts masked."""
    language = detect_language(article)
    title, text, *caption_texts = [blank_runs(piece) for piece in within_budget(
        [article.title or "", body_text(article), *captions(article)])]
    empty = not (title.strip() or text.strip() or caption_texts or article.tags)
    korean_mode = language == "ko" or any(is_hangul(c) for c in title + text[:500])
    parts: list[tuple[Segment, str]] = [("title", title), ("text", text)]
    parts += [("caption", caption) for caption in caption_texts if caption]
    pieces = [mask(raw) for _, raw in parts]
    return Page(language, title, text, parts, pieces, korean_mode, empty)


def within_budget(texts: list[str], budget: int = MAX_TEXT_CHARS) -> list[str]:
    """``texts`` in order within ``budget`` characters: the one that passes it is cut (at the
    last space before, when there is one in its second half: a prefix, so offsets in the text
    hold), and those after it are left out (empty)."""
    kept = []
    for text in texts:
        if len(text) > budget:  # cut: the texts after it are not read
            space = text.rfind(" ", budget // 2, budget)
            kept.append(text[:space if space > 0 else budget])
            budget = 0
        else:
            kept.append(text)
            budget -= len(text)
    return kept


def is_cut(article: Article) -> bool:
    """Whether enrichment reads less than the whole of ``article`` (:data:`MAX_TEXT_CHARS`)."""
    return len(article.title or "") + len(body_text(article)) + sum(
        map(len, captions(article))) > MAX_TEXT_CHARS


def learn_aliases(enricher: Enricher, page: Page) -> Lexicon:
    """The enricher's lexicon with the article's ``한국어(English)`` aliases overlaid."""
    base = enricher.lexicon
    return base.with_aliases(aliases.learn([p for _, p in page.parts], base))


def tokenise(enricher: Enricher, page: Page) -> list[list[Any]]:
    """The analyser's morphemes of each masked text of a Korean page; none otherwise."""
    return korean.tokenize_many(enricher.analyser, page.pieces) if page.korean else []


def find_names(enricher: Enricher, page: Page, lexicon: Lexicon, tokens: list[list[Any]],
               tags: list[str]) -> list[Located]:
    """Name mentions of every text, typed and linked to ids where known, placed in the article;
    generic words (titles, acronyms of common nouns, bodies such as 정부) dropped; then the last
    words of the persons found wherever else they occur, and the hashtags."""
    located: list[Located] = []
    text = page.text
    for part, (segment, _) in enumerate(page.parts):
        piece = page.pieces[part]
        if page.korean:
            mentions = korean.extract(enricher, piece, lexicon, tokens[part])
        else:
            mentions = english.extract(enricher, piece, lexicon,
                                       confirm=text if segment == "title" else None)
        # 정부, 경찰: not trackable
        for mention in generic.drop_generic(mentions, enricher.stoplist, bodies=True):
            offset = {"title": 0, "text": mention.start}.get(segment, len(text))
            located.append(Located(mention, segment, offset, part))
    located += _partial_names(located, page.parts, text)
    if page.korean:  # one-word CRF "persons" that no title, shape or full name supports
        # (their readings as another type stay: 서문시장 read once as a person, once a place)
        unsupported = korean.unsupported_people([item.mention for item in located], page.pieces)
        located = [item for item in located if item.mention.source != "crf"
                   or item.mention.type != "person" or item.mention.surface not in unsupported]
    located += [item for item in _tag_mentions(enricher, tags, lexicon, len(text), page.korean)
                if not generic.is_generic(item.mention, enricher.stoplist, bodies=True)]
    return located


def topics_and_keywords(enricher: Enricher, page: Page, tokens: list[list[Any]],
                        located: list[Located], entities: list[Entity]
                        ) -> tuple[list[Topic], list[str]]:
    """IPTC topics and keywords; the entities' names compete as keywords, and the Kiwi pieces
    of the characters they cover do not."""
    title, text = page.title, page.text
    token_sets = [(segment, tokens[part]) for part, (segment, _) in enumerate(page.parts)
                  ] if page.korean else []
    covered = {"title": bytearray(len(title)), "text": bytearray(len(text))}
    surviving = {surface for entity in entities for surface in entity.surface_forms}
    for item in located:
        # a weak mention that named nothing (``Wildfire`` opening a headline) stays a word
        if item.segment in covered and (item.mention.source != "weak"
                                        or item.mention.surface in surviving):
            occupy(covered[item.segment], item.mention.start, item.mention.end)
    in_body = Counter(item.mention.surface for item in located if item.segment in covered)
    names = {
        entity.name: sum(in_body[surface] for surface in set(entity.surface_forms))
        for entity in entities if entity.type != "other" or entity.source != "default"
    }
    return topics.classify(enricher.topics, title, text, token_sets, page.korean,
                           {n: c for n, c in names.items() if c > 0}, covered)


def _tag_mentions(enricher: Enricher, tags: list[str], lexicon: Lexicon, end: int,
                  korean_mode: bool) -> list[Located]:
    """Hashtags as mentions: known ones map to their entity; others only if they look like names."""
    out = []
    for tag in tags:
        surface = tag.lstrip("#").strip()
        if not normalise(surface):
            continue
        known = lexicon.lookup(surface)
        if known is not None:
            mention = Mention(0, len(surface), surface, known.type, known.source,
                              known.confidence, known)
        elif korean_mode and any(is_hangul(c) for c in surface):
            if not korean.single_proper_noun(enricher.analyser, surface):
                mention = Mention(0, len(surface), surface, "other", "default", 0.2)
            else:
                mention = Mention(0, len(surface), surface, "other", "default", 0.3)
        else:
            mention = Mention(0, len(surface), surface, "other", "default", 0.2)
        out.append(Located(mention, "tag", end))
    return out


def _partial_names(located: list[Located], parts: list[tuple[Segment, str]],
                   text: str) -> list[Located]:
    """Last words of multi-word person names (올트먼, 크라우제, Whitfield) wherever else they occur.

    Kiwi often tags a lone foreign surname as a common noun, so these are looked for by string;
    :func:`resolve` then attaches each to the one person it belongs to (an ambiguous surname
    stays a separate low-confidence name).
    """
    surnames = Lexicon()
    for item in located:
        words = item.mention.surface.split()
        if item.mention.type == "person" and len(words) >= 2 and len(words[-1]) >= 2:
            surnames.add(words[-1], Known("part", "person", None, None, "rule", 0.5))
    if not surnames.by_key:
        return []
    taken = [bytearray(len(raw)) for _, raw in parts]
    for item in located:
        occupy(taken[item.part], item.mention.start, item.mention.end)
    out = []
    for part, (segment, raw) in enumerate(parts):
        for start, end, _ in surnames.scan(raw):
            if not any(taken[part][start:end]):
                mention = Mention(start, end, raw[start:end], "person", "rule", 0.5)
                offset = {"title": 0, "text": start}.get(segment, len(text))
                out.append(Located(mention, segment, offset, part))
    return out
