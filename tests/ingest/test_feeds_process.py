"""``newsstream feeds FILE`` as a long-running process: every bad case of the local site ends as
an event, a counted skip or a dead letter, the process keeps polling (it picks up an entry added
later), and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import dataclasses
import signal
import sys
from pathlib import Path

import pytest

from streams.local import worker_env
from streams.topics import DEADLETTER, ENRICHED, RAW_HTML
from tests.conftest import ROOT, Worker
from tests.ingest.site import EUC_KR_TEXT, Site
from tests.kafka_helpers import Records, collect

pytestmark = pytest.mark.integration

BAD = {"huge": "too_large", "bomb": "too_large", "loop/0": "too_many_redirects"}


def raw_urls(got: Records, source: str) -> set[str]:
    return {v["url"] for _, v in got[RAW_HTML.name]
            if isinstance(v, dict) and v.get("source") == source}


async def test_feeds_process_keeps_polling_through_bad_pages(
    worker: Worker, site: Site, tag: str, tmp_path: Path
) -> None:
    name = f"proc-{tag}"
    site.feeds[tag] = [f"/{tag}/a/first", f"/{tag}/euc-kr", f"/{tag}/missing",
                       f"/private/{tag}/secret", *(f"/{tag}/{path}" for path in BAD)]
    config = tmp_path / "feeds.toml"
    config.write_text(
        f'[[feed]]\nname = "{name}"\nurl = "{site.base}/{tag}/feed.xml"\n'
        'kind = "feed"\ninterval_s = 1\n'
    )
    env = worker_env(dataclasses.replace(worker.settings, web_port=0))
    env.update(NEWSSTREAM_FETCH_ALLOW_HOSTS="127.0.0.1", NEWSSTREAM_FETCH_HOST_RATE="0",
               NEWSSTREAM_FETCH_TIMEOUT_S="2", NEWSSTREAM_FETCH_RETRIES="0",
               NEWSSTREAM_FETCH_MAX_BYTES="1000000")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "streams.cli", "feeds", str(config),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    try:
        first = {f"{site.base}/{tag}/a/first", f"{site.base}/{tag}/euc-kr"}

        def letters(got: Records) -> dict[str, str]:
            return {v["url"]: v["reason"] for _, v in got[DEADLETTER.name]
                    if v.get("stage") == "ingest" and v.get("url", "").startswith(site.base)}

        def round_one(got: Records) -> bool:
            return first <= raw_urls(got, name) and len(
                {u for u in letters(got) if f"/{tag}/" in u}) >= len(BAD)

        got = await collect(worker.settings, [RAW_HTML.name, DEADLETTER.name], round_one)
        assert raw_urls(got, name) == first, "missing and robots-disallowed pages are skipped"
        for path, reason in BAD.items():
            assert letters(got)[f"{site.base}/{tag}/{path}"] == reason
        assert site.hits[f"/private/{tag}/secret"] == 0, "robots.txt is respected"
        assert process.returncode is None, "still running"

        site.feeds[tag].append(f"/{tag}/a/later")  # the feed changes: the process is still polling
        later = f"{site.base}/{tag}/a/later"
        got = await collect(worker.settings, [RAW_HTML.name],
                            lambda g: later in raw_urls(g, name))
        assert later in raw_urls(got, name)
        assert site.hits[f"/{tag}/a/first"] == 1, "seen entries are not fetched again"

        # the EUC-KR page (charset only in the HTTP header) comes out of the pipeline readable
        euc = f"{site.base}/{tag}/euc-kr"
        got = await collect(worker.settings, [ENRICHED.name],
                            lambda g: any(v["article"]["url"] == euc for _, v in g[ENRICHED.name]))
        article = next(v["article"] for _, v in got[ENRICHED.name] if v["article"]["url"] == euc)
        assert EUC_KR_TEXT.strip() in article["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        output = (await asyncio.wait_for(process.communicate(), timeout=60))[0].decode()
    assert process.returncode == 0, output
