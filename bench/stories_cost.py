"""CPU per article of duplicates, stories and trends (issue 14, items 1-3) on real pages.

    .venv/bin/python bench/stories_cost.py [--copies 400] [--rounds 3]

The stream of ``bench/e2e.py --real``'s burst (the WCXB development pages and the labelled
Korean and English pages, ``--copies`` distinct articles) goes through the stage handlers the
worker runs, in one process: parse, enrich (whose record to the dedup agent carries the
fingerprint), then the dedup agent's handler with fresh state (the duplicate decision, the
trends and the story). CPU time (``time.process_time``) per article of each, and the parts that
items 1-3 add: the fingerprint (in the enrich stage), the handler as a whole, and within it the
clustering (``StoryIndex.step``) and what clustering keeps of an article (``story_article``).
The handler runs ``--rounds`` times on the same records; its figures are medians.

What this leaves out, and ``bench/e2e.py`` holds: Faust's and the producer's work for the
extra hop (the ``stories-in`` record and the table's changelog write) and the broker's.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import orjson
from e2e import REAL, read_page, record

from streams.enrich.agent import make_handler as enrich_handler
from streams.ingest.replay import page_files
from streams.parse.handler import make_handler as parse_handler
from streams.records import stories_in_from_dict
from streams.settings import Settings
from streams.stage import Incoming
from streams.stories import Fingerprinter
from streams.stories.clusters import StoryConfig, StoryIndex, story_article
from streams.stories.stream import Deduplicator, dedup_config, handle
from streams.stories.trends import TrendConfig, Trends
from streams.topics import ARTICLES, RAW_HTML, STORIES_IN


def per_article(values: list[Any], work: Callable[[Any], object]) -> float:
    """CPU milliseconds per value of ``work``."""
    started = time.process_time()
    for value in values:
        work(value)
    return 1000 * (time.process_time() - started) / len(values)


def stage_records(settings: Settings, copies: int) -> tuple[list[bytes], dict[str, float]]:
    """The ``stories-in`` values of the stream, and the CPU ms per article of parse and
    enrich (the fingerprint included)."""
    pages = [read_page(p) for p in page_files([str(p) for p in REAL if p.exists()])]
    parse, enrich = parse_handler(settings), enrich_handler(settings)
    raw = [Incoming(RAW_HTML.name, 0, n, *record(f"https://bench.invalid/{n}",
                                                  pages[n % len(pages)]))
           for n in range(copies)]
    articles: list[Incoming] = []
    parse_ms = per_article(raw, lambda r: articles.extend(
        Incoming(ARTICLES.name, 0, r.offset, out.key, out.value) for out in parse(r)
        if out.topic == ARTICLES))
    values: list[bytes] = []
    enrich_ms = per_article(articles, lambda a: values.extend(out.value for out in enrich(a)))
    return values, {"parse_ms": round(parse_ms, 2), "enrich_ms": round(enrich_ms, 2)}


def handler_round(values: list[bytes], settings: Settings) -> tuple[float, float, StoryIndex]:
    """One pass of the dedup agent's handler over ``values`` with fresh state: CPU ms per
    record of the whole handler and of its clustering, and the stories at the end."""
    stories = StoryIndex(StoryConfig())
    clustering = [0.0]
    step = stories.step

    def timed_step(article: Any) -> Any:
        started = time.process_time()
        try:
            return step(article)
        finally:
            clustering[0] += time.process_time() - started

    stories.step = timed_step  # type: ignore[method-assign]
    dedup = Deduplicator(dedup_config(settings),
                         retain=lambda entry: entry.story_id in stories.stories)
    trends = Trends(TrendConfig())
    total = per_article(list(enumerate(values)), lambda item: handle(
        Incoming(STORIES_IN.name, 0, item[0], None, item[1]), STORIES_IN, dedup, trends,
        stories))
    return total, 1000 * clustering[0] / len(values), stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings()
    values, result = stage_records(settings, args.copies)
    records = [stories_in_from_dict(orjson.loads(v)) for v in values]
    fingerprinter = Fingerprinter(dedup_config(settings))
    result["fingerprint_ms"] = round(per_article(records, lambda r: fingerprinter.fingerprint(
        r.enriched.article.title, r.enriched.article.text)), 2)
    result["story_article_ms"] = round(per_article(
        records, lambda r: story_article(r.enriched, r.seen_at, StoryConfig())), 2)
    rounds = [handler_round(values, settings) for _ in range(args.rounds)]
    result["handler_ms"] = round(statistics.median(r[0] for r in rounds), 2)
    result["handler_ms_each"] = [round(r[0], 2) for r in rounds]
    result["clustering_ms"] = round(statistics.median(r[1] for r in rounds), 2)
    stories = rounds[0][2]
    result.update(articles=len(values), stories=len(stories.stories),
                  reprints=sum(s.reprints for s in stories.stories.values()))
    print(f"{len(values)} articles: parse {result['parse_ms']} ms, enrich "
          f"{result['enrich_ms']} ms (of it the fingerprint {result['fingerprint_ms']} ms); "
          f"the dedup agent's handler {result['handler_ms']} ms (of it clustering "
          f"{result['clustering_ms']} ms, story_article {result['story_article_ms']} ms); "
          f"{result['stories']} stories")
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
