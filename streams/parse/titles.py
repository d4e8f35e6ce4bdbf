"""Title resolution: which ``<h1>`` is the page's headline, how the site name is cut from
``<title>``/``og:title``, and when the metadata title is preferred to the visible headline."""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.parse import selectors as sel
from streams.parse.metadata import Meta

_TITLE_SEP = re.compile(r"\s+[|\-–—:·•»/]\s+|\s*[|｜]\s*")
_SENTENCE_END = re.compile(r"[.?!]\s+[A-Z]")
_NORM = re.compile(r"[\W_]+")


def norm(text: str) -> str:
    """Case-folded words joined by single spaces (punctuation and ``_`` dropped)."""
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
        brand_n = norm(brand)
        kept = [p for p in parts if norm(p) != brand_n]
        if brand_n and kept and len(kept) < len(parts):
            parts = kept
            title = " - ".join(kept)
            if len(parts) < 2:
                return title
    if site:
        site_n = norm(site)
        kept = [p for p in parts if norm(p) != site_n and site_n not in norm(p)]
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


def _words(text: str) -> set[str]:
    return set(norm(text).split())


def _contained(headline: str, titles: list[str]) -> bool:
    """Whether the normalised ``headline`` is one of the normalised ``titles`` or a run of
    whole words in one that covers at least :data:`~streams.parse.selectors.H1_TITLE_MIN_SHARE`
    of it (``Discord`` in a long title that lists companies is a coincidence, not the title)."""
    if not headline:
        return False
    padded = f" {headline} "
    return any(
        headline == t or (padded in f" {t} " and len(headline) >= sel.H1_TITLE_MIN_SHARE * len(t))
        for t in titles
    )


def related(headline: str, titles: list[str]) -> bool:
    """Whether ``headline`` shares at least :data:`~streams.parse.selectors.H1_TITLE_MIN_OVERLAP`
    of its words (Jaccard) with one of ``titles``: the same story worded differently (the
    ``<h1>`` and ``og:title`` of one article usually share most of their words; a section label,
    call to action or widget heading shares none)."""
    words = _words(headline)
    if not words:
        return False
    for title in titles:
        other = _words(title)
        if other and len(words & other) >= sel.H1_TITLE_MIN_OVERLAP * len(words | other):
            return True
    return False


def resolve_title(
    meta: Meta, h1s: list[str], leading: str | None, brands: list[str] | None = None
) -> str | None:
    """The page's title (see ``docs/extraction.md``, *Title*), unescaped, whitespace
    collapsed."""
    title = _resolve_title(meta, h1s, leading, brands or [])
    return " ".join(html.unescape(title).split()) if title else None


def _metadata_title(meta: Meta, brands: list[str], structured: bool = False) -> str | None:
    """The first metadata title (JSON-LD, Arc XP, ``__NEXT_DATA__``, OpenGraph, ``<meta>``,
    microdata, then ``<title>`` unless ``structured``), with the site name cut off."""
    for source in ("jsonld", "fusion", "next_data", "og", "meta", "microdata"):
        if source in meta.titles and meta.titles[source].strip():
            return _strip_site(
                " ".join(html.unescape(meta.titles[source]).split()), meta.site_name, brands)
    if meta.html_title and not structured:
        return _strip_site(html.unescape(meta.html_title), meta.site_name, brands)
    return None


def _is_prose(h1: str) -> bool:
    """Whether an ``<h1>`` is a paragraph set as a heading: over 150 characters and two or more
    sentences (a landing page's pitch above the article), not a headline."""
    return len(h1) > 150 and len(_SENTENCE_END.findall(h1)) >= 2


def _resolve_title(
    meta: Meta, h1s: list[str], leading: str | None, brands: list[str]
) -> str | None:
    # Entities are decoded before comparing: ``&#8211;``/``&amp;`` in a JSON-LD headline
    # would otherwise keep an identical <h1> from matching it.
    cands = [" ".join(html.unescape(t).split())
             for t in (*meta.titles.values(), meta.html_title) if t and t.strip()]
    norms = [norm(c) for c in cands]
    site = norm(meta.site_name or "")
    h1s = [h for h in h1s if 5 <= len(h) < 300 and norm(h) != site and not _is_prose(h)]
    for h1 in h1s:
        if _contained(norm(h1), norms):
            return h1
    if h1s and cands:
        for h1 in h1s:
            if related(h1, cands):
                if h1.isupper():
                    # Set in capitals, the <h1> is a display form (often a kicker); the
                    # related metadata title has the words as written.
                    chosen = _metadata_title(meta, brands, structured=True)
                    if chosen and not chosen.isupper() and related(h1, [chosen]):
                        return chosen
                return h1
        # No headline shares the metadata title's words: the <h1>s label a section, a
        # widget or a call to action ("Our BLOG", "Conclusions", "A message from our CEO"),
        # and the title written for the article (og:title, JSON-LD) names it. <title> alone
        # is not enough: on some sites it is only the site's name.
        chosen = _metadata_title(meta, brands, structured=True)
        if chosen and norm(chosen) != site and not any(norm(b) == norm(chosen) for b in brands):
            return chosen
    if h1s:
        return h1s[0]
    chosen = _metadata_title(meta, brands)
    if chosen:
        return chosen
    if leading and len(leading) < 300:
        title = sel.TITLE_END_MARKERS.sub("", leading).strip()
        return title or None
    return None
