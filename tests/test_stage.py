"""The failure path without a broker: every failure becomes one well-formed dead letter."""

from __future__ import annotations

import base64
import hashlib
import threading
import time
from collections.abc import Sequence

import orjson
import pytest
from aiokafka.errors import KafkaError

from streams import metrics
from streams.errors import ParseError
from streams.kafka import MAX_RECORD_BYTES
from streams.schemas import load_schema, validation_errors
from streams.stage import Incoming, Output, StageRunner, checked, deliver, encode
from streams.topics import ARTICLES, DEADLETTER

INCOMING = Incoming("news.raw-html", 1, 42, b"key", b'{"url": "https://example.com/a"}')


def ok(incoming: Incoming) -> Sequence[Output]:
    return [encode(ARTICLES, "id", {"ok": True})]


def too_large(incoming: Incoming) -> Sequence[Output]:
    raise ParseError("page is 9 bytes, limit is 1", reason="too_large")


def bug(incoming: Incoming) -> Sequence[Output]:
    raise KeyError("oops")


def slow(incoming: Incoming) -> Sequence[Output]:
    time.sleep(0.5)
    return []


def counter(stage: str, reason: str) -> float:
    return metrics.DEAD_LETTERS.labels(stage=stage, reason=reason)._value.get()


async def test_outputs_pass_through() -> None:
    out = await StageRunner("test", ok, timeout_s=5)(INCOMING)
    assert [o.topic for o in out] == [ARTICLES]


@pytest.mark.parametrize(
    ("handler", "reason", "error_type"),
    [(too_large, "too_large", "ParseError"), (bug, "internal_error", "KeyError"),
     (slow, "timeout", "PipelineError")],
)
async def test_failures_become_dead_letters(handler, reason: str, error_type: str) -> None:
    before = counter("test", reason)
    (letter,) = await StageRunner("test", handler, timeout_s=0.1)(INCOMING)
    value = orjson.loads(letter.value)
    assert letter.topic == DEADLETTER and letter.key == b"key"
    assert value["reason"] == reason and value["error_type"] == error_type
    assert value["url"] == "https://example.com/a"
    assert (value["topic"], value["partition"], value["offset"]) == ("news.raw-html", 1, 42)
    assert base64.b64decode(value["original_value_b64"]) == INCOMING.value
    assert counter("test", reason) == before + 1
    assert validation_errors(DEADLETTER, {**value, "stage": "parse"}) == []


async def test_a_record_after_a_timeout_gets_a_fresh_thread() -> None:
    """A hung handler costs its own record only: the next one is not queued behind it."""
    release = threading.Event()

    def hangs_on_first(incoming: Incoming) -> Sequence[Output]:
        if incoming.key == b"hang":
            release.wait(timeout=30)
            return []
        return ok(incoming)

    run = StageRunner("test", hangs_on_first, timeout_s=0.2)
    try:
        (letter,) = await run(Incoming("t", 0, 1, b"hang", b"{}"))
        assert orjson.loads(letter.value)["reason"] == "timeout"
        outputs = await run(Incoming("t", 0, 2, b"next", b"{}"))
        assert [o.topic for o in outputs] == [ARTICLES]
    finally:
        release.set()


@pytest.mark.parametrize("size", [6_500_000, 10_000_000])
async def test_a_dead_letter_fits_the_message_limit_whatever_the_original_size(size: int) -> None:
    original = orjson.dumps({"url": "https://example.com/big", "html": "x" * size})
    big = Incoming("news.raw-html", 0, 7, b"key", original)
    (letter,) = await StageRunner("parse", too_large, timeout_s=5)(big)
    value = orjson.loads(letter.value)
    assert len(letter.key) + len(letter.value) <= MAX_RECORD_BYTES
    assert not validation_errors(DEADLETTER, value)
    kept = base64.b64decode(value["original_value_b64"])
    assert value["original_truncated"] is True and original.startswith(kept)
    assert len(kept) > 5_000_000  # as much as fits, not a token prefix
    assert value["original_size"] == len(original)
    assert value["original_sha256"] == hashlib.sha256(original).hexdigest()
    assert value["url"] == "https://example.com/big"


async def test_a_small_original_is_kept_whole() -> None:
    (letter,) = await StageRunner("test", too_large, timeout_s=5)(INCOMING)
    value = orjson.loads(letter.value)
    assert base64.b64decode(value["original_value_b64"]) == INCOMING.value
    assert value["original_truncated"] is False and value["original_size"] == len(INCOMING.value)


async def test_an_output_over_the_message_limit_becomes_a_dead_letter() -> None:
    def huge(incoming: Incoming) -> Sequence[Output]:
        return [encode(ARTICLES, "id", {"text": "x" * MAX_RECORD_BYTES})]

    before = counter("test", "output_too_large")
    (letter,) = await StageRunner("test", huge, timeout_s=5)(INCOMING)
    assert letter.topic == DEADLETTER
    assert orjson.loads(letter.value)["reason"] == "output_too_large"
    assert counter("test", "output_too_large") == before + 1


class Broker:
    """A stand-in for the producer: records what it took, refuses what it is told to."""

    def __init__(self, refuse: int) -> None:
        self.refuse = refuse  # how many sends to refuse before taking one
        self.taken: list[Output] = []

    async def send(self, outputs: Sequence[Output]) -> None:
        if self.refuse:
            self.refuse -= 1
            raise KafkaError("MessageSizeTooLargeError")
        self.taken += outputs


async def test_outputs_the_broker_refuses_become_a_dead_letter() -> None:
    broker = Broker(refuse=1)
    before = counter("test", "produce_failed")
    await deliver(broker.send, "test", INCOMING, ok(INCOMING))
    (letter,) = broker.taken
    value = orjson.loads(letter.value)
    assert letter.topic == DEADLETTER and value["reason"] == "produce_failed"
    assert "MessageSizeTooLargeError" in value["message"]
    assert base64.b64decode(value["original_value_b64"]) == INCOMING.value
    assert counter("test", "produce_failed") == before + 1


async def test_a_record_that_cannot_even_be_dead_lettered_is_counted_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    lost = metrics.RECORDS_LOST.labels(stage="test")
    before = lost._value.get()
    await deliver(Broker(refuse=2).send, "test", INCOMING, ok(INCOMING))  # does not raise
    assert lost._value.get() == before + 1
    assert "news.raw-html[1]@42 key=b'key' lost" in caplog.text


async def test_checked_outputs_that_break_their_schema_become_dead_letters() -> None:
    example = load_schema(ARTICLES.schema)["examples"][0]

    def off_contract(incoming: Incoming) -> Sequence[Output]:  # a local time without an offset
        return [encode(ARTICLES, "id", {**example, "published": "2026-03-11T09:35:00"})]

    (letter,) = await StageRunner("parse", checked(off_contract), timeout_s=5)(INCOMING)
    value = orjson.loads(letter.value)
    assert value["reason"] == "invalid_output" and "published" in value["message"]
    # valid outputs pass through the check unchanged
    valid = encode(ARTICLES, "id", example)
    out = await StageRunner("parse", checked(lambda _: [valid]), timeout_s=5)(INCOMING)
    assert out == [valid]
