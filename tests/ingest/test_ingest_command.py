"""``newsstream ingest PATH...``: a folder of pages replayed into the pipeline end to end."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import sys
from pathlib import Path

import pytest

from streams.local import worker_env
from streams.topics import ENRICHED, RAW_HTML
from tests.conftest import ROOT, SEED, Worker
from tests.kafka_helpers import Records, collect

pytestmark = pytest.mark.integration


async def test_ingest_command_replays_a_folder(worker: Worker, tmp_path: Path) -> None:
    folder = tmp_path / "backfill" / "2025"
    folder.mkdir(parents=True)
    page = folder / "seed.html"
    shutil.copy(SEED, page)
    (folder / "notes.md").write_text("not a page")
    env = worker_env(dataclasses.replace(worker.settings, web_port=0))
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "streams.cli", "ingest", str(tmp_path / "backfill"),
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output = (await asyncio.wait_for(process.communicate(), timeout=120))[0].decode()
    assert process.returncode == 0, output
    assert "replayed 1 page(s)" in output

    url = page.resolve().as_uri()

    def done(got: Records) -> bool:
        return any(v["article"]["url"] == url for _, v in got[ENRICHED.name])

    got = await collect(worker.settings, [RAW_HTML.name, ENRICHED.name], done)
    [raw] = [v for _, v in got[RAW_HTML.name] if isinstance(v, dict) and v.get("url") == url]
    assert raw["source"] == "replay"
    enriched = next(v for _, v in got[ENRICHED.name] if v["article"]["url"] == url)
    assert enriched["article"]["title"].startswith("샘 올트먼의")
