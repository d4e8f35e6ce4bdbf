"""``newsstream tail``: print a pipeline topic's events as they come, filtered, like kcat -C.

    newsstream tail [TOPIC] [--entity ID ...] [--topic-code medtop:... ...] [--lang ko|en]
                    [--source NAME] [--match TEXT] [--originals]
                    [--since 10m | --from-beginning] [--limit N] [--format pretty|jsonl]

It reads without a consumer group (it never takes partitions from the workers), finds the
broker of a running ``newsstream run`` on its port unless ``KAFKA_BOOTSTRAP_SERVERS`` is set,
stops cleanly on Ctrl-C or after ``--limit`` events, and answers a usage error, an unknown topic
or an unreachable broker with one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Callable

from streams.client.filters import FilterError, Filters, parse_since
from streams.client.reader import READABLE, Event, ReadError, Start, read
from streams.client.render import jsonl, pretty
from streams.settings import Settings
from streams.topics import ENRICHED

#: Exit status of a usage error, an unknown topic or an unreachable broker.
USAGE = 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tail = sub.add_parser("tail", help="print a topic's events, filtered (default news.enriched)",
                          description=__doc__,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    tail.add_argument("topic", nargs="?", default=ENRICHED.name,
                      help=f"one of {', '.join(sorted(READABLE))} (the news. prefix may be left "
                           "out)")
    tail.add_argument("--entity", action="append", default=[], metavar="ID",
                      help="canonical entity id (org:openai); repeat for any of several")
    tail.add_argument("--topic-code", action="append", default=[], metavar="CODE",
                      help="IPTC media topic (medtop:04000000); repeat for any of several")
    tail.add_argument("--lang", help="article language (ko, en)")
    tail.add_argument("--source", help="feed/push source or publisher name (case-insensitive)")
    tail.add_argument("--match", metavar="TEXT", help="text in the title or body")
    tail.add_argument("--originals", action="store_true",
                      help="skip copies of articles seen before (events with duplicate_of)")
    when = tail.add_mutually_exclusive_group()
    when.add_argument("--since", metavar="TIME", help="30s, 10m, 2h, 1d, or an ISO 8601 time")
    when.add_argument("--from-beginning", action="store_true",
                      help="every event the broker still has")
    tail.add_argument("--limit", type=int, metavar="N", help="stop after N events")
    tail.add_argument("--format", choices=("pretty", "jsonl"), default="pretty")
    tail.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    topic = args.topic if args.topic in READABLE else f"news.{args.topic}"
    filters = Filters(tuple(args.entity), tuple(args.topic_code), args.lang, args.source,
                      args.match, args.originals)
    try:
        if topic not in READABLE:
            raise ReadError(f"unknown topic {args.topic!r}; known: {', '.join(sorted(READABLE))}")
        if args.limit is not None and args.limit < 1:
            raise FilterError("--limit must be at least 1")
        filters.check(topic)
        start: Start = ("beginning" if args.from_beginning
                        else parse_since(args.since) if args.since else "latest")
        settings = Settings().for_subscriber()
        render = jsonl if args.format == "jsonl" else pretty
        # the client's own connection errors would repeat the one line this command prints
        logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
        return asyncio.run(_tail(settings, topic, filters, start, args.limit, render))
    except (FilterError, ReadError) as exc:
        hint = ("; start `make run`, or set KAFKA_BOOTSTRAP_SERVERS"
                if isinstance(exc, ReadError) and "cannot reach" in str(exc) else "")
        print(f"newsstream tail: {exc}{hint}", file=sys.stderr)
        return USAGE
    except BrokenPipeError:  # `| head` went away: as after --limit (and nothing left to flush)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


async def _tail(settings: Settings, topic: str, filters: Filters, start: Start,
                limit: int | None, render: Callable[[Event], str]) -> int:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, task.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        async for event in read(settings, topic, filters=filters, start=start, limit=limit):
            print(render(event), flush=True)
    return 0
