"""Embedded mode left running: memory of broker and worker, rolls, and nothing lost.

Starts ``newsstream worker`` with no broker configured (it owns an embedded broker, keeps it
under the ceiling ``--max-mb`` and rolls it from half of that), pushes real pages (WCXB
development pages and the labelled Korean pages, each under a URL of its own) to
``POST /ingest`` at ``--rate`` pages/s for ``--minutes`` (a push answered 503, during a roll
or while the ingestion gate is closed, is sent again after its Retry-After), reads
news.enriched and news.deadletter through
``streams.client`` with consumer groups (as a subscriber would), and samples every 5 s the
resident memory of the worker, its core processes and the broker, and the pipeline backlog
the ingestion gate counts. Lost: pages accepted (202) that never came out enriched or
dead-lettered.

    .venv/bin/python bench/soak.py [--minutes 10] [--rate 10] [--max-mb 512]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

import aiohttp
import orjson

from streams import memory
from streams.broker import free_port, stop_process
from streams.client.reader import read
from streams.settings import Settings
from streams.topics import DEADLETTER, ENRICHED

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import real_pages  # bench/ is scripts, not a package

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def children(pid: int) -> dict[str, int]:
    """Resident memory of ``pid``'s child processes, by command name."""
    found: dict[str, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        name, fields = text.split("(", 1)[1].rsplit(")", 1)[0], text.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found[name] = found.get(name, 0) + memory.rss_bytes(int(stat.parent.name))
    return found


def metric(text: str, series: str) -> float:
    """The value of ``series`` (name and labels) in a /metrics text; 0 when absent."""
    return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
               if line.startswith(series + " "))


