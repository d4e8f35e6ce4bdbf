"""What the status page's "Trending now" costs, against the alternative of reading news.trends.

    .venv/bin/python bench/status_trending.py [--days 3] [--per-day 20000] [--keys 2000]

The seeded stream of bench/trends_state.py (each article names 3 of 37 hot keys and 5 of
``--keys`` others, 30% copies) goes through :class:`streams.stories.trends.Trends`, as the
dedup agent counts it. Then:

* **Shipped: read the agent's trends.** CPU time (``time.process_time``) of one
  :func:`streams.status.trending.trending` (top 10 and their 24-hour series), which the page
  takes with the agent's lock held, so it is also the longest a dedup record waits for it.
* **Alternative: every worker consumes news.trends** and keeps the last point per key and
  window for a day, so that any worker's page could show the trends. Its work per point:
  decode the record (``orjson`` and :func:`streams.records.trend_point_from_dict`) and keep
  it, measured on the points the same stream produced (the JSON each would be on the topic);
  per article, on *every* worker, that times the points an article produces; and the heap of
  what it keeps (``tracemalloc``). Fetching the records from the broker comes on top.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from dataclasses import asdict
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from trends_state import stream  # noqa: E402

from streams.records import TrendPoint, trend_point_from_dict  # noqa: E402
from streams.status.trending import trending  # noqa: E402
from streams.stories.trends import TrendConfig, Trends  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=float, default=3.0)
    parser.add_argument("--per-day", type=int, default=20_000)
    parser.add_argument("--keys", type=int, default=2_000)
    args = parser.parse_args()
    entries = stream(args.days, args.per_day, args.keys)
    trends = Trends(TrendConfig())
    points: list[bytes] = []
    last_day = entries[-1][1] - 86_400
    for entry in entries:
        produced = trends.add(*entry)
        if entry[1] >= last_day:  # what a consumer reading the last day would decode
            points += [orjson.dumps(asdict(p)) for p in produced]
    articles_last_day = sum(1 for e in entries if e[1] >= last_day)

    runs = 20
    start = time.process_time()
    for _ in range(runs):
        page = trending(trends)
    page_ms = (time.process_time() - start) / runs * 1000

    def consume(values: list[bytes]) -> dict[tuple[str, str], TrendPoint]:
        kept: dict[tuple[str, str], TrendPoint] = {}
        for value in values:
            point = trend_point_from_dict(orjson.loads(value))
            kept[(point.key, point.window_start)] = point
        return kept

    start = time.process_time()
    kept = consume(points)
    point_us = (time.process_time() - start) / len(points) * 1e6
    tracemalloc.start()
    kept = consume(points)
    heap_mb = tracemalloc.get_traced_memory()[0] / 1e6
    tracemalloc.stop()
    per_article = len(points) / articles_last_day
    print(orjson.dumps({
        "articles": len(entries), "per_day": args.per_day,
        "page_trending_cpu_ms": round(page_ms, 2), "page_keys": len(page["keys"]),
        "consumer_points_per_article": round(per_article, 2),
        "consumer_cpu_us_per_point": round(point_us, 2),
        "consumer_cpu_us_per_article_per_worker": round(point_us * per_article, 1),
        "consumer_kept_points": len(kept), "consumer_heap_mb": round(heap_mb, 1),
    }).decode())


if __name__ == "__main__":
    main()
