"""The Python client on the session's embedded broker: the README's example as written, typed
records, and at-least-once delivery to a named group (an item is committed only after the loop
body handled it)."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import dataclasses
import os
import re
import subprocess
import sys
import uuid
from typing import Any

import orjson
import pytest

from streams import kafka
from streams.broker import EmbeddedBroker
from streams.client import subscribe
from streams.client.reader import read
from streams.records import Enriched, article_id
from streams.schemas import load_schema, validation_errors
from streams.settings import Settings
from streams.topics import ENRICHED
from tests.conftest import ROOT
from tests.kafka_helpers import produce

pytestmark = pytest.mark.integration

RUN = uuid.uuid4().hex[:8]


def enriched(title: str, entity: str, language: str = "ko", url: str = "") -> tuple[bytes, bytes]:
    value: dict[str, Any] = copy.deepcopy(load_schema(ENRICHED.schema)["examples"][0])
    url = url or f"https://example.com/{RUN}/{uuid.uuid4().hex[:6]}"
    value["article"].update(id=article_id(url), url=url, canonical_url=url, title=title)
    value["entities"] = [{**value["entities"][0], "id": entity}]
    value["language"] = language
    assert validation_errors(ENRICHED, value) == []
    return value["article"]["id"].encode(), orjson.dumps(value)


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- example: subscribe[^>]*-->\n```python\n(.*?)```", readme, re.S)
    assert found, "the README lost its client example"
    return found.group(1)


def test_the_readme_example_is_short() -> None:
    assert len(readme_example().strip().splitlines()) < 15


async def test_the_readme_example_prints_korean_openai_articles(broker: Settings) -> None:
    await kafka.ensure_topics(broker)
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(KAFKA_BOOTSTRAP_SERVERS=broker.bootstrap_servers,
               NEWSSTREAM_BROKER_PROFILE="tansu")
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", readme_example(), cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    try:
        line = b""
        for attempt in range(120):  # until the example has joined its group; bounds a failure
            await produce(broker, ENRICHED.name, [
                enriched(f"{RUN} English {attempt}", "org:openai", "en"),
                enriched(f"{RUN} other {attempt}", "org:kakao"),
                enriched(f"{RUN} 오픈AI {attempt}", "org:openai"),
            ])
            with contextlib.suppress(TimeoutError):
                line = await asyncio.wait_for(proc.stdout.readline(), 1.0)
                break
        assert f"{RUN} 오픈AI".encode() in line, line
        await produce(broker, ENRICHED.name, [
            enriched(f"{RUN} English last", "org:openai", "en"),
            enriched(f"{RUN} other last", "org:kakao"),
            enriched(f"{RUN} 오픈AI last", "org:openai"),
        ])
        while f"{RUN} 오픈AI last".encode() not in line:  # never the English or the Kakao one
            line = await asyncio.wait_for(proc.stdout.readline(), 60)
            assert f"{RUN} 오픈AI".encode() in line, line
    finally:
        proc.kill()
        await proc.wait()


async def take(settings: Settings, entity: str, group: str, count: int) -> list[str]:
    """Titles of the first ``count`` items read with ``group``; the loop stops while holding the
    last one, as a handler that crashed would (the ones before it were handled)."""
    got: list[str] = []
    async for item in subscribe(entities=[entity], group=group, from_beginning=True,
                                settings=settings):
        assert isinstance(item, Enriched) and item.entities[0].id == entity
        got.append(item.article.title or "")
        if len(got) == count:
            break
    return got


async def test_a_group_commits_only_what_its_loop_handled(broker: Settings) -> None:
    await kafka.ensure_topics(broker)
    entity, group, url = f"org:client-{RUN}", f"client-test-{RUN}", f"https://example.com/{RUN}/g"
    await produce(broker, ENRICHED.name, [  # one key: one partition, so one order
        enriched(f"{RUN} first", entity, url=url), enriched(f"{RUN} second", entity, url=url),
        enriched(f"{RUN} third", entity, url=url),
    ])
    assert await take(broker, entity, group, 2) == [f"{RUN} first", f"{RUN} second"]
    # the second was in hand when the loop stopped: it comes again, the first does not
    assert await take(broker, entity, group, 2) == [f"{RUN} second", f"{RUN} third"]
    assert await take(broker, entity, group, 1) == [f"{RUN} third"]


async def test_a_group_reader_goes_on_when_its_broker_loses_the_group(
    own_broker: EmbeddedBroker,
) -> None:
    """A rolled or restarted embedded broker forgets the group: the commit of what the reader
    had handled fails, and the reader re-joins and reads on instead of raising."""
    settings = dataclasses.replace(Settings(), bootstrap_servers=own_broker.bootstrap,
                                   embedded=False, broker_profile="tansu", partitions=1)
    entity = f"org:lost-{RUN}"
    await kafka.ensure_topics(settings)
    await produce(settings, ENRICHED.name, [enriched("before", entity)])
    events = read(settings, ENRICHED.name, group=f"lost-{RUN}", start="beginning")
    first = await asyncio.wait_for(anext(events), 60)
    own_broker.stop()  # the handled event is not committed yet: it is when the next is asked
    own_broker.start()
    await kafka.ensure_topics(settings)
    await produce(settings, ENRICHED.name, [enriched("after", entity)])
    second = await asyncio.wait_for(anext(events), 120)
    await events.aclose()
    assert (first.value["article"]["title"], second.value["article"]["title"]) == (
        "before", "after")
