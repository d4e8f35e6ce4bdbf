"""``newsstream tail`` against the session's embedded broker: filters, start positions, Ctrl-C,
no consumer group, and one-line errors with exit status 2."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import os
import signal
import subprocess
import sys
import uuid
from typing import Any

import orjson
import pytest

from streams import kafka
from streams.broker import free_port
from streams.records import article_id
from streams.schemas import load_schema, validation_errors
from streams.settings import Settings
from streams.topics import ENRICHED
from tests.conftest import ROOT
from tests.kafka_helpers import produce

pytestmark = pytest.mark.integration

RUN = uuid.uuid4().hex[:8]
ENTITY = f"org:tail-test-{RUN}"


def enriched(name: str, entity: str, language: str) -> tuple[bytes, bytes]:
    """A schema-valid news.enriched record whose title carries ``name``."""
    value: dict[str, Any] = copy.deepcopy(load_schema(ENRICHED.schema)["examples"][0])
    url = f"https://example.com/{RUN}/{name}"
    value["article"].update(id=article_id(url), url=url, canonical_url=url,
                            title=f"{RUN} {name}")
    value["entities"] = [{**value["entities"][0], "id": entity}]
    value["language"] = language
    assert validation_errors(ENRICHED, value) == []
    return value["article"]["id"].encode(), orjson.dumps(value)


def env_for(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if "BOOTSTRAP" not in k}
    env.update(KAFKA_BOOTSTRAP_SERVERS=settings.bootstrap_servers,
               NEWSSTREAM_BROKER_PROFILE="tansu")
    return env


def tail(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "streams.cli", "tail", *args], cwd=ROOT,
                          env=env_for(settings), capture_output=True, text=True, timeout=120)


async def groups(settings: Settings) -> set[str]:
    admin = await kafka.start_admin(settings)
    try:
        return {group[0] for group in await admin.list_consumer_groups()}
    finally:
        await admin.close()


@pytest.fixture(scope="module")
async def produced(broker: Settings) -> Settings:
    await kafka.ensure_topics(broker)
    await produce(broker, ENRICHED.name, [
        enriched("wanted", ENTITY, "ko"), enriched("other-entity", "org:someone-else", "ko"),
        enriched("other-language", ENTITY, "en"),
    ])
    return broker


async def test_filters_pick_the_events_and_no_group_is_joined(produced: Settings) -> None:
    before = await groups(produced)
    done = tail(produced, "--from-beginning", "--entity", ENTITY, "--lang", "ko",
                "--match", RUN, "--format", "jsonl", "--limit", "1")
    assert done.returncode == 0, done.stderr
    (event,) = [orjson.loads(line) for line in done.stdout.splitlines()]
    assert validation_errors(ENRICHED, event) == []
    assert event["article"]["title"] == f"{RUN} wanted"
    assert await groups(produced) == before


def test_pretty_is_the_default_format(produced: Settings) -> None:
    done = tail(produced, "news.enriched", "--from-beginning", "--match", f"{RUN} wanted",
                "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert f"{RUN} wanted" in done.stdout and ENTITY in done.stdout
    assert done.stdout.splitlines()[0].split()[2].startswith("news.enriched[")


def test_since_reaches_back_in_time(produced: Settings) -> None:
    """On the embedded broker a time is honoured by skipping older records (no
    offsets-for-times there); the records produced above are well within the hour."""
    done = tail(produced, "enriched", "--since", "1h", "--match", RUN, "--format", "jsonl",
                "--limit", "3")
    assert done.returncode == 0, done.stderr
    titles = sorted(orjson.loads(line)["article"]["title"] for line in done.stdout.splitlines())
    assert titles == sorted(f"{RUN} {n}" for n in ("wanted", "other-entity", "other-language"))


async def test_default_start_is_now_and_ctrl_c_stops_it(produced: Settings) -> None:
    """Without --since or --from-beginning only new events come; Ctrl-C exits with status 0.
    New records are produced until one is printed: the test does not guess when tail is ready."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "streams.cli", "tail", "--match", RUN, "--format", "jsonl",
        cwd=ROOT, env=env_for(produced), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    try:
        line = b""
        for attempt in range(120):  # bounds a failing test only
            await produce(produced, ENRICHED.name, [enriched(f"new-{attempt}", ENTITY, "ko")])
            with contextlib.suppress(TimeoutError):
                line = await asyncio.wait_for(proc.stdout.readline(), 0.5)
                break
        assert line, "tail printed nothing new"
        assert orjson.loads(line)["article"]["title"].startswith(f"{RUN} new-")
        proc.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(proc.wait(), 30) == 0
        assert b"Traceback" not in await proc.stderr.read()
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


async def test_limit_is_exact_when_a_fetch_holds_several_partitions(broker: Settings) -> None:
    """``--limit N`` / ``read(limit=N)`` stop at N events even when one fetch brings records of
    every partition (it went on to each further partition's first event)."""
    from streams.client import Filters
    from streams.client.reader import read

    mark = f"{RUN}-limit"
    records = [enriched(f"{mark}-{n}", ENTITY, "ko") for n in range(12)]
    await kafka.ensure_topics(broker)
    await produce(broker, ENRICHED.name, records)
    every = [event async for event in read(broker, ENRICHED.name, filters=Filters(match=mark),
                                           start="beginning", limit=len(records))]
    assert len({event.partition for event in every}) > 1  # one fetch holds several partitions
    for limit in (1, 3):
        got = [event async for event in read(broker, ENRICHED.name, filters=Filters(match=mark),
                                             start="beginning", limit=limit)]
        assert len(got) == limit
    done = tail(broker, "--from-beginning", "--match", mark, "--format", "jsonl", "--limit", "2")
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2


def test_bad_filter_is_one_line_and_status_2(broker: Settings) -> None:
    for args in (("--since", "banana"),
                 ("news.entity-mentions", "--topic-code", "medtop:04000000"),
                 ("--topic-code", "medtop:x"), ("--limit", "many"), ("--format", "xml")):
        done = tail(broker, *args)
        assert done.returncode == 2, args
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_unreachable_broker_is_one_line_and_status_2(broker: Settings) -> None:
    nowhere = broker.with_bootstrap(f"127.0.0.1:{free_port()}")
    done = tail(nowhere, "--limit", "1")
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.splitlines()
    assert line.startswith("newsstream tail: cannot reach the broker")


def test_unknown_topic_is_one_line_and_status_2(broker: Settings) -> None:
    done = tail(broker, "news.nope")
    assert done.returncode == 2
    (line,) = done.stderr.splitlines()
    assert "unknown topic 'news.nope'" in line
