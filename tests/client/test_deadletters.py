"""Dead-letter listing and replay planning (pure): what is replayed, skipped, and why."""

from __future__ import annotations

import base64
import copy
from typing import Any

import orjson

from streams.client.deadletters import Letter, marker, plan, replay_record, select, summary
from streams.records import dead_letter_from_dict
from streams.schemas import load_schema, validation_errors
from streams.topics import DEADLETTER, DEADLETTER_REPLAYS


def letter(offset: int, stage: str = "parse", reason: str = "too_large", **fields: Any) -> Letter:
    value = copy.deepcopy(load_schema(DEADLETTER.schema)["examples"][0])
    value.update(stage=stage, reason=reason, topic="news.raw-html",
                 original_key_b64=base64.b64encode(b"key-%d" % offset).decode(),
                 original_value_b64=base64.b64encode(b'{"n": %d}' % offset).decode())
    value.update(fields)
    assert validation_errors(DEADLETTER, value) == []
    return Letter(1, offset, dead_letter_from_dict(value))


def test_replay_re_produces_the_original_key_and_bytes_to_their_topic() -> None:
    assert replay_record(letter(7)) == ("news.raw-html", b"key-7", b'{"n": 7}')


def test_a_letter_replayed_before_is_skipped() -> None:
    todo = plan([letter(1), letter(2), letter(3)], replayed={"1:2"})
    assert [x.offset for x in todo.replay] == [1, 3]
    assert [x.offset for x in todo.done_before] == [2]


def test_cut_originals_and_foreign_topics_are_not_replayed() -> None:
    cut = letter(1, original_truncated=True)
    foreign = letter(2, topic="somebody.elses-topic")
    todo = plan([cut, foreign, letter(3)], replayed=set())
    assert todo.truncated == [cut] and todo.unknown_topic == [foreign]
    assert [x.offset for x in todo.replay] == [3]


def test_filters_by_stage_and_reason() -> None:
    letters = [letter(1), letter(2, reason="timeout"), letter(3, stage="enrich",
                                                             reason="timeout")]
    assert [x.offset for x in select(letters, "parse", None)] == [1, 2]
    assert [x.offset for x in select(letters, None, "timeout")] == [2, 3]
    assert [x.offset for x in select(letters, "enrich", "timeout")] == [3]


def test_summary_counts_per_stage_and_reason_with_samples() -> None:
    lines = summary([letter(n) for n in range(5)] + [letter(9, reason="timeout")])
    assert lines[0] == "6 dead letter(s)"
    assert lines[1].split() == ["5", "parse", "/", "too_large"]
    assert sum("1:" in line for line in lines[2:5]) == 3  # three samples, the latest
    assert "1:4" in lines[4] and any(line.split()[-2:] == ["/", "timeout"] for line in lines)


def test_the_replay_marker_is_schema_valid_and_keyed_by_the_letters_place() -> None:
    key, value = marker(letter(12))
    assert key == b"1:12"
    assert validation_errors(DEADLETTER_REPLAYS, orjson.loads(value)) == []
