"""Sitemap bytes -> page URLs (``<urlset>``, news sitemaps) or child sitemaps (``<sitemapindex>``).

News sitemaps (Google's ``news:news`` extension) list the recent articles of a site; with
``news_only`` (the default), only ``<url>`` elements that carry ``<news:news>`` are kept, so a
full-site sitemap listed by mistake does not turn into a crawl of the whole site. Parsing uses
the standard library's expat-based ElementTree: it never resolves external entities, and expat
(>= 2.4) refuses entity-expansion ("billion laughs") documents; the body is already capped by
the fetcher. Elements are matched by local name, because real sitemaps get namespaces wrong.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from streams.ingest.feeds import Entry, FeedError


@dataclass(frozen=True, slots=True)
class Sitemap:
    entries: list[Entry] = field(default_factory=list)
    children: list[str] = field(default_factory=list)  # from a sitemap index


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child(element: ET.Element, name: str) -> ET.Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def parse_sitemap(body: bytes, news_only: bool = True) -> Sitemap:
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedError(f"not a sitemap: {exc}") from exc
    kind = _local(root.tag)
    if kind == "sitemapindex":
        children = [loc for s in root if _local(s.tag) == "sitemap"
                    if (loc := _text(_child(s, "loc")))]
        return Sitemap(children=[u for u in children if u.startswith(("http://", "https://"))])
    if kind != "urlset":
        raise FeedError(f"not a sitemap: root element is <{kind}>")
    entries: list[Entry] = []
    for url in root:
        if _local(url.tag) != "url":
            continue
        loc = _text(_child(url, "loc"))
        news = _child(url, "news")
        if not loc or not loc.startswith(("http://", "https://")) or (news_only and news is None):
            continue
        title = _text(_child(news, "title")) if news is not None else None
        published = _text(_child(news, "publication_date")) if news is not None else None
        entries.append(Entry(loc, title, published or _text(_child(url, "lastmod"))))
    return Sitemap(entries=entries)
