"""What of an article's text identifies its story, and what is the publishing site's.

Two copies of one story differ mostly in what a site adds around the reporting: a headline
tag (``[속보]``, ``(종합2보)``, ``UPDATE 2-``), a dateline and byline (``(서울=연합뉴스)
홍길동 기자 =``, ``LONDON (Reuters) -``, ``By Jane Doe``), sign-offs, credits and copyright
lines, and chrome the extractor kept (menus, related-article headlines, share prompts).
:func:`story_lines` takes all of that away and returns the reporting, one folded line per
paragraph, so that two copies of a story give the same shingles.

Chrome is recognised by its shape rather than by a list of sites: reporting is written in
sentences, and menus, related headlines and captions are not. A line is kept when it ends like a
sentence (``.``, ``다``, ``?``, a closing quote after one of them...) or is long; if that would
keep less than a third of the text (a list-like page), every line is kept instead. Removing a
line of the story by mistake costs little: both copies lose it alike.
"""

from __future__ import annotations

import re
import unicodedata

# Headline tags: short bracketed tags at either end (Korean wire and portal style) and the English
# wire prefixes. Applied to the title and to the body's first line (some pages repeat the title).
_TAG = r"[\[\(【<〈][^\]\)】>〉]{1,12}[\]\)】>〉]"
_LEADING_TAGS = re.compile(rf"^(?:\s*{_TAG})+\s*")
_TRAILING_TAGS = re.compile(rf"(?:\s*{_TAG})+\s*$")
_WIRE_PREFIX = re.compile(
    r"^(?:\s*(?:UPDATE|REFILE|CORRECTED|EXCLUSIVE|WRAPUP|ANALYSIS|FACTBOX|INSIGHT|FOCUS|RPT|"
    r"BREAKING|Exclusive|Breaking|Update|Live updates|Live|Analysis|Explainer)"
    r"(?:\s+\d+)?\s*[-:—–|]\s*)+"
)

# Dateline and byline that open the lede: "(서울=연합뉴스) 홍길동 기자 =", "[스타뉴스 박서윤 기자]",
# "【서울=뉴시스】", "LONDON, July 29 (Reuters) -", "WASHINGTON (AP) —", "AMSTERDAM —".
_KO_DATELINE = re.compile(
    r"^(?:\s*[\[\(【][^\]\)】]{0,30}(?:=|기자|특파원)[^\]\)】]{0,30}[\]\)】])+\s*"
)
_KO_REPORTER_EQ = re.compile(r"^\s*[가-힣]{2,4}(?:\s[가-힣]{2,4})?\s*(?:기자|특파원|통신원)\s*=\s*")
_EN_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Z][a-z]{2,9}\.?\s+\d{1,2})?\s*(?:\([^)]{1,40}\))?"
    r"\s*[-—–]+\s+"
)
_EN_BYLINE = re.compile(r"^\s*(?:By|BY|Written by)\s+[A-Z][^.]{0,80}$")
# Broadcast sign-offs closing a paragraph: "KBS 뉴스 정해린입니다.", "... 김도경 특파원입니다."
_KO_SIGN_OFF = re.compile(
    r"\s*(?:\S{1,12}\s?뉴스\s?)?[가-힣]{2,4}\s?(?:기자|특파원)?(?:입니다|였습니다)\.?\s*$"
)
_SIGN_OFF_CONTEXT = re.compile(r"(?:뉴스|기자|특파원)\s?[가-힣]{0,4}(?:입니다|였습니다)\.?\s*$")
_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+|www\.\S+")

# Whole lines that are the publisher's, not the story's. Notices found anywhere in a line
# (copyright, redistribution, wire credits) are looked for as plain substrings of the lower-cased
# line first, which is much cheaper than one regex search per line.
_NOTICES = (
    "ⓒ", "©", "(c) 2", "copyright 2", "copyright (c)", "all rights reserved", "무단 전재",
    "무단전재", "무단 복제", "무단복제", "무단 배포", "재배포 금지", "재배포금지", "저작권자",
    "contributed to this report", "contributed reporting", "our standards:", "trust principles",
)
# ...and lines that start like credits, reporter-only lines, tip lines and link prompts.
_BOILERPLATE_START = re.compile(
    r"\s*(?:\(?(?:reporting|writing|editing|additional reporting|compiled|edited) by\b|"
    r"[\(\[]?\s*(?:촬영기자|영상취재|영상편집|촬영|편집|그래픽|취재)\s*[:：]|"
    r"[가-힣]{2,4}\s*(?:기자|특파원|통신원|인턴기자)\s*$|"
    r"[▶☞]|"
    r"(?:read more|related|see also|more from|sign up|subscribe|follow us|click here)\b)",
    re.IGNORECASE,
)

# Ends of sentences: a terminal mark, optionally followed by closing quotes or brackets; Korean
# declaratives may end on 다/요 without a full stop on some sites.
_SENTENCE_END = re.compile(r"(?:[.!?。…]|[다요])[\"'”’」』)\]]*\s*$")
_LONG_LINE = 80  # characters: a line this long is prose even without a final mark

_WORD = re.compile(r"[^\W_]+")


def clean_title(title: str) -> str:
    """The headline without its tags: ``[속보] 한은 기준금리 동결(종합)`` and ``UPDATE 2-BOJ holds``
    become ``한은 기준금리 동결`` and ``BOJ holds``."""
    previous = None
    while previous != title:
        previous = title
        title = _WIRE_PREFIX.sub("", _LEADING_TAGS.sub("", title))
        title = _TRAILING_TAGS.sub("", title)
    return title.strip()


def fold(text: str) -> str:
    """Case, width and punctuation folded away, words separated by single spaces."""
    return " ".join(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def _without_byline(line: str) -> str:
    line = _KO_DATELINE.sub("", line, count=1)
    line = _KO_REPORTER_EQ.sub("", line, count=1)
    line = _EN_DATELINE.sub("", line, count=1)
    if line.rstrip(". ").endswith("니다") and _SIGN_OFF_CONTEXT.search(line):
        line = _KO_SIGN_OFF.sub("", line)
    return _EN_BYLINE.sub("", line).strip()


def _without_address(line: str) -> str:
    if "@" in line or "http" in line or "www." in line:
        line = _ADDRESS.sub(" ", line)
    return line.strip()


def _is_boilerplate(line: str) -> bool:
    lowered = line.lower()
    return any(notice in lowered for notice in _NOTICES) or bool(_BOILERPLATE_START.match(line))


def _is_prose(line: str) -> bool:
    return len(line) >= _LONG_LINE or bool(_SENTENCE_END.search(line))


def story_lines(text: str) -> list[str]:
    """The reporting of ``text`` (an article body, paragraphs on lines), folded, one line per
    kept paragraph, in order. Empty when nothing of the story is left."""
    lines = [line for raw in text.splitlines() if (line := _without_address(raw))]
    lines = [line for line in lines if not _is_boilerplate(line)]
    if lines:
        lines[0] = clean_title(lines[0]) if len(lines[0]) < _LONG_LINE else lines[0]
    lines = [kept for line in lines if (kept := _without_byline(line))]
    prose = [line for line in lines if _is_prose(line)]
    if sum(map(len, prose)) * 3 >= sum(map(len, lines)):
        lines = prose
    return [folded for line in lines if (folded := fold(line))]
