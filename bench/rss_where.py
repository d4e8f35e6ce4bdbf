"""Where the worker process's memory goes after hostile pages (issue 16): a worker on an
embedded broker, warm after 100 real pages, then 100 more (a control), then the generated
hostile pages of ``bench/faults.py``, then 100 real pages again; after each step, the worker
writes where its memory is (``bench/rss_probe/sitecustomize.py``: resident memory by mapping,
glibc's malloc statistics, and with ``--trace N`` tracemalloc's growth since the warm step).

    .venv/bin/python bench/rss_where.py [--trace 6]

Prints each report; the last line is one JSON object with the worker's RSS per step.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import os
import sys
import tempfile
import uuid
from pathlib import Path

import orjson

from streams import kafka, memory
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from faults import (  # bench/ is scripts, not a package
    LIMIT,
    Outputs,
    hostile_families,
    produce,
    raw_records,
    readyz,
    real_pages,
    wait,
    worker_settings,
)

PROBE = Path(__file__).resolve().parent / "rss_probe"


async def where(trace: int) -> dict[str, int]:
    pages = real_pages(200)
    hostile = [page[:LIMIT] for family in hostile_families().values() for page in family]
    steps = {"warm": pages, "control": pages, "hostile": hostile, "real_again": pages}
    found: dict[str, int] = {}
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        tmp, reports = Path(folder), Path(folder) / "reports"
        reports.mkdir()
        os.environ.update(RSSPROBE_DIR=str(reports), PYTHONPATH=os.pathsep.join(
            [str(PROBE), os.environ.get("PYTHONPATH", "")]))
        if trace:
            os.environ["RSSPROBE_TRACE"] = str(trace)
        base = worker_settings(broker, tmp, partitions=2)
        await kafka.ensure_topics(base)
        settings = dataclasses.replace(base, web_port=free_port(), data_dir=str(tmp / "w"))
        worker = start_worker(settings, tmp / "w.log", limit_s=600)
        try:
            wait(lambda: readyz(settings).get("ready") is True, 600)
            outputs = Outputs(base)
            await outputs.start()
            for label, chosen in steps.items():
                count = len(hostile) if label == "hostile" else 100
                urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}",
                                            chosen, count)
                await produce(base, records)
                await outputs.until(urls, len(urls), 900)
                await asyncio.sleep(35)  # past the worker's periodic trim
                (reports / f"{label}.trigger").touch()
                report = reports / f"{worker.pid}.{label}.txt"
                await asyncio.to_thread(wait, report.exists, 900)
                found[label] = memory.rss_bytes(worker.pid) >> 20
                print(report.read_text(), flush=True)
            await outputs.consumer.stop()
        finally:
            stop_process(worker, limit_s=10)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", type=int, default=0,
                        help="tracemalloc frames in the worker (0: off; slows it down)")
    args = parser.parse_args()
    print(orjson.dumps(asyncio.run(where(args.trace))).decode())


if __name__ == "__main__":
    main()
