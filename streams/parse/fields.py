"""Resolution of metadata fields from the readers' candidates: which source wins, in order of
reliability, and how subtitles, names, dates and languages are cleaned (titles:
:mod:`streams.parse.titles`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.parse import selectors as sel
from streams.parse.authors import (
    BYLINE_LABELS,
    HANGUL,
    after_labels,
    clean_name,
    english_byline,
    korean_byline,
    people,
    split_names,
)
from streams.parse.dates import date_in_url, month_day, parse_date
from streams.parse.metadata import Meta
from streams.parse.titles import norm as _norm
from streams.records import Author, Image

_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN = re.compile(r"[A-Za-z]")
_KANA = re.compile(r"[ぁ-ゟ゠-ヿ]")
_HAN = re.compile(r"[一-鿿]")
_LABELLED_DATE = re.compile(
    rf"(?P<label>{sel.DATE_LABELS})"
    r"\s*(?:[Oo]n|:)?\s*[:：]?\s*"
    r"(?P<date>(?:19|20)\d\d[-./년]\s*\d\d?[-./월]\s*\d\d?[^\n]{0,20}|"
    r"[A-Z][a-z]{2,8}\.? \d{1,2},? (?:19|20)\d\d|\d{1,2} [A-Z][a-z]{2,8} (?:19|20)\d\d|"
    r"\d\d?[-.]\d\d?\b)"
)
_LOOSE_DATE = re.compile(
    r"(?i)\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? "
    r"\d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d\d|"
    r"\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?,? (?:19|20)\d\d|(?:19|20)\d\d[-.년] ?\d\d?[-.월] ?\d\d?|"
    r"(?<![\w.])\d\d?\.\d\d?\.(?:19|20)\d\d(?![\w.])|"
    r"(?<![\w/.])(?:1[3-9]|2\d|3[01])/\d\d?/(?:19|20)\d\d(?![\w/])|"
    r"(?<![\w/.])\d\d?/(?:1[3-9]|2\d|3[01])/(?:19|20)\d\d(?![\w/]))"
)
#: A byline that prints the date after the names (``Written by Moses Kim and Kate Shokurova
#: April 8, 2024``, ``By Jane Doe · March 3, 2025``).
_BYLINE_DATE = re.compile(
    r"\s+(?:[A-Z][\w'.-]*(?:,|\s+and|\s+&)?\s+){1,8}?"
    r"[·|•,–—-]?\s*(?P<date>(?i:" + _LOOSE_DATE.pattern[4:] + "))"
)
_SOURCE_RANK = {"jsonld": 0, "fusion": 1, "meta": 2, "next_data": 3, "microdata": 4, "time": 5}


def _clean_subtitle(node: LexborNode | None, title: str | None) -> str | None:
    if node is None or node.tag in ("h1", "body", "html", "article", "main", "section"):
        return None
    names = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
    if sel.SUBTITLE_NOT.search(names) or node.css_first(sel.SUBTITLE_NOT_INSIDE) is not None:
        return None
    if sel.CHROME_NAMES.search(names) and not sel.CHROME_NEGATED.search(names):
        return None
    text = " ".join(node.text(separator=" ").split())
    if not 10 <= len(text) <= 400 or (title and _norm(text) == _norm(title)):
        return None
    words = len(text.split())
    if words < 4 and not (words >= 2 and _HANGUL.search(text)):
        return None  # a kicker, category or section label, not a standfirst
    if sel.SUBTITLE_CHROME_TEXT.search(text) or sel.chrome_text(text):
        return None
    linked = sum(len(a.text()) for a in node.css("a"))
    if linked > 0.5 * len(text):
        return None
    if title and _norm(title) in _norm(text):
        return None
    return text


def _next_element(node: LexborNode) -> LexborNode | None:
    sib = node.next
    while sib is not None and sib.tag in ("-text", "-comment"):
        if sib.tag == "-text" and (sib.text_content or "").strip():
            return None
        sib = sib.next
    return sib


def find_subtitle(
    tree: LexborHTMLParser, headline: LexborNode | None, title: str | None
) -> str | None:
    """The standfirst/dek the page shows under its headline, or None (never guessed).

    1. explicit subtitle markup (:data:`~streams.parse.selectors.SUBTITLE_SELECTOR`) in the
       headline's block (up to three levels above the ``<h1>``), or anywhere on a page without
       a headline ``<h1>``;
    2. an ``<h2>`` (or ``<p>`` in an ``<hgroup>``) that directly follows the ``<h1>`` or the
       element that wraps only the ``<h1>``.
    """
    if headline is None:
        return _clean_subtitle(tree.css_first(sel.SUBTITLE_SELECTOR), title)
    scopes: list[LexborNode] = []
    scope = headline.parent
    while len(scopes) < 3 and scope is not None and scope.tag not in ("body", "html"):
        scopes.append(scope)
        scope = scope.parent
    # Each scope holds the ones before it: when the widest holds no subtitle markup, none does
    # (one query instead of three on most pages; lexbor's cost is per element per selector).
    if scopes and scopes[-1].css_first(sel.SUBTITLE_SELECTOR) is not None:
        for scope in scopes:
            found = _clean_subtitle(scope.css_first(sel.SUBTITLE_SELECTOR), title)
            if found:
                return found
    node: LexborNode | None = headline
    for _ in range(2):
        if node is None:
            break
        sib = _next_element(node)
        if sib is not None and sib.tag == "h2":
            return _clean_subtitle(sib, title)
        parent = node.parent
        if parent is None or parent.tag in ("body", "html", "article", "main") or len(
            " ".join(parent.text().split())) > len(" ".join(node.text().split())) + 2:
            break
        node = parent
    return None


def has_structured_authors(meta: Meta, title: str | None) -> bool:
    """Whether JSON-LD / Arc XP / ``__NEXT_DATA__`` name authors (byline elements then go
    unread: :func:`resolve_authors` would not look at them); a headline or an outlet put in
    the author field names nobody."""
    site = _norm(meta.site_name or meta.publisher or "")
    plausible = _plausible_authors(meta, title, None)
    return any(plausible(_from_meta(meta.authors.get(source), site))
               for source in ("jsonld", "fusion", "next_data"))


def has_structured_date(meta: Meta) -> bool:
    """Whether some structured source gives a parseable publication date (the page text is
    then not searched for one)."""
    return any(parse_date(raw) for _source, raw in meta.published)


def resolve_authors(meta: Meta, body_authors: list[Author], bylines: list[str],
                    text_authors: list[Author] | None = None, *, title: str | None = None,
                    publisher: str | None = None) -> list[Author]:
    """Structured data first, then bylines in the body, then byline elements, then <meta>, then
    a byline found in the page text (``text_authors``); e-mails found alone in the body are
    attached to the names found elsewhere. A name that is the headline or words of it, or a
    section, is no author, nor is a Korean outlet (:func:`_plausible_authors`): the next source
    is read instead."""
    plausible = _plausible_authors(meta, title, publisher)
    named = plausible([a for a in body_authors if a.name])
    emails = [a.email for a in body_authors if a.email and not a.name]
    site = _norm(meta.site_name or meta.publisher or "")
    result: list[Author] = []
    for source in ("jsonld", "fusion", "next_data"):
        result = plausible(_from_meta(meta.authors.get(source), site))
        if result:
            break
    if not result:
        result = named
    if not result:
        for text in bylines:
            result = plausible(_byline_element(text))
            if result:
                break
    if not result:
        result = plausible(_from_meta(meta.authors.get("meta"), site))
    if not result:
        result = plausible(list(text_authors or []))
    if not result:
        # Only the site itself is named as the author (a personal blog, a company's own
        # posts): the author fields still say who wrote it, so they are used, in order. A
        # Korean outlet never comes out of them.
        for source in ("jsonld", "fusion", "next_data", "meta"):
            result = plausible(_from_meta(meta.authors.get(source), ""))
            if result:
                break
    by_name = {a.name: a.email for a in named if a.email}
    for author in result:
        if author.email is None and author.name in by_name:
            author.email = by_name[author.name]
        elif author.email is None and emails:
            author.email = emails.pop(0)
    if not result:
        result = [Author(None, e) for e in emails]
    return _dedupe(result)


def _byline_element(text: str) -> list[Author]:
    """The authors one byline element names: a Korean or English byline, else (a short text)
    the names it is, without a date printed beside them; e-mails alone as a last resort."""
    korean = korean_byline(text)
    found = [a for a in korean if a.name] or english_byline(text)
    if not found and text and _LOOSE_DATE.search(text):
        # "Andrew Gerrand 4 August 2010", "Dec. 19, 2025 · Niko Matsakis": the date
        # printed with the name is not part of it.
        text = _LOOSE_DATE.sub(" ", text).strip(" .,·|•-–—")
    if not found and text and len(text) < 60:
        if HANGUL.search(text):
            found = people(text)
        else:
            name = clean_name(text)
            found = [Author(n) for n in split_names(name)] if name else []
    return found or korean


_SECTION_NAMES = frozenset(_norm(name) for name in sel.SECTION_NAMES)


def _plausible_authors(meta: Meta, title: str | None, publisher: str | None
                       ) -> Callable[[list[Author]], list[Author]]:
    """A filter of the authors that are not the page's headline or a section, nor, for a Korean
    name, its outlet (``한겨레``; other Korean outlets never read as names: ``people``). A
    company's own posts are credited to the company, so an English site name stays a possible
    author (the fallback of :func:`resolve_authors`)."""
    outlets = {_norm(name) for name in (meta.site_name, meta.publisher, publisher) if name}
    # A breadcrumb may name the site: it is no section then.
    sections = ({_norm(name) for name in meta.sections if name} - outlets) | _SECTION_NAMES
    headline = f" {_norm(title)} " if title else ""

    def keep(authors: list[Author]) -> list[Author]:
        return [a for a in authors if not a.name or not _not_author(
            a.name, sections | outlets if HANGUL.search(a.name) else sections, headline)]

    return keep


def _not_author(name: str, banned: set[str], headline: str) -> bool:
    """Whether ``name`` is one of the ``banned`` names (sections, outlets), the headline, or
    words of it (``headline`` is normalised and padded with spaces): a phrase of it, or a Korean
    name (the person the story is about). One English word in the headline is often the
    company whose own post it is (``Soliant Report Reveals…`` by Soliant)."""
    norm = _norm(name)
    if not norm or norm in banned or f" {norm} " == headline:
        return True
    return f" {norm} " in headline and (" " in norm or bool(HANGUL.search(norm)))


def _from_meta(names: list[str] | None, site: str) -> list[Author]:
    out = [author for raw in names or [] for author in people(raw)]
    return [a for a in out if a.name and _norm(a.name) != site]


def _dedupe(authors: list[Author]) -> list[Author]:
    seen: set[tuple[str | None, str | None]] = set()
    out: list[Author] = []
    for a in authors:
        key = (a.name, a.email)
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out[:10]


def _first(cands: list[tuple[str, str]]) -> tuple[str | None, str | None]:
    for source, raw in sorted(cands, key=lambda c: _SOURCE_RANK.get(c[0], 9)):
        value = parse_date(raw)
        if value:
            return value, source
    return None, None


def _dated_before_update(text: str, labelled: re.Match[str]) -> str | None:
    """The date printed right before an "Updated" label (``August 16, 2019 - Updated July 9,
    2025``, ``April 26, 2024 | Updated on: …``): bylines that show both put the publication
    date first, so it is the one wanted; None when the label is not an update label or no
    date ends just before it."""
    if not sel.UPDATE_LABEL.fullmatch(labelled.group("label")):
        return None
    before = text[max(0, labelled.start() - 40) : labelled.start()].rstrip(sel.DATE_JOINERS)
    for loose in _LOOSE_DATE.finditer(before):
        if loose.end() == len(before):
            return parse_date(loose.group(0))
    return None


def text_after(node: LexborNode | None, limit: int) -> str:
    """Up to ``limit`` characters of the text that follows ``node`` in the page: its next
    siblings, then those of its parent and grandparent (the byline line under a headline is
    often a sibling of the headline's wrapper). Read locally: no page-wide text is needed."""
    parts: list[str] = []
    size = 0
    for _ in range(3):
        if node is None:
            break
        sibling = node.next
        while sibling is not None and size < limit:
            text = sibling.text(separator=" ")
            parts.append(text)
            size += len(text)
            sibling = sibling.next
        node = node.parent
    return " ".join(" ".join(parts).split())[:limit]


def _printed_earlier(printed: str, published: str) -> str | None:
    """The first date printed under the headline when it is at least two days before the
    metadata's ``published`` (a migrated or republished page keeps its printed date and gets a
    new ``datePublished``). One day earlier is the same instant seen from another time zone
    (``2025-12-19T02:41+00:00`` printed as Dec 18 in New York): the precise timestamp is kept.
    A date after an update label is skipped."""
    for loose in _LOOSE_DATE.finditer(printed):
        if sel.UPDATE_LABEL.search(printed, max(0, loose.start() - 25), loose.start()):
            continue
        value = parse_date(loose.group(0))
        if not value:
            return None
        gap = date.fromisoformat(published[:10]) - date.fromisoformat(value[:10])
        return value if gap.days >= 2 else None
    return None


def title_region(page_text: str, title: str | None) -> str:
    """The page text around the title's first occurrence, where bylines and dates are printed;
    the page's start when the title is not in it."""
    at = page_text.find(title[:40]) if title else -1
    return page_text[max(0, at - 1500) : at + 6000] if at >= 0 else page_text[:10_000]


def resolve_dates(
    meta: Meta, page_text: str, url: str, images: list[Image],
    title: str | None = None, after_headline: str = "",
) -> tuple[str | None, str | None, str | None, str | None]:
    """Published and modified datetimes with their sources: metadata first, unless the date
    printed under the headline (``after_headline``, see :func:`text_after`) is earlier; then a
    labelled date, a byline's date, a loose date near the title, the URL, image paths. Times
    are as written: a local one has no zone yet (see :func:`date_stamps`)."""
    published, p_source = _first(meta.published)
    modified, m_source = _first(meta.modified)
    if published is not None:
        printed = _printed_earlier(after_headline, published)
        if printed:
            published, p_source = printed, "text"
    region = title_region(page_text, title)
    if published is None:
        text = region
        labelled = _LABELLED_DATE.search(region)
        if labelled is None:
            text = page_text[:200_000]
            labelled = _LABELLED_DATE.search(text)
        if labelled:
            value = _dated_before_update(text, labelled) or parse_date(labelled.group("date"))
            if value:
                published, p_source = value, "byline"
            else:
                md = month_day(labelled.group("date"))
                for img in images:
                    day = date_in_url(img.src)
                    if md and day and (int(day[5:7]), int(day[8:10])) == md:
                        published, p_source = day, "text"
                        break
    if published is None:
        byline = next(after_labels(page_text[:200_000], BYLINE_LABELS, _BYLINE_DATE), None)
        published = parse_date(byline[1].group("date")) if byline else None
        p_source = "byline" if published else None
    if published is None:
        loose = _LOOSE_DATE.search(region)
        value = parse_date(loose.group(0)) if loose else None
        if value:
            published, p_source = value, "text"
    if published is None:
        day = date_in_url(url)
        if day:
            published, p_source = day, "url"
    if published is None:
        for img in images:
            day = date_in_url(img.src)
            if day:
                published, p_source = day, "url"
                break
    return published, p_source, modified, m_source


def date_stamps(meta: Meta) -> list[str]:
    """Every date the metadata readers found on the page, raw: where one is written with its
    UTC offset, that offset is the best evidence of the zone of the page's local times
    (:func:`~streams.parse.dates.zone_evidence`)."""
    return [raw for _source, raw in (*meta.published, *meta.modified)] + meta.time_stamps


def detect_language(lang: str | None, text: str) -> str | None:
    if lang:
        code = lang.strip().lower().replace("_", "-").split("-")[0]
        if len(code) == 2 and code.isalpha():
            return code
    sample = text[:3000]
    hangul = len(_HANGUL.findall(sample))
    latin = len(_LATIN.findall(sample))
    kana = len(_KANA.findall(sample))
    han = len(_HAN.findall(sample))
    letters = hangul + latin + kana + han
    if not letters:
        return None
    if hangul / letters > 0.3:
        return "ko"
    if kana / letters > 0.1:
        return "ja"
    if han / letters > 0.3:
        return "zh"
    if latin / letters > 0.5:
        return "en"
    return None
