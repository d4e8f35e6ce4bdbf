"""``newsstream sink postgres``: write news.enriched and news.stories into PostgreSQL until
Ctrl-C or SIGTERM.

    newsstream sink postgres [--dsn DSN] [--group GROUP] [--batch-size N] [--batch-ms MS]

The DSN defaults to ``NEWSSTREAM_SINK_POSTGRES_DSN``; the broker is ``KAFKA_BOOTSTRAP_SERVERS``,
else the embedded broker of a running ``newsstream run``. The schema is created or upgraded at
start (docs/sink-postgres.md). A stop finishes the batch being written and commits it; a batch
still waiting for the database is left uncommitted and is written after the next start.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import signal
import sys

from streams.settings import Settings

#: Exit status of a usage error (no DSN, a malformed one, the driver not installed).
USAGE = 2


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sink = sub.add_parser("sink", help="write the pipeline's output into a store (postgres)",
                          description=__doc__,
                          formatter_class=argparse.RawDescriptionHelpFormatter)
    stores = sink.add_subparsers(dest="store", required=True)
    postgres = stores.add_parser("postgres", help="news.enriched and news.stories into PostgreSQL",
                                 description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    postgres.add_argument("--dsn", help="libpq connection string or postgresql:// URL "
                          "(default: NEWSSTREAM_SINK_POSTGRES_DSN)")
    postgres.add_argument("--group", help="consumer group (default: <app id>-sink-postgres)")
    postgres.add_argument("--batch-size", type=int, metavar="N",
                          help="records per transaction at most (NEWSSTREAM_SINK_BATCH_SIZE)")
    postgres.add_argument("--batch-ms", type=int, metavar="MS",
                          help="longest wait to fill a batch (NEWSSTREAM_SINK_BATCH_MS)")
    postgres.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    settings = Settings().for_subscriber()
    if args.batch_size is not None:
        settings = dataclasses.replace(settings, sink_batch_size=args.batch_size)
    if args.batch_ms is not None:
        settings = dataclasses.replace(settings, sink_batch_ms=args.batch_ms)
    dsn = args.dsn or settings.sink_postgres_dsn
    if not dsn:
        print("newsstream sink postgres: no database; pass --dsn or set "
              "NEWSSTREAM_SINK_POSTGRES_DSN", file=sys.stderr)
        return USAGE
    try:
        import psycopg

        from streams.sink.postgres import PostgresSink
    except ImportError as exc:
        print(f"newsstream sink postgres: {exc}; install the driver with "
              "pip install 'newsstream[postgres]'", file=sys.stderr)
        return USAGE
    try:
        sink = PostgresSink(settings, dsn, group=args.group)
    except psycopg.ProgrammingError as exc:
        print(f"newsstream sink postgres: bad DSN: {exc}", file=sys.stderr)
        return USAGE
    return asyncio.run(_run(sink))


async def _run(sink: object) -> int:
    from streams.sink.postgres import PostgresSink

    assert isinstance(sink, PostgresSink)
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()

    def on_signal() -> None:
        if sink.stopping.is_set():  # a second signal: stop now, uncommitted work is re-read
            task.cancel()
        sink.stop()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, on_signal)
    with contextlib.suppress(asyncio.CancelledError):
        await sink.run()
    return 0
