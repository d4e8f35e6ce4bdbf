"""Tombstones (records with a null value: on news.stories, a story that expired) as a
subscriber reads them: ``read`` yields them past every filter, ``subscribe`` as a
:class:`Tombstone`, ``tail`` prints one line; a consumer stand-in serves the records."""

from __future__ import annotations

import asyncio
import copy
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import orjson
import pytest

from streams.client import Filters, Tombstone, read, subscribe
from streams.client.reader import Event
from streams.client.render import jsonl, pretty
from streams.records import Story
from streams.schemas import load_schema
from streams.settings import Settings
from streams.topics import ENRICHED, STORIES

STORY = copy.deepcopy(load_schema(STORIES.schema)["examples"][0])
GONE = "e" * 32


class Consumer:
    """Just what ``read`` asks of an AIOKafkaConsumer: one partition of news.stories holding
    a story's record, a tombstone and the record of another story."""

    def __init__(self, **config: Any) -> None:
        stamp = int(datetime(2026, 12, 5, tzinfo=UTC).timestamp() * 1000)
        records = [(STORY["id"], orjson.dumps(STORY)), (GONE, None),
                   ("f" * 32, orjson.dumps({**STORY, "id": "f" * 32, "languages": ["en"]}))]
        self.batches = [{0: [SimpleNamespace(topic=STORIES.name, partition=0, offset=n,
                                             key=key.encode(), value=value, timestamp=stamp)
                             for n, (key, value) in enumerate(records)]}]

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def topics(self) -> set[str]:
        return {STORIES.name}

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {0}

    def assign(self, partitions: list[Any]) -> None: ...

    async def seek_to_beginning(self, *partitions: Any) -> None: ...

    async def getmany(self, timeout_ms: int, max_records: int) -> dict[int, list[Any]]:
        return self.batches.pop(0) if self.batches else {}


@pytest.fixture(autouse=True)
def consumer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("streams.client.reader.AIOKafkaConsumer", Consumer)


def settings() -> Settings:
    return Settings().with_bootstrap("127.0.0.1:1")


async def events(filters: Filters, limit: int) -> list[Event]:
    return [event async for event in read(settings(), STORIES.name, filters=filters,
                                          start="beginning", limit=limit)]


def test_a_tombstone_passes_every_filter_and_decodes_to_nothing() -> None:
    korean = asyncio.run(events(Filters(lang="ko"), 2))
    assert [(e.key, e.tombstone) for e in korean] == [(STORY["id"], False), (GONE, True)]
    assert (korean[1].value, korean[1].raw) == ({}, b"")
    by_entity = asyncio.run(events(Filters(entities=("org:none",)), 1))
    assert [(e.key, e.tombstone) for e in by_entity] == [(GONE, True)]


def test_subscribe_yields_a_tombstone_for_an_expired_story() -> None:
    async def items() -> list[Any]:
        return [item async for item in subscribe(STORIES.name, from_beginning=True, limit=3,
                                                 settings=settings())]

    story, gone, other = asyncio.run(items())
    assert isinstance(story, Story) and story.id == STORY["id"]
    assert gone == Tombstone(STORIES.name, GONE)
    assert isinstance(other, Story) and other.languages == ["en"]


def test_tail_prints_an_expired_story_as_one_line_and_its_id_in_jsonl() -> None:
    event = Event(STORIES.name, 0, 9, GONE, datetime(2026, 12, 5, tzinfo=UTC), {}, b"",
                  tombstone=True)
    assert orjson.loads(jsonl(event)) == {"id": GONE, "expired": True}
    assert pretty(event).splitlines() == ["2026-12-05 00:00:00Z  news.stories[0]@9",
                                          f"  story {GONE} expired"]
    other = Event(ENRICHED.name, 0, 9, "k", datetime(2026, 12, 5, tzinfo=UTC), {}, b"",
                  tombstone=True)
    assert orjson.loads(jsonl(other)) == {"key": "k", "deleted": True}
    assert "key k deleted" in pretty(other)
