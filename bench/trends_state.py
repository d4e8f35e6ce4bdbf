"""Trends' state over a long run, and its cost per article.

    .venv/bin/python bench/trends_state.py [--days 6] [--per-day 20000] [--keys 2000]

A seeded stream of ``--per-day`` articles a day of article time, over ``--days`` days, goes
through :class:`streams.stories.trends.Trends` as the dedup agent would feed it: each article
names 3 of 37 hot keys (20 entities and the 17 IPTC top-level topics, counted in nearly every
window) and 5 of ``--keys`` others, and 30% are copies (not counted). Hot keys are the costly
case: their baseline sums up to a horizon of windows.

Reported every tenth of the run: keys, windows and article ids in the state and the Python heap
(``tracemalloc``) it holds; memory is flat when the heap stops growing once the 48-hour horizon
is full (``heap_mb_last_half``: its least and most over the second half). Cost, in a second,
untraced run of the same stream: CPU time (``time.process_time``) per ``add``, and per
``top(now, 10)`` at the end.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import tracemalloc
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.stories.trends import Entry, TrendConfig, Trends  # noqa: E402

T0 = 1_746_835_200.0  # 2025-05-10T00:00:00Z


def stream(days: float, per_day: int, keys: int) -> list[Entry]:
    rng = random.Random(1)
    hot = [f"org:hot{i}" for i in range(20)] + [f"medtop:{i:08d}" for i in range(1, 18)]
    cold = [f"org:k{i}" for i in range(keys)]
    step = 86_400 / per_day
    return [(f"a{n}", T0 + n * step, rng.sample(hot, 3) + rng.sample(cold, 5),
             "a0" if rng.random() < 0.3 else None) for n in range(int(days * per_day))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=float, default=6.0)
    parser.add_argument("--per-day", type=int, default=20_000)
    parser.add_argument("--keys", type=int, default=2_000)
    args = parser.parse_args()
    entries = stream(args.days, args.per_day, args.keys)

    tracemalloc.start()
    trends, rows, tenth = Trends(TrendConfig()), [], max(1, len(entries) // 10)
    for n, entry in enumerate(entries, 1):
        trends.add(*entry)
        if n % tenth == 0:
            rows.append({"days": round(n / args.per_day, 2), "keys": len(trends.counts),
                         "windows": len(trends.windows), "articles": len(trends.counted),
                         "heap_mb": round(tracemalloc.get_traced_memory()[0] / 1e6, 1)})
            print(orjson.dumps(rows[-1]).decode())
    tracemalloc.stop()

    trends = Trends(TrendConfig())
    start = time.process_time()
    for entry in entries:
        trends.add(*entry)
    add_ms = (time.process_time() - start) / len(entries) * 1000
    now = entries[-1][1]
    start = time.process_time()
    for _ in range(20):
        trends.top(now, 10)
    top_ms = (time.process_time() - start) / 20 * 1000
    half = [row["heap_mb"] for row in rows[len(rows) // 2:]]
    print(orjson.dumps({"articles": len(entries), "per_day": args.per_day,
                        "add_cpu_ms": round(add_ms, 4), "top10_cpu_ms": round(top_ms, 2),
                        "heap_mb_last_half": [min(half), max(half)], "final": rows[-1]}).decode())


if __name__ == "__main__":
    main()
