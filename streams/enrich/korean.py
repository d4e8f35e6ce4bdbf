"""Korean name extraction: quoted names, lexicon scan, cue-word names, the KLUE CRF, Kiwi runs.

Passes run from most to least trustworthy and each claims its characters, so a later pass never
splits or re-types what an earlier one found: ``‘SB 오픈AI 재팬’이라는 합작사`` is claimed whole
before the lexicon would see ``오픈AI`` in it and before Kiwi would offer ``재팬`` alone. The
character CRF (:mod:`streams.enrich.crf`) adds typed names the rules miss; a CRF span that is a
known surface takes the known entity's id and type.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from streams.enrich import crf, generic, rules
from streams.enrich.lexicon import Known, Lexicon, is_hangul
from streams.enrich.mention import Mention, known_or, occupy, overlaps
from streams.enrich.rules import words

if TYPE_CHECKING:
    from streams.enrich.enricher import Enricher
    from streams.enrich.tokenise import Analyser

_QUOTE_RE = re.compile(r"[‘'“\"]([^‘’'“”\"\n]{2,40})[’'”\"]")
_AFTER_QUOTE_RE = re.compile(r"(?:이?라는|란|인)?\s*([가-힣]+)")
_CUE_NAME_RE = re.compile(
    r"(?<![\w])([가-힣]{2,4})\s+(?:([가-힣A-Za-z0-9]+)\s+)?(?:(?:전|前|현|신임|공동)\s+)?"
    r"(기자|대표|대통령|회장|장관|사장|부회장|의원|위원장|교수|감독|총리|대변인|씨)"
    r"(?=$|[^가-힣]|(?:[은는이가의와과를을도께]|에게|에서|으로|로서|이다|입니다)(?:$|[^가-힣]))"
)
# A wire dateline: (세종=연합뉴스), [워싱턴=뉴스1]: where the story was filed, then the agency.
_DATELINE_RE = re.compile(r"[(\[]([가-힣]{2,8}(?: [가-힣]{2,8})?)=([가-힣A-Za-z0-9]{2,12})[)\]]")
_NOUN_TAGS = frozenset({"NNP"})
_NOT_NAMES = frozenset(words(
    "이번 지난 한편 이날 오늘 당시 전날 다음 관련 해당 전체 우리 모든 국내 해외"
))
# Between a person and the organisation whose title follows (``김중겸 전 현대건설 사장``).
_AFTER_PERSON_RE = re.compile(r"\s+(?:(?:전|현|前)\s+)?")
_ABBR = "[" + "".join(rules.COUNTRY_ABBREVIATIONS_KO) + "]"
# 한미, 남북관계, 한·미·일; 북 alone before a particle (북은, 북측).
_COUNTRY_COMPOUND_RE = re.compile(
    rf"(?<![가-힣])(?:{_ABBR}(?:[·ㆍ・-]{_ABBR})+|"
    + "|".join(sorted(rules.COUNTRY_COMPOUNDS_KO, key=len, reverse=True)) + ")"
)
_NORTH_ALONE_RE = re.compile(
    r"(?<![가-힣])북(?=(?:은|는|이|가|의|에|과|와|을|를|도|측|으로|에게|에서|한테)(?![가-힣]))"
)
_COMPOUND_PARTICLES = frozenset("은는이가을를의에와과도로으만간측")


def tokenize(analyser: Analyser, text: str) -> list[Any]:
    """The morphemes of ``text`` (``analyser``: an enricher's)."""
    return list(analyser.tokenize(text))


def single_proper_noun(analyser: Analyser, word: str) -> bool:
    """Whether Kiwi reads ``word`` as one proper noun (hashtags)."""
    tokens = tokenize(analyser, word)
    return len(tokens) == 1 and tokens[0].tag == "NNP"


def tokenize_many(analyser: Analyser, texts: list[str]) -> list[list[Any]]:
    """The morphemes of each text (blank texts give no tokens)."""
    return list(analyser.tokenize_many(texts))


def extract(enricher: Enricher, text: str, lexicon: Lexicon,
            tokens: list[Any] | None = None, split_chains: bool = True) -> list[Mention]:
    """All name mentions in one piece of Korean (or mixed) text, sorted by position.

    ``lexicon``: the enricher's, or an article's overlay of it. The enricher's CRF model is the
    packaged one, or another (the benchmark's cross-validation folds); none gives the rules alone.
    ``split_chains=False`` keeps a CRF chain of names (``서울 송파구``, ``중국 정부``) as one span,
    as KLUE-NER annotates it; the product tracks each name.
    """
    model, use_crf = enricher.crf, enricher.crf is not None
    if not text.strip():
        return []
    if tokens is None:
        tokens = tokenize(enricher.analyser, text)
    occupied = bytearray(len(text))
    found: list[Mention] = []
    matches = _without_common_words(lexicon.scan(text), tokens)

    def claim(mentions: list[Mention]) -> None:
        for mention in mentions:
            if generic.is_generic(mention, enricher.stoplist) or _jeok_stem(text, mention):
                continue  # a title or acronym of a common noun (CEO, AI), 인도적: not a name
            if not overlaps(occupied, mention.start, mention.end):
                occupy(occupied, mention.start, mention.end)
                found.append(mention)

    claim(_datelines(text, lexicon))
    claim(generic.credited_names(text, lexicon))
    claim(_quoted(text, lexicon, tokens, occupied))
    claim(_country_abbreviations(text, lexicon))
    crf_names = (_crf_names(text, lexicon, tokens, matches, model, enricher.wikidata,
                            split_chains) if model is not None else [])
    ends = [end for _, end, _ in matches]
    claim([m for m in crf_names if _contains_known(m, matches, ends)])
    claim([Mention(s, e, text[s:e], k.type, k.source, k.confidence, k) for s, e, k in matches])
    # A cue name inside a longer CRF person (조스 웨던 감독: the cue rule takes one word before
    # the title) gives way to it, and so does one right after a CRF person (김중겸 전 현대건설
    # 사장: the title is the person's, 현대건설 is the company).
    people = [(m.start, m.end) for m in crf_names if m.type == "person"]
    claim([m for m in _cue_names(text, lexicon, tokens, occupied)
           if not any((s <= m.start and m.end <= e and e - s > m.end - m.start)
                      or _AFTER_PERSON_RE.fullmatch(text, e, m.start) for s, e in people)])
    claim(crf_names)
    runs = _kiwi_runs(text, lexicon, tokens, occupied, enricher.wikidata)
    claim([m for m in runs if m.source != "default"] if use_crf else runs)
    by_end = sorted(found, key=lambda m: m.end)
    ends_sorted = [m.end for m in by_end]
    for mention in found:
        if mention.known is None:
            before = by_end[bisect_left(ends_sorted, _title_gap_start(text, mention.start)):
                            bisect_left(ends_sorted, mention.start)]
            _retype_by_context(text, mention, before)
    found.sort(key=lambda m: m.start)
    return found


def _without_common_words(matches: list[tuple[int, int, Known]],
                          tokens: list[Any]) -> list[tuple[int, int, Known]]:
    """The lexicon's matches less country names that Kiwi reads as the common word they are
    spelt like in this sentence (``인도`` in ``대북 인도 지원``, ``수단`` in ``모든 수단을``)."""
    if all(known.source != "iso" for _, _, known in matches):
        return matches  # most texts: no country name to check
    common = {(t.start, t.start + t.len) for t in tokens if t.tag == "NNG"}
    return [(start, end, known) for start, end, known in matches
            if not (known.source == "iso" and (start, end) in common)]


# the -적 suffix ending a word (인도적, 인도적인, 인도적으로, 인도적이다), not 적자 or 적군
_JEOK_RE = re.compile(r"적(?:$|[^가-힣]|인|으로|이다|이고|이지)")


def _jeok_stem(text: str, mention: Mention) -> bool:
    """A country name that is the stem of an ``-적`` word: ``인도적 협력`` is humanitarian,
    ``한국적`` Korean in style; neither names the country."""
    known = mention.known
    return known is not None and known.source == "iso" and bool(
        _JEOK_RE.match(text, mention.end))


def _datelines(text: str, lexicon: Lexicon) -> list[Mention]:
    """The place and the agency of each wire dateline (``(세종=연합뉴스)`` -> 세종 + 연합뉴스);
    only the agency of a credit written the same way (``(출처=연합뉴스)``)."""
    return [known_or(lexicon, *match.span(group), match.group(group), default, 0.7)
            for match in _DATELINE_RE.finditer(text)
            for group, default in ((1, "location"), (2, "organization"))
            if group == 2 or match.group(1) not in rules.CREDIT_LABELS_KO]


def _country_abbreviations(text: str, lexicon: Lexicon) -> list[Mention]:
    """Each syllable of a compound of country abbreviations (``한미`` -> 한 + 미, ``남북관계``,
    ``한·미·일``) and ``북`` alone before a particle, linked to its country. ``북미`` is North
    Korea and the US only before a cue of talks (``북미 대화``); else the lexicon's North
    America. The mention is typed organisation: the abbreviation names the state as a party
    (한미 협상), as KLUE-NER annotates it; the entity it resolves to is the country (its
    known type)."""
    spans = [match.span() for match in _NORTH_ALONE_RE.finditer(text)]
    for match in _COUNTRY_COMPOUND_RE.finditer(text):
        start, end = match.span()
        run = re.match(r"[가-힣]*", text[end:])
        tail = run.group(0) if run else ""
        if tail and not (tail.startswith(rules.COUNTRY_COMPOUND_TAILS_KO)
                         or (len(tail) <= 3 and tail[0] in _COMPOUND_PARTICLES)):
            continue  # 한미약품, 남북전쟁: another word
        if match.group(0) == "북미" and not text[end:].lstrip().startswith(rules.NK_US_CUES_KO):
            continue  # 북미 투어: North America
        spans.append((start, end))
    out = []
    for start, end in spans:
        for at in range(start, end):
            known = lexicon.lookup(rules.COUNTRY_ABBREVIATIONS_KO.get(text[at], ""))
            if known is not None:
                out.append(Mention(at, at + 1, text[at], "organization", known.source,
                                   known.confidence, known))
    return out


def _quoted(
    text: str, lexicon: Lexicon, tokens: list[Any], occupied: bytearray
) -> list[Mention]:
    """Quoted names typed by a neighbouring cue noun (``‘…’이라는 합작사``, ``프로그램 ‘…’``)."""
    out = []
    starts = [token.start for token in tokens]
    for match in _QUOTE_RE.finditer(text):
        inner = match.group(1)
        start = match.start(1)
        paren = inner.find("(")
        if paren > 0:
            inner = inner[:paren]
        inner = inner.rstrip()
        known = lexicon.lookup(inner) if inner else None
        if not inner or len(inner.split()) > 5 or (known is not None and known.source != "alias"):
            continue
        has_name = any(char.isupper() for char in inner)
        if not has_name and not _has_nnp(tokens, starts, start, start + len(inner)):
            continue
        after = _AFTER_QUOTE_RE.match(text, match.end())
        before = text[max(0, match.start() - 12):match.start()].split()
        etype = None
        if after is not None:
            etype = _cue_type(after.group(1))
        if etype is None and before:
            etype = rules.QUOTE_CUES_KO.get(before[-1])
        if etype is not None:
            out.append(Mention(start, start + len(inner), inner, etype, "rule", 0.7, known))
    return out


def _cue_type(word: str) -> str | None:
    for cue, etype in rules.QUOTE_CUES_KO.items():
        if word.startswith(cue):
            return etype
    return None


def _has_nnp(tokens: list[Any], starts: list[int], start: int, end: int) -> bool:
    """Whether a proper noun starts in ``[start, end)`` (``starts``: the tokens' starts)."""
    first = bisect_left(starts, start)
    return any(t.tag == "NNP" for t in tokens[first:bisect_left(starts, end, first)])


def _contains_known(mention: Mention, matches: list[tuple[int, int, Known]],
                    ends: list[int]) -> bool:
    """A CRF name that is longer than the known names inside it and cuts none of them.

    ``서울고등법원 형사10부`` or ``광주 광산구청`` name something else than the ``서울`` or
    ``광주`` inside them, so they are claimed before the lexicon's shorter matches. A span that
    cuts a known name in two is not (the lexicon's boundary wins). ``matches`` are the lexicon's,
    in order and not overlapping; ``ends`` their ends.
    """
    inside = False
    for start, end, _ in matches[bisect_right(ends, mention.start):]:
        if start >= mention.end:
            break
        if start < mention.start or end > mention.end:
            return False
        inside = True
    return inside and mention.known is None


_BRACKETS = frozenset("[]()<>“”‘’")


def _unbalanced(surface: str) -> bool:
    if _BRACKETS.isdisjoint(surface):
        return False
    return any(surface.count(a) != surface.count(b) for a, b in ("[]", "()", "<>", "“”", "‘’"))


def _crf_names(
    text: str, lexicon: Lexicon, tokens: list[Any],
    matches: list[tuple[int, int, Known]], model: crf.CrfModel, wikidata: Mapping[str, str],
    split_chains: bool = True,
) -> list[Mention]:
    """Typed CRF spans (PS/OG/LC); a known surface keeps its entity, then multi.dict's class.

    A trailing person title (``올트먼 CEO``) is cut off, leaving a person, and so is a trailing
    credit word (``국립공원공단 제공``); a "person" named like a mountain or river (``지리산``) is a
    place; a publisher glued to a reporter's name in a byline (``News1 오대일 기자``) is split in
    two; a span with unbalanced brackets (``파이낸셜뉴스] 오픈AI``) is dropped.
    """
    out: list[Mention] = []
    spans = [piece for start, end, label in model.spans(text, tokens, matches)
             for piece in _pieces(text, start, end, label, lexicon)]
    for start, end, label in spans:
        if _unbalanced(text[start:end]):
            continue
        head, _, last = text[start:end].rpartition(" ")
        if head and (last in rules.PERSON_CUES_KO or last in rules.COUPLE_WORDS_KO):
            end, label = start + len(head.rstrip()), "PS"
        elif head and (last in rules.CREDIT_WORDS_KO or last in rules.PLATFORM_WORDS_KO):
            end = start + len(head.rstrip())  # 국립공원공단 제공: the source, not the credit line
        if label == "PS" and rules.natural_place_ko(text[start:end]):
            label = "LC"  # 지리산, 낙동강: a mountain or a river, whatever the context suggested
        if end - start == 1 and is_hangul(text[start]):
            country = _one_syllable(text, start, lexicon)
            if country is not None:
                out.append(country)
            elif label == "PS" and text[start] in rules.SURNAMES_KO:
                # 박 씨, 김모(24): a surname (KLUE annotates it; enrich drops it, resolve.py)
                out.append(Mention(start, end, text[start], "person", "crf", 0.6))
            continue  # other lone syllables are fragments
        byline = generic.split_byline(text, start, end, lexicon)
        if byline is not None:  # ⓒ News1 오대일 기자: the agency, then the reporter
            out += byline
            continue
        surface = text[start:end]
        if not split_chains:
            out.append(_crf_mention(text, start, end, label, lexicon, wikidata))
            continue
        if lexicon.lookup(surface) is None:
            first, space, _ = surface.partition(" ")
            province = lexicon.lookup(rules.PROVINCE_SHORT_KO.get(first, "")) if space else None
            if province is not None:  # 경기 하남시: the province, then the rest
                out.append(Mention(start, start + len(first), first, province.type,
                                   province.source, province.confidence, province))
                start += len(first) + 1
                surface = text[start:end]
        pieces = None if lexicon.lookup(surface) else _split_at_known(text, start, end, matches)
        if pieces is None and " " in surface:
            pieces = _split_admin(text, start, end)
        elif pieces is not None:  # 부산 수영구 광안리해수욕장: 부산, then the districts
            pieces = [p for s, e in pieces for p in (_split_admin(text, s, e) or [(s, e)])]
        if pieces is not None:  # 서울 송파구, 이창용 한은: a chain of names, not one name
            out += [_crf_mention(text, s, e, label, lexicon, wikidata, by_suffix=True)
                    for s, e in pieces]
            continue
        mention = _crf_mention(text, start, end, label, lexicon, wikidata)
        if (mention.type == "person" and mention.source == "crf"
                and len(mention.surface.split()) >= 3 and _phrase(tokens, start, end)):
            mention.type = "other"  # 미운 우리 새끼, 유 퀴즈 온 더 블럭: a title, not a person
        out.append(mention)
    if split_chains:  # 상무부 청사, 클러스터 주변; 공군, 본회의: dictionary words, not names
        starts = [t.start for t in tokens]
        out = [_without_common_tail(text, m, tokens, starts, lexicon, wikidata) for m in out]
        out = [m for m in out if m.source != "crf" or not _common_noun(m, tokens, starts)]
    return out


def _inside(tokens: list[Any], starts: list[int], start: int, end: int) -> list[Any]:
    """The tokens that start in ``[start, end)`` (``starts``: the tokens' starts)."""
    first = bisect_left(starts, start)
    return tokens[first:bisect_left(starts, end, first)]


def _without_common_tail(text: str, mention: Mention, tokens: list[Any], starts: list[int],
                         lexicon: Lexicon, wikidata: Mapping[str, str]) -> Mention:
    """A CRF span of several words without its last words while Kiwi reads them as common
    nouns (``상무부 청사``, ``KB증권 리서치센터장``, ``용인 클러스터``): the name, then the
    building, title or thing of it that the sentence talks about. Not a word that ends names
    of venues (``블라이더필즈 컨트리클럽``: ``rules.NAME_HEADS_KO``) or has a name's suffix.
    The lexicon or WikiData types what is left if they know it; else it keeps the CRF's
    type."""
    if mention.source != "crf" or " " not in mention.surface:
        return mention
    end = mention.end
    while True:
        space = text.rfind(" ", mention.start, end)
        if space <= mention.start:
            break
        tail = _inside(tokens, starts, space + 1, end)
        word = text[space + 1:end]
        if not tail or any(t.tag != "NNG" for t in tail) or word.endswith(
                rules.NAME_HEADS_KO) or rules.suffix_type_ko(word) is not None:
            break
        end = space
    if end == mention.end:
        return mention
    surface = text[mention.start:end]
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(mention.start, end, surface, known.type, known.source, known.confidence,
                       known)
    etype = wikidata.get(surface, mention.type)
    return Mention(mention.start, end, surface, etype, mention.source, mention.confidence)


def _common_noun(mention: Mention, tokens: list[Any], starts: list[int]) -> bool:
    """A CRF span that Kiwi's dictionary holds as one common noun (``공군``, ``본회의``,
    ``대표단``), or common nouns ending in a person's title (``재경본부장``).

    For the product only: KLUE-NER annotates bodies such as ``공군`` and ``국방부`` as
    organisations, but a reader cannot track "the air force" of an unnamed country. Only
    spans typed by the CRF itself are asked (a name the lexicon or WikiData knows stays), and
    one with an organisation or place ending of two or more syllables stays (``검찰청``,
    ``달빛어린이병원``).
    """
    if len(_suffix(mention.surface)) >= 2:
        return False
    inside = _inside(tokens, starts, mention.start, mention.end)
    if not inside or any(t.tag != "NNG" for t in inside):
        return False
    return len(inside) == 1 or inside[-1].form in rules.PERSON_CUES_KO


_PHRASE_TAGS = ("V", "E", "NP", "MA", "J", "XS")


def _phrase(tokens: list[Any], start: int, end: int) -> bool:
    """Words with a verb, ending, pronoun, adverb or particle among them, or that Kiwi's
    dictionary holds as one proper noun: a title written as a phrase (people's names, even
    foreign ones, are nouns, one per word)."""
    first = bisect_left([t.start for t in tokens], start)
    inside = [t for t in tokens[first:] if t.start < end]
    return len(inside) == 1 or any(t.tag.startswith(_PHRASE_TAGS) for t in inside)


def _split_admin(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """``text[start:end]`` cut after each word that names an administrative division
    (``수영구 광안리해수욕장``, ``용인시 처인구 원삼면``); None when no word but the last
    does."""
    pieces = []
    pos = start
    for word in text[start:end].split(" ")[:-1]:
        if len(word) >= 2 and all(map(is_hangul, word)) and word.endswith(
                rules.ADMIN_SUFFIXES_KO):
            pieces.append((pos, pos + len(word)))
            start = pos + len(word) + 1
        pos += len(word) + 1
    if not pieces:
        return None
    return [*pieces, (start, end)] if start < end else pieces


_SPLIT_RE = re.compile(r"\s*(?:[♥❤♡…|=\"]|\.{2,})\s*")
_EDGE_PUNCT = " .,·:;!?'\"‘’“”…-"


def _pieces(text: str, start: int, end: int, label: str,
            lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """A CRF span cut where it runs across marks that separate names, with its edges cleaned.

    ``최다인♥이준서``: a couple, two persons (``배우`` before and ``부부`` after a name dropped);
    ``AFP=뉴스1``: two names, ``사진=tvN``: a credit label, then the name; ``돌파…tvN``,
    ``젤렌스키 "러``: text on either side of an ellipsis or a straight quote. A known name with
    a particle inside a longer span ends it (``엔비디아에 HBM`` -> ``엔비디아``), and a trailing
    particle is cut when the name occurs bare elsewhere in the text (``이수호가``).
    """
    surface = text[start:end]
    couple = any(mark in surface for mark in rules.COUPLE_MARKS_KO)
    out = []
    pos = start
    for cut in [*_SPLIT_RE.finditer(text, start, end), None]:
        piece_end = cut.start() if cut is not None else end
        mark = cut.group(0).strip() if cut is not None else ""
        s, e = _trim(text, pos, piece_end, couple)
        if e > s and not (mark == "=" and text[s:e] in rules.CREDIT_LABELS_KO):
            out += _particle_cut(text, s, e, "PS" if couple else label, lexicon)
        if cut is not None:
            pos = cut.end()
    return out


def _trim(text: str, start: int, end: int, couple: bool) -> tuple[int, int]:
    """``text[start:end]`` without edge punctuation, and for one of a couple without a title
    before it or 부부 after it."""
    while start < end and text[start] in _EDGE_PUNCT:
        start += 1
    while end > start and text[end - 1] in _EDGE_PUNCT:
        end -= 1
    if couple:
        first, space, _ = text[start:end].partition(" ")
        if space and first in rules.PERSON_CUES_KO:
            start += len(first) + 1
        head, space, last = text[start:end].rpartition(" ")
        if space and last in rules.COUPLE_WORDS_KO:
            end = start + len(head.rstrip())
    return start, end


_SPAN_PARTICLES = ("에서", "에게", "으로", *"은는이가을를의에와과도로")
# Particles that rarely end a name (unlike 이, 도, 로: 영이, 강원도, 마포로)
_CLEAR_PARTICLES = frozenset(("에서", "에게", "으로", *"은는가을를의에"))


def _particle_cut(text: str, start: int, end: int, label: str,
                  lexicon: Lexicon) -> list[tuple[int, int, str]]:
    """``[(start, end, label)]``, ending at the first word that is a name plus a particle."""
    pos = start
    for word in text[start:end].split(" "):
        if lexicon.lookup(word) is None:  # 강원도 is a name, not 강원 + 도
            for particle in _SPAN_PARTICLES:
                stem = word[:-len(particle)]
                if not (word.endswith(particle) and len(stem) >= 2 and is_hangul(stem[-1])):
                    continue
                if lexicon.lookup(stem) is not None or (
                        particle in _CLEAR_PARTICLES and _bare_elsewhere(text, stem)):
                    return [(start, pos + len(stem), label)]
        pos += len(word) + 1
    return [(start, end, label)]


def _bare_elsewhere(text: str, name: str) -> bool:
    """Whether ``name`` occurs in ``text`` as a word of its own (``이수호 씨``, ``이수호(34)``)."""
    return re.search(rf"(?<![가-힣]){re.escape(name)}(?![가-힣])", text) is not None


def _one_syllable(text: str, start: int, lexicon: Lexicon) -> Mention | None:
    """A one-syllable country abbreviation (미 국무부, 러 외무부); 한 and 남, also surnames,
    only when no title follows (한 총리 is a person)."""
    char = text[start]
    if char in rules.SURNAMES_KO and _title_follows(text, start + 1):
        return None
    known = lexicon.lookup(rules.COUNTRY_ABBREVIATIONS_KO.get(char, ""))
    if known is None:
        return None
    return Mention(start, start + 1, char, known.type, known.source, known.confidence, known)


def _title_follows(text: str, end: int) -> bool:
    """A person title or 씨 right after ``text[:end]`` (박 씨, 이 총재, 한 전 총리)."""
    after = text[end:end + 16]
    if after[:1] in ("씨", "모"):
        return True
    words = after.split()
    if not after[:1].isspace() or not words:
        return False
    first = words[1] if words[0] in rules.TITLE_MODIFIERS_KO and len(words) > 1 else words[0]
    return _strip_particle(first) in rules.PERSON_CUES_KO


def _crf_mention(text: str, start: int, end: int, label: str, lexicon: Lexicon,
                 wikidata: Mapping[str, str], by_suffix: bool = False) -> Mention:
    """A CRF span typed by the lexicon, then WikiData, then the CRF label or its suffix
    (:func:`_crf_type`; ``by_suffix``: a piece of a chain, typed by its suffix first)."""
    surface = text[start:end]
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    wiki = wikidata.get(surface)
    if wiki is not None:
        return Mention(start, end, surface, wiki, "wikidata", 0.7)
    return Mention(start, end, surface, _crf_type(surface, label, by_suffix), "crf", 0.6)


def _crf_type(surface: str, label: str, piece: bool) -> str:
    """The CRF label, unless the suffix says otherwise: an event (부산불꽃축제), a company
    (제주항공, not a place), a place or body ending a "person" (이동읍, 국사편찬위원회) but
    not in one syllable that names also end in (이완구, 메시); for a ``piece`` of a chain
    (``서울 송파구`` -> ``송파구``) the suffix always wins."""
    crf_type = crf.LABELS[label]
    by_suffix = rules.suffix_type_ko(surface)
    if by_suffix is None or by_suffix == crf_type:
        return crf_type
    if piece or by_suffix == "event":
        return by_suffix
    if label == "PS" and (surface.endswith(rules.PERSON_SAFE_SUFFIXES_KO)
                          or len(_suffix(surface)) >= 2):
        return by_suffix
    if label == "LC" and surface.endswith(rules.COMPANY_SUFFIXES_KO):
        return by_suffix
    return crf_type


def _suffix(surface: str) -> str:
    for suffix in (*rules.ORG_SUFFIXES_KO, *rules.LOC_SUFFIXES_KO):
        if surface.endswith(suffix):
            return suffix
    return ""


def _split_at_known(text: str, start: int, end: int,
                    matches: list[tuple[int, int, Known]]) -> list[tuple[int, int]] | None:
    """The pieces of ``text[start:end]`` between the known names that are whole
    space-separated words of it (``서울 송파구`` -> ``송파구``; ``이창용 한은`` -> nothing), or
    None when no known name is a whole word of it (``서울고등법원 형사10부`` stays one name).

    The CRF also chains separate names (place + district, country + company, person +
    affiliation); the known names are left to the lexicon pass, which links them.
    """
    cuts = []
    # ``matches`` are in order and do not overlap: only those from ``start`` on, until ``end``
    # (a scan of all of them for every CRF name grew with the square of a long text)
    for i in range(bisect_left(matches, start, key=_start_of), len(matches)):
        s, e, _ = matches[i]
        if s >= end:
            break
        if e <= end and (s, e) != (start, end) and (s == start or text[s - 1] == " ") \
                and (e == end or text[e] == " "):
            cuts.append((s, e))
    if not cuts:
        return None
    pieces = []
    pos = start
    for s, e in [*cuts, (end, end)]:
        piece = text[pos:s]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            pieces.append((pos + lead, pos + len(piece.rstrip())))
        pos = e
    return pieces


def _cue_names(
    text: str, lexicon: Lexicon, tokens: list[Any], occupied: bytearray
) -> list[Mention]:
    """Korean names Kiwi does not know, found through a following title (정신아 카카오 대표)."""
    out = []
    for match in _CUE_NAME_RE.finditer(text):
        name = match.group(1)
        start, end = match.span(1)
        middle = match.group(2)
        if middle and _is_publisher(name, lexicon) and match.group(3) in generic.BYLINE_TITLES_KO:
            name = middle  # 한빛일보 이서연 기자: the publisher, then the reporter
            start, end = match.span(2)
        if name in _NOT_NAMES or lexicon.lookup(name) is not None:
            continue
        if name[0] not in rules.SURNAMES_KO and name[:2] not in rules.SURNAMES_KO:
            continue
        covering = _tokens_within(tokens, start, end)
        if len(covering) == 1 and covering[0].tag not in _NOUN_TAGS:
            continue  # a single known common word (이번, 관계자), not a name
        if any(not t.tag.startswith("N") for t in covering):
            continue
        out.append(Mention(start, end, name, "person", "rule", 0.75))
    return out


def _start_of(item: tuple[int, int, Known]) -> int:
    return item[0]


def _tokens_within(tokens: list[Any], start: int, end: int) -> list[Any]:
    """The tokens that begin in ``[start, end)`` (``tokens`` are in text order: a bisection,
    not a scan of every token for every name)."""
    out = []
    for i in range(bisect_left(tokens, start, key=lambda token: token.start), len(tokens)):
        if tokens[i].start >= end:
            break
        out.append(tokens[i])
    return out


def _is_publisher(word: str, lexicon: Lexicon) -> bool:
    known = lexicon.lookup(word)
    if known is not None:
        return known.type == "organization"
    return word.endswith(generic.MEDIA_SUFFIXES)


_RUN_TAGS = frozenset(("NNP", "SL"))  # the tags that _eligible can accept


def _eligible(token: Any) -> bool:
    if token.tag == "NNP":
        return len(token.form) > 1 or token.form.isascii()
    if token.tag == "SL":
        return token.form not in rules.LATIN_STOP or token.form in rules.LATIN_CONNECTORS
    return False


def _kiwi_runs(
    text: str, lexicon: Lexicon, tokens: list[Any], occupied: bytearray,
    wikidata: Mapping[str, str],
) -> list[Mention]:
    """Runs of proper nouns and Latin words (joined by nothing or one space) not yet claimed."""
    runs: list[list[Any]] = []
    current: list[Any] = []
    for token in tokens:
        end = token.start + token.len
        # the tag test first: most tokens are neither proper nouns nor Latin words
        if token.tag not in _RUN_TAGS or not _eligible(token) or overlaps(
                occupied, token.start, end):
            if current:
                runs.append(current)
            current = []
            continue
        if current:
            prev = current[-1]
            gap = text[prev.start + prev.len:token.start]
            if gap not in ("", " "):
                runs.append(current)
                current = []
        current.append(token)
    if current:
        runs.append(current)
    out = []
    for run in runs:
        while run and (run[0].form in rules.LATIN_CONNECTORS or run[0].form[0].islower()):
            run = run[1:]
        while run and (run[-1].form in rules.LATIN_CONNECTORS or run[-1].form[0].islower()):
            run = run[:-1]
        if not run:
            continue
        start, end = run[0].start, run[-1].start + run[-1].len
        surface = text[start:end]
        lone_letter = len(run) == 1 and run[0].tag == "SL" and len(surface) < 2
        if surface in rules.LATIN_STOP or lone_letter:
            continue
        out.append(_type_unknown(surface, start, end, lexicon, wikidata))
    return out


def _type_unknown(surface: str, start: int, end: int, lexicon: Lexicon,
                  wikidata: Mapping[str, str]) -> Mention:
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    wiki = wikidata.get(surface)
    if wiki is not None:
        return Mention(start, end, surface, wiki, "wikidata", 0.7)
    by_suffix = rules.suffix_type_ko(surface)
    if by_suffix is not None:
        return Mention(start, end, surface, by_suffix, "rule", 0.55)
    if rules.looks_like_korean_name(surface):
        return Mention(start, end, surface, "person", "rule", 0.45)
    return Mention(start, end, surface, "other", "default", 0.3)


def _title_gap_start(text: str, end: int) -> int:
    """The first place from which :data:`_AFTER_PERSON_RE` could match up to ``end``: the
    spaces before it, and a 전/현 with its spaces before them."""
    start = end
    while start > 0 and text[start - 1].isspace():
        start -= 1
    if 0 < start < end and text[start - 1] in "전현前":
        word = start - 1
        while word > 0 and text[word - 1].isspace():
            word -= 1
        if word < start - 1:
            start = word
    return start


def _retype_by_context(text: str, mention: Mention, found: list[Mention]) -> None:
    """Title words next to a name make it a person (트럼프 전 대통령, 사무국장 크리스 레헨).

    ``found``: the mentions that end right before it (where :data:`_AFTER_PERSON_RE` may
    match between them), read with their types as retyped so far.

    Not a name the CRF typed as an organisation or place: its features include the next word
    and whether it is a title, and in ``김무성 새누리당 대표`` the title belongs to the person
    before the party, which the CRF learnt from KLUE.
    """
    if mention.source == "rule" and mention.type == "person":
        return
    if mention.source == "crf" and mention.type in ("organization", "location"):
        return
    if any(other.type == "person" and _AFTER_PERSON_RE.fullmatch(text, other.end, mention.start)
           for other in found):
        return  # 김중겸 전 현대건설 사장: the title after the company is the person's
    after = text[mention.end:mention.end + 16]
    if after[:1] == "씨" and (len(after) < 2 or not is_hangul(after[1])):
        _set_person(mention)
        return
    words = after.split()
    if after[:1].isspace() and words:
        first = words[0]
        if first in rules.TITLE_MODIFIERS_KO and len(words) > 1:
            first = words[1]
        if _strip_particle(first) in rules.PERSON_CUES_KO:
            _set_person(mention)
            return
    before = text[max(0, mention.start - 12):mention.start]
    if before[-1:].isspace():
        words = before.split()
        if words and words[-1] in rules.PERSON_CUES_KO:
            _set_person(mention)


_PARTICLES = ("에게", "께서", "으로", *"은는이가의와과을를도께로")


def _strip_particle(word: str) -> str:
    word = word.rstrip(".,·…”’\"')")
    if word in rules.PERSON_CUES_KO:
        return word
    for particle in _PARTICLES:
        if word.endswith(particle) and word[: -len(particle)] in rules.PERSON_CUES_KO:
            return word[: -len(particle)]
    return word


def _set_person(mention: Mention) -> None:
    if mention.type in ("organization", "location", "product") and mention.source == "wikidata":
        return
    mention.type, mention.source, mention.confidence = "person", "rule", 0.75


def unsupported_people(mentions: list[Mention], texts: list[str]) -> set[str]:
    """Surfaces of one-word CRF "persons" of an article that nothing supports: not shaped like
    a Korean name, never next to a person's title or ``씨`` in any of ``texts`` (the article's
    title, body and captions), and not a word of a longer person's name in it.

    The CRF reads unknown one-word names as people (``라피더스``, ``리비우``, ``펜타닐``,
    ``스포티파이``). A foreign person in the news is introduced with a title or in full
    (``안토니우 구테흐스 유엔 사무총장``), which keeps the later one-word mentions; a Korean
    name is kept by its shape (star and athlete names often come without a title).
    """
    parts = set()
    for mention in mentions:
        words = mention.surface.split()
        if mention.type == "person" and len(words) >= 2:
            parts |= {words[0], words[-1]}
    suspects = {m.surface for m in mentions
                if m.source == "crf" and m.type == "person" and " " not in m.surface
                and not _korean_name_shape(m.surface) and m.surface not in parts}
    return {surface for surface in suspects
            if not any(_cue_near(text, match.start(), match.end())
                       for text in texts
                       for match in re.finditer(re.escape(surface), text))}


def _korean_name_shape(surface: str) -> bool:
    """A one-syllable surname and one or two syllables (하윤, 김세영), or a two-syllable
    surname and one or two (남궁하린)."""
    if not all(map(is_hangul, surface)):
        return False
    if surface[:2] in rules.SURNAMES_KO and 3 <= len(surface) <= 4:
        return True
    return surface[0] in rules.SURNAMES_KO and 2 <= len(surface) <= 3


def _cue_near(text: str, start: int, end: int) -> bool:
    """A person's title or ``씨`` right after ``text[start:end]`` (possibly after 전/현), a
    title right before it, or an age in parentheses after it (``(34)``)."""
    if _title_follows(text, end) or re.match(r"\s?\(\d{1,3}", text[end:end + 5]):
        return True
    before = text[max(0, start - 12):start]
    words = before.split()
    return before[-1:].isspace() and bool(words) and words[-1] in rules.PERSON_CUES_KO

