"""The worker's status page, live: ``/status.json`` counts, stories and trends after the
shared pages flowed, then the HTML page in a real headless Chromium (Debian's) while more pages
flow (its top stories, trending list and charts included), with a screenshot saved under
``test-artifacts/``.

Chromium comes from ``ops/bin/ensure-chromium`` (run by ``make test``, and here when missing);
the browser test skips only when Chromium cannot be had.
"""

from __future__ import annotations

import asyncio
import os
import struct
import subprocess
import tempfile
import time
import urllib.request
import uuid
from typing import Any

import orjson
import pytest
from opslib import ROOT, require_binary
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import Worker
from tests.integration.conftest import BAD, bad_records
from tests.kafka_helpers import produce, raw_page

pytestmark = pytest.mark.integration

SEED_TITLE = "샘 올트먼의 '중국 밀어내기'...딥시크에 맞서 '글로벌 AI 동맹전'"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM_FLAGS = [  # see /work/.library machine notes: no network, no GPU, root, fresh profile
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
async def seed_url(worker: Worker, seed_html: str) -> str:
    """The shared pages of tests/integration (the seed among the bad records), produced once
    for this module with a seed URL of its own.

    Not the session ``flowed`` fixture itself: imported here it would be registered a second
    time and run again, re-producing the same seed article id, which breaks the exact
    per-article counts of tests/integration/test_pipeline.py when tests/ops runs first.
    """
    url = f"https://v.daum.net/v/{uuid.uuid4().hex[:8]}-status"
    records = bad_records()
    records.insert(3, raw_page(url, html=seed_html))
    await produce(worker.settings, "news.raw-html", records)
    return url


def status_json(worker: Worker) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(worker.get("/status.json"))
    return data


def wait_for_status(worker: Worker, ok: Any, limit_s: float = 60) -> dict[str, Any]:
    """Poll /status.json until ``ok(status)`` (bounded: the limit only bounds a failure)."""
    deadline = time.monotonic() + limit_s
    status = status_json(worker)
    while not ok(status) and time.monotonic() < deadline:
        time.sleep(0.5)
        status = status_json(worker)
    return status


def shows_the_flowed_pages(status: dict[str, Any], url: str) -> bool:
    stages = {s["stage"]: s for s in status["stages"]}
    reasons = {d["reason"] for d in status["dead_letters"] if d["stage"] == "parse"}
    return (
        any(item["url"] == url for item in status["latest"])
        and stages["parse"]["in"] >= 1 + len(BAD)
        and set(BAD.values()) <= reasons
    )


def counted_too(status: dict[str, Any], url: str) -> bool:
    """The flowed pages shown, and counted and clustered by the dedup agent (after enrich,
    which the latest articles come from)."""
    return (shows_the_flowed_pages(status, url) and bool((status["trending"] or {}).get("keys"))
            and any("올트먼" in (story["title"] or "") for story in status["stories"] or ()))


def test_status_json_counts_the_flowed_pages(worker: Worker, seed_url: str) -> None:
    status = wait_for_status(worker, lambda s: counted_too(s, seed_url))
    assert shows_the_flowed_pages(status, seed_url), status
    stages = {s["stage"]: s for s in status["stages"]}
    parse, enrich = stages["parse"], stages["enrich"]
    assert parse["in"] >= 1 + len(BAD)
    assert parse["out"] >= 1 and parse["dead_letters"] >= len(BAD)
    assert parse["in"] >= parse["out"] + parse["dead_letters"]  # the rest is in flight
    assert enrich["in"] >= 1 and enrich["out"] >= 1
    assert parse["in_per_s"] is not None and parse["in_per_s"] > 0  # since worker start, < 5 min
    reasons = {d["reason"]: d["count"] for d in status["dead_letters"] if d["stage"] == "parse"}
    expected: dict[str, int] = {}
    for reason in BAD.values():
        expected[reason] = expected.get(reason, 0) + 1
    assert all(reasons.get(r, 0) >= n for r, n in expected.items()), reasons
    assert status["freshness"]["count"] >= 1 and status["freshness"]["p95_s"] is not None
    seed = next(item for item in status["latest"] if item["url"] == seed_url)
    assert seed["title"] == SEED_TITLE
    names = {e["name"] for e in seed["entities"]}
    assert names & {"오픈AI", "OpenAI", "샘 올트먼"}, names
    assert seed["topics"] and 0 < len(seed["entities"]) <= 6
    trending = status["trending"]  # the one worker holds the dedup partition: its trends
    assert trending is not None and trending["keys"], trending
    scores = [k["score"] for k in trending["keys"]]
    assert scores == sorted(scores, reverse=True)
    for key in trending["keys"]:
        assert len(key["series"]) == 288 and key["series"][-1] == key["count"] >= 1, key
    stories = status["stories"]  # the seed's story among the last hour's, most articles first
    assert any("올트먼" in (s["title"] or "") for s in stories), stories
    counts = [s["articles"] for s in stories]
    assert counts == sorted(counts, reverse=True)


def test_status_page_html_headers(worker: Worker, seed_url: str) -> None:
    wait_for_status(worker, lambda s: shows_the_flowed_pages(s, seed_url))
    with urllib.request.urlopen(worker.base_url + "/status", timeout=5) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        csp = response.headers["Content-Security-Policy"]
        page = response.read().decode()
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp
    assert SEED_TITLE.replace("'", "&#x27;") in page


@pytest.fixture(scope="module")
def chromium() -> str:
    path = require_binary("chromium", "ensure-chromium")
    version = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=60)
    if version.returncode != 0:
        pytest.skip(f"chromium does not start: {version.stdout}{version.stderr}")
    return path


