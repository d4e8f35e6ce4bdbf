"""Candidates that are generic words, not names, and bylines that glue an agency to a reporter.

``data/generic_names.tsv`` lists job titles (``CEO``, ``대표``), acronyms of common nouns
(``AI``, ``IT``), generic bodies (``정부``, ``경찰``) and other common nouns a tagger takes for
names (compass regions such as ``남부``, units such as ``kWh``). A candidate whose whole surface
is one of them is dropped unless a curated source knows it (gazetteer, CLDR). Titles, acronyms
and common nouns are dropped by the extraction itself (``korean.extract``, ``english.extract``,
hence also ``ner_spans`` and the KLUE benchmark); generic bodies by ``enrich`` only, because
KLUE-NER annotates a bare ``정부`` or ``경찰`` as an organisation while a media-monitoring user
cannot track "the government" or "the police" as one entity (``ner_spans(...,
drop_generic_bodies=True)`` measures that filter on KLUE).

:func:`split_byline` separates a news agency or publisher from the reporter's name that follows
it in bylines and photo credits (``ⓒ News1 오대일 기자`` -> ``News1`` + ``오대일``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from streams.enrich import rules
from streams.enrich.ids import normalise
from streams.enrich.lexicon import Lexicon
from streams.enrich.mention import Mention, known_or
from streams.enrich.resources import read_tsv

KINDS = frozenset({"title", "acronym", "body", "common"})
# Words after a reporter's name in a byline or credit (``오대일 기자``, ``김민수 특파원``).
BYLINE_TITLES_KO = frozenset(rules.words(
    "기자 특파원 선임기자 수석기자 전문기자 객원기자 인턴기자 수습기자 통신원 사진기자 영상기자"
))
# Media names the gazetteer may not know, by their ending (``한빛일보``, ``Korea Times``).
MEDIA_SUFFIXES = ("뉴스", "일보", "신문", "방송", "통신", "News", "Times", "Post", "Herald")
_NAME_RE = re.compile(r"[가-힣]{2,4}")
_TITLES = "|".join(sorted(BYLINE_TITLES_KO, key=len, reverse=True))
# [스포츠조선 안소희 기자], [텐아시아=김수진 기자], [OSEN=부산, 조은비 기자],
# [스타뉴스 | 윤채원 기자]
_BRACKET_BYLINE_RE = re.compile(
    r"[\[【]\s*([^\s\[\]【】=|][^\[\]【】=|\n]{0,19}?)(?:\s*[=|]\s*(?:[가-힣]{2,6},\s*)?|\s+)"
    rf"([가-힣]{{2,4}})\s*(?:{_TITLES})\s*[\]】]"
)
# Who speaks in a broadcast transcript: [인터뷰] 유정민/대구시 경제정책과장, ◀ 인터뷰 ▶ 한도윤/…,
# 인터뷰 : 정재윤 / 송파경찰서 …, [황보연/반도체산업협회 실장 : …], ◆ 서도윤> …, ■ 대담 : 서도윤
_SPEAKER_RE = re.compile(
    r"(?:(?:인터뷰|녹취|싱크)\s*[\]▶:>】]\s*([가-힣]{2,4})\s?/\s?(?=\S))"
    r"|(?:\[([가-힣]{2,4})/[^\]\n:/]{2,30} :)"
    r"|(?:[◆◇]\s*([가-힣]{2,4})\s*>)|(?:■\s*(?:진행|대담|출연)\s*:\s*([가-힣]{2,4})(?![가-힣]))"
)
# A broadcast report's sign-off, the last sentence of its paragraph: MBN뉴스 강민혁입니다, KBS
# 뉴스 정해린입니다. (a full name: 뉴스 정리입니다 is not one)
_SIGN_OFF_RE = re.compile(
    r"(?<![가-힣])([가-힣A-Za-z0-9]{0,8} ?뉴스) ?([가-힣]{3,4})입니다\.?[ \t]*(?:\n|$)")
_CURATED = frozenset({"gazetteer", "iso"})


def load_stoplist() -> dict[str, str]:
    """Normalised surface -> kind (``title``, ``acronym``, ``body`` or ``common``)."""
    table: dict[str, str] = {}
    for row in read_tsv("generic_names.tsv")[1:]:
        surface, kind = (cell.strip() for cell in row[:2])
        if kind not in KINDS:
            raise ValueError(f"generic_names.tsv: unknown kind {kind!r} for {surface!r}")
        table.setdefault(normalise(surface), kind)
    return table


def is_generic(mention: Mention, stoplist: Mapping[str, str], bodies: bool = False) -> bool:
    """Whether ``mention`` is a generic word (a title, acronym or common noun; a body too when
    ``bodies``) by ``stoplist`` (:func:`load_stoplist`)."""
    if mention.known is not None and mention.known.source in _CURATED:
        return False
    kind = stoplist.get(normalise(mention.surface))
    return kind is not None and (bodies or kind != "body")


def all_generic(words: list[str], table: Mapping[str, str]) -> bool:
    """Whether every capitalised word of an English run is a title or acronym (``AI and IT``)."""
    return all(word.islower() or table.get(normalise(word), "body") != "body" for word in words)


def drop_generic(mentions: list[Mention], stoplist: Mapping[str, str],
                 bodies: bool = False) -> list[Mention]:
    return [m for m in mentions if not is_generic(m, stoplist, bodies)]


def split_byline(text: str, start: int, end: int, lexicon: Lexicon
                 ) -> tuple[Mention, Mention] | None:
    """``text[start:end]`` as (publisher, reporter) when it is ``<media> <Korean name>`` and a
    byline title follows (``ⓒ News1 오대일 기자``, ``연합뉴스 김민수 특파원``); else None.

    The publisher is a gazetteer organisation or a word with a media ending (``한빛일보``); the
    reporter is two to four Hangul syllables starting with a common surname.
    """
    head, space, name = text[start:end].rpartition(" ")
    head = head.rstrip()
    if not (space and head) or not _NAME_RE.fullmatch(name):
        return None
    if name[0] not in rules.SURNAMES_KO and name[:2] not in rules.SURNAMES_KO:
        return None
    following = text[end:end + 8].split()
    if not following or following[0].rstrip(".,=/") not in BYLINE_TITLES_KO:
        return None
    known = lexicon.lookup(head)
    if known is not None and known.type == "organization":
        org = Mention(start, start + len(head), head, known.type, known.source,
                      known.confidence, known)
    elif head.endswith(MEDIA_SUFFIXES) and len(head.split()) <= 3:
        org = Mention(start, start + len(head), head, "organization", "rule", 0.55)
    else:
        return None
    name_start = end - len(name)
    return org, Mention(name_start, end, name, "person", "rule", 0.75)


def credited_names(text: str, lexicon: Lexicon) -> list[Mention]:
    """The publisher and the reporter of bracketed bylines (``[스포츠조선 안소희 기자]``,
    ``[텐아시아=김수진 기자]``), the reporter of broadcast sign-offs (``MBN뉴스
    강민혁입니다``) and the speakers of transcripts (``[인터뷰] 유정민/대구시 경제정책과장``,
    ``◆ 서도윤>``, ``■ 대담 : 서도윤``).

    Claimed before the CRF, which reads an outlet's name it has never seen as a place or a
    person (스포츠조선, 마이데일리) and a reporter next to a transcript's marks as a place: the
    position says what they are. The reporter must look like a Korean name (a common surname
    first); a publisher the lexicon knows keeps its entity.
    """
    out: list[Mention] = []
    for match in _BRACKET_BYLINE_RE.finditer(text):
        name_start, name_end = match.span(2)
        if not _surname_first(match.group(2)):
            continue
        start = match.start(1)
        publisher = match.group(1).rstrip()
        out.append(known_or(lexicon, start, start + len(publisher), publisher,
                            "organization", 0.7))
        out.append(Mention(name_start, name_end, match.group(2), "person", "rule", 0.75))
    for match in _SIGN_OFF_RE.finditer(text):
        if _surname_first(match.group(2)):
            out.append(Mention(*match.span(2), match.group(2), "person", "rule", 0.75))
    for match in _SPEAKER_RE.finditer(text):
        group = next(g for g in (1, 2, 3, 4) if match.group(g) is not None)
        if _surname_first(match.group(group)):
            out.append(Mention(*match.span(group), match.group(group), "person", "rule", 0.75))
    return sorted(out, key=lambda m: m.start)


def _surname_first(name: str) -> bool:
    return name[0] in rules.SURNAMES_KO or name[:2] in rules.SURNAMES_KO
