"""English name extraction without a statistical model: lexicon scan plus capitalised spans.

A capitalised run is a name candidate; a single capitalised word at a sentence start is only
kept when the same word also appears capitalised mid-sentence (so ``Shares`` or ``Analysts``
opening a sentence are not names). Titles (``President``, ``Mr.``) and speech verbs (``said``)
type a run as a person; suffixes (``Inc.``, ``University``, ``River``) as organisation or place.
"""

from __future__ import annotations

import re

from streams.enrich import generic, rules
from streams.enrich.lexicon import Lexicon
from streams.enrich.mention import Mention, occupy, overlaps
from streams.enrich.rules import words

_WORD = (
    r"(?:(?:Inc|Corp|Ltd|Co|Jr|Sr|St|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|Prof)\.|(?:[A-Z]\.)+"
    r"|[A-Z][A-Za-z0-9'’\-&]*)"
)
_SPAN_RE = re.compile(rf"{_WORD}(?:\s+(?:(?:of|for|the|and|de|von|van|der|du|la)\s+)?{_WORD})*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\"“‘(\n]\s*|\n)$")
_TITLE_WORDS = rules.PERSON_CUES_EN | frozenset(
    words(
        "Prime Vice Chief Executive Foreign Finance Defense Defence Deputy Former Acting First"
    )
)
_COMMON_STARTS = frozenset(
    words(
        "The A An In On At He She It They We I You This That These Those But And Or If When While "
        "After Before As For With By From Its His Her Their Our Then There Here What Why How Who "
        "Where Some Many Most More Such Also Yet So Still Now Last Next Over Under Since Despite "
        "However Meanwhile According Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
        "January February March April May June July August September October November December"
    )
)


def extract(text: str, lexicon: Lexicon) -> list[Mention]:
    """All name mentions in one piece of English text, sorted by position."""
    if not text.strip():
        return []
    occupied = bytearray(len(text))
    found: list[Mention] = []
    for start, end, known in lexicon.scan(text):
        found.append(Mention(start, end, text[start:end], known.type, known.source,
                             known.confidence, known))
        occupy(occupied, start, end)
    midsentence = {
        m.group(0).rstrip(".") for m in _SPAN_RE.finditer(text)
        if not _SENTENCE_START_RE.search(text[max(0, m.start() - 3):m.start()])
    }
    for match in _SPAN_RE.finditer(text):
        mention = _candidate(text, match.start(), match.end(), midsentence, lexicon)
        if mention is None or generic.is_generic(mention):
            continue  # CEO, AI: a title or an acronym of a common noun
        if not overlaps(occupied, mention.start, mention.end):
            occupy(occupied, mention.start, mention.end)
            found.append(mention)
    found.sort(key=lambda m: m.start)
    return found


def _candidate(text: str, start: int, end: int, midsentence: set[str],
               lexicon: Lexicon) -> Mention | None:
    surface = text[start:end]
    if surface.endswith(".") and surface[:-1].split()[-1] not in rules.ORG_SUFFIXES_EN:
        surface = surface[:-1]
    for suffix in ("'s", "’s"):
        if surface.endswith(suffix):
            surface = surface[: -len(suffix)]
    words = surface.split()
    titled = False
    while words and (words[0] in _TITLE_WORDS or words[0] in _COMMON_STARTS):
        titled = titled or words[0] in _TITLE_WORDS
        start += len(words[0]) + 1
        words = words[1:]
    if titled and words and words[0].islower():
        titled = False  # CEO of Acme Corp.: the title's organisation, not a person
        while words and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
    if not words:
        return None
    surface = " ".join(words)
    end = start + len(surface)
    if text[start:end] != surface:  # irregular spacing; fall back to the raw slice
        return None
    at_sentence_start = bool(_SENTENCE_START_RE.search(text[max(0, start - 3):start]))
    if len(words) == 1 and at_sentence_start and surface not in midsentence:
        # Kept only as a weak mention: it survives if it corefers with a full name.
        return Mention(start, end, surface, "other", "weak", 0.1)
    if surface in rules.LATIN_STOP or len(surface) < 2 or generic.all_generic(words):
        return None
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    by_suffix = rules.suffix_type_en(words)
    if by_suffix is not None and not titled:  # Acme Corp. said: organisations speak too
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    following = text[end:end + 12].split()
    if titled or (following and following[0].rstrip(",.") in rules.PERSON_VERBS_EN
                  and len(words) in (2, 3)):
        return Mention(start, end, surface, "person", "rule", 0.7)
    if by_suffix is not None:
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    return Mention(start, end, surface, "other", "default", 0.3)
