"""A stage core in a process of its own: killed on timeout, replaced after a crash or when too
big, and gone with its worker. The handlers below are picked by the record's key; they are
module-level so that the core process can import them."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import orjson
import pytest

from streams import metrics
from streams.coreproc import ProcessCore
from streams.errors import ParseError
from streams.parse.handler import make_handler
from streams.records import RawHtml
from streams.settings import Settings
from streams.stage import Handler, Incoming, Output, StageRunner, encode
from streams.status import hooks as status_hooks
from streams.topics import ARTICLES, DEADLETTER, RAW_HTML, STORIES_IN, internal

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = dataclasses.replace(Settings(), check_outputs=False)
HELD: list[bytes] = []  # memory the "grow" record keeps, inside the core process


class Unpicklable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.callback = lambda: None  # a lambda does not pickle


def by_key(settings: Settings) -> Handler:
    def handle(incoming: Incoming) -> Sequence[Output]:
        match incoming.key:
            case b"sleep":
                time.sleep(120)
            case b"exit":
                os._exit(3)
            case b"grow":
                HELD.append(b"x" * 64_000_000)
            case b"too-large":
                raise ParseError("page is 9 bytes, limit is 1", reason="too_large")
            case b"unpicklable":
                raise Unpicklable("cannot travel")
        return [encode(ARTICLES, "id", {"pid": os.getpid()})]

    return handle


def fails_to_build(settings: Settings) -> Handler:
    raise RuntimeError("no model")


def record(key: bytes) -> Incoming:
    return Incoming(RAW_HTML.name, 0, 1, key, b'{"url": "https://example.com/a"}')


def restarts(reason: str) -> float:
    return metrics.CORE_RESTARTS.labels(stage="test", reason=reason)._value.get()


def gone(pid: int, limit_s: float = 10) -> bool:
    """Whether process ``pid`` has exited (or become a zombie) within ``limit_s``."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().split()[2]
        except FileNotFoundError:
            return True
        if state == "Z":
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def core() -> Iterator[ProcessCore]:
    core = ProcessCore("test", by_key, SETTINGS)
    core.start()
    yield core
    core.close()


def pid_of(outputs: Sequence[Output]) -> int:
    return int(orjson.loads(outputs[0].value)["pid"])


async def test_the_handler_runs_in_another_process(core: ProcessCore) -> None:
    outputs = await StageRunner("test", core, timeout_s=30)(record(b"ok"))
    assert outputs[0].topic == ARTICLES
    assert pid_of(outputs) == core.process.pid != os.getpid()  # type: ignore[union-attr]


async def test_a_record_past_the_timeout_kills_the_core_and_the_next_gets_a_new_one(
    core: ProcessCore,
) -> None:
    run = StageRunner("test", core, timeout_s=1)
    first = core.process.pid  # type: ignore[union-attr]
    before = restarts("timeout")
    (letter,) = await run(record(b"sleep"))
    assert letter.topic == DEADLETTER and orjson.loads(letter.value)["reason"] == "timeout"
    assert gone(first), "the timed-out core process still runs"
    assert restarts("timeout") == before + 1
    outputs = await run(record(b"ok"))
    assert outputs[0].topic == ARTICLES and pid_of(outputs) != first


async def test_a_core_that_dies_on_a_record_is_a_dead_letter_and_is_replaced(
    core: ProcessCore,
) -> None:
    run = StageRunner("test", core, timeout_s=30)
    before = restarts("crash")
    (letter,) = await run(record(b"exit"))
    value = orjson.loads(letter.value)
    assert value["reason"] == "core_crashed" and "exit code 3" in value["message"]
    assert restarts("crash") == before + 1
    assert (await run(record(b"ok")))[0].topic == ARTICLES


async def test_errors_come_back_with_their_type_and_reason(core: ProcessCore) -> None:
    run = StageRunner("test", core, timeout_s=30)
    value = orjson.loads((await run(record(b"too-large")))[0].value)
    assert (value["reason"], value["error_type"]) == ("too_large", "ParseError")
    value = orjson.loads((await run(record(b"unpicklable")))[0].value)
    assert value["reason"] == "internal_error" and "Unpicklable: cannot travel" in value["message"]
    assert (await run(record(b"ok")))[0].topic == ARTICLES  # the same core goes on


async def test_a_core_over_its_memory_limit_is_replaced() -> None:
    core = ProcessCore("test", by_key, dataclasses.replace(SETTINGS, core_max_rss_mb=60))
    core.start()
    try:
        run = StageRunner("test", core, timeout_s=30)
        before = restarts("rss")
        grown = pid_of(await run(record(b"grow")))  # its output is kept: it was done
        grown_rss = metrics.CORE_RSS.labels(stage="test")._value.get()
        assert restarts("rss") == before + 1 and gone(grown)
        assert pid_of(await run(record(b"ok"))) != grown
        assert metrics.CORE_RSS.labels(stage="test")._value.get() < grown_rss - 32 * 1024 * 1024
    finally:
        core.close()


