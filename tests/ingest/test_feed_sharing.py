"""Two real workers given one feeds file share its feeds, on a broker of their own.

Each feed is polled by the worker that holds its news.raw-html partition; before a fix, only the
consumer group's leader could see the partition count, so the other worker polled nothing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path

import pytest

from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.local import start_worker
from streams.settings import Settings
from tests.conftest import Worker
from tests.ingest.site import Site

pytestmark = pytest.mark.integration

FEEDS = 8


def gauge(worker: Worker, name: str) -> float | None:
    try:
        return worker.metrics().get(name)
    except OSError:
        return None


async def test_two_workers_share_one_feeds_file(site: Site, tag: str, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    lines = []
    for n in range(FEEDS):
        site.feeds[f"{tag}-{n}"] = [f"/{tag}-{n}/a/page"]
        lines.append(f'[[feed]]\nname = "share-{n}"\nurl = "{site.base}/{tag}-{n}/feed.xml"\n'
                     'kind = "feed"\ninterval_s = 2\n')
    (tmp_path / "feeds.toml").write_text("\n".join(lines))
    for name, value in {"NEWSSTREAM_FEEDS_FILE": str(tmp_path / "feeds.toml"),
                        "NEWSSTREAM_FETCH_ALLOW_HOSTS": "127.0.0.1",
                        "NEWSSTREAM_FETCH_HOST_RATE": "0"}.items():
        monkeypatch.setenv(name, value)
    with EmbeddedBroker() as broker:
        base = dataclasses.replace(
            Settings(), bootstrap_servers=broker.bootstrap, embedded=False,
            broker_profile="tansu", partitions=4, app_id=f"share-{uuid.uuid4().hex[:6]}")
        workers: list[Worker] = []
        try:
            for n in range(2):
                settings = dataclasses.replace(base, web_port=free_port(),
                                               data_dir=str(tmp_path / f"data{n}"))
                log = tmp_path / f"worker{n}.log"
                process = await asyncio.to_thread(start_worker, settings, log)
                workers.append(Worker(settings, process, log))
            shares: list[float | None] = []
            seen: list[float | None] = []
            for _ in range(600):  # until the group is stable and both pollers report
                shares = [await asyncio.to_thread(gauge, w, "news_ingest_feeds_owned")
                          for w in workers]
                seen = [await asyncio.to_thread(gauge, w, "news_ingest_seen_urls")
                        for w in workers]
                if all(shares) and sum(shares) == FEEDS and seen == [FEEDS, FEEDS]:  # type: ignore[arg-type]
                    break  # (the first worker owns every feed until the second one joins)
                await asyncio.sleep(0.1)
            assert sum(shares) == FEEDS, shares  # type: ignore[arg-type]
            assert all(share and share > 0 for share in shares), shares  # both poll some
            # Each store holds every page, its own and the other worker's (it follows the topic).
            assert seen == [FEEDS, FEEDS], seen
            assert all(1 <= site.hits[f"/{tag}-{n}/a/page"] <= 2 for n in range(FEEDS))
        finally:
            for worker in workers:
                stop_process(worker.process, limit_s=30)
