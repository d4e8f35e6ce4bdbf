"""``newsstream deadletters list|replay``: what failed, and re-running it once the cause is fixed.

    newsstream deadletters list   [--stage S] [--reason R] [--since T]
    newsstream deadletters replay [--stage S] [--reason R] [--since T] [--dry-run]

``list`` reads ``news.deadletter`` to its end and prints the count per stage and reason with a
few recent samples. ``replay`` re-produces each matching letter's original key and bytes to the
topic the original came from, then records the letter in ``news.deadletter-replays`` (compacted,
keyed by the letter's ``partition:offset``): a second replay skips what the first re-produced,
so it does not double the output. A record that fails again becomes a new dead letter, which a
later replay may re-run in turn. A crash between the two writes re-produces that one letter
again on the next run: at-least-once, like the pipeline (subscribers de-duplicate on ids).
Letters whose original was cut to fit the message limit (``original_truncated``) cannot be
replayed from here; they are counted and named.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import logging
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

import orjson

from streams import kafka
from streams.client.filters import FilterError, parse_since
from streams.client.reader import Event, ReadError, Start, read
from streams.records import DeadLetter, DeadLetterReplay, dead_letter_from_dict
from streams.settings import Settings
from streams.stage import now_iso
from streams.topics import ALL_TOPICS, DEADLETTER, DEADLETTER_REPLAYS

#: Exit status of a usage error or an unreachable broker (as ``tail``).
USAGE = 2
#: Samples ``list`` prints per stage and reason.
SAMPLES = 3
#: Topics a replay may write to: the pipeline's own (a letter names where its original was read).
REPLAYABLE = frozenset(spec.name for spec in ALL_TOPICS) - {DEADLETTER.name}


@dataclass(frozen=True, slots=True)
class Letter:
    """A dead letter and its place in ``news.deadletter``."""

    partition: int
    offset: int
    record: DeadLetter

    @property
    def place(self) -> str:
        return f"{self.partition}:{self.offset}"


@dataclass(slots=True)
class Plan:
    """What a replay would do: letters to re-produce, and those it leaves, by cause."""

    replay: list[Letter] = field(default_factory=list)
    done_before: list[Letter] = field(default_factory=list)
    truncated: list[Letter] = field(default_factory=list)
    unknown_topic: list[Letter] = field(default_factory=list)


def select(letters: Iterable[Letter], stage: str | None, reason: str | None) -> list[Letter]:
    return [letter for letter in letters
            if (stage is None or letter.record.stage == stage)
            and (reason is None or letter.record.reason == reason)]


def plan(letters: Iterable[Letter], replayed: set[str]) -> Plan:
    """Sort letters into what to replay and what not (pure; ``replayed``: places done before)."""
    out = Plan()
    for letter in letters:
        if letter.place in replayed:
            out.done_before.append(letter)
        elif letter.record.original_truncated:
            out.truncated.append(letter)
        elif letter.record.topic not in REPLAYABLE:
            out.unknown_topic.append(letter)
        else:
            out.replay.append(letter)
    return out


def summary(letters: list[Letter]) -> list[str]:
    """Count per stage and reason, most frequent first, with the latest few of each."""
    groups = Counter((letter.record.stage, letter.record.reason) for letter in letters)
    lines = [f"{len(letters)} dead letter(s)"]
    for (stage, reason), count in groups.most_common():
        lines.append(f"{count:6d}  {stage} / {reason}")
        same = [x for x in letters if (x.record.stage, x.record.reason) == (stage, reason)]
        for letter in same[-SAMPLES:]:
            record = letter.record
            what = record.url or record.message
            lines.append(f"        {record.failed_at}  {letter.place}  {what[:160]}")
    return lines


def replay_record(letter: Letter) -> tuple[str, bytes | None, bytes]:
    """Topic, key and value to re-produce: the original's, as they were read."""
    record = letter.record
    key = base64.b64decode(record.original_key_b64) if record.original_key_b64 else None
    return record.topic, key, base64.b64decode(record.original_value_b64)


def marker(letter: Letter) -> tuple[bytes, bytes]:
    record = letter.record
    value = base64.b64decode(record.original_value_b64)
    done = DeadLetterReplay(letter.partition, letter.offset, record.topic,
                            record.original_sha256 or hashlib.sha256(value).hexdigest(),
                            now_iso(), record.stage, record.reason)
    return letter.place.encode(), orjson.dumps(done)


async def letters_of(settings: Settings, start: Start) -> list[Letter]:
    return [Letter(event.partition, event.offset, dead_letter_from_dict(event.value))
            async for event in _to_end(settings, DEADLETTER.name, start)]


async def replayed_places(settings: Settings) -> set[str]:
    return {event.key for event in [e async for e in _to_end(settings, DEADLETTER_REPLAYS.name,
                                                             "beginning")] if event.key}


def _to_end(settings: Settings, topic: str, start: Start) -> AsyncIterator[Event]:
    return read(settings, topic, start=start, until_end=True)


async def run_replay(settings: Settings, letters: list[Letter], dry_run: bool) -> Plan:
    await kafka.create_topics(settings, [DEADLETTER_REPLAYS.name],
                              {"cleanup.policy": "compact"})
    todo = plan(letters, await replayed_places(settings))
    if dry_run or not todo.replay:
        return todo
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for letter in todo.replay:
            topic, key, value = replay_record(letter)
            await producer.send_and_wait(topic, key=key, value=value)
            place, done = marker(letter)
            await producer.send_and_wait(DEADLETTER_REPLAYS.name, key=place, value=done)
    finally:
        await producer.stop()
    return todo


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("deadletters", help="list dead letters, or replay their originals",
                            description=__doc__,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = parser.add_subparsers(dest="action", required=True)
    for name, text in (("list", "counts per stage and reason, with samples"),
                       ("replay", "re-produce the originals to the topics they came from")):
        action = actions.add_parser(name, help=text)
        action.add_argument("--stage", help="only this stage's letters (parse, enrich...)")
        action.add_argument("--reason", help="only this reason (too_large, timeout...)")
        action.add_argument("--since", metavar="TIME",
                            help="only letters written since: 30s, 10m, 2h, 1d, or ISO 8601")
        if name == "replay":
            action.add_argument("--dry-run", action="store_true",
                                help="say what would be replayed; produce nothing")
        action.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)  # tail's one-line errors, here too
    try:
        start: Start = parse_since(args.since) if args.since else "beginning"
        return asyncio.run(_main(args, Settings().for_subscriber(), start))
    except (FilterError, ReadError) as exc:
        print(f"newsstream deadletters: {exc}", file=sys.stderr)
        return USAGE


async def _main(args: argparse.Namespace, settings: Settings, start: Start) -> int:
    letters = select(await letters_of(settings, start), args.stage, args.reason)
    if args.action == "list":
        print("\n".join(summary(letters)))
        return 0
    todo = await run_replay(settings, letters, args.dry_run)
    verb = "would replay" if args.dry_run else "replayed"
    print(f"{verb} {len(todo.replay)} of {len(letters)} dead letter(s)")
    for letter in todo.replay:
        print(f"  {letter.place}  -> {letter.record.topic}  {letter.record.url or ''}")
    if todo.done_before:
        print(f"skipped {len(todo.done_before)} replayed before")
    for label, group in (("cut to fit the message limit; fetch from the source",
                          todo.truncated),
                         ("from a topic replay does not write to", todo.unknown_topic)):
        if group:
            print(f"not replayed, {label}: {len(group)}")
            for letter in group:
                print(f"  {letter.place}  {letter.record.url or letter.record.message[:120]}")
    return 0
