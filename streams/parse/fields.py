"""Resolution of metadata fields from the readers' candidates: which source wins, in order of
reliability, and how titles, names, dates and languages are cleaned."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.parse import selectors as sel
from streams.parse.authors import clean_name, english_byline, korean_byline, split_names
from streams.parse.dates import date_in_url, month_day, parse_date
from streams.parse.metadata import Meta
from streams.records import Author, Image

_TITLE_SEP = re.compile(r"\s+[|\-–—:·•»/]\s+|\s*[|｜]\s*")
_NORM = re.compile(r"[\W_]+")
_HANGUL = re.compile(r"[가-힣ㄱ-ㅎㅏ-ㅣ]")
_LATIN = re.compile(r"[A-Za-z]")
_KANA = re.compile(r"[ぁ-ゟ゠-ヿ]")
_HAN = re.compile(r"[一-鿿]")
_LABELLED_DATE = re.compile(
    r"(?:입력|등록|작성일?|기사입력|게재|발행|Published|Posted|Updated|Date|Last updated)"
    r"\s*(?:on|:)?\s*[:：]?\s*"
    r"((?:19|20)\d\d[-./년]\s*\d\d?[-./월]\s*\d\d?[^\n]{0,20}|"
    r"[A-Z][a-z]{2,8}\.? \d{1,2},? (?:19|20)\d\d|\d{1,2} [A-Z][a-z]{2,8} (?:19|20)\d\d|"
    r"\d\d?[-.]\d\d?\b)"
)
_LOOSE_DATE = re.compile(
    r"(?i)\b(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? "
    r"\d{1,2}(?:st|nd|rd|th)?,? (?:19|20)\d\d|"
    r"\d{1,2}(?:st|nd|rd|th)? (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.?,? (?:19|20)\d\d|(?:19|20)\d\d[-.년] ?\d\d?[-.월] ?\d\d?|"
    r"(?<![\w.])\d\d?\.\d\d?\.(?:19|20)\d\d(?![\w.]))"
)
_SOURCE_RANK = {"jsonld": 0, "fusion": 1, "meta": 2, "next_data": 3, "microdata": 4, "time": 5}


def _norm(text: str) -> str:
    return " ".join(_NORM.sub(" ", text.casefold()).split())


def _strip_brand(title: str, brands: list[str]) -> str:
    """``title`` without a leading/trailing site brand that has no separator before it
    (``davidbau.com Vibe Coding``); unchanged when too little would remain."""
    low = title.casefold()
    for brand in brands:
        b = brand.casefold().strip()
        if len(b) < 3 or len(b) >= len(low) - 3:
            continue
        if low.startswith(b):
            rest = title[len(b):].strip(" :-–—|·•»/")
        elif low.endswith(b):
            rest = title[: len(title) - len(b)].strip(" :-–—|·•»/")
        else:
            continue
        if len(rest) >= 8:
            return rest
    return title


def _strip_site(title: str, site: str | None, brands: list[str] | None = None) -> str:
    parts = [p for p in _TITLE_SEP.split(title) if p.strip()]
    if len(parts) < 2:
        return _strip_brand(title, brands or [])
    for brand in brands or []:
        brand_n = _norm(brand)
        kept = [p for p in parts if _norm(p) != brand_n]
        if brand_n and kept and len(kept) < len(parts):
            parts = kept
            title = " - ".join(kept)
            if len(parts) < 2:
                return title
    if site:
        site_n = _norm(site)
        kept = [p for p in parts if _norm(p) != site_n and site_n not in _norm(p)]
        if kept and len(kept) < len(parts):
            return " - ".join(kept) if len(kept) > 1 else kept[0]
    longest = max(parts, key=len)
    others = [p for p in parts if p is not longest]
    if all(len(p.split()) <= 4 for p in others) and parts.index(longest) in (0, len(parts) - 1):
        return longest.strip()
    return title


def _is_home_link(href: str | None, host: str) -> bool:
    if not href:
        return False
    href = href.strip()
    if href in ("/", "./", "#", "index.html", "/index.html"):
        return True
    parts = urlsplit(href)
    return bool(parts.netloc) and parts.netloc.lower() == host and parts.path in ("", "/")


def _h1_role(node: LexborNode, host: str) -> str | None:
    """``"brand"`` for an ``<h1>`` that names the site (it links to the home page),
    ``"chrome"`` for one in navigation, dialogs, widgets or footers, None for a headline."""
    if node.attributes.get("rel") == "home":
        return "brand"
    for link in node.css("a[href]"):
        href = link.attributes.get("href")
        if link.attributes.get("rel") == "home" or _is_home_link(href, host):
            return "brand"
        other = urlsplit((href or "").strip()).netloc.lower()
        if other and host and other != host and not other.endswith("." + host.split(".", 1)[-1]):
            return "chrome"  # a heading that links off-site titles a quoted item, not the page
    parent: LexborNode | None = node
    depth = 0
    while parent is not None and parent.tag not in ("body", "html") and depth < 25:
        tag = parent.tag or ""
        attrs = parent.attributes
        if depth and tag == "a" and _is_home_link(attrs.get("href"), host):
            return "brand"
        if tag in ("article", "main"):
            return None
        if tag in sel.H1_CHROME_TAGS or (attrs.get("role") or "") in sel.H1_CHROME_ROLES:
            return "chrome"
        names = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
        if names.strip():
            m = sel.H1_CHROME_NAMES.search(names)
            if m:
                return "chrome"
        parent = parent.parent
        depth += 1
    return None


def headline_candidates(
    tree: LexborHTMLParser, url: str, h1_nodes: list[LexborNode] | None = None
) -> tuple[list[str], list[str], LexborNode | None]:
    """The texts of the page's ``<h1>`` elements that are not page chrome, in document order;
    the texts of those that name the site (stripped from ``<title>`` later); the first
    headline element itself (the subtitle is looked for next to it). ``h1_nodes``: the
    ``<h1>`` elements when already found (:attr:`Meta.h1_nodes`)."""
    host = urlsplit(url).netloc.lower()
    out: list[str] = []
    brands: list[str] = []
    first: LexborNode | None = None
    for node in (tree.css("h1") if h1_nodes is None else h1_nodes)[:8]:
        text = " ".join(node.text(separator=" ").split())
        if not text:
            continue
        role = _h1_role(node, host)
        if role is None:
            out.append(text)
            first = first or node
        elif role == "brand":
            brands.append(text)
    return out[:3], brands[:3], first


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
    scope: LexborNode | None = headline.parent
    for _ in range(3):
        if scope is None or scope.tag in ("body", "html"):
            break
        found = _clean_subtitle(scope.css_first(sel.SUBTITLE_SELECTOR), title)
        if found:
            return found
        scope = scope.parent
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


def resolve_title(
    meta: Meta, h1s: list[str], leading: str | None, brands: list[str] | None = None
) -> str | None:
    title = _resolve_title(meta, h1s, leading, brands or [])
    return " ".join(html.unescape(title).split()) if title else None


def _resolve_title(
    meta: Meta, h1s: list[str], leading: str | None, brands: list[str]
) -> str | None:
    cands = [t for t in (*meta.titles.values(), meta.html_title) if t and t.strip()]
    cands = [" ".join(t.split()) for t in cands]
    norms = [_norm(c) for c in cands]
    site = _norm(meta.site_name or "")
    h1s = [h for h in h1s if 5 <= len(h) < 300 and _norm(h) != site]
    for h1 in h1s:
        h = _norm(h1)
        if h and any(h == n or (h in n) for n in norms):
            return h1
    if h1s:
        return h1s[0]
    for source in ("jsonld", "fusion", "next_data", "og", "meta", "microdata"):
        if source in meta.titles and meta.titles[source].strip():
            return _strip_site(" ".join(meta.titles[source].split()), meta.site_name, brands)
    if meta.html_title:
        return _strip_site(meta.html_title, meta.site_name, brands)
    if h1s and h1s[0]:
        return h1s[0]
    if leading and len(leading) < 300:
        title = sel.TITLE_END_MARKERS.sub("", leading).strip()
        return title or None
    return None


def has_structured_authors(meta: Meta) -> bool:
    """Whether JSON-LD / Arc XP / ``__NEXT_DATA__`` name authors (byline elements then go
    unread: :func:`resolve_authors` would not look at them)."""
    site = _norm(meta.site_name or meta.publisher or "")
    return any(_from_meta(meta.authors.get(s), site) for s in ("jsonld", "fusion", "next_data"))


def has_structured_date(meta: Meta) -> bool:
    """Whether some structured source gives a parseable publication date (the page text is
    then not searched for one)."""
    return any(parse_date(raw) for _source, raw in meta.published)


def resolve_authors(meta: Meta, body_authors: list[Author], bylines: list[str]) -> list[Author]:
    """Structured data first, then bylines in the body, then byline elements, then <meta>;
    e-mails found alone in the body are attached to the names found elsewhere."""
    named = [a for a in body_authors if a.name]
    emails = [a.email for a in body_authors if a.email and not a.name]
    site = _norm(meta.site_name or meta.publisher or "")
    result: list[Author] = []
    for source in ("jsonld", "fusion", "next_data"):
        result = _from_meta(meta.authors.get(source), site)
        if result:
            break
    if not result:
        result = named
    if not result:
        for text in bylines:
            found = korean_byline(text) or english_byline(text)
            if not found and text and _LOOSE_DATE.search(text):
                # "Andrew Gerrand 4 August 2010", "Dec. 19, 2025 · Niko Matsakis": the date
                # printed with the name is not part of it.
                text = _LOOSE_DATE.sub(" ", text).strip(" .,·|•-–—")
            if not found and text and len(text) < 60:
                name = clean_name(text)
                found = [Author(n) for n in split_names(name)] if name else []
            if found:
                result = found
                break
    if not result:
        result = _from_meta(meta.authors.get("meta"), site)
    if not result:
        # Only the site itself is named as the author (a personal blog, a company's own
        # posts): the author fields still say who wrote it, so they are used, in order.
        for source in ("jsonld", "fusion", "next_data", "meta"):
            result = _from_meta(meta.authors.get(source), "")
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


def _from_meta(names: list[str] | None, site: str) -> list[Author]:
    out = [Author(n) for raw in names or [] for n in split_names(raw)]
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


def _first(cands: list[tuple[str, str]], korean: bool) -> tuple[str | None, str | None]:
    for source, raw in sorted(cands, key=lambda c: _SOURCE_RANK.get(c[0], 9)):
        value = parse_date(raw, korean=korean)
        if value:
            return value, source
    return None, None


def resolve_dates(
    meta: Meta, page_text: str, url: str, images: list[Image], korean: bool,
    title: str | None = None,
) -> tuple[str | None, str | None, str | None, str | None]:
    published, p_source = _first(meta.published, korean)
    modified, m_source = _first(meta.modified, korean)
    at = page_text.find(title[:40]) if title else -1
    region = page_text[max(0, at - 1500) : at + 6000] if at >= 0 else page_text[:10_000]
    if published is None:
        labelled = _LABELLED_DATE.search(region) or _LABELLED_DATE.search(page_text[:20_000])
        if labelled:
            value = parse_date(labelled.group(1), korean=korean)
            if value:
                published, p_source = value, "byline"
            else:
                md = month_day(labelled.group(1))
                for img in images:
                    day = date_in_url(img.src)
                    if md and day and (int(day[5:7]), int(day[8:10])) == md:
                        published, p_source = day, "text"
                        break
    if published is None:
        loose = _LOOSE_DATE.search(region)
        value = parse_date(loose.group(0), korean=korean) if loose else None
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
