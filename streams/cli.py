"""``newsstream`` command line: run the pipeline, a worker, the embedded broker, or a replay.

    newsstream run [PATH...]   embedded broker (unless KAFKA_BOOTSTRAP_SERVERS), worker, and the
                               pages under PATH replayed into news.raw-html, with a summary line
                               per enriched article and, once every page is through, the top
                               stories and what is trending; runs until Ctrl-C / SIGTERM
    newsstream worker          a pipeline worker (parse + enrich agents, /metrics)
    newsstream broker [--port N]  only the embedded broker, printing the settings to use it
    newsstream ingest PATH...  replay page files, folders and WARC files into news.raw-html
    newsstream feeds FILE      poll the feeds of a feeds config file into news.raw-html
    newsstream tail [TOPIC]    print a topic's events, filtered (see streams/client/tail.py)
    newsstream deadletters list|replay  what failed; re-run it after a fix
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import logging
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn, cast

import faust
import orjson

from streams import kafka
from streams.app import create_app
from streams.broker import EmbeddedBroker, port_free
from streams.client import deadletters, tail
from streams.ingest.emit import FaustSink, GatedSink, IngestGate
from streams.ingest.replay import page_files, path_records
from streams.settings import Settings
from streams.sink import command as sink_command
from streams.status.web import StatusBoard
from streams.topics import ENRICHED, RAW_HTML


@contextlib.contextmanager
def broker_for(settings: Settings) -> Iterator[tuple[Settings, EmbeddedBroker | None]]:
    """Settings pointing at a broker: the configured one, or an embedded one for the duration
    (also given, for the worker to roll)."""
    if not settings.embedded:
        yield settings, None
        return
    # the documented port when it is free, so that `newsstream tail` finds this broker
    port = settings.embedded_port if port_free(settings.embedded_port) else 0
    with EmbeddedBroker(settings.tansu_bin, port=port) as broker:
        print(f"embedded Kafka-protocol broker (Tansu) on {broker.bootstrap}", flush=True)
        yield settings.with_bootstrap(broker.bootstrap), broker


def summary_line(enriched: dict[str, object]) -> str:
    article = enriched["article"]
    assert isinstance(article, dict)
    entities = enriched["entities"]
    topics = enriched["topics"]
    assert isinstance(entities, list) and isinstance(topics, list)
    top = sorted(entities, key=lambda e: (-e["mentions"], e["first_offset"]))[:6]
    names = ", ".join(f"{e['name']} ({e['type']})" for e in top) or "-"
    labels = ", ".join(f"{t['label_en']} {t['score']:.2f}" for t in topics) or "-"
    return f"* {article['title']}\n    entities: {names}\n    topics:   {labels}"


TRENDING_LINES = 8


def trending_section(trending: dict[str, Any] | None, n: int = TRENDING_LINES) -> list[str]:
    """What ``run`` prints of the status page's "Trending now": the keys with the highest burst
    score in the latest window (:func:`streams.status.trending.trending`)."""
    if trending is None:
        return ["trending: counted by another worker (the one holding the dedup partition)"]
    if not trending["keys"]:
        return ["trending: nothing counted"]
    minutes = int(trending["window_s"]) // 60
    lines = [f"trending (burst score; articles in the {minutes} minutes from "
             f"{trending['window_start']}, against the day before):"]
    for key in trending["keys"][:n]:
        name = f"{key['name']} ({key['key']})" if key["name"] else key["key"]
        lines.append(f"  {key['score']:5.1f}  {name}: {key['count']} article(s), baseline "
                     f"{key['baseline']:.2f}")
    return lines


def stories_section(stories: list[dict[str, Any]] | None, n: int = TRENDING_LINES
                    ) -> list[str]:
    """What ``run`` prints of the status page's "Top stories of the last hour"
    (:func:`streams.status.trending.top_stories`)."""
    if stories is None:
        return ["stories: clustered by another worker (the one holding the dedup partition)"]
    if not stories:
        return ["stories: none in the last hour"]
    lines = ["stories (last hour, most articles first):"]
    for story in stories[:n]:
        languages = "/".join(story.get("languages") or ())
        lines.append(f"  {story['articles']:3d} article(s), {story['sources']} source(s) "
                     f"[{languages}]: {story['title'] or '(untitled)'}")
        if story.get("top_sources"):
            lines.append(f"      {', '.join(story['top_sources'])}")
    return lines


@dataclass(slots=True)
class ReplayProgress:
    """How far ``run``'s replay is: when every page sent has come out of the pipeline,
    enriched (printed) or as a dead letter, the stories and trending sections are printed,
    once."""

    pages: int
    sent: bool = False
    enriched: int = 0
    reported: bool = False

    def through(self, dead_letters: int) -> bool:
        return self.sent and self.enriched + dead_letters >= self.pages


#: Longest a worker's graceful stop may take after SIGTERM/SIGINT before the process exits
#: anyway: stopping waits on the broker (commits, producer flush), which may be gone, and on a
#: core thread, which cannot be interrupted. Offsets not committed are re-delivered later.
SHUTDOWN_LIMIT_S = 8.0


class BoundedWorker(faust.Worker):
    """Faust's worker, whose stop on a signal takes at most :data:`SHUTDOWN_LIMIT_S`."""

    def _schedule_shutdown(self, signal: signal.Signals) -> None:
        if not self._signal_stop_time:  # the first signal starts the clock
            timer = threading.Timer(SHUTDOWN_LIMIT_S, _exit_now, args=(signal,))
            timer.daemon = True
            timer.start()
        super()._schedule_shutdown(signal)


