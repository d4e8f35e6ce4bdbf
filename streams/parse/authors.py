"""Author readers: bylines in Korean (``홍길동 기자``, ``ksh@fnnews.com 김성환 기자``) and
English (``By Jane Doe and John Roe``), plus cleaning of names from metadata."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from streams.parse import selectors as sel
from streams.records import Author

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANGUL = re.compile(r"[가-힣]")
_EN_BY = re.compile(
    r"^(?:by|written by|words by|author:|posted by|reporting by)\s+(.{3,120})$", re.IGNORECASE
)
_SPLIT = re.compile(r"\s+(?:and|&)\s+|\s*[;|·/]\s*|\s*,\s*(?=[A-Z가-힣][\w.'-]*\s+[A-Z가-힣])")
_PREFIX = re.compile(
    r"^(?:by|written by|authored by|articles? by|posts? by|stories by|words by|author|posted by|"
    r"reporter)\s*[:\-]?\s+",
    re.IGNORECASE,
)
#: Not a byline: a comment widget's "NAME says", a reading-time label.
_NOT_BYLINE = re.compile(r"(?i)\ssays:?$|\bmins? read$|^\d+\s*min")
_BAD_NAME = re.compile(r"https?:|www\.|\d{3,}|[<>{}=*]|\d:\d\d")  # links, form labels, times
#: Debris around a name in byline widgets: a leading month-day (``Jun 2``), a trailing "Written
#: By" (the label printed after the date), a trailing footnote number (``Jane Doe 1``).
_MONTH_DAY = (r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? "
              r"\d{1,2}(?:st|nd|rd|th)?")
_NAME_DEBRIS = re.compile(
    rf"^{_MONTH_DAY},?\s+|[\s\-–—●·,|]+(?:at |on )?{_MONTH_DAY}$"
    r"|(?:^|\s+)(?:(?:written|posted|reviewed) )?by$|\s+\d$",
    re.IGNORECASE,
)
_NOT_NAMES = frozenset({"by", "author", "authors", "posted by", "written by", "admin", "staff",
                        "share", "about the author", "reporter", "기자", "editor", "the author",
                        "website", "insights from", "article by", "authors of this article",
                        "authored by", "article", "written", "posted", "reviewed", "name"})
_DATE_TAIL = re.compile(
    r"\s*(?:[|•·,]|\b(?:on|updated|published|posted)\b).*$", re.IGNORECASE
)


def clean_name(raw: str) -> str | None:
    name = " ".join(raw.split())
    name = EMAIL.sub("", name)
    name = _PREFIX.sub("", name).strip(" ,;:-–—|·")
    while (trimmed := _PREFIX.sub("", _NAME_DEBRIS.sub("", name)).strip(" ,;:-–—|·")) != name:
        name = trimmed  # "May 28 Written By Jane Roe": the date, then the label
    if not name or len(name) > 60 or _BAD_NAME.search(name):
        return None
    if name.casefold() in _NOT_NAMES or not any(ch.isalpha() for ch in name):
        return None
    if _NOT_BYLINE.search(name):
        return None
    if len(name.split()) > 6:
        return None
    return name


def split_names(raw: str) -> list[str]:
    out: list[str] = []
    for part in _SPLIT.split(raw):
        name = clean_name(part)
        if name and name not in out:
            out.append(name)
    return out


def korean_byline(text: str) -> list[Author]:
    """Reporters named in a short Korean byline, each with the role printed after the name and
    the e-mails in order: ``박선민 기자``, ``김철수·이영희 기자`` (two), ``이남경 MK스포츠 기자()``
    (the outlet belongs to the publisher), ``워싱턴/황준범 특파원`` (a dateline),
    ``ksh@fnnews.com 김성환 기자``. Only the e-mails when no name is there; nothing for a
    credit line (``촬영기자:김철수``)."""
    if sel.KO_CREDIT_LINE.match(text):
        return []
    emails = EMAIL.findall(text)
    plain = EMAIL.sub(" ", text)
    authors: list[Author] = []
    for role in sel.KO_ROLE.finditer(plain):
        for name in _names_before(plain[max(0, role.start() - 40) : role.start()]):
            if all(a.name != name for a in authors):
                authors.append(Author(name, None, role.group()))
    authors = authors[:5]
    for author, email in zip(authors, emails, strict=False):
        author.email = email
    if not authors and emails and len(text) < 80:
        return [Author(None, email) for email in emails]
    return authors


#: Separators of names sharing one role (``김철수·이영희 기자``), with the spaces around them.
_NAME_SEPARATOR = re.compile(r"\s*([·ㆍ,])\s*")


def _names_before(prefix: str) -> list[str]:
    """The names printed right before a role word: the last word (its part after a dateline's
    ``/`` or ``=``; one name or several joined by ``·``), or the word before an outlet's name."""
    words = _NAME_SEPARATOR.sub(r"\1", prefix).split()
    for back, word in enumerate(reversed(words[-2:])):
        names = _trailing_names(word)
        if names or back or not sel.KO_OUTLET.search(word):
            return names
    return []


