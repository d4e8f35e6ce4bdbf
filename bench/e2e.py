"""End-to-end throughput and latency: raw page -> parse -> enrich -> news.enriched.

Starts the embedded broker and one ``newsstream worker`` process, replays the bundled sample
pages N times (each copy under its own URL, so each is a distinct article), and reads
``news.enriched`` until every copy has come out. Throughput comes from a burst (all copies
produced at once); latency from a second, paced run at half that throughput, so that it
measures the pipeline rather than the backlog: p50/p99 from ``fetched_at`` (stamped when the
record is produced) to the moment the enriched event is read.

    .venv/bin/python bench/e2e.py [--copies N] [--samples PATH...]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import dataclasses
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson
from aiokafka import TopicPartition

from streams import kafka
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.ingest.replay import page_files
from streams.local import start_worker
from streams.records import article_id
from streams.settings import Settings
from streams.topics import DEADLETTER, ENRICHED, RAW_HTML


def record(url: str, html: bytes) -> tuple[bytes, bytes]:
    value = {
        "url": url, "content_b64": base64.b64encode(html).decode("ascii"),
        "fetched_at": datetime.now(UTC).isoformat(), "source": "bench",
    }
    return article_id(url).encode(), orjson.dumps(value)


async def measure(settings: Settings, pages: list[bytes], copies: int, run: str) -> dict:
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
    started = time.perf_counter()
    await asyncio.gather(produce(burst, copies), drain(burst, copies))
    elapsed = time.perf_counter() - started
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
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=500)
    root = Path(__file__).parent.parent
    parser.add_argument("--samples", nargs="+",
                        default=[str(root / "samples"), str(root / "tests/parse/fixtures")],
                        help="page files or folders (default: what `make run` replays)")
    args = parser.parse_args()
    pages = [p.read_bytes() for p in page_files(args.samples)]
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as tmp:
        settings = dataclasses.replace(
            Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
            broker_profile="tansu", app_id="bench-e2e", web_port=free_port(),
            log_level="warning", data_dir=str(Path(tmp) / "data"),
        )
        asyncio.run(kafka.ensure_topics(settings))
        worker = start_worker(settings, Path(tmp) / "worker.log")
        try:
            result = asyncio.run(measure(settings, pages, args.copies, str(time.time_ns())))
        finally:
            stop_process(worker, limit_s=30)
    result["broker"] = "embedded tansu (memory)"
    result["partitions"] = settings.partitions
    print(f"{result['articles']} articles ({result['sample_pages']} sample pages replayed) "
          f"in {result['seconds']} s: {result['articles_per_s']} articles/s, "
          f"raw->enriched latency at {result['paced_rate_per_s']}/s: "
          f"p50 {result['latency_p50_ms']} ms, p99 {result['latency_p99_ms']} ms")
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
