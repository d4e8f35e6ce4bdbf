"""The dedup agent's state over a long run, and its cost per article.

    .venv/bin/python bench/dedup_state.py [--articles 200000] [--horizon-h 24] [--per-hour 1000]

A stream of ``--articles`` arrivals at ``--per-hour`` articles an hour of article time goes
through :class:`streams.stories.stream.Deduplicator` as the dedup agent runs it (a check, then
the table writes taken). The articles are the 956 of the labelled pair set
(bench/data/dedup-pairs), fingerprinted once; each pass over them is a new set of stories
(its bucket keys are salted with the pass number), so every pass holds the set's copies and
nothing is a copy of an earlier pass. The horizon is ``--horizon-h`` hours of article time.

Reported every tenth of the run: articles and buckets in the state, table entries written and
deleted so far, and the Python heap (``tracemalloc``) the state holds. Memory is flat when the
heap stops growing once the horizon is full (``heap_mb_last_half``: its least and most over the
second half of the run). Cost: CPU time per check (``time.process_time``, over the whole run,
slowed by ``tracemalloc``), and per record for the whole handler of the dedup stage (decode and
schema-check the ``<app>-stories-in`` record, check, count the trends, encode ``news.enriched``,
the fan-out and the trend points)
on real-sized records: the pair set's pages in turn, and one story copied over and over (the
worst case).

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.records import enriched_from_dict  # noqa: E402
from streams.schemas import load_schema  # noqa: E402
from streams.stage import Incoming  # noqa: E402
from streams.stories import DedupConfig, Fingerprinter  # noqa: E402
from streams.stories.stream import Deduplicator, handle, stories_in  # noqa: E402
from streams.stories.trends import TrendConfig, Trends  # noqa: E402
from streams.topics import ENRICHED, STORIES_IN  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "dedup-pairs" / "pairs.jsonl"


def fingerprints(config: DedupConfig) -> list[list[str]]:
    """The bucket keys of every distinct article of the pair set."""
    fingerprinter = Fingerprinter(config)
    seen: dict[str, list[str]] = {}
    for n, line in enumerate(PAIRS.read_bytes().splitlines()):
        pair = orjson.loads(line)
        for side in ("a", "b"):
            page = pair[side]
            key = page["id"] if side == "a" else f"{n}-b"
            if key not in seen:
                seen[key] = list(fingerprinter.fingerprint(page["title"], page["text"]).keys)
    return list(seen.values())


def long_run(articles: int, horizon_s: float, per_hour: float) -> dict:
    config = DedupConfig(horizon_s=horizon_s)
    base = fingerprints(config)
    dedup = Deduplicator(config)
    written = deleted = copies = 0
    checkpoints = []
    step = 3600.0 / per_hour
    cpu = 0.0
    tracemalloc.start()
    for n in range(articles):
        cycle, index = divmod(n, len(base))
        keys = [f"{key}~{cycle}" for key in base[index]]
        started = time.process_time()
        entry, _ = dedup.check(f"{n:032x}", keys, n * step, n)
        writes = dedup.take_writes()
        cpu += time.process_time() - started
        copies += entry.duplicate_of is not None
        deleted += sum(value is None for value in writes.values())
        written += sum(value is not None for value in writes.values())
        if (n + 1) % (articles // 10) == 0:
            gc.collect()
            checkpoints.append({
                "articles_seen": n + 1, "hours": round((n + 1) * step / 3600, 1),
                "state_articles": len(dedup.entries), "state_buckets": len(dedup.buckets),
                "table_writes": written, "table_deletes": deleted,
                "heap_mb": round(tracemalloc.get_traced_memory()[0] / 2**20, 1),
            })
            print(checkpoints[-1], flush=True)
    tracemalloc.stop()
    return {"checkpoints": checkpoints, "copies_found": copies,
            "check_us_per_article": round(1e6 * cpu / articles, 1)}


def handler_cost(one_story: bool, records: int = 2000) -> float:
    """CPU microseconds per record of the dedup stage's handler, on records of real size (the
    schema's example article with the title and body of labelled pages): the pages of the
    pair set in turn (its copies among them), or ``one_story``, every record a near copy of
    the first page (the worst case: every bucket of the story at its cap)."""
    config = DedupConfig()
    fingerprinter = Fingerprinter(config)
    pages = [page for line in PAIRS.read_bytes().splitlines()
             for page in (orjson.loads(line)["a"], orjson.loads(line)["b"])]
    example = load_schema(ENRICHED.schema)["examples"][0]
    values = []
    for n in range(records):
        page = pages[0 if one_story else n % len(pages)]
        enriched = enriched_from_dict(example)
        enriched.article.id = f"{n:032x}"
        enriched.article.title, enriched.article.text = page["title"], page["text"] + f" {n}"
        values.append(orjson.dumps(stories_in(enriched, fingerprinter)))
    dedup, trends = Deduplicator(config), Trends(TrendConfig())
    started = time.process_time()
    for offset, value in enumerate(values):
        handle(Incoming(STORIES_IN.name, 0, offset, None, value), STORIES_IN, dedup, trends)
    return round(1e6 * (time.process_time() - started) / records, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--horizon-h", type=float, default=24.0)
    parser.add_argument("--per-hour", type=float, default=1000.0)
    args = parser.parse_args()
    result = long_run(args.articles, args.horizon_h * 3600, args.per_hour)
    result["handler_us_per_record"] = handler_cost(one_story=False)
    result["handler_us_per_record_one_story"] = handler_cost(one_story=True)
    result.update(articles=args.articles, horizon_h=args.horizon_h, per_hour=args.per_hour)
    heaps = [c["heap_mb"] for c in result["checkpoints"]]
    result["heap_mb_last_half"] = [min(heaps[len(heaps) // 2:]), max(heaps[len(heaps) // 2:])]
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