def _exit_now(received: signal.Signals) -> None:
    print(f"worker: stopping after {received.name} took over {SHUTDOWN_LIMIT_S:g}s "
          "(broker gone or a core still busy); exiting now", file=sys.stderr, flush=True)
    os._exit(0)


def start_worker(app: faust.App, settings: Settings) -> None:
    """Run the Faust worker in this process until it is stopped (blocks)."""
    asyncio.set_event_loop(asyncio.new_event_loop())  # Faust runs on a loop of its own
    worker = BoundedWorker(
        app, loglevel=settings.log_level, redirect_stdouts=False, quiet=not sys.stdout.isatty()
    )
    base = f"http://{settings.web_host}:{settings.web_port}"
    print(f"metrics: {base}/metrics   status page: {base}/status", flush=True)
    worker.execute_from_commandline()


def add_replay(app: faust.App, paths: Sequence[str], board: StatusBoard,
               gate: IngestGate) -> None:
    """On worker start, replay ``paths`` into news.raw-html through the ingestion ``gate`` (it
    keeps an embedded broker under its ceiling); print every enriched article, and the top
    stories and what is trending once every page is through (from ``board``: the status
    page's data)."""
    files = list(page_files(paths))
    sink = GatedSink(FaustSink(app), gate)
    progress = ReplayProgress(len(files))

    @app.task
    async def replay() -> None:
        for key, value in path_records(files, source="samples"):
            await sink.send(RAW_HTML.name, key, value)
        progress.sent = True
        print(f"replayed {len(files)} page(s) into {RAW_HTML.name}", flush=True)

    @app.agent(app.topic(ENRICHED.name, key_type=bytes, value_type=bytes), name="summary")
    async def summary(stream: faust.StreamT[bytes]) -> None:
        async for value in stream:
            progress.enriched += 1
            print(summary_line(orjson.loads(value)), flush=True)

    @app.timer(1.0)
    async def report_trending() -> None:
        if progress.reported:
            return
        status = board.status()
        if progress.through(sum(d["count"] for d in status["dead_letters"])):
            progress.reported = True
            lines = stories_section(status["stories"]) + trending_section(status["trending"])
            print("\n".join(lines), flush=True)


def cmd_run(args: argparse.Namespace) -> int:
    # A demo prints summaries: keep Faust's start-up chatter out unless a level is asked for.
    level = os.environ.get("NEWSSTREAM_LOG_LEVEL", "warning")
    quiet = dataclasses.replace(Settings(), log_level=level)
    with broker_for(quiet) as (settings, embedded):
        asyncio.run(kafka.ensure_topics(settings))
        app, board, gate = create_app(settings, embedded)
        add_replay(app, args.paths, board, gate)
        start_worker(app, settings)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    with broker_for(Settings()) as (settings, embedded):
        asyncio.run(kafka.ensure_topics(settings))
        start_worker(create_app(settings, embedded)[0], settings)
    return 0


