"""End-to-end throughput and latency: raw page -> parse -> enrich -> news.enriched.

Starts the embedded broker and one ``newsstream worker`` process, replays a page set N times
(each copy under its own URL, so each is a distinct article), and reads ``news.enriched`` (and
``news.deadletter``) until every copy has come out. Throughput comes from a burst (all copies
produced at once), with the CPU time the worker and the broker processes spent on it per
article (the figure least moved by whatever else the machine runs); latency from a second, paced
run at half that throughput, so that it measures the pipeline rather than the backlog: p50/p99
from ``fetched_at`` (stamped when the record is produced) to the moment the enriched event is
read.

Page sets: the bundled samples and parse fixtures (default, what ``make run`` replays), or
``--real``: the WCXB development pages of ``../shared/data`` (English, 711) and the labelled
Korean pages of tests/enrich/pages, which look like what feeds bring. ``--baseline REF`` also
runs the worker of another commit (a temporary git worktree, same virtualenv), alternating
with this checkout's round by round, on a fresh broker each time, so that the two are compared
on the same machine in the same run; figures are medians over ``--rounds``.

    .venv/bin/python bench/e2e.py [--copies N] [--pages PATH... | --real] [--baseline REF]
                                  [--rounds R]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import gzip
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson
from aiokafka import TopicPartition

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.ingest.replay import page_files
from streams.local import start_worker
from streams.records import RawHtml
from streams.settings import Settings
from streams.topics import DEADLETTER, ENRICHED, RAW_HTML


def record(url: str, html: bytes) -> tuple[bytes, bytes]:
    raw = RawHtml.of_bytes(url, html, fetched_at=datetime.now(UTC).isoformat(), source="bench")
    return raw.key, raw.encode()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of process ``pid`` and its live descendants so far: what a
    process costs whatever else the machine runs, unlike its throughput."""
    tick = os.sysconf("SC_CLK_TCK")
    total, pending = 0.0, [pid]
    while pending:
        current = pending.pop()
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
    return total


async def measure(settings: Settings, pages: list[bytes], copies: int, run: str,
                  pids: dict[str, int]) -> dict:
    consumer = kafka.make_consumer(settings)
    await consumer.start()
    await consumer.topics()
    partitions = [TopicPartition(topic, p) for topic in (ENRICHED.name, DEADLETTER.name)
                  for p in sorted(consumer.partitions_for_topic(topic))]
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    producer = kafka.make_producer(settings)
    await producer.start()

    async def produce(prefix: str, n: int, rate: float = 0.0) -> None:
        for i in range(n):
            key, value = record(f"{prefix}/{i}", pages[i % len(pages)])
            await producer.send(RAW_HTML.name, value, key=key)
            if rate:
                await asyncio.sleep(1 / rate)
        await producer.flush()

    dead = 0

    async def drain(prefix: str, n: int) -> list[float]:
        """Latencies of the enriched events of ``prefix``; dead letters count as done."""
        nonlocal dead
        latencies: list[float] = []
        finished = 0
        while finished < n:
            for tp, messages in (await consumer.getmany(timeout_ms=500)).items():
                now = datetime.now(UTC)
                for m in messages:
                    value = orjson.loads(m.value)
                    if tp.topic == DEADLETTER.name:
                        if (value.get("url") or "").startswith(prefix):
                            finished += 1
                            dead += 1
                        continue
                    article = value["article"]
                    if article["url"].startswith(prefix):
                        finished += 1
                        fetched = datetime.fromisoformat(article["fetched_at"])
                        latencies.append((now - fetched).total_seconds())
        return latencies

    warm = f"https://bench.invalid/{run}/warmup"
    await asyncio.gather(produce(warm, 3), drain(warm, 3))  # loads the analysers
    burst = f"https://bench.invalid/{run}/burst"
    cpu_before = {name: cpu_seconds(pid) for name, pid in pids.items()}
    started = time.perf_counter()
    await asyncio.gather(produce(burst, copies), drain(burst, copies))
    elapsed = time.perf_counter() - started
    cpu_ms = {f"{name}_cpu_ms_per_article":
              round(1000 * (cpu_seconds(pid) - cpu_before[name]) / copies, 1)
              for name, pid in pids.items()}
    paced = f"https://bench.invalid/{run}/paced"
    rate = copies / elapsed / 2
    n_paced = max(20, min(copies, int(rate * 30)))  # about 30 s of paced traffic at most
    _, latencies = await asyncio.gather(produce(paced, n_paced, rate), drain(paced, n_paced))
    await producer.stop()
    await consumer.stop()
    latencies.sort()
    return {
        "articles": copies,
        "dead_lettered": dead,
        "sample_pages": len(pages),
        "seconds": round(elapsed, 2),
        "articles_per_s": round(copies / elapsed, 1),
        "paced_rate_per_s": round(rate, 1),
        "paced_articles": n_paced,
        "latency_p50_ms": round(1000 * statistics.median(latencies), 1),
        "latency_p99_ms": round(1000 * latencies[min(len(latencies) - 1,
                                                      int(0.99 * len(latencies)))], 1),
        **cpu_ms,
    }


