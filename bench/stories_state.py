"""The dedup agent's state with story clustering on, over a long run: heap per article, flat
once the horizons are full, and CPU per article; with ``--baseline REF`` the same run on another
commit (a temporary git worktree, same virtualenv), alternating, to compare in one run.

    .venv/bin/python bench/stories_state.py [--per-day 2000] [--days 28] [--baseline main]

The stream: the 212 articles of the labelled story set (bench/data/stories-eval), enriched once
by the real enricher and fingerprinted, replayed pass after pass, each pass ``212 / per-day``
days after the previous (the set spans about a week, so many passes overlap), each as new
articles with a vocabulary of its own (ids, bucket keys, entity ids and terms renamed per pass:
every pass makes new stories; real text repeats its words across days, so the indexes here hold
more distinct keys than a real stream would). Every article goes through
:func:`streams.stories.stream.step` as the dedup agent's handler runs it (shipped horizons: the
dedup index 3 days, trends 48 hours, stories 7 days after their last article), its table writes
applied to a dict of bytes (what the agent's Faust table keeps), its story's ``news.stories``
record encoded.

Reported every tenth of the run (``tracemalloc``, after a collection): the table's entries (and
how many are kept only for their story), the stories, the Python heap of the agent's state and
per table entry. At the end, the heap the ``StoryIndex`` alone holds (what is freed when it is
dropped), the trends', and the dedup state's (entries and buckets); the table's bytes (held by
Faust beside the state, not in the heap figures). CPU: ``time.process_time`` per article over
the whole stream in a second run without ``tracemalloc``. Each commit runs in a process of its
own (``--tree``).

Last line: one JSON object (``heap_kb_per_entry`` at the end of the run, ``heap_mb_last_half``:
least and most over the second half, ``outputs_sha256``: a hash of every article's decision,
trend points and ``news.stories`` record; with ``--baseline``, the same of the baseline, the
ratios and ``same_outputs``).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import statistics
import subprocess
import sys
import time
import tracemalloc
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DAY = 86400.0


def stream(per_day: float, days: float) -> tuple[list[Any], list[list[str]], list[tuple]]:
    """The set's articles (``StoryArticle``) and bucket keys, and the stream's arrivals in
    order: (seen at, pass, index in the set). Each arrival is made when it comes
    (:func:`arrival`), so that what the state keeps of it is allocated while it is measured."""
    from stories_eval import load, prepare  # the tree's streams, on sys.path by now

    from streams.settings import Settings
    from streams.stories import Fingerprinter
    from streams.stories.stream import dedup_config

    items = load()
    inputs, _ = prepare(items, Settings())
    fingerprinter = Fingerprinter(dedup_config(Settings()))
    keys = [list(fingerprinter.fingerprint(i.article.title, i.article.text).keys) for i in items]
    shift = DAY * len(items) / per_day
    start = min(a.seen_at for a in inputs)
    order = sorted((a.seen_at + n * shift, n, i) for n in range(int(days * DAY / shift))
                   for i, a in enumerate(inputs) if a.seen_at + n * shift - start <= days * DAY)
    return inputs, keys, order


def arrival(article: Any, keys: list[str], at: float, n: int
            ) -> tuple[str, list[str], list[str], Any]:
    """Article ``article`` of pass ``n``: its id, bucket keys, trend keys and ``StoryArticle``,
    all renamed for the pass (the original's ``duplicate_of`` is left to the dedup stage)."""
    moved = replace(article, id=f"{n:06x}{article.id[6:]}", seen_at=at, duplicate_of=None,
                    entities={f"{k}~{n}": v for k, v in article.entities.items()},
                    terms={f"{k}~{n}": v for k, v in article.terms.items()})
    return moved.id, [f"{k}~{n}" for k in keys], [*moved.entities, *moved.topics], moved


def measure(per_day: float, days: float, heap: bool) -> dict[str, Any]:
    """One run over the stream: checkpoints of the state (``heap``: with ``tracemalloc``) or
    the CPU per article."""
    from streams.stories.clusters import StoryConfig, StoryIndex, story_record
    from streams.stories.dedup import DedupConfig
    from streams.stories.stream import Deduplicator, step
    from streams.stories.trends import TrendConfig, Trends

    inputs, keys, order = stream(per_day, days)
    gc.collect()
    if heap:
        tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0] if heap else 0
    state: dict[str, Any] = {"stories": StoryIndex(StoryConfig()), "trends": Trends(TrendConfig())}
    state["dedup"] = Deduplicator(DedupConfig(), retain=lambda entry: entry.story_id in
                                  state["stories"].stories)
    table: dict[str, bytes] = state.setdefault("table", {})
    digest = hashlib.sha256()
    checkpoints = []
    every = max(1, len(order) // 10)
    started = time.process_time()
    for seq, (at, n, i) in enumerate(order):
        article_id, bucket_keys, trend_keys, article = arrival(inputs[i], keys[i], at, n)
        dedup, stories = state["dedup"], state["stories"]
        entry, _, points, story = step(dedup, state["trends"], stories, article_id, bucket_keys,
                                       at, seq, trend_keys, article)[:4]  # (+ tombstones)
        for key, value in dedup.take_writes().items():
            if value is None:
                table.pop(key, None)
            else:  # the baseline's writes are entries, encoded by its agent
                table[key] = value if isinstance(value, bytes) else orjson.dumps(value)
        record = orjson.dumps(story_record(story)) if story is not None else b""
        if heap:  # what subscribers get: the decision, the trend points, the story's record
            digest.update(orjson.dumps([entry.duplicate_of, points]) + record)
        if heap and (seq + 1) % every == 0:
            gc.collect()
            held = tracemalloc.get_traced_memory()[0] - base
            checkpoints.append({
                "days": round((at - order[0][0]) / DAY, 1), "entries": len(dedup.entries),
                "story_only": sum(1 for e in dedup.entries.values() if e.story_only),
                "stories": len(stories.stories), "heap_mb": round(held / 1e6, 1),
                "heap_kb_per_entry": round(held / 1e3 / max(1, len(dedup.entries)), 2)})
            print(checkpoints[-1], file=sys.stderr, flush=True)
    cpu = time.process_time() - started
    result: dict[str, Any] = {"articles": len(order), "outputs_sha256": digest.hexdigest()}
    if not heap:
        result["cpu_us_per_article"] = round(1e6 * cpu / len(order), 1)
        return result
    entries = len(state["dedup"].entries)
    result["table_bytes_kb_per_entry"] = round(sum(map(len, table.values())) / 1e3 / entries, 2)
    del table, dedup, stories, story, article, bucket_keys, trend_keys, entry, points
    state["dedup"].retain = lambda entry: False
    for name in ("table", "stories", "trends", "dedup"):  # what each frees when dropped
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        del state[name]
        gc.collect()
        result[f"{name}_kb_per_entry"] = round(
            (before - tracemalloc.get_traced_memory()[0]) / 1e3 / entries, 2)
    tracemalloc.stop()
    heaps = [c["heap_mb"] for c in checkpoints]
    result.update(checkpoints=checkpoints, entries=entries,
                  heap_kb_per_entry=checkpoints[-1]["heap_kb_per_entry"],
                  heap_mb_last_half=[min(heaps[len(heaps) // 2:]), max(heaps[len(heaps) // 2:])])
    return result


def child(tree: Path, per_day: float, days: float, heap: bool) -> dict[str, Any]:
    """``measure`` in a process of its own on the code of ``tree``."""
    done = subprocess.run(
        [sys.executable, __file__, "--tree", str(tree), "--per-day", str(per_day), "--days",
         str(days), *(["--heap"] if heap else [])],
        check=True, stdout=subprocess.PIPE, text=True)
    result: dict[str, Any] = orjson.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-day", type=float, default=2000.0)
    parser.add_argument("--days", type=float, default=28.0)
    parser.add_argument("--baseline", metavar="REF", help="also run this commit, alternating")
    parser.add_argument("--rounds", type=int, default=1, help="CPU runs of each")
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)  # a child's code
    parser.add_argument("--heap", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.tree is not None:  # a child: measure the code of --tree
        sys.path[:0] = [str(args.tree), str(BENCH)]
        print(orjson.dumps(measure(args.per_day, args.days, args.heap)).decode())
        return
    sys.path[:0] = [str(ROOT), str(BENCH)]
    from e2e import worktree

    with ExitStack() as stack:
        trees = {"current": ROOT}
        if args.baseline:
            trees["baseline"] = stack.enter_context(worktree(args.baseline))
        results: dict[str, dict[str, Any]] = {}
        for name, tree in trees.items():
            results[name] = child(tree, args.per_day, args.days, heap=True)
            print(f"{name}: {results[name]}", flush=True)
        cpu: dict[str, list[float]] = {name: [] for name in trees}
        for _ in range(args.rounds):
            for name, tree in trees.items():
                cpu[name].append(child(tree, args.per_day, args.days, heap=False)[
                    "cpu_us_per_article"])
        print(f"CPU µs per article: {cpu}", flush=True)
    summary: dict[str, Any] = {"per_day": args.per_day, "days": args.days}
    for name, result in results.items():
        figures = {k: v for k, v in result.items() if k != "checkpoints"}
        figures["cpu_us_per_article"] = statistics.median(cpu[name])
        if name == "current":
            summary.update(figures)
        else:
            summary["baseline"] = {"ref": args.baseline, **figures}
    if args.baseline:
        base = summary["baseline"]
        summary["heap_ratio"] = round(summary["heap_kb_per_entry"] / base["heap_kb_per_entry"],
                                      3)
        summary["cpu_ratio"] = round(summary["cpu_us_per_article"] / base["cpu_us_per_article"],
                                     3)
        summary["same_outputs"] = summary["outputs_sha256"] == base["outputs_sha256"]
    print(orjson.dumps(summary).decode())


if __name__ == "__main__":
    main()