def cmd_broker(args: argparse.Namespace) -> int:
    with EmbeddedBroker(Settings().tansu_bin, port=args.port) as broker:
        # both lines: a worker pointed at this broker needs its client profile, or it runs with
        # real Kafka's settings, which this broker serves slowly (about 35 s to become ready)
        print(f"KAFKA_BOOTSTRAP_SERVERS={broker.bootstrap}", flush=True)
        print("NEWSSTREAM_BROKER_PROFILE=tansu", flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    settings = Settings()
    if settings.embedded:
        print("ingest needs KAFKA_BOOTSTRAP_SERVERS (the embedded broker lives inside `run`)",
              file=sys.stderr)
        return 2
    from streams.ingest.replay import ingest_paths

    count = asyncio.run(ingest_paths(settings, args.paths))
    print(f"replayed {count} page(s) into {RAW_HTML.name}")
    return 0


def cmd_feeds(args: argparse.Namespace) -> int:
    from streams.ingest.config import ConfigError, load_config
    from streams.ingest.poller import PollReport
    from streams.ingest.runner import run_feeds

    try:
        feeds = load_config(args.file)
    except (ConfigError, OSError) as exc:
        print(f"feeds: {exc}", file=sys.stderr)
        return 2
    settings = Settings()
    if settings.embedded:
        print("feeds needs KAFKA_BOOTSTRAP_SERVERS (or run a worker with NEWSSTREAM_FEEDS_FILE)",
              file=sys.stderr)
        return 2

    async def poll_until_signalled() -> list[PollReport]:
        stop = asyncio.Event()  # SIGTERM / Ctrl-C end the current round cleanly
        for signum in (signal.SIGTERM, signal.SIGINT):
            asyncio.get_running_loop().add_signal_handler(signum, stop.set)
        await kafka.ensure_topics(settings)
        return await run_feeds(settings, feeds, once=args.once, stop=stop)

    for r in asyncio.run(poll_until_signalled()):
        print(f"{r.feed}: {r.discovered} discovered, {r.new} new, {r.outcomes}"
              + (f", error {r.error}" if r.error else ""))
    return 0


class _Parser(argparse.ArgumentParser):
    """A usage error is one line on stderr and exit status 2, as the commands' other errors
    (unknown topic, bad filter, unreachable broker) are: no usage block to scroll past
    (``--help`` shows it). The subcommands' parsers are of this class too."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="newsstream", description=__doc__,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    # the subcommands' parsers are _Parsers: the modules that add them take any ArgumentParser
    sub = cast("argparse._SubParsersAction[argparse.ArgumentParser]",
               parser.add_subparsers(dest="command", required=True))
    run = sub.add_parser("run", help="embedded broker + worker + sample replay")
    run.add_argument("paths", nargs="*", default=["samples"])
    run.set_defaults(func=cmd_run)
    sub.add_parser("worker", help="one pipeline worker").set_defaults(func=cmd_worker)
    broker = sub.add_parser("broker", help="only the embedded broker; prints the settings a "
                            "worker needs to use it (eval-able lines)")
    broker.add_argument("--port", type=int, default=0,
                        help="port to listen on, 127.0.0.1 (default: a free one)")
    broker.set_defaults(func=cmd_broker)
    ingest = sub.add_parser("ingest", help="replay page files into news.raw-html")
    ingest.add_argument("paths", nargs="+")
    ingest.set_defaults(func=cmd_ingest)
    feeds = sub.add_parser("feeds", help="poll a feeds config file into news.raw-html")
    feeds.add_argument("file")
    feeds.add_argument("--once", action="store_true", help="poll every feed once, then exit")
    feeds.set_defaults(func=cmd_feeds)
    tail.add_parser(sub)
    deadletters.add_parser(sub)
    sink_command.add_parser(sub)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=Settings().log_level.upper(), format="%(levelname)s %(name)s: %(message)s"
    )
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
