"""Alias pairs learnt from the article itself: ``한국어 이름(English Name)``.

Korean news introduces foreign names once with the original in parentheses (``오픈AI 포
컨트리(OpenAI for Countries)``). Each pair becomes an article-local alias: if either side is
already known, the other side joins that entity; otherwise both sides form a new entity whose id
is derived from the English side (``unk:`` + sha1 of its normalised form), so that the Korean and
English spellings share one id.
"""

from __future__ import annotations

import re

from streams.enrich import rules
from streams.enrich.ids import unknown_id
from streams.enrich.lexicon import Known, Lexicon

_PAIR_RE = re.compile(r"([^()\n]{1,60}?)\(([A-Z][A-Za-z0-9&.,'\- ]{1,60})\)")
_ENGLISH_RE = re.compile(r"\(([A-Z][A-Za-z0-9&.,'\- ]{1,60})\)")
_PREFIX_STOP_RE = re.compile(r"[()\n]")
_OPENERS = "‘'“\"「『[<《〈"
_CLOSERS = "’”」』]>》〉|"
_MAX_WORDS = 6
_ACRONYM_RE = re.compile(r"[A-Z]{3,6}")


def learn(texts: list[str], lexicon: Lexicon) -> list[tuple[str, Known]]:
    """(surface, entity) pairs to add to the lexicon for this article, in text order."""
    learnt: list[tuple[str, Known]] = []
    seen: set[tuple[str, str]] = set()
    for text in texts:
        for prefix, english in _pairs(text):
            english = english.strip()
            korean = _korean_side(prefix, len(english.split()))
            too_short = english.isupper() and len(english) < 3
            if korean is None or english in rules.LATIN_STOP or too_short:
                continue
            if (korean, english) in seen:
                continue
            seen.add((korean, english))
            known = lexicon.lookup(english) or lexicon.lookup(korean)
            if known is not None and known.type == "person" and lexicon.lookup(english) is None \
                    and english.isupper():
                continue  # 손흥민(LAFC): the person's club or employer, not another name
            if known is None:
                # 상하이자동차(SAIC) by its suffix; spelt out before an acronym, most often an
                # organisation (정보통신산업진흥원(NIPA), 미국여자프로골프(LPGA))
                etype = rules.suffix_type_ko(korean) or (
                    "organization" if _ACRONYM_RE.fullmatch(english) else "other")
                known = Known(unknown_id(english), etype, korean, english, "alias", 0.3)
            learnt.append((korean, known))
            learnt.append((english, known))
    return learnt


def _pairs(text: str) -> list[tuple[str, str]]:
    """(text before, English inside) of each ``…(English)``: the matches of ``_PAIR_RE``.

    Found from the parentheses backwards (up to 60 characters, not across a parenthesis or a
    line break) instead of by ``_PAIR_RE`` itself, whose lazy prefix is tried at every position.
    """
    out = []
    last_end = 0
    for match in _ENGLISH_RE.finditer(text):
        start = match.start()
        low = max(last_end, start - 60)
        stops = [m.end() for m in _PREFIX_STOP_RE.finditer(text, low, start)]
        prefix = text[stops[-1] if stops else low:start]
        if prefix:
            out.append((prefix, match.group(1)))
            last_end = match.end()
    return out


def _korean_side(prefix: str, english_words: int) -> str | None:
    """The Korean name just before the parenthesis: back to an opening quote, else N words."""
    words = prefix.split()
    if not words or not any("가" <= char <= "힣" for char in words[-1]):
        return None  # POG(Player of the Game): an acronym spelled out, not a Korean name
    cut = max(prefix.rfind(char) for char in _OPENERS)
    if cut >= 0 and len(prefix[cut + 1:].split()) <= _MAX_WORDS \
            and not any(char in _CLOSERS for char in prefix[cut + 1:]):
        candidate = prefix[cut + 1:]
    else:
        candidate = " ".join(words[-min(max(english_words, 1), 4):])
    candidate = candidate.strip(" ,.·")
    if not candidate or not any("가" <= char <= "힣" for char in candidate):
        return None
    if candidate[-1] in ",.)":
        return None
    return candidate
