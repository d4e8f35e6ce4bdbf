"""A local HTTP server (aiohttp, in the test process) serving fixture feeds, sitemaps and pages.

State (the feed's items, hit counters, the flaky page's failures) lives on :class:`Site`, so a
test can change the feed between polls and count requests. Paths are unique per test through
the ``tag`` path segment, so tests on one server never see each other's state.
"""

from __future__ import annotations

import asyncio
import gzip
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web

EUC_KR_TEXT = "한국어 기사 본문입니다. 서울에서 열린 회의에서 정부는 새 정책을 발표했다."
HUGE_BYTES = 50 * 1024 * 1024


def rss(base: str, items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>{i}</title><link>{base}{i}?utm_source=rss#top</link></item>"
        for i in items
    )
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
            f"<link>{base}</link>{entries}</channel></rss>").encode()


def page(title: str) -> bytes:
    sentence = "에서 오픈AI와 삼성전자가 협력한다고 밝혔다."
    body = " ".join(f"{title} 문단 {n}{sentence}" for n in range(12))
    return (f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
            f"<p>{body}</p><p>{body}</p></article></body></html>").encode()


@dataclass
class Site:
    base: str = ""
    feeds: dict[str, list[str]] = field(default_factory=dict)  # tag -> item paths
    hits: Counter[str] = field(default_factory=Counter)
    flaky_failures: Counter[str] = field(default_factory=Counter)
    bomb: bytes = field(default=b"", repr=False)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/robots.txt", self.robots)
        app.router.add_get("/{tag}/feed.xml", self.feed)
        app.router.add_get("/{tag}/sitemap.xml", self.sitemap)
        app.router.add_get("/{tag}/sitemap-index.xml", self.sitemap_index)
        app.router.add_get("/{tag}/flaky", self.flaky)
        app.router.add_get("/{tag}/slow", self.slow)
        app.router.add_get("/{tag}/loop/{n}", self.loop)
        app.router.add_get("/{tag}/redirect", self.redirect)
        app.router.add_get("/{tag}/huge", self.huge)
        app.router.add_get("/{tag}/bomb", self.gzip_bomb)
        app.router.add_get("/{tag}/euc-kr", self.euc_kr)
        app.router.add_get("/{tag}/missing", self.missing)
        app.router.add_get("/private/{tag}/{name}", self.article)
        app.router.add_get("/{tag}/a/{name}", self.article)
        app.middlewares.append(self.count)
        return app

    @web.middleware
    async def count(self, request: web.Request, handler):  # type: ignore[no-untyped-def]
        self.hits[request.path] += 1
        return await handler(request)

    async def robots(self, request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    async def feed(self, request: web.Request) -> web.Response:
        tag = request.match_info["tag"]
        items = self.feeds.get(tag, [])
        etag = f'"{tag}-{len(items)}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=rss(self.base, items), content_type="application/rss+xml",
                            headers={"ETag": etag})

    async def sitemap(self, request: web.Request) -> web.Response:
        tag = request.match_info["tag"]
        urls = "".join(
            f"<url><loc>{self.base}{p}</loc><news:news><news:title>{p}</news:title>"
            f"<news:publication_date>2025-05-10</news:publication_date></news:news></url>"
            for p in self.feeds.get(tag, [])
        ) + f"<url><loc>{self.base}/{tag}/a/not-news</loc></url>"
        xml = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
               ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>")
        return web.Response(text=xml, content_type="application/xml")

    async def sitemap_index(self, request: web.Request) -> web.Response:
        tag = request.match_info["tag"]
        xml = ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<sitemap><loc>{self.base}/{tag}/sitemap.xml</loc></sitemap></sitemapindex>")
        return web.Response(text=xml, content_type="application/xml")

    async def article(self, request: web.Request) -> web.Response:
        return web.Response(body=page(request.match_info["name"]),
                            content_type="text/html", charset="utf-8")

    async def flaky(self, request: web.Request) -> web.Response:
        if self.flaky_failures[request.path] < 1:
            self.flaky_failures[request.path] += 1
            return web.Response(status=500, text="try again")
        return web.Response(body=page("flaky"), content_type="text/html")

    async def slow(self, request: web.Request) -> web.Response:
        await asyncio.sleep(5)
        return web.Response(text="too late")

    async def loop(self, request: web.Request) -> web.Response:
        n = 1 - int(request.match_info["n"])
        raise web.HTTPFound(f"/{request.match_info['tag']}/loop/{n}")

    async def redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPMovedPermanently(f"/{request.match_info['tag']}/a/landed")

    async def huge(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.enable_chunked_encoding()  # no Content-Length: the cut-off must be while reading
        await response.prepare(request)
        chunk = b"<p>" + b"x" * (1024 * 1024 - 3)
        try:
            for _ in range(HUGE_BYTES // len(chunk)):
                await response.write(chunk)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up at its limit, as it should
        return response

    async def gzip_bomb(self, request: web.Request) -> web.Response:
        return web.Response(body=self.bomb, headers={
            "Content-Type": "text/html", "Content-Encoding": "gzip"})

    async def euc_kr(self, request: web.Request) -> web.Response:
        html = f"<html><body><article><p>{EUC_KR_TEXT * 8}</p></article></body></html>"
        return web.Response(body=html.encode("euc-kr"),
                            headers={"Content-Type": "text/html; charset=EUC-KR"})

    async def missing(self, request: web.Request) -> web.Response:
        return web.Response(status=404, text="gone")


def make_bomb(size: int = 200 * 1024 * 1024) -> bytes:
    """``size`` zero bytes gzipped (about 200 KB on the wire)."""
    return gzip.compress(b"\0" * size, compresslevel=9)
