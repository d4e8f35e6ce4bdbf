"""Ingestion throughput: pages fetched from a local HTTP server, end to end into news.raw-html.

Starts the embedded broker and an aiohttp server on loopback serving a news sitemap of N
distinct pages (about 20 KB of HTML each), then polls the sitemap with the real poller, fetcher
(SSRF guard with 127.0.0.1 allowed, robots.txt, per-host limits, body caps), Kafka seen store
and producer, once per concurrency level (fresh URLs each time). A poll returns when every page
is produced and acknowledged, so pages/s = N / poll time.

    .venv/bin/python bench/ingest.py [--pages N] [--concurrency 1,4,16]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import time
import uuid

import orjson
from aiohttp import web

from streams import kafka
from streams.broker import EmbeddedBroker
from streams.ingest.config import FeedConfig
from streams.ingest.emit import ProducerSink
from streams.ingest.fetch import Fetcher, FetchPolicy
from streams.ingest.poller import Poller
from streams.ingest.seen import KafkaSeen
from streams.settings import Settings

PAGE = ("<html><head><title>bench</title></head><body><article>"
        + "<p>" + "오픈AI와 삼성전자가 협력한다고 밝혔다. " * 400 + "</p></article></body></html>")


def server(pages: int) -> web.Application:
    async def sitemap(request: web.Request) -> web.Response:
        run = request.match_info["run"]
        base = f"http://{request.host}"
        urls = "".join(f"<url><loc>{base}/{run}/p/{i}</loc><news:news><news:title>{i}"
                       f"</news:title></news:news></url>" for i in range(pages))
        return web.Response(content_type="application/xml", text=(
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">' + urls + "</urlset>"))

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def robots(request: web.Request) -> web.Response:
        return web.Response(text="User-agent: *\nDisallow: /private/\n")

    app = web.Application()
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/{run}/sitemap.xml", sitemap)
    app.router.add_get("/{run}/p/{i}", page)
    return app


async def measure(settings: Settings, pages: int, levels: list[int]) -> dict[str, object]:
    await kafka.ensure_topics(settings)
    runner = web.AppRunner(server(pages))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    producer = kafka.make_producer(settings)
    await producer.start()
    seen = KafkaSeen(settings)
    await seen.start()
    results = []
    try:
        for level in levels:
            policy = FetchPolicy(allow_hosts=("127.0.0.1",), concurrency=level, per_host=level,
                                 host_rate=0, timeout_s=30)
            feed = FeedConfig("bench", f"{base}/{uuid.uuid4().hex[:8]}/sitemap.xml", "sitemap")
            async with Fetcher(policy) as fetcher:
                poller = Poller([feed], fetcher, ProducerSink(producer), seen,
                                page_concurrency=level)
                started = time.perf_counter()
                report = await poller.poll(feed)
                seconds = time.perf_counter() - started
            assert report.outcomes == {"ok": pages}, report
            row = {"concurrency": level, "pages": pages, "seconds": round(seconds, 2),
                   "pages_per_s": round(pages / seconds, 1)}
            print(f"concurrency {level:3d}: {pages} pages in {seconds:.2f} s = "
                  f"{pages / seconds:.1f} pages/s", flush=True)
            results.append(row)
    finally:
        await seen.stop()
        await producer.stop()
        await runner.cleanup()
    best = max(results, key=lambda r: float(str(r["pages_per_s"])))
    return {"bench": "ingest", "page_bytes": len(PAGE.encode()), "broker": "tansu (embedded)",
            "runs": results, "best_pages_per_s": best["pages_per_s"],
            "best_concurrency": best["concurrency"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--concurrency", default="1,4,16")
    args = parser.parse_args()
    levels = [int(c) for c in args.concurrency.split(",")]
    with EmbeddedBroker() as broker:
        settings = dataclasses.replace(
            Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
            broker_profile="tansu", partitions=3)
        summary = asyncio.run(measure(settings, args.pages, levels))
    print(orjson.dumps(summary).decode())


if __name__ == "__main__":
    main()
