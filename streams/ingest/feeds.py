"""Feed bytes -> entry URLs. RSS 0.9x/1.0/2.0 and Atom are parsed by feedparser, never by hand.

feedparser is only ever given bytes (it must not fetch anything itself: every request goes
through the fetcher's SSRF guard, robots and limits). Relative entry links are resolved against
the feed's final URL, passed as Content-Location. :func:`sniff_kind` tells a sitemap from a feed
by its root element, so a config entry may say ``kind = "auto"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import feedparser  # type: ignore[import-untyped]

from streams.errors import PipelineError


class FeedError(PipelineError):
    reason = "bad_feed"


@dataclass(frozen=True, slots=True)
class Entry:
    url: str
    title: str | None = None
    published: str | None = None


# The first start tag: "<" directly followed by a name (skips <?xml?>, <!-- -->, <!DOCTYPE>).
_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def sniff_kind(body: bytes) -> str:
    """``sitemap`` when the root element is ``urlset``/``sitemapindex``, else ``feed``."""
    match = _ROOT.search(body[:4096])
    name = match.group(1).lower() if match else b""
    return "sitemap" if name in (b"urlset", b"sitemapindex") else "feed"


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> list[Entry]:
    """Entries of an RSS/Atom document, in document order, with absolute http(s) URLs."""
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False)
    if parsed.bozo and not parsed.entries and not parsed.get("version"):
        raise FeedError(f"not an RSS/Atom feed: {parsed.get('bozo_exception')}")
    entries: list[Entry] = []
    for item in parsed.entries:
        link = item.get("link") or _alternate(item)
        if not link or not link.startswith(("http://", "https://")):
            continue
        entries.append(Entry(link, item.get("title"), item.get("published") or item.get("updated")))
    return entries


def _alternate(item: feedparser.FeedParserDict) -> str | None:
    for link in item.get("links", ()):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None