def _trailing_names(word: str) -> list[str]:
    """The Korean names at the end of one byline word (``[OSEN=런던,김포토`` -> 김포토)."""
    parts = re.split(r"[·ㆍ,]", re.split(r"[/=|]", word.strip("()[]{}<>\"'"))[-1])
    names: list[str] = []
    for part in reversed(parts):
        if not is_korean_name(part):
            break
        names.insert(0, part)
    return names


def is_korean_name(word: str) -> bool:
    """Whether ``word`` reads as a Korean person's name: two to four syllables that start with a
    family name, and not a desk, section, credit or outlet word (``정치부``, ``사진``,
    ``연합뉴스``)."""
    return (2 <= len(word) <= 4 and all("가" <= ch <= "힣" for ch in word)
            and (word[0] in sel.KO_SURNAMES or word[:2] in sel.KO_SURNAMES)
            and word not in sel.KO_NOT_NAMES and word not in sel.SECTION_NAMES
            and not sel.KO_OUTLET.search(word)
            and not (word[-1] in "부팀국" and (word[:-1] in sel.SECTION_NAMES
                                             or word[:-1] in sel.KO_NOT_NAMES)))


def people(raw: str) -> list[Author]:
    """The authors one metadata value or byline element names. Korean: the names of a byline
    with their roles (:func:`korean_byline`), else the words that read as Korean names
    (``YTN 김와이 (kimy@ytn.co.kr)``: 김와이, with the e-mail); an outlet or a section alone
    names nobody. Other names: split and cleaned (:func:`split_names`)."""
    if not HANGUL.search(raw):
        return [Author(name) for name in split_names(raw)]
    if sel.KO_CREDIT_LINE.match(raw):
        return []  # "영상편집 : 김영상": a credit
    found = [a for a in korean_byline(raw) if a.name]
    if found:
        return found
    emails = EMAIL.findall(raw)
    words = re.split(r"[\s()\[\]<>|=:,·ㆍ]+", re.sub(r"\S+/(?=\S)", "", EMAIL.sub(" ", raw)))
    names = list(dict.fromkeys(w for w in words if is_korean_name(w)))[:5]
    return [Author(name, emails[i] if i < len(emails) else None) for i, name in enumerate(names)]


def english_byline(text: str) -> list[Author]:
    m = _EN_BY.match(text.strip())
    if not m:
        return []
    names = split_names(_DATE_TAIL.sub("", m.group(1)))
    return [Author(n) for n in names if n[:1].isupper()]


