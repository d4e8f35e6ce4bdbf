"""End to end on the embedded broker: raw page in, enriched events and dead letters out."""

from __future__ import annotations

import base64
import uuid

import pytest
from aiokafka import AIOKafkaProducer

from streams import kafka
from streams.schemas import validation_errors
from streams.topics import (
    ALL_TOPICS,
    DEADLETTER,
    ENRICHED,
    ENTITY_MENTIONS,
    RAW_HTML,
    TOPIC_EVENTS,
)
from tests.conftest import Worker
from tests.integration.conftest import BAD, SEED_URL, url_of_dead_letter
from tests.kafka_helpers import Records, collect, raw_page

pytestmark = pytest.mark.integration

def seed_event(flowed: Records) -> dict:
    return next(v for _, v in flowed[ENRICHED.name] if v["article"]["url"] == SEED_URL)


def test_seed_page_is_enriched(flowed: Records) -> None:
    event = seed_event(flowed)
    article = event["article"]
    assert article["title"].startswith("샘 올트먼의 '중국 밀어내기'")
    assert "오픈AI 포 컨트리(OpenAI for Countries)" in article["text"]
    assert "등록된 댓글이 없습니다" not in article["text"]
    assert {"name": "김성환", "email": "ksh@fnnews.com", "role": "기자"} in article["authors"]
    by_id = {e["id"]: e for e in event["entities"]}
    assert by_id["org:openai"]["type"] == "organization"
    assert by_id["per:sam-altman"]["type"] == "person"
    assert by_id["loc:CN"]["type"] == "location"
    assert event["topics"], "at least one IPTC topic"


def test_entity_mentions_are_keyed_by_entity_id(flowed: Records) -> None:
    article_id = seed_event(flowed)["article"]["id"]
    mentions = [(k, v) for k, v in flowed[ENTITY_MENTIONS.name] if v["article_id"] == article_id]
    assert len(mentions) == len(seed_event(flowed)["entities"])
    for key, value in mentions:
        assert key is not None and key.decode() == value["entity"]["id"]
    assert b"org:openai" in {k for k, _ in mentions}
    topics = [(k, v) for k, v in flowed[TOPIC_EVENTS.name] if v["article_id"] == article_id]
    assert topics and all(k is not None and k.decode() == v["topic"]["code"] for k, v in topics)


def test_bad_records_become_dead_letters_with_reasons(flowed: Records) -> None:
    reasons = {url_of_dead_letter(v): v["reason"] for _, v in flowed[DEADLETTER.name]}
    for url, reason in BAD.items():
        if url.endswith(("no-url", "not-json")):
            continue  # records without a readable url are found by their keys below
        assert reasons.get(url) == reason, url
    keys = {k: v for k, v in flowed[DEADLETTER.name]}
    assert keys[b"k2"]["reason"] == "invalid_record"
    assert keys[b"k2"]["stage"] == "parse"
    assert keys[b"k1"]["reason"] == "invalid_record"
    assert base64.b64decode(keys[b"k1"]["original_value_b64"]).startswith(b'{"url"')


def test_every_produced_event_matches_its_schema(flowed: Records) -> None:
    specs = {t.name: t for t in ALL_TOPICS}
    checked = 0
    for topic, records in flowed.items():
        for _, value in records:
            assert validation_errors(specs[topic], value) == [], topic
            checked += 1
    assert checked >= len(BAD) + 3


def test_metrics_endpoint_counts_stages(worker: Worker, flowed: Records) -> None:
    samples = worker.metrics()
    assert samples['news_stage_events_out_total{stage="parse"}'] >= 1
    assert samples['news_stage_events_out_total{stage="enrich"}'] >= 1
    assert samples['news_stage_events_in_total{stage="parse"}'] >= len(BAD) + 1
    assert samples['news_stage_dead_letters_total{reason="too_large",stage="parse"}'] >= 1
    assert samples['news_stage_dead_letters_total{reason="invalid_record",stage="parse"}'] >= 3
    assert any(k.startswith("faust_messages_received_total") for k in samples), "Faust sensor"
    assert samples['news_stage_processing_seconds_count{stage="parse"}'] >= 1


async def test_records_too_large_for_a_dead_letter_still_get_one(worker: Worker) -> None:
    """Raw records of 6.5 and 10 MB (a page near the limit, base64, and a record no producer of
    ours would send): each comes out as one dead letter that fits the message limit, its
    original cut and marked so. Before, the dead letter itself was refused and the record
    vanished."""
    run = uuid.uuid4().hex[:8]
    sizes = {f"https://example.com/{run}/huge-{size}": size for size in (6_500_000, 10_000_000)}
    records = [
        raw_page(url, content_b64=base64.b64encode(b"<p>" + b"x" * (size * 3 // 4)).decode())
        for url, size in sizes.items()
    ]
    assert all(len(value) > size for (_, value), size in zip(records, sizes.values(), strict=True))
    # a client of its own: ours refuse records over the message limit before sending
    producer = AIOKafkaProducer(**{**kafka.producer_config(worker.settings),
                                   "max_request_size": 16 * 1024 * 1024})
    await producer.start()
    try:
        for key, value in records:
            await producer.send_and_wait(RAW_HTML.name, key=key, value=value)
    finally:
        await producer.stop()

    def letters_of(got: Records) -> dict[str, dict]:
        return {url: v for _, v in got[DEADLETTER.name]
                if (url := v.get("url")) in sizes}

    got = await collect(worker.settings, [DEADLETTER.name], lambda g: len(letters_of(g)) == 2)
    letters = letters_of(got)
    assert set(letters) == set(sizes)
    for (_, value), letter in zip(records, letters.values(), strict=True):
        assert letter["reason"] == "too_large" and letter["stage"] == "parse"
        assert letter["original_truncated"] is True and letter["original_size"] == len(value)
        assert value.startswith(base64.b64decode(letter["original_value_b64"]))
        assert not validation_errors(DEADLETTER, letter)
