"""English name extraction: lexicon scan plus capitalised spans, and the optional statistical
model (:mod:`streams.enrich.en_model`) for the runs these rules cannot type.

A capitalised run is a name candidate (one camel-case word, ``BlackRock``, an organisation); a
single capitalised word at a sentence start is only kept when the same word also appears
capitalised mid-sentence (so ``Shares`` or ``Analysts`` opening a sentence are not names), and a
sentence's first word joined to a name by ``of`` is dropped (``Shares of BlackRock``). In a
title-case headline (``How I Keep Sourdough Starter Alive``) capitals say nothing, so there a run
is kept only when the lexicon knows it or the body uses it too. Titles (``President``, ``Mr.``),
speech verbs (``said``), a role written before the name (``writer Tom Becker``) and a common
given name first (``David Glanzman``) type a run as a person; head words (``Inc.``, ``River``,
``University of``) as organisation or place, except that a "place" that speaks is a person
(``Lisa Park said``); ``in``/``near``/``north of`` before an otherwise untyped run make it a
place, and so does a wire dateline (``FLAGSTAFF, Ariz. (AP) —``, ``LONDON, Nov 26 (Reuters) -``).
Two suffixed or camel-case names joined by ``and`` (``Main Street and Fifth Avenue``) are two
names. A known place right after a given name is a surname (``Michael Jordan``), and one inside a
longer run with a head word is part of that name (``University of California``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from streams.enrich import en_model, generic, rules
from streams.enrich.lexicon import Lexicon
from streams.enrich.mention import Mention, known_or, occupy, overlaps
from streams.enrich.resources import read_tsv
from streams.enrich.rules import words

if TYPE_CHECKING:
    from streams.enrich.enricher import Enricher

_WORD = (
    r"(?:(?:Inc|Corp|Ltd|Co|Jr|Sr|St|Mr|Mrs|Ms|Dr|Gen|Gov|Sen|Rep|Prof)\.|(?:[A-Z]\.)+"
    r"|[A-Z][A-Za-z0-9'’\-&]*)"
)
_SPAN_RE = re.compile(
    rf"{_WORD}(?:\s+(?:(?:of|for|the|and|de|von|van|der|du|la)\s+|&\s+)?{_WORD})*")
_SENTENCE_START_RE = re.compile(r"(?:^|[.!?:;\"“‘(\n—–]\s*|\n)$")  # — ends a dateline
_DATELINE_RE = re.compile(  # FLAGSTAFF, Ariz. (AP) —; LONDON, Nov 26 (Reuters) -
    r"(?m)^([A-Z][A-Z.'\- ]{2,30}?)(?:, ([A-Z][A-Za-z.]{1,14}?(?: [A-Z][a-z]+)?))?"
    r"(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?\s*\((?:AP|Reuters|AFP|UPI|Bloomberg)\)\s*[—–-]"
)
_TITLE_WORDS = rules.PERSON_CUES_EN | frozenset(
    words(
        "Prime Vice Chief Executive Foreign Finance Defense Defence Deputy Former Acting First"
    )
)
# A clitic after a name or pronoun: Nvidia's, I’m, they’ll.
_CLITIC_RE = re.compile(r"['’](?:s|m|d|ll|ve|re)$")
_COMMON_STARTS = frozenset(
    words(
        "Is Are Was Were Do Does Did Can Could Will Would Should Has Have Had "
        "The A An In On At He She It They We I You This That These Those But And Or If When While "
        "After Before As For With By From Its His Her Their Our Then There Here What Why How Who "
        "Where Some Many Most More Such Also Yet So Still Now Last Next Over Under Since Despite "
        "However Meanwhile According Monday Tuesday Wednesday Thursday Friday Saturday Sunday "
        "January February March April May June July August September October November December"
    )
)


def extract(enricher: Enricher, text: str, lexicon: Lexicon,
            confirm: str | None = None) -> list[Mention]:
    """All name mentions in one piece of English text, sorted by position.

    Passes, each claiming its characters: the lexicon, wire datelines, capitalised runs that a
    rule types (a title, a head word, a given name...), the statistical model's spans where it is
    turned on (:mod:`streams.enrich.en_model`; it reads only the sentences that hold a run no rule
    could type), then the remaining capitalised runs, untyped. ``confirm``: the article body,
    given for its title; when the title is in title case, an unknown name must occur in it to
    count.
    """
    if not text.strip():
        return []
    occupied = bytearray(len(text))
    found: list[Mention] = []
    headed = [match.span() for match in _SPAN_RE.finditer(text)
              if rules.suffix_type_en(match.group(0).rstrip(".").split())]
    for start, end, known in lexicon.scan(text):
        if known.type == "location" and (_after_given_name(text, start, enricher.given_names) or (
                text[end:end + 1] not in "'’" and any(  # South Korea's Samsung Electronics
                    s <= start and end <= e and e - s > end - start for s, e in headed))):
            # Michael Jordan: a person's surname; University of California, Texas Department of
            # Transportation: part of a longer name with its own head word
            continue
        found.append(Mention(start, end, text[start:end], known.type, known.source,
                             known.confidence, known))
        occupy(occupied, start, end)
    for dateline in _datelines(text, lexicon):
        if not overlaps(occupied, dateline.start, dateline.end):
            occupy(occupied, dateline.start, dateline.end)
            found.append(dateline)
    title_case = confirm is not None and _is_title_case(text)

    def claim(mentions: list[Mention]) -> None:
        for mention in mentions:
            if generic.is_generic(mention, enricher.stoplist):
                continue  # CEO, AI: a title or an acronym of a common noun
            if title_case and mention.known is None and mention.surface not in (confirm or ""):
                continue  # a capitalised headline word, not a name
            if not overlaps(occupied, mention.start, mention.end):
                occupy(occupied, mention.start, mention.end)
                found.append(mention)

    midsentence = {
        m.group(0).rstrip(".") for m in _SPAN_RE.finditer(text)
        if not _SENTENCE_START_RE.search(text[max(0, m.start() - 3):m.start()])
    }
    runs = [mention for match in _SPAN_RE.finditer(text)
            for start, end in _split_possessive(text, match.start(), match.end(),
                                                enricher.given_names)
            if (mention := _candidate(text, _after_known_prefix(text, start, end, occupied), end,
                                      midsentence, lexicon, enricher)) is not None]
    claim([m for m in runs if m.source != "default"])
    untyped = [m for m in runs if m.source == "default"
               and not overlaps(occupied, m.start, m.end)]  # "Amazon and Oracle": both known
    if untyped:
        claim([m for s, e, t in en_model.spans_around(enricher.en_model, text,
                                                      [m.start for m in untyped])
               if (m := _model_mention(text, s, e, t, lexicon))])
        claim(untyped)
    found.sort(key=lambda m: m.start)
    return found


def _model_mention(text: str, start: int, end: int, etype: str,
                   lexicon: Lexicon) -> Mention | None:
    """The model's span as a mention: a leading ``the`` and a trailing clitic cut off (``the
    Commerce Department``, ``Nvidia's``), the lexicon's entity where it knows the name; None
    for a span that does not start with a capital or a digit (the small model's noise)."""
    surface = text[start:end]
    if surface.startswith(("the ", "The ")):
        start += 4
        surface = surface[4:]
    surface = _CLITIC_RE.sub("", surface).rstrip(".,")
    if len(surface) < 2 or not (surface[0].isupper() or surface[0].isdigit()) or (
            surface in rules.LATIN_STOP):
        return None
    return known_or(lexicon, start, start + len(surface), surface, etype, 0.6, "model")


def _company_context(text: str, start: int, end: int) -> bool:
    """``shares of X``, ``chief executive of X`` before the run, or ``X's shares``, ``X's CEO``
    after it: what news writes around companies (not after a given name: ``Maria's shares``)."""
    before = text[max(0, start - 24):start].split()
    if len(before) > 1 and before[-1] == "of" and before[-2].lower() in rules.ORG_OF_CUES_EN:
        return True
    if text[end:end + 2] not in ("'s", "’s"):
        return False
    after = text[end + 2:end + 24].split()
    return bool(after) and after[0].lower().rstrip(",.") in rules.ORG_POSSESSIVE_CUES_EN


def _after_known_prefix(text: str, start: int, end: int, occupied: bytearray) -> int:
    """Where a run's own candidate starts: after a lexicon name that opens it when a title
    follows (``NATO Secretary General Mark Rutte``: NATO is claimed, the person is still to be
    read); else the run's start (``Georgia Tech`` stays whole rather than leave ``Tech``)."""
    at = start
    while at < end and occupied[at]:
        at += 1
    if at == start:
        return start
    rest = text[at:end].split()
    return text.index(rest[0], at) if rest and rest[0] in _TITLE_WORDS else start


def load_given_names() -> frozenset[str]:
    """Common English given names (``data/given_names_en.tsv``; an enricher holds them)."""
    return frozenset(row[0] for row in read_tsv("given_names_en.tsv"))


# One word with a capital after lower-case letters names a company far more often than anything
# else in news (BlackRock, FreshBooks, HarperCollins); Mc/Mac/De/Di/Le/La/Van/Von surnames aside.
_CAMEL_RE = re.compile(r"(?!Mc|Mac|De|Di|Le|La|Van|Von)[A-Z][a-z]+[A-Z][A-Za-z]*")
_LAST_WORD_RE = re.compile(r"(?:^|\s)([A-Z][a-z]+) $")


def _after_given_name(text: str, start: int, given_names: frozenset[str]) -> bool:
    before = _LAST_WORD_RE.search(text, max(0, start - 16), start)
    return before is not None and before.group(1) in given_names


def _is_title_case(text: str) -> bool:
    """Most words of four or more letters capitalised (``How I Keep Sourdough Starter Alive``)."""
    long_words = re.findall(r"[A-Za-z]{4,}", text)
    capitalised = sum(1 for w in long_words if w[0].isupper())
    return len(long_words) >= 3 and capitalised >= 0.7 * len(long_words)


def _datelines(text: str, lexicon: Lexicon) -> list[Mention]:
    """The city (and state or country) of a wire dateline: ``FLAGSTAFF, Ariz. (AP) —``."""
    out = []
    for match in _DATELINE_RE.finditer(text):
        for group in (1, 2):
            if match.group(group) is None:
                continue
            start = match.start(group)
            surface = match.group(group).rstrip(". ")
            if len(surface) >= 2:
                out.append(known_or(lexicon, start, start + len(surface), surface, "location",
                                    0.6))
    return out


def _named_part(words: list[str], given_names: frozenset[str]) -> bool:
    """Whether one side of an ``and`` reads as a name of its own: a head word (``Main Street``),
    a camel-case word (``BlackRock``) or a given name and a surname (``Danny Penman``)."""
    return bool(words) and bool(
        rules.suffix_type_en(words) or _CAMEL_RE.fullmatch(words[-1])
        or (len(words) in (2, 3) and words[0] in given_names))


def _split_possessive(text: str, start: int, end: int,
                      given_names: frozenset[str]) -> list[tuple[int, int]]:
    """:func:`_split_joined` parts, each cut after a possessive inside it: ``Zentrix's CEO``
    is ``Zentrix`` (then its title), not one name."""
    out = []
    for s, e in _split_joined(text, start, end, given_names):
        at = s
        for clitic in _POSSESSIVE_RE.finditer(text, s, e):
            out.append((at, clitic.start()))
            at = clitic.end()
        out.append((at, e))
    return [(s, e) for s, e in out if e > s]


_POSSESSIVE_RE = re.compile(r"['’]s\s+")


def _split_joined(text: str, start: int, end: int,
                  given_names: frozenset[str]) -> list[tuple[int, int]]:
    """``Main Street and Fifth Avenue``, ``BlackRock and HarperCollins``, ``Mark Williams and
    Danny Penman``: two spans when every part joined by ``and`` reads as a name of its own
    (:func:`_named_part`); else the span itself (``Johnson and Johnson``)."""
    surface = text[start:end]
    if " and " not in surface:
        return [(start, end)]
    parts, at = [], start
    for part in surface.split(" and "):
        parts.append((at, at + len(part)))
        at += len(part) + len(" and ")
    if all(_named_part(text[s:e].rstrip(".").split(), given_names) for s, e in parts):
        return parts
    return [(start, end)]


def _candidate(text: str, start: int, end: int, midsentence: set[str],
               lexicon: Lexicon, enricher: Enricher) -> Mention | None:
    given_names = enricher.given_names
    surface = text[start:end]
    if surface.endswith(".") and surface[:-1].split()[-1] not in rules.ORG_SUFFIXES_EN:
        surface = surface[:-1]
    surface = _CLITIC_RE.sub("", surface)  # Nvidia's, I’m
    words = surface.split()
    titled = False
    with_title: tuple[int, list[str]] | None = None
    while words and (words[0] in _TITLE_WORDS or words[0] in _COMMON_STARTS
                     or (words[0].islower() and len(words) > 1 and not titled)):  # Is the X
        if words[0] in _TITLE_WORDS and not titled:
            titled, with_title = True, (start, words)
        start += len(words[0]) + 1
        words = words[1:]
    if titled and words and words[0].islower():
        titled = False  # CEO of Acme Corp.: the title's organisation, not a person
        while words and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
    if titled and with_title and rules.suffix_type_en(words) == "organization":
        # Queen Mary University of London: the "title" starts the organisation's name
        (start, words), titled = with_title, False
    if (len(words) > 2 and words[1] in ("of", "for") and words[0] not in midsentence
            and not rules.suffix_type_en(words[:1])
            and _SENTENCE_START_RE.search(text[max(0, start - 3):start])):
        # "Shares of BlackRock": a sentence's capitalised first word joined to a name by "of"
        start += len(words[0]) + 1
        words = words[1:]
        while words and words[0].islower():
            start += len(words[0]) + 1
            words = words[1:]
    if not words:
        return None
    surface = " ".join(words)
    end = start + len(surface)
    if text[start:end] != surface:  # irregular spacing; fall back to the raw slice
        return None
    if _company_context(text, start, end) and words[0] not in given_names and (
            lexicon.lookup(surface) is None):
        return Mention(start, end, surface, "organization", "rule", 0.5)  # Zentrix's CEO
    at_sentence_start = bool(_SENTENCE_START_RE.search(text[max(0, start - 3):start]))
    if len(words) == 1 and at_sentence_start and surface not in midsentence:
        # Kept only as a weak mention: it survives if it corefers with a full name.
        return Mention(start, end, surface, "other", "weak", 0.1)
    if surface in rules.LATIN_STOP or len(surface) < 2 or generic.all_generic(
            words, enricher.stoplist):
        return None
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    by_suffix = rules.suffix_type_en(words)
    if by_suffix == "organization" and not titled:  # Acme Corp. said: organisations speak too
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    if "&" in words and not titled:  # Bowers & Wilkins, Marks & Spencer: firms' names
        return Mention(start, end, surface, "organization", "rule", 0.55)
    following = text[end:end + 12].split()
    before = text[max(0, start - 24):start].split()
    speaks = bool(following) and following[0].rstrip(",.") in rules.PERSON_VERBS_EN
    role = bool(before) and before[-1] in rules.PERSON_ROLES_EN
    if titled or ((speaks or role) and len(words) in (2, 3)):
        return Mention(start, end, surface, "person", "rule", 0.7)
    if by_suffix is not None:
        return Mention(start, end, surface, by_suffix, "rule", 0.6)
    if len(words) in (2, 3) and words[0] in given_names and words[-1][0].isupper():
        return Mention(start, end, surface, "person", "rule", 0.6)  # David Glanzman
    if len(words) == 1 and _CAMEL_RE.fullmatch(surface):
        return Mention(start, end, surface, "organization", "rule", 0.45)  # FreshBooks, BlackRock
    if before and (before[-1] in rules.PLACE_CUES_EN or (
            before[-1] == "of" and len(before) > 1 and before[-2] in rules.PLACE_OF_CUES_EN)):
        return Mention(start, end, surface, "location", "rule", 0.45)
    return Mention(start, end, surface, "other", "default", 0.3)
