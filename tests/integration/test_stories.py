"""Story clusters in the pipeline, on the embedded broker: two workers, a kill -9 of the one
holding the dedup table (and so the stories) between articles of the same stories, and the last
``news.stories`` record of every story equals the state one worker without the kill reaches
over the same records (``<app>-stories-in`` in its order, re-deliveries included)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest

from streams.broker import EmbeddedBroker
from streams.settings import Settings
from streams.stage import Incoming
from streams.stories.clusters import StoryIndex, story_record
from streams.stories.stream import (
    Deduplicator,
    dedup_config,
    handle,
    story_config,
    trend_config,
)
from streams.stories.trends import Trends
from streams.topics import RAW_HTML, STORIES, STORIES_IN, internal
from tests.conftest import ROOT
from tests.integration.workers import dedup_owner, enriched, settings_on, two_workers
from tests.kafka_helpers import collect, produce, raw_page

pytestmark = pytest.mark.integration

SAMPLES = ROOT / "samples"
FETCHED_AT = "2026-12-05T09:00:30+00:00"
Stories = dict[str, dict]


def pages(group: str, numbers: range) -> dict[str, str]:
    """The sample story group's pages ``numbers``, by URL (samples/README.md)."""
    found = {}
    for path in sorted(SAMPLES.glob(f"story-{group}-*.html")):
        if int(path.name.split("-")[-2]) in numbers:
            found[f"https://news.example/{path.stem}"] = path.read_text(encoding="utf-8")
    return found


def one_worker(settings: Settings, records: list[tuple[bytes, dict]]) -> Stories:
    """The stories one worker's dedup agent makes of ``records`` (``<app>-stories-in`` in
    offset order): the pure core's handler over them, as the agent runs it."""
    stories = StoryIndex(story_config(settings))
    dedup = Deduplicator(dedup_config(settings),
                         retain=lambda entry: entry.story_id in stories.stories)
    trends = Trends(trend_config(settings))
    source = internal(STORIES_IN, settings.app_id)
    for offset, (key, value) in enumerate(records):
        handle(Incoming(source.name, 0, offset, key, orjson.dumps(value)), source, dedup, trends,
               stories)
    return {story_id: orjson.loads(orjson.dumps(story_record(story)))
            for story_id, story in stories.stories.items()}


def last_records(values: list[tuple[bytes, dict]]) -> Stories:
    """The last record of each story (a story's records are on one partition, in order)."""
    return {key.decode(): value for key, value in values}


def test_story_assignments_after_a_kill_9_equal_those_of_one_worker(
    own_broker: EmbeddedBroker, tmp_path: Path
) -> None:
    settings = settings_on(own_broker, "stories")
    # two story groups split across the kill, a third after it; reprints among them
    before = pages("openai-kakao", range(1, 3)) | pages("samsung-nvidia-hbm4", range(1, 3))
    between = pages("openai-kakao", range(3, 4))
    after = (pages("openai-kakao", range(4, 6)) | pages("samsung-nvidia-hbm4", range(3, 6))
             | pages("north-korea-missile", range(1, 5)))
    source = internal(STORIES_IN, settings.app_id).name
    with two_workers(settings, tmp_path) as workers:
        asyncio.run(produce(settings, RAW_HTML.name, [
            raw_page(url, html=html, fetched_at=FETCHED_AT) for url, html in before.items()]))
        asyncio.run(enriched(settings, list(before)))
        owner = dedup_owner(workers, settings)
        asyncio.run(produce(settings, RAW_HTML.name, [
            raw_page(url, html=html, fetched_at=FETCHED_AT) for url, html in between.items()]))
        asyncio.run(enriched(settings, list(between)))
        owner.process.kill()  # SIGKILL: no commit, no flush, no goodbye
        owner.process.wait()
        asyncio.run(produce(settings, RAW_HTML.name, [
            raw_page(url, html=html, fetched_at=FETCHED_AT) for url, html in after.items()]))
        urls = [*before, *between, *after]
        asyncio.run(enriched(settings, urls))
        arrived = asyncio.run(collect(
            settings, [source], lambda g: set(urls) <= {v["enriched"]["article"]["url"]
                                                        for _, v in g[source]},
            limit_s=60))[source]
        expected = one_worker(settings, arrived)
        got = asyncio.run(collect(settings, [STORIES.name],
                                  lambda g: last_records(g[STORIES.name]) == expected,
                                  limit_s=60))
    assert last_records(got[STORIES.name]) == expected
    # the kill fell inside stories: a story holds articles from before and after it, with a
    # reprint, in both languages
    assert any(s["unique_articles"] >= 3 and s["reprints"] >= 1 and s["languages"] == ["en", "ko"]
               for s in expected.values()), expected
    assert len(expected) <= len(urls) - 6