def test_a_core_that_cannot_build_its_handler_fails_at_start() -> None:
    with pytest.raises(RuntimeError, match="core process did not start"):
        ProcessCore("test", fails_to_build, SETTINGS).start()


def test_close_ends_the_core(core: ProcessCore) -> None:
    pid = core.process.pid  # type: ignore[union-attr]
    core.close()
    assert gone(pid)


def test_the_core_dies_with_its_worker_even_on_kill_9() -> None:
    """The worker is a Python process that starts a core, prints its pid and waits."""
    script = textwrap.dedent("""
        import sys, time
        from streams.coreproc import ProcessCore
        from streams.settings import Settings
        from tests.test_coreproc import by_key
        core = ProcessCore("test", by_key, Settings())
        core.start()
        print(core.process.pid, flush=True)
        time.sleep(120)
    """)
    worker = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert worker.stdout is not None
        pid = int(worker.stdout.readline())
        assert not gone(pid, limit_s=0.5)
        worker.kill()
        assert gone(pid), "the core outlived its worker"
    finally:
        worker.kill()
        worker.wait()


async def test_the_parse_handler_in_a_core_process_parses_real_pages() -> None:
    page = (ROOT / "samples" / "daum-fnnews-openai-for-countries.html").read_bytes()
    raw = RawHtml.of_bytes("https://v.daum.net/v/20250510", page,
                           fetched_at="2025-05-10T05:00:00+00:00", source="test")
    core = ProcessCore("parse", make_handler, SETTINGS)
    core.start()
    try:
        outputs = await StageRunner("parse", core, timeout_s=30)(
            Incoming(RAW_HTML.name, 0, 0, raw.key, raw.encode()))
        in_thread = make_handler(SETTINGS)(Incoming(RAW_HTML.name, 0, 0, raw.key, raw.encode()))
        assert [o.topic for o in outputs] == [ARTICLES]
        article, expected = orjson.loads(outputs[0].value), orjson.loads(in_thread[0].value)
        assert {**article, "parsed_at": None} == {**expected, "parsed_at": None}
    finally:
        core.close()


async def test_a_hostile_article_stops_the_enrich_core_and_enrich_goes_on() -> None:
    """An article still being enriched at the stage timeout (the longest body enrich reads,
    ``core.MAX_TEXT_CHARS``, about a second of CPU, against a 0.2 s timeout: reading bounds
    keep real hostile bodies under the production timeout) is a ``timeout`` dead letter, the
    core is replaced, and the next article is enriched, its metrics and status hooks fed in
    the worker."""
    # imported here: the other tests' cores import this module, and need not load the
    # enricher's modules
    from streams.enrich import agent as enrich_agent
    from streams.enrich.core import MAX_TEXT_CHARS

    page = (ROOT / "samples" / "daum-fnnews-openai-for-countries.html").read_bytes()
    raw = RawHtml.of_bytes("https://v.daum.net/v/20250510", page,
                           fetched_at="2025-05-10T05:00:00+00:00", source="test")
    article = make_handler(SETTINGS)(Incoming(RAW_HTML.name, 0, 0, raw.key, raw.encode()))[0]
    value = orjson.loads(article.value)
    longest = (value["text"] + " ") * (MAX_TEXT_CHARS // (len(value["text"]) + 1) + 1)
    hostile = dict(value, text=longest[:MAX_TEXT_CHARS])
    seen: list[str] = []
    unsubscribe = status_hooks.subscribe(lambda a, enrichment, at: seen.append(a.id))
    core = ProcessCore("enrich", enrich_agent.make_handler, SETTINGS)
    core.start()
    first = core.process.pid  # type: ignore[union-attr]
    run = StageRunner("enrich", core, timeout_s=0.2, observe=enrich_agent.observe)
    patient = StageRunner("enrich", core, timeout_s=60, observe=enrich_agent.observe)
    try:
        letter = await run(Incoming(ARTICLES.name, 0, 1, article.key, orjson.dumps(hostile)))
        assert [o.topic for o in letter] == [DEADLETTER]
        assert orjson.loads(letter[0].value)["reason"] == "timeout"
        outputs = await patient(Incoming(ARTICLES.name, 0, 2, article.key, article.value))
        assert [o.topic.name for o in outputs] == [internal(STORIES_IN, SETTINGS.app_id).name]
        assert core.process is not None and core.process.pid != first
        assert seen == [article.key.decode()]
    finally:
        unsubscribe()
        core.close()
