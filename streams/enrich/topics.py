"""IPTC Media Topics (top level) and keywords from a packaged term lexicon.

``data/topics.json`` lists, per top-level Media Topic, Korean and English terms written from the
IPTC definitions (see its ``_provenance``). Korean terms of two or more characters are found as
substrings (robust to Kiwi's compound splitting), one-character Korean terms only as whole Kiwi
nouns (``비`` rain, not ``비판``), English terms as whole words or marked stems. Where they count:
the title double, photo captions half, bylines, sign-offs, e-mail addresses, URLs and copyright
lines not at all. A topic's evidence is the sum over its terms of log2(1 + weighted count), so
repeats add less and less. Topics rank by evidence; the best is always returned when anything
matched, others when their evidence reaches half of the best's. A topic's score is its share of all
topics' evidence times 1 - exp(-evidence / 2), so a single weak term cannot give a confident
score. No model, no randomness.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from operator import add
from typing import Any

from streams.enrich.resources import DATA
from streams.enrich.rules import words
from streams.records import Topic

MIN_SHARE_OF_BEST = 0.5
MAX_TOPICS = 3
MAX_KEYWORDS = 10
_EN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z\-']{2,}")
# English terms are ASCII (letters, digits, spaces and & ' . - ,), so a run of non-ASCII word
# characters can stand as one "_" (a word character no term contains) and any other non-ASCII
# run as one "\x00" (a non-word character no term contains), and a stretch of such "_" words
# as one: word boundaries and every possible match stay where they were, in a far shorter text.
_NON_ASCII_WORDS_RE = re.compile(r"[^\W\x00-\x7f]+")
_NON_ASCII_OTHER_RE = re.compile(r"[^\x00-\x7f]+")
_PLACEHOLDER_RUN_RE = re.compile(r"_(?:\s+_)+")


def _ascii_skeleton(text: str) -> str:
    """``text`` shrunk to what the English term patterns can match (see above)."""
    text = _NON_ASCII_OTHER_RE.sub("\x00", _NON_ASCII_WORDS_RE.sub("_", text))
    return _PLACEHOLDER_RUN_RE.sub("_", text)
_KO_STOP = frozenset(
    words(
        "이번 지난 이날 오늘 당시 관련 경우 가운데 이후 이상 이하 정도 대상 통해 위해 때문 사실 "
        "관계자 설명 지적 분석 예정 계획 상태 전망 우려 강조 발표 기자 사진 뉴스 무단 전재 배포 "
        "금지 결과 일부 최근 올해 내년 작년 지난해 시작 진행 필요 가능 문제 의원님 자신 상황 부분 "
        "방안 입장 의견 생각 이야기 모습 정도 모두 기존 현재 각국 단순 본격"
    )
)
# Without an English tagger, the endings that mark adverbs and past participles (quickly,
# expected) keep the commonest non-nouns out of the keywords; -ing words are often nouns.
_EN_NOT_NOUN = re.compile(r"^\w{3,}ly$|^\w{4,}ed$")
_EN_STOP = frozenset(
    words(
        "the and for that with this from have has had was were will would could should about "
        "after before their there they them than then which while what when where said says also "
        "into over more most been being other some such only just like than its his her our your "
        "who whom whose are not but can may might must very many much new year years last first "
        "one two three four five week month today yesterday according told including since "
        "near along across among within without between through during against toward towards "
        "around behind beyond despite upon onto amid"
    )
) | frozenset(words(
    # Headline and reporting verbs: with no English tagger here they would pass for nouns
    # ("City council approves new bike lanes"); their -ed forms are already left out.
    "approve approves back backs call calls face faces find finds found give gives goes going "
    "keep keeps learn learns leave leaves make makes made plan plans raise raises rise rises "
    "rose fall falls fell see sees seek seeks sets show shows take takes took tell tells urge "
    "urges vow vows warn warns want wants open opens unveil unveils reveal reveals expect "
    "expects need needs help helps begin begins start starts become becomes remain remains "
    "continue continues move moves come comes gets"
))


@dataclass(frozen=True, slots=True)
class _TopicTerms:
    code: str
    label_en: str
    label_ko: str
    long_ko: tuple[str, ...]
    within_ko: dict[str, tuple[str, ...]]  # a term -> the topic's longer terms holding it
    short_ko: frozenset[str]
    not_ko: tuple[str, ...]  # longer words holding a term in another sense (서울시장: a mayor)
    pattern_en: re.Pattern[str]
    not_en: re.Pattern[str] | None  # the same for English (European Union: not a trade union)


def _english_parts(term: str) -> tuple[str, str]:
    """(literal, ending regex) of one English term: ``stem*`` matches any word starting so
    (``prosecut*``: prosecutor, prosecuted); any other term is a whole word, plural or possessive
    allowed (``policy``: policies), so ``war`` is not found in "warning" nor ``final`` in
    "finally"."""
    if term.endswith("*"):
        return term[:-1], ""
    if term.endswith("y") and term[-2:-1] not in ("", "a", "e", "o", "u", " "):
        return term[:-1], r"(?:y|ies|y's|y’s)\b"
    return term, r"(?:s|es|'s|’s)?\b"


def _trie_regex(terms: Sequence[str], exact: bool = False) -> str:
    """One regex for ``terms`` shaped as a trie of their literals (``war(?:plane|...)``), the
    longer continuations tried before a term ends, so a position finds the longest term, as a
    longest-first alternation does, with a few character tests instead of one per term.
    ``exact``: the terms are whole phrases as written (``not_en``), not stems or words."""
    return _trie([(term, r"\b") if exact else _english_parts(term) for term in terms])


def _trie(pairs: Sequence[tuple[str, str]]) -> str:
    """The trie regex of (literal, ending regex) pairs (see :func:`_trie_regex`)."""
    trie: dict[str, Any] = {}
    for literal, ending in pairs:
        node = trie
        for char in literal:
            node = node.setdefault(char, {})
        node.setdefault("", []).append(ending)

    def build(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + build(child)
                    for char, child in sorted(node.items()) if char]
        if "" in node:
            endings = node[""]
            # a bare stem (no ending) already matches wherever a longer ending would
            branches.append("" if "" in endings else
                            "(?:" + "|".join(sorted(set(endings), key=len, reverse=True)) + ")")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return build(trie)


class _Scanner:
    """Every pattern's ``findall`` over one text in a single pass: one regex (a lookahead over
    the union of all the patterns' terms) finds the positions where any term starts, and each
    pattern is tried there only if a term of its own starts with those two characters, from the
    end of its previous match on, exactly as its own ``findall`` would (17 topic patterns each
    scanning the whole text cost more than the rest of the scoring)."""

    def __init__(self, patterns: Sequence[re.Pattern[str] | None],
                 literals: Sequence[Sequence[str]]) -> None:
        self.patterns = patterns
        self.by_prefix: dict[str, list[int]] = {}
        everything: list[str] = []
        for index, terms in enumerate(literals):
            for prefix in sorted({literal[:2] for literal in terms}):
                self.by_prefix.setdefault(prefix, []).append(index)
            everything += terms
        if any(len(prefix) < 2 for prefix in self.by_prefix):
            raise ValueError("English terms need two characters or more")
        self.union = re.compile(r"\b(?=" + _trie([(t, "") for t in everything]) + ")"
                                if everything else r"(?!)")

    def findall(self, text: str) -> list[list[str]]:
        found: list[list[str]] = [[] for _ in self.patterns]
        free = [0] * len(self.patterns)
        for candidate in self.union.finditer(text):
            at = candidate.start()
            for index in self.by_prefix.get(text[at:at + 2], ()):
                pattern = self.patterns[index]
                if at >= free[index] and pattern is not None and (
                        match := pattern.match(text, at)):
                    found[index].append(match.group(0))
                    free[index] = match.end()
        return found


@dataclass(frozen=True, slots=True)
class TopicLexicon:
    """The topic terms of ``data/topics.json`` (:func:`load`): per topic, then scanned together."""

    topics: tuple[_TopicTerms, ...]
    terms: _Scanner  # every topic's English terms
    phrases: _Scanner  # every topic's not_en phrases
    # every topic's Korean terms (long_ko) and not_ko words by their first two characters:
    # bigram -> (topic index, position in the topic's tuple, term); a zone looks up only the
    # terms whose first two characters it holds, all topics in one pass
    long_ko: dict[str, tuple[tuple[int, int, str], ...]]
    not_ko: dict[str, tuple[tuple[int, int, str], ...]]
    long_ko_keys: frozenset[str] = field(init=False)
    not_ko_keys: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "long_ko_keys", frozenset(self.long_ko))
        object.__setattr__(self, "not_ko_keys", frozenset(self.not_ko))


def _by_bigram(groups: Sequence[Sequence[str]]) -> dict[str, tuple[tuple[int, int, str], ...]]:
    index: dict[str, list[tuple[int, int, str]]] = {}
    for number, group in enumerate(groups):
        for position, term in enumerate(group):
            index.setdefault(term[:2], []).append((number, position, term))
    return {bigram: tuple(entries) for bigram, entries in index.items()}


def load() -> TopicLexicon:
    """The packaged topic lexicon (an enricher holds one)."""
    raw: dict[str, Any] = json.loads((DATA / "topics.json").read_text(encoding="utf-8"))
    topics = _topic_terms(raw)
    return TopicLexicon(topics, *_scanners(raw, topics),
                        _by_bigram([topic.long_ko for topic in topics]),
                        _by_bigram([topic.not_ko for topic in topics]))


def _topic_terms(raw: dict[str, Any]) -> tuple[_TopicTerms, ...]:
    out = []
    for code, spec in sorted(raw["topics"].items()):
        terms_ko = [t for t in spec["terms_ko"] if t]
        english = sorted({t.lower() for t in spec["terms_en"] if t}, key=lambda t: (-len(t), t))
        pattern = re.compile(r"\b" + _trie_regex(english))
        long_ko = tuple(t for t in terms_ko if len(t) > 1)
        out.append(_TopicTerms(
            code, spec["en"], spec["ko"],
            long_ko,
            {t: tuple(u for u in long_ko if t in u and t != u) for t in long_ko},
            frozenset(t for t in terms_ko if len(t) == 1),
            tuple(spec.get("not_ko", ())),
            pattern,
            re.compile(r"\b" + _trie_regex([t.lower() for t in spec["not_en"]], exact=True))
            if spec.get("not_en") else None,
        ))
    return tuple(out)


def _scanners(raw: dict[str, Any], topics: tuple[_TopicTerms, ...]) -> tuple[_Scanner, _Scanner]:
    """(terms, not_en phrases) of all topics, in ``topics`` order."""
    specs = [raw["topics"][topic.code] for topic in topics]
    terms = _Scanner([topic.pattern_en for topic in topics],
                     [[_english_parts(t.lower())[0] for t in spec["terms_en"] if t]
                      for spec in specs])
    phrases = _Scanner([topic.not_en for topic in topics],
                       [[t.lower() for t in spec.get("not_en", ())] for spec in specs])
    return terms, phrases


# Where a page's words weigh: the title double, photo captions half; bylines, sign-offs,
# e-mail addresses, URLs and copyright lines not at all (a lead weighing more than the rest of
# the body did not help on tests/enrich/data/topics_real.jsonl, so the body weighs evenly).
TITLE_WEIGHT = 2.0
BODY_WEIGHT = 1.0
CAPTION_WEIGHT = 0.5

_EMAIL_URL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+")
_EMAIL_URL_CUE_RE = re.compile(r"@|://|www\.")  # in every match of _EMAIL_URL_RE
_COPYRIGHT_RE = re.compile(r"ⓒ|©|copyright|무단\s*전재|재배포\s*금지|all rights reserved", re.I)
# "(서울=뉴스온) 홍길동 기자 =", "[스타뉴스 박서윤 기자]", "[한빛일보=이현우 기자]" opening a line
_KO_BYLINE_OPEN_RE = re.compile(
    r"^\s*[(\[【][^()\[\]【】\n]{0,40}(?:기자|특파원|=)[^()\[\]【】\n]{0,40}[)\]】]"
    r"(?:\s*[가-힣]{2,4}\s*(?:기자|특파원)\s*=)?")
# a sign-off line: "박서윤 기자 seoyoon@...", "연예팀 이수진 기자", "문예린 기상전문기자"
_KO_SIGNOFF_RE = re.compile(
    r"^\s*(?:[가-힣]+\s+){0,2}[가-힣]{2,4}\s*(?:[가-힣]{0,6}기자|특파원)(?:\s+\S+@\S+)?\s*$")
# "By Hannah Cole", "By Hannah Cole, Entertainment Reporter", "Reporting by ...; editing by ..."
_EN_BYLINE_RE = re.compile(
    r"^\s*(?:By\s+[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}(?:,[^\n]{0,60})?"
    r"|[Rr]eporting by [^\n]*)\s*$")
_CAPTION_RE = re.compile(
    r"^\s*(?:[\[(]?\s*사진\s*=|▲|△|photo\s*:|photo caption|caption\s*:|pictured\s*:)|"
    r"\((?:사진\s*=|photo\s*[:/]|credit\s*:|AP Photo|[^()\n]{0,40}/(?:getty|ap|reuters|afp)"
    r"[^()\n]{0,20})[^()\n]*\)\s*$", re.I)

# An expert's affiliation in a quote ("양무진 북한대학원대학교 교수는", "a professor of economics at
# Yale University") says who speaks, not what the story is about: it gave an inter-Korean story
# an education topic. Such phrases are blanked before counting.
_ATTRIBUTION_RE = re.compile(
    r"(?:[가-힣A-Za-z]+(?:대학교|대학원|대)\s*(?:[가-힣]+(?:학과|학부|전공|대학원)\s*)?"
    r"|[가-힣]+(?:학과|학부)\s*)(?:명예|객원|겸임|석좌|초빙|부|조|연구)?교수"
    r"|\b(?:(?:assistant|associate|emeritus|visiting|adjunct)\s+)?(?:professor|lecturer|"
    r"researcher|scientist|economist|historian|analyst|expert|fellow|dean|psychologist|"
    r"sociologist)s?(?:\s+of\s+[a-z ,&-]{2,60}?)?\s+(?:at|from)\s+(?:the\s+)?"
    r"(?:[a-z.'&-]+\s+){0,4}?(?:universit(?:y|ies)|college)(?:\s+of\s+[a-z]+(?:\s+[a-z]+)?)?\b",
    re.I)
_ATTRIBUTION_CUE_RE = re.compile("교수|universit|college", re.I)  # in every match of the above


def _zones(text: str) -> list[tuple[float, int, int]]:
    """(weight, start, end) spans of a body, line by line: boilerplate lines are left out (and a
    byline opening a line), captions weigh :data:`CAPTION_WEIGHT`, the rest :data:`BODY_WEIGHT`."""
    zones: list[tuple[float, int, int]] = []
    position = 0
    for line in text.splitlines(keepends=True):
        start, end = position, position + len(line)
        position = end
        stripped = line.strip()
        if not stripped or _COPYRIGHT_RE.search(line) or _KO_SIGNOFF_RE.match(line) or (
                len(stripped) < 90 and _EN_BYLINE_RE.match(line)):
            continue
        if opener := _KO_BYLINE_OPEN_RE.match(line):
            start += opener.end()
        weight = CAPTION_WEIGHT if _CAPTION_RE.search(line) else BODY_WEIGHT
        if zones and zones[-1][0] == weight and zones[-1][2] == start:
            zones[-1] = (weight, zones[-1][1], end)  # one span per run of plain lines
        else:
            zones.append((weight, start, end))
    return zones


def _blank(text: str, pattern: re.Pattern[str], cue: re.Pattern[str]) -> str:
    """``text`` with the matches of ``pattern`` replaced by spaces (offsets hold).

    ``cue``: a pattern found in every match of ``pattern``; most texts have none, and searching
    for it costs a fraction of ``pattern``, whose alternatives are tried at every letter."""
    if cue.search(text) is None:
        return text
    return pattern.sub(lambda m: " " * len(m.group(0)), text)


def _term_key(match: str) -> str:
    """One key per English term however it was inflected (policy, policies, policy's)."""
    key = match.rstrip("'’s")
    return key[:-2] if key.endswith("ie") else key


def _damp(count: float) -> float:
    """A term's weight from its (weighted) count: repeats add less and less (1 -> 1, 3 -> 2,
    7 -> 3), so one word said many times (coffee in a coffee-price story) does not outvote the
    several different words of the story's topic."""
    return math.log2(1 + count)


def classify(lexicon: TopicLexicon, title: str, text: str,
             token_sets: Sequence[tuple[str, list[Any]]], korean_mode: bool,
             names: dict[str, int] | None = None,
             covered: dict[str, bytearray] | None = None) -> tuple[list[Topic], list[str]]:
    """(topics, keywords) of an article by the terms of ``lexicon``; empty lists when nothing
    matches.

    ``names`` (entity name -> mentions) compete as keywords; ``covered`` marks, per segment, the
    characters inside entity mentions, whose Kiwi pieces (오픈 of 오픈AI) are not keywords.
    """
    found: dict[str, defaultdict[str, float]] = {}
    terms_scanner, phrases_scanner = lexicon.terms, lexicon.phrases
    for segment, piece in (("title", title), ("text", text)):
        if not piece:
            continue
        clean = _blank(piece, _EMAIL_URL_RE, _EMAIL_URL_CUE_RE)
        if segment == "text":
            clean = _blank(clean, _ATTRIBUTION_RE, _ATTRIBUTION_CUE_RE)
        zones = [(TITLE_WEIGHT, 0, len(clean))] if segment == "title" else _zones(clean)
        nouns = [
            (t.start, t.form) for seg, tokens in token_sets if seg == segment for t in tokens
            if t.tag == "NNG" and len(t.form) == 1  # a common noun: 비 rain, not the singer
        ]
        topics = lexicon.topics
        for weight, start, end in zones:
            zone = clean[start:end]
            # In Korean text the English terms are looked for in its ASCII skeleton, with the
            # same matches (17 topic patterns over a 2,000-character Korean body were ~1 ms).
            lowered = _ascii_skeleton(zone.lower()) if korean_mode else zone.lower()
            # a term can only occur if its first two characters do: count only those terms
            bigrams = set(map(add, zone, zone[1:])) if korean_mode else set()
            short = Counter(form for at, form in nouns if start <= at < end)
            english = terms_scanner.findall(lowered + " ")
            not_english = phrases_scanner.findall(lowered)
            tallies = [found.setdefault(topic.code, defaultdict(float)) for topic in topics]
            for index, topic in enumerate(topics):
                counts = tallies[index]
                for match in english[index]:
                    counts[_term_key(match)] += weight
                for phrase in not_english[index]:
                    for match in topic.pattern_en.findall(phrase + " "):
                        counts[_term_key(match)] -= weight
            if not korean_mode:
                continue
            # every topic's terms in one pass, in each topic's own order (so each topic's
            # counts are built exactly as one loop per topic would build them)
            for index, _, term in sorted(
                    entry for bigram in bigrams.intersection(lexicon.long_ko_keys)
                    for entry in lexicon.long_ko[bigram]):
                if n := zone.count(term):
                    # 근로 in 근로자 (both labour terms) counts once, as 근로자
                    inside = sum(zone.count(longer) for longer in topics[index].within_ko[term])
                    tallies[index][term] += weight * max(0, n - inside)
            for index, _, word in sorted(
                    entry for bigram in bigrams.intersection(lexicon.not_ko_keys)
                    for entry in lexicon.not_ko[bigram]):
                if n := zone.count(word):
                    for term in topics[index].long_ko:
                        if term in word:
                            tallies[index][term] -= weight * n
            for index, topic in enumerate(topics):
                for term in topic.short_ko:
                    if count := short.get(term):  # not short[term]: a Python call when missing
                        tallies[index][term] += weight * count
    raw = Counter({
        code: TOPIC_WEIGHT.get(code, 1.0) * sum(_damp(c) for c in counts.values() if c > 0)
        for code, counts in found.items()
    })
    keywords = _keywords(title, text, token_sets, korean_mode, names or {}, covered or {})
    return _topics(+raw, lexicon.topics), keywords


SUPPORT_SCALE = 2.0
# Weather words are the commonest circumstance of other news (a match rained off, a concert in
# a heat wave, cabbage prices after a drought): weather evidence weighs 0.7 against the rest.
# A story about the weather names it throughout and still comes first; on topics_real this
# took both halves up (dev 0.963 -> 0.976, held-out 0.916 -> 0.928) and lost no weather story.
TOPIC_WEIGHT: dict[str, float] = {"medtop:17000000": 0.7}


def _support(evidence: float) -> float:
    """How far a topic's own evidence bears out its share: 1 - exp(-evidence / 2). One word
    mentioned once (evidence 1) caps the score at 0.39, once in the title (1.58) at 0.55; a score
    of 0.8 needs evidence of about 3.2 (say, four different words) besides a dominant share. The
    score of a page with a single weak term was 1.00 before (an entertainment story as weather)."""
    return 1.0 - math.exp(-evidence / SUPPORT_SCALE)


def _topics(raw: Counter[str], topics: tuple[_TopicTerms, ...]) -> list[Topic]:
    total = sum(raw.values())
    if not total:
        return []
    ranked = sorted(raw.items(), key=lambda item: (-item[1], item[0]))
    best = ranked[0][1]
    labels = {topic.code: topic for topic in topics}
    out = []
    for code, hits in ranked[:MAX_TOPICS]:
        if hits < best * MIN_SHARE_OF_BEST:
            break
        topic = labels[code]
        score = hits / total * _support(hits)
        out.append(Topic(code, topic.label_en, topic.label_ko, round(score, 3)))
    return out


_NOUN_TAGS = frozenset(("NNG", "NNP"))
_MAX_COMPOUND = 4


def _compound_nouns(tokens: Sequence[Any]) -> list[tuple[int, str]]:
    """(start, form) of each noun, nouns written together joined into one compound: Kiwi splits
    전통시장 into 전통 + 시장 and 온누리상품권 into 온 + 누리 + 상품권, and the parts alone
    (누리) are not what the article is about. A determiner or a noun suffix attached without a
    space joins too (온누리, 집행률); at most :data:`_MAX_COMPOUND` pieces."""
    out: list[tuple[int, str]] = []
    run_start = run_end = -1
    forms: list[str] = []
    nouns = 0
    for form, tag, start, length, _ in tokens:
        noun = tag in _NOUN_TAGS
        joins = start == run_end and len(forms) < _MAX_COMPOUND
        if noun or tag == "MM" or (tag == "XSN" and joins):
            if not joins:
                if nouns:
                    out.append((run_start, "".join(forms)))
                run_start, forms, nouns = start, [], 0
            forms.append(form)
            nouns += noun
            run_end = start + length
        else:
            if nouns:
                out.append((run_start, "".join(forms)))
            run_end, forms, nouns = -1, [], 0
    if nouns:
        out.append((run_start, "".join(forms)))
    return out


def _keywords(title: str, text: str, token_sets: Sequence[tuple[str, list[Any]]],
              korean_mode: bool, names: dict[str, int],
              covered: dict[str, bytearray]) -> list[str]:
    """Up to ten salient nouns: frequency, title occurrences weigh triple, ties by first use."""
    weights: Counter[str] = Counter()
    first: dict[str, int] = {}
    position = 0
    for name, count in names.items():
        weights[name] += count
        first.setdefault(name, position)
        position += 1
    if korean_mode:
        for segment, tokens in token_sets:
            if segment not in ("title", "text"):
                continue
            mask = covered.get(segment, bytearray())
            for start, form in _compound_nouns(tokens):
                if start < len(mask) and mask[start]:
                    continue
                if len(form) > 1 and form not in _KO_STOP:
                    weights[form] += 3 if segment == "title" else 1
                    first.setdefault(form, position)
                    position += 1
    else:
        for weight, piece, segment in ((3, title, "title"), (1, text, "text")):
            mask = covered.get(segment, bytearray())
            for match in _EN_WORD_RE.finditer(piece):
                if match.start() < len(mask) and mask[match.start()]:
                    continue  # a word of a name, which competes whole (Flagstaff, not flagstaff)
                word = match.group(0).lower()
                if len(word) > 3 and word not in _EN_STOP and not _EN_NOT_NOUN.search(word):
                    weights[word] += weight
                    first.setdefault(word, position)
                    position += 1
    ranked = sorted(weights, key=lambda w: (-weights[w], first[w]))
    return [word for word in ranked if weights[word] > 1][:MAX_KEYWORDS] or ranked[:MAX_KEYWORDS]
