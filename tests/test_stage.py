"""The failure path without a broker: every failure becomes one well-formed dead letter."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Sequence

import orjson
import pytest

from streams import metrics
from streams.errors import ParseError
from streams.schemas import validation_errors
from streams.stage import Incoming, Output, StageRunner, encode
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