def soak(minutes: float, rate: float, max_mb: int, pages: list[bytes],
         keep_log: Path | None = None) -> dict[str, object]:
    web, port = free_port(), free_port()
    run = uuid.uuid4().hex[:8]
    with tempfile.TemporaryDirectory() as folder:
        env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
        env.update(NEWSSTREAM_WEB_PORT=str(web), NEWSSTREAM_EMBEDDED_PORT=str(port),
                   NEWSSTREAM_APP_ID=f"soak-{run}", NEWSSTREAM_DATA_DIR=f"{folder}/data",
                   NEWSSTREAM_EMBEDDED_MAX_MB=str(max_mb), NEWSSTREAM_LOG_LEVEL="warning",
                   PYTHONPATH=str(ROOT))
        log = Path(folder) / "worker.log"
        with log.open("wb") as out:
            worker = subprocess.Popen([sys.executable, "-m", "streams.cli", "worker"],
                                      cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{web}"
        settings = dataclasses.replace(Settings(), bootstrap_servers=f"127.0.0.1:{port}",
                                       embedded=False, broker_profile="tansu")
        try:
            result = asyncio.run(_soak(worker, base, settings, minutes, rate, max_mb, pages,
                                       run))
        except Exception:
            print(log.read_text()[-5000:], file=sys.stderr)
            raise
        finally:
            stop_process(worker, limit_s=20)
        rolls = [line for line in log.read_text().splitlines() if "embedded broker roll" in line]
        print("\n".join(rolls), file=sys.stderr)
        if keep_log is not None:
            keep_log.write_bytes(log.read_bytes())
        return result


async def _soak(worker: subprocess.Popen[bytes], base: str, settings: Settings,
                minutes: float, rate: float, max_mb: int, pages: list[bytes], run: str
                ) -> dict[str, object]:
    async with aiohttp.ClientSession() as session:
        deadline = time.monotonic() + 180
        while True:
            try:
                async with session.get(f"{base}/readyz") as response:
                    if response.status == 200:
                        break
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline or worker.poll() is not None:
                raise RuntimeError("worker not ready")
            await asyncio.sleep(0.5)

        accepted: set[str] = set()
        out: dict[str, int] = {}
        # the record times each page came out with: a second arrival with a time already seen
        # is the same record read again (a subscriber's re-read), one with a new time is the
        # pipeline producing it again (a stage's re-processing)
        stamps: dict[str, set[datetime]] = {}
        rereads = 0
        pushing_done, all_out = asyncio.Event(), asyncio.Event()

        async def collect(topic: str) -> None:
            nonlocal rereads
            async for event in read(settings, topic, group=f"soak-{run}-{topic}",
                                    start="beginning"):
                value = event.value
                url = (value["article"]["url"] if topic == ENRICHED.name
                       else value.get("url"))
                if url:
                    out[url] = out.get(url, 0) + 1
                    seen = stamps.setdefault(url, set())
                    rereads += event.timestamp in seen
                    seen.add(event.timestamp)
                if pushing_done.is_set() and accepted <= out.keys():
                    all_out.set()

        samples: list[dict[str, int]] = []

        async def sample() -> None:
            while True:
                kids = children(worker.pid)
                broker = kids.get("tansu", 0)
                own = memory.rss_bytes(worker.pid)
                backlog = -1
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(f"{base}/metrics") as response:
                        backlog = int(metric(await response.text(),
                                             "news_embedded_backlog_records"))
                samples.append({"t": int(time.monotonic() - started), "worker": own >> 20,
                                "broker": broker >> 20,
                                "total": (own + sum(kids.values())) >> 20,
                                "backlog": backlog})
                await asyncio.sleep(5)

        started = time.monotonic()
        readers = [asyncio.create_task(collect(t)) for t in (ENRICHED.name, DEADLETTER.name)]
        sampler = asyncio.create_task(sample())
        refused = retried = 0
        sent = 0
        while time.monotonic() - started < minutes * 60:
            url = f"https://bench.invalid/soak/{run}/{sent}"
            page = pages[sent % len(pages)].decode("utf-8", "replace")
            sent += 1
            while True:  # a 503 during a roll: retried after its Retry-After, as a client would
                try:
                    async with session.post(f"{base}/ingest", json={"url": url, "html": page}
                                            ) as response:
                        status, retry = response.status, response.headers.get("Retry-After")
                except aiohttp.ClientError:
                    status, retry = 0, None
                if status == 503 and retry:
                    retried += 1
                    await asyncio.sleep(float(retry))
                    continue
                if status == 202:
                    accepted.add(url)
                else:
                    refused += 1
                break
            await asyncio.sleep(max(0.0, started + sent / rate - time.monotonic()))
        pushed_s = time.monotonic() - started
        pushing_done.set()
        if accepted <= out.keys():
            all_out.set()
        with contextlib.suppress(TimeoutError):  # what never comes out is counted as lost
            await asyncio.wait_for(all_out.wait(), 300)
        sampler.cancel()
        for task in readers:
            task.cancel()
        async with session.get(f"{base}/metrics") as response:
            metrics_text = await response.text()
    rolls = metric(metrics_text, 'news_embedded_broker_rolls_total{result="rolled"}')
    warm = samples[min(2, len(samples) - 1)]
    return {
        "minutes": round(pushed_s / 60, 1), "rate_per_s": rate, "pushed": sent,
        "accepted": len(accepted), "refused": refused, "retried_503": retried,
        "lost": len(accepted - out.keys()),
        "duplicates": sum(n - 1 for url, n in out.items() if url in accepted),
        "duplicates_reread": rereads,
        "rolls": int(rolls),
        "peak_total_mb": max(s["total"] for s in samples),
        "peak_broker_mb": max(s["broker"] for s in samples),
        "max_mb": max_mb, "ceiling_held": max(s["broker"] for s in samples) <= max_mb,
        "peak_backlog": max(s["backlog"] for s in samples),
        "warm_total_mb": warm["total"], "end_total_mb": samples[-1]["total"],
        "per_minute": [s for s in samples if s["t"] % 60 < 5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=10)
    parser.add_argument("--max-mb", type=int, default=512,
                        help="NEWSSTREAM_EMBEDDED_MAX_MB: the broker's ceiling (rolled from half)")
    parser.add_argument("--log", type=Path, help="keep the worker's log in this file")
    args = parser.parse_args()
    result = soak(args.minutes, args.rate, args.max_mb, real_pages(400), args.log)
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