ROOT = Path(__file__).resolve().parent.parent
REAL = [ROOT.parent / "shared" / "data" / "wcxb-dev-articles" / "html",
        ROOT / "tests" / "enrich" / "pages"]


def read_page(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.name.endswith(".gz") else data


def run_once(pages: list[bytes], copies: int, checkout: Path | None) -> dict:
    """One measurement on a fresh embedded broker, with the worker of ``checkout`` (None: this
    one)."""
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(
            Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
            broker_profile="tansu", app_id="bench-e2e", web_port=free_port(),
            log_level="warning", data_dir=str(Path(tmp) / "data"),
        )
        asyncio.run(kafka.ensure_topics(settings))
        worker = start_worker(settings, Path(tmp) / "worker.log", checkout=checkout)
        try:
            assert broker.process is not None
            pids = {"worker": worker.pid, "broker": broker.process.pid}
            result = asyncio.run(measure(settings, pages, copies, str(time.time_ns()), pids))
        finally:
            stop_process(worker, limit_s=30)
    result["partitions"] = settings.partitions
    return result


@contextlib.contextmanager
def worktree(ref: str) -> Iterator[Path]:
    """A temporary detached git worktree of ``ref``, removed afterwards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "baseline"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "--quiet",
                        str(path), ref], check=True)
        try:
            yield path
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(path)],
                           check=False)


FIGURES = ("articles_per_s", "latency_p50_ms", "latency_p99_ms", "dead_lettered",
           "worker_cpu_ms_per_article", "broker_cpu_ms_per_article")


def medians(runs: list[dict]) -> dict:
    summary = dict(runs[0])
    for name in FIGURES:
        summary[name] = round(statistics.median(r[name] for r in runs), 1)
    summary["rounds"] = len(runs)
    summary["articles_per_s_each"] = [r["articles_per_s"] for r in runs]
    return summary


def line(label: str, r: dict) -> str:
    return (f"{label}: {r['articles']} articles ({r['sample_pages']} pages, "
            f"{r['dead_lettered']} dead-lettered) {r['articles_per_s']} articles/s "
            f"(rounds: {r['articles_per_s_each']}), raw->enriched latency at "
            f"{r['paced_rate_per_s']}/s: p50 {r['latency_p50_ms']} ms, "
            f"p99 {r['latency_p99_ms']} ms; CPU per article (burst): worker "
            f"{r['worker_cpu_ms_per_article']} ms, broker {r['broker_cpu_ms_per_article']} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--pages", "--samples", nargs="+", dest="pages",
                        default=[str(ROOT / "samples"), str(ROOT / "tests/parse/fixtures")],
                        help="page files or folders (default: what `make run` replays)")
    parser.add_argument("--real", action="store_true",
                        help="the real page sets: " + ", ".join(map(str, REAL)))
    parser.add_argument("--baseline", metavar="REF",
                        help="also measure the worker of this commit, alternating")
    parser.add_argument("--rounds", type=int, default=None,
                        help="measurements of each (default 1, or 2 with --baseline)")
    args = parser.parse_args()
    paths = [str(p) for p in REAL if p.exists()] if args.real else args.pages
    pages = [read_page(p) for p in page_files(paths)]
    rounds = args.rounds or (2 if args.baseline else 1)
    runs: dict[str, list[dict]] = {"current": [], "baseline": []}
    with contextlib.ExitStack() as stack:
        base = stack.enter_context(worktree(args.baseline)) if args.baseline else None
        for _ in range(rounds):
            if base is not None:
                runs["baseline"].append(run_once(pages, args.copies, base))
            runs["current"].append(run_once(pages, args.copies, None))
    result = medians(runs["current"])
    result["broker"] = "embedded tansu (memory)"
    result["page_sets"] = paths
    print(line("this checkout", result))
    if args.baseline:
        baseline = medians(runs["baseline"])
        print(line(f"baseline {args.baseline}", baseline))
        result["baseline"] = {"ref": args.baseline, **{k: baseline[k] for k in (
            *FIGURES, "articles_per_s_each")}}
        result["speedup"] = round(result["articles_per_s"] / baseline["articles_per_s"], 2)
        print(f"throughput ratio (this checkout / baseline): {result['speedup']}")
        result["cpu_ratio"] = round(
            (result["worker_cpu_ms_per_article"] + result["broker_cpu_ms_per_article"])
            / (baseline["worker_cpu_ms_per_article"] + baseline["broker_cpu_ms_per_article"]), 2)
        print(f"CPU per article, worker + broker (this checkout / baseline): "
              f"{result['cpu_ratio']}")
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