async def run_chromium(chromium: str, *args: str, limit_s: float = 90) -> str:
    """One headless Chromium run with a fresh profile; its stdout."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        process = await asyncio.create_subprocess_exec(
            chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            env={**os.environ, "HOME": profile},
        )
        try:
            out, err = await asyncio.wait_for(process.communicate(), timeout=limit_s)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        assert process.returncode == 0, err.decode(errors="replace")[-3000:]
        return out.decode()


async def more_pages(worker: Worker, seed_html: str, count: int) -> None:
    """Pages that flow while the browser loads the page: the seed under new URLs."""
    run = uuid.uuid4().hex[:8]
    for n in range(count):
        await produce(worker.settings, "news.raw-html",
                      [raw_page(f"https://v.daum.net/v/{run}-live-{n}", html=seed_html)])
        await asyncio.sleep(0.5)


def count_in(tree: LexborHTMLParser, selector: str) -> int:
    node = tree.css_first(selector)
    assert node is not None, selector
    return int(node.text().replace(",", ""))


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE, "not a PNG file"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_status_page_in_headless_chromium(
    worker: Worker, seed_url: str, seed_html: str, chromium: str
) -> None:
    before = wait_for_status(worker, lambda s: counted_too(s, seed_url))
    assert counted_too(before, seed_url), before
    url = worker.base_url + "/status"
    feeding = asyncio.create_task(more_pages(worker, seed_html, count=3))
    # The virtual-time budget lets the page's refresh timer (every 3 s) run before the dump.
    dom = await run_chromium(chromium, "--virtual-time-budget=7000", "--dump-dom", url)
    await feeding

    tree = LexborHTMLParser(dom)
    root = tree.css_first("html")
    assert root is not None and root.attributes.get("data-live") == "on", (
        "the page's script did not run: " + dom[:2000]
    )
    main = tree.css_first("main#status")
    assert main is not None and int(main.attributes.get("data-refreshes") or 0) >= 1, (
        "the page's refresh did not swap in new content"
    )
    titles = [node.text() for node in tree.css("ol.articles li .title")]
    assert SEED_TITLE in titles, titles  # the newest may be one of the pages still flowing
    stages = {s["stage"]: s for s in before["stages"]}
    for stage in ("parse", "enrich"):
        for column, key in (("in", "in"), ("out", "out"), ("dead", "dead_letters")):
            shown = count_in(tree, f"#{stage}-{column}")
            assert shown >= stages[stage][key], (stage, column, shown)  # counters only grow
    dead_letters = tree.css_first("#dead-letters")
    assert dead_letters is not None
    assert set(BAD.values()) <= {node.text() for node in dead_letters.css("td.reason")}
    assert count_in(tree, "#fresh-count") >= 1
    stories = tree.css("#stories tbody tr")
    assert any("올트먼" in row.css_first(".title").text() for row in stories), dom[:3000]
    trending = tree.css("#trending tbody tr")
    assert trending, "no trending keys shown"
    scores = [float(row.css("td.num")[0].text()) for row in trending]
    assert scores == sorted(scores, reverse=True)
    for row in trending:  # a chart each: 24 hours of 5-minute counts, drawn in the page
        line = row.css_first("svg.spark polyline")
        assert line is not None and len((line.attributes["points"] or "").split()) == 288

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "status-page.png"
    screenshot.unlink(missing_ok=True)
    await run_chromium(chromium, f"--screenshot={screenshot}", "--window-size=1280,900",
                       "--virtual-time-budget=2000", url)
    data = screenshot.read_bytes()
    assert len(data) > 10_000, f"screenshot is only {len(data)} bytes"
    assert png_size(data) == (1280, 900)
