"""``enrich(article)``: entities with canonical ids and salience, IPTC topics and keywords.

Pure and deterministic: the same article always gives the same enrichment. The only state is the
process-wide analyser and data tables in :mod:`streams.enrich.resources`, loaded on first use.
"""

from __future__ import annotations

import re
from collections import Counter

from streams.enrich import aliases, english, generic, korean, topics
from streams.enrich.ids import normalise
from streams.enrich.lexicon import Known, Lexicon, base_lexicon, is_hangul
from streams.enrich.mention import Mention, occupy
from streams.enrich.resolve import Located, Segment, resolve
from streams.records import Article, Enrichment

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


def mask(text: str) -> str:
    """Blank out e-mail addresses and URLs (same length, so offsets hold): never names."""
    return _MASK_RE.sub(lambda m: " " * len(m.group(0)), text)


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


def enrich(article: Article) -> Enrichment:
    """Entities, topics and keywords of one article (see the package docstring for ids)."""
    language = detect_language(article)
    text = body_text(article)
    title = article.title or ""
    caption_texts = captions(article)
    if not (title.strip() or text.strip() or caption_texts or article.tags):
        return Enrichment(language=language)
    korean_mode = language == "ko" or any(is_hangul(c) for c in title + text[:500])
    parts: list[tuple[Segment, str]] = [("title", title), ("text", text)]
    parts += [("caption", caption) for caption in caption_texts]
    lexicon = base_lexicon().with_aliases(aliases.learn([p for _, p in parts], base_lexicon()))
    located: list[Located] = []
    token_sets = []
    pieces = [mask(raw) for _, raw in parts]
    analysed = korean.tokenize_many(pieces) if korean_mode else []
    for part, (segment, _) in enumerate(parts):
        piece = pieces[part]
        if korean_mode:
            tokens = analysed[part]
            token_sets.append((segment, tokens))
            mentions = korean.extract(piece, lexicon, tokens)
        else:
            mentions = english.extract(piece, lexicon, confirm=text if segment == "title" else None)
        for mention in generic.drop_generic(mentions, bodies=True):  # 정부, 경찰: not trackable
            offset = {"title": 0, "text": mention.start}.get(segment, len(text))
            located.append(Located(mention, segment, offset, part))
    located += _partial_names(located, parts, text)
    located += [item for item in _tag_mentions(article.tags, lexicon, len(text), korean_mode)
                if not generic.is_generic(item.mention, bodies=True)]
    entities = resolve(located, lead_span(article, text), language)
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
    scored, keywords = topics.classify(title, text, token_sets, korean_mode,
                                       {n: c for n, c in names.items() if c > 0}, covered)
    return Enrichment(language=language, entities=entities, topics=scored, keywords=keywords)


def _tag_mentions(tags: list[str], lexicon: Lexicon, end: int, korean_mode: bool) -> list[Located]:
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
            if not korean.single_proper_noun(surface):
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