#: A byline inside running page text: a label (``Written by``, ``Article by``, a capitalised
#: ``By``) and a name: a given name or initials, optional particles or initials, and one
#: surname (``Sofia Gonzalez``, ``A. J. Neal``, ``Marna van der Merwe``). Running text goes on
#: with capitalised words (``By Sofia Gonzalez December 2``), so the name stops at the surname.
#: Photo, review and edit credits are not bylines.
BYLINE_LABELS = (
    "By", "Written by", "written by", "Article by", "article by", "Posted by", "posted by",
    "Story by", "Words by", "Reporting by", "Authored by", "Author", "Authors", "Author(s)",
    "Contributor", "Contributors",
)
_TEXT_BYLINE_NAME = re.compile(
    r"[:\s]+(?P<name>(?:[A-Z][a-z][\w'’-]*|(?:[A-Z]\.\s?)+)"
    r"(?: (?:[A-Z]\.|van|von|de|der|da|di|le|la|del))*"
    r" [A-Z][a-z][\w'’-]*)"
)


def after_labels(text: str, labels: tuple[str, ...], pattern: re.Pattern[str]
                 ) -> Iterator[tuple[int, re.Match[str]]]:
    """(label start, match) for each match of ``pattern`` right after one of ``labels`` that
    starts a word, in text order.
    The labels are found with ``str.find``: a regex alternation scanned over a page's text
    costs about a millisecond where this costs a tenth of one."""
    starts = []
    for key, group in _label_scans(labels):
        hit = text.find(key)
        while hit >= 0:
            for label, offset in group:
                at = hit - offset
                if at >= 0 and text.startswith(label, at) and (
                        not at or not (text[at - 1].isalnum() or text[at - 1] in "_-")):
                    starts.append((at, at + len(label)))
            hit = text.find(key, hit + 1)
    for at, end in sorted(starts):
        found = pattern.match(text, end)
        if found:
            yield at, found


@functools.cache
def _label_scans(labels: tuple[str, ...]) -> tuple[tuple[str, tuple[tuple[str, int], ...]], ...]:
    """What :func:`after_labels` searches for: one string per group of labels, each label with
    its offset before the string. A label is found by its text after the first letter, so that
    ``Written by`` and ``written by`` are one search, and a label found inside a shorter one's
    search (``Authors`` by ``uthor``) adds none: each search is a scan of the page's text."""
    keys = [(label, label[1:] if len(label) > 2 else label) for label in labels]
    groups: dict[str, list[tuple[str, int]]] = {}
    for label, key in keys:
        scan = min((other for _, other in keys if key.startswith(other)), key=len)
        groups.setdefault(scan, []).append((label, len(label) - len(key)))
    return tuple((scan, tuple(group)) for scan, group in groups.items())


_MONTH_WORD = re.compile(
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\b"
)


_CREDITS = frozenset({"photo", "photos", "image", "images", "illustration", "video", "graphic",
                      "edited", "reviewed", "fact-checked", "hosted", "sponsored", "powered",
                      "designed", "created", "built", "produced", "presented", "supported"})


def text_byline(text: str) -> list[Author]:
    """The first byline in page text (``... Written by Edzel Tabing Table of contents``,
    ``By Sofia Gonzalez December 2, 2025``): a last resort when no element or metadata names
    the author."""
    for label_start, match in after_labels(text, BYLINE_LABELS, _TEXT_BYLINE_NAME):
        before = text[max(0, label_start - 16):label_start].split()
        if before and before[-1].casefold().strip(":|") in _CREDITS:
            continue  # "Photo By Dan Osei", "Reviewed By ...": not the author
        name = clean_name(match.group("name"))
        if name and not sel.NOT_A_PERSON.search(name) and not _MONTH_WORD.search(name):
            return [Author(name)]
    return []


def is_byline(text: str) -> bool:
    """A short block that only names reporters (kept out of the body), or only credits a
    camera operator or an editor (``촬영기자:김철수/영상편집:이영희``)."""
    if len(text) > 100:
        return False
    if _EN_BY.match(text) or sel.KO_CREDIT_LINE.match(text):
        return True
    found = korean_byline(text)
    if not found:
        return False
    rest = sel.KO_ROLE.sub(" ", EMAIL.sub(" ", text))
    for name in (author.name for author in found if author.name):
        rest = rest.replace(name, " ")
    rest = " ".join(w for w in rest.split() if not (HANGUL.search(w) and sel.KO_OUTLET.search(w)))
    return len(rest.strip(" ,/|()[]=·ㆍ")) < 6
