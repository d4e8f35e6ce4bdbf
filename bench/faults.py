"""Faults and hostile input: what a worker loses, how fast it recovers, what a page can cost.

Reproduces the figures of issue 16 on this checkout, each against a reference in the same run:

* ``core``, ``enrich_core``: the parse core (on real pages), the enrich core (on their
  articles), in a core process against in a thread (CPU of worker and core process per record;
  rounds alternate; the core process's memory);
* ``enrich_hostile``: CPU of the enrich handler on hostile bodies (long text, tokens without
  spaces, cues of the name rules, repeated and distinct names) at its reading limit and at
  4.9 MB; 4.9 MB ones through the stage's runner with a core process, then real articles;
* ``hostile``: CPU of the parse handler on generated hostile pages (deep and repeated nesting,
  many attributes, many elements, 4.9 MB text nodes, binary, mixed encodings), the worst of
  each family;
* ``timeout``: three pages that run past a short stage timeout, then 100 normal pages, with
  each core: how long the normal pages take and how much CPU the abandoned work burns;
* ``kill``: two workers on the embedded broker, ``kill -9`` of one mid-stream: pages lost,
  duplicated, and the time until the other holds every partition; then SIGTERM of the other
  mid-stream and the time it takes to exit;
* ``scale``: pages per second of one worker against two;
* ``fanout``: what the embedded broker grows by per byte of raw record once the pipeline has
  made all its outputs of it (``streams.roll.GROWTH_PER_BYTE``), for real pages and for pages
  that are all article text;
* ``rss``: one worker's memory (worker and core process) warm, after hostile pages, after a
  burst of 500 pushed real pages, each a few seconds after the work is done.

    .venv/bin/python bench/faults.py [--only core,enrich_core,hostile,enrich_hostile,timeout,
                                             kill,scale,fanout,rss]

The last output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gzip
import os
import random
import statistics
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import orjson
from aiokafka import TopicPartition

from streams import kafka, memory
from streams.broker import EmbeddedBroker, free_port, stop_process
from streams.coreproc import ProcessCore
from streams.enrich import agent as enrich_agent
from streams.enrich.core import MAX_TEXT_CHARS
from streams.errors import PipelineError
from streams.parse.handler import make_handler
from streams.records import Article, RawHtml, article_id
from streams.settings import Settings
from streams.stage import Core, Handler, Incoming, Observe, StageRunner, ThreadCore
from streams.topics import ARTICLES, DEADLETTER, ENRICHED, RAW_HTML

ROOT = Path(__file__).resolve().parent.parent
WCXB = ROOT.parent / "shared" / "data" / "wcxb-dev-articles" / "html"
KOREAN = ROOT / "tests" / "enrich" / "pages"
SETTINGS = dataclasses.replace(Settings(), check_outputs=False)


def real_pages(limit: int) -> list[bytes]:
    """English WCXB development pages and the labelled Korean pages, interleaved."""
    english = [gzip.decompress(p.read_bytes()) for p in sorted(WCXB.glob("*.html.gz"))[:limit]]
    korean = [p.read_bytes() for p in sorted(KOREAN.glob("*.html"))]
    pages = [page for pair in zip(english, korean * (len(english) // max(1, len(korean)) + 1),
                                  strict=False) for page in pair]
    return pages[:limit]


def incoming(url: str, page: bytes, offset: int = 0) -> Incoming:
    raw = RawHtml.of_bytes(url, page, fetched_at=datetime.now(UTC).isoformat(), source="bench")
    return Incoming(RAW_HTML.name, 0, offset, raw.key, raw.encode())


def cpu_of(pid: int) -> float:
    """CPU seconds (user + system) process ``pid`` has used."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------------------ core overhead

async def core_overhead(stage: str, factory: Callable[[Settings], Handler],
                        records: list[Incoming], rounds: int,
                        observe: Observe | None = None) -> dict[str, object]:
    """``stage``'s handler in a core process against in a thread, same records, alternating
    rounds: CPU of this process and the core process per record, wall time, and the core
    process's memory when ready and after the rounds."""
    process = ProcessCore(stage, factory, SETTINGS)
    process.start()
    ready_rss = process.ready_rss
    in_thread = memory.rss_bytes()
    cores: dict[str, Core] = {"thread": ThreadCore(stage, factory(SETTINGS)),
                              "process": process}
    in_thread = memory.rss_bytes() - in_thread  # what the handler holds in a worker
    cpu: dict[str, list[float]] = {name: [] for name in cores}
    wall: dict[str, list[float]] = {name: [] for name in cores}
    for _ in range(rounds):
        for name, core in cores.items():
            run = StageRunner(stage, core, timeout_s=60, observe=observe)
            child = process.process.pid if name == "process" and process.process else None
            cpu_before = time.process_time() + (cpu_of(child) if child else 0)
            started = time.perf_counter()
            for record in records:
                await run(record)
            wall[name].append((time.perf_counter() - started) / len(records))
            child = process.process.pid if name == "process" and process.process else None
            cpu[name].append((time.process_time() + (cpu_of(child) if child else 0)
                              - cpu_before) / len(records))
    after_rss = memory.rss_bytes(process.process.pid) if process.process else 0
    for core in cores.values():
        core.close()
    thread_cpu, process_cpu = statistics.median(cpu["thread"]), statistics.median(cpu["process"])
    mb = 1024 * 1024
    return {
        "records": len(records), "rounds": rounds,
        "thread_cpu_ms_per_record": round(1000 * thread_cpu, 2),
        "process_cpu_ms_per_record": round(1000 * process_cpu, 2),
        "process_over_thread_cpu": round(process_cpu / thread_cpu, 3),
        "thread_wall_ms_per_record": round(1000 * statistics.median(wall["thread"]), 2),
        "process_wall_ms_per_record": round(1000 * statistics.median(wall["process"]), 2),
        "handler_in_worker_mb": round(in_thread / mb),
        "core_ready_mb": round(ready_rss / mb), "core_after_rounds_mb": round(after_rss / mb),
    }


def articles_of(pages: list[bytes]) -> list[Incoming]:
    """The news.articles records the parse handler makes of ``pages`` (pages that are no
    article are left out)."""
    parse = make_handler(SETTINGS)
    found = []
    for i, page in enumerate(pages):
        try:
            outputs = parse(incoming(f"https://bench.invalid/article/{i}", page, i))
        except PipelineError:
            continue
        found += [Incoming(ARTICLES.name, 0, i, out.key, out.value) for out in outputs
                  if out.topic == ARTICLES]
    return found


# ------------------------------------------------------------------------------ hostile pages

TEXT = b"<p>" + b"A sentence of a story about the harbour and its ships. " * 6 + b"</p>"
LIMIT = 4_900_000


def fill(unit: bytes, size: int = LIMIT) -> bytes:
    return b"<html><head><title>Harbour</title></head><body>" + unit * max(1, size // len(unit))


def hostile_families(seed: int = 16) -> dict[str, list[bytes]]:
    """Generated hostile pages by family, each up to the page limit."""
    rng = random.Random(seed)

    def attrs(n: int) -> bytes:
        return b"<div " + b" ".join(b"a%d=%d" % (i, i) for i in range(n)) + b">" + TEXT

    def chain(depth: int, tag: bytes = b"div") -> bytes:
        return b"<%s>" % tag * depth + TEXT + b"</%s>" % tag * depth

    mixed = ["한국어 기사 본문입니다. ".encode("euc-kr"), "ünïcödé ".encode("latin-1"),
             "日本語の記事".encode("shift_jis"), "기사".encode(), b"\xff\xfe\x00<"]
    return {
        "deep_nesting": [chain(d) for d in (9_990, 50_000, 200_000)],
        "repeated_nesting": [fill(chain(d)) for d in (500, 1_500, 3_000, 5_000, 9_000)],
        "unclosed_inline": [fill(b"<b><i><font>" * 50 + TEXT)],
        "attributes_one_element": [fill(attrs(n), n * 12) for n in (9_999, 250_000, 1_000_000)],
        "attributes_many_elements": [fill(attrs(n)) for n in (100, 400, 1_000, 3_000)],
        "many_elements": [fill(u) for u in (b"<i>x</i>", b"<p>x", b"<td>x", b"<br>")],
        "text_nodes": [fill(b"word ", LIMIT), b"<html><body><p>" + b"x" * LIMIT],
        "binary": [rng.randbytes(LIMIT), bytes(range(256)) * (LIMIT // 256)],
        "mixed_encodings": [fill(b"".join(rng.choice(mixed) for _ in range(2_000)))],
        "comments_cdata": [fill(b"<!-- " * 1000), fill(b"<![CDATA[" * 500 + TEXT)],
    }


def hostile_cpu() -> dict[str, object]:
    handler = make_handler(dataclasses.replace(SETTINGS, max_page_bytes=5_000_000))
    worst: dict[str, float] = {}
    outcomes: dict[str, int] = {}
    for family, pages in hostile_families().items():
        for page in pages:
            record = incoming("https://bench.invalid/hostile", page[:LIMIT])
            started = time.process_time()
            try:
                handler(record)
                outcome = "article"
            except Exception as exc:  # what the stage would dead-letter
                outcome = getattr(exc, "reason", "internal_error")
            spent = time.process_time() - started
            worst[family] = max(worst.get(family, 0.0), spent)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            memory.trim()
    return {"pages": sum(outcomes.values()), "outcomes": outcomes,
            "max_cpu_s": round(max(worst.values()), 2),
            "max_cpu_s_by_family": {k: round(v, 2) for k, v in worst.items()}}


def hostile_article(text: str, i: int) -> Incoming:
    url = f"https://bench.invalid/hostile-article/{i}"
    article = Article(id=article_id(url), url=url, canonical_url=url, title="Harbour", text=text)
    return Incoming(ARTICLES.name, 0, i, article.id.encode(), orjson.dumps(article))


def hostile_texts(pages: list[bytes]) -> dict[str, Callable[[int], str]]:
    """Hostile article bodies by family, each made ``n`` characters long."""
    bodies = [orjson.loads(record.value)["text"] for record in articles_of(pages)]
    korean = " ".join(b for b in bodies if sum("가" <= c <= "힣" for c in b) > len(b) // 3)
    english = " ".join(b for b in bodies if not any("가" <= c <= "힣" for c in b))

    def repeat(unit: str) -> Callable[[int], str]:
        return lambda n: (unit * (n // len(unit) + 1))[:n]

    def distinct(template: str) -> Callable[[int], str]:
        return lambda n: "".join(template.format(i) for i in range(n // len(template) + 1))[:n]

    return {
        "english_text": repeat(english), "korean_text": repeat(korean),
        "latin_token": repeat("a"), "hangul_token": repeat("가"), "mixed_token": repeat("가a1"),
        "at_cues": repeat("kim@ a@b @@ x@y.com "), "url_cues": repeat("http:// ://a https://x "),
        "gyosu_cues": repeat("교수 교수는 김 교수 "), "univ_cues": repeat("universit University "),
        "repeated_names_en": repeat("Kim Jong Un said Joe Biden told "),
        "repeated_names_ko": repeat("김정은 위원장은 윤석열 대통령과 "),
        "distinct_names_en": distinct("Mayor Alice Okafor{} said. "),
        "distinct_names_ko": distinct("김민수{} 교수는 말했다. "),
        "korean_without_spaces": repeat("김정은위원장은윤석열대통령과만났다"),
    }


async def enrich_hostile(pages: list[bytes]) -> dict[str, object]:
    """The enrich handler on hostile bodies (long text, tokens without spaces, cues of the name
    rules, repeated and distinct names): CPU in this process of the worst of each family at
    ``MAX_TEXT_CHARS`` and at 4.9 MB (the largest body a page under the limit gives); then two
    4.9 MB bodies of one token (Hangul, Latin) and 50 real articles through the stage's runner
    with its core in a core process and the default stage timeout."""
    handler = enrich_agent.make_handler(SETTINGS)
    worst: dict[str, float] = {}
    for family, make in hostile_texts(pages).items():
        for n in (MAX_TEXT_CHARS, LIMIT):
            record = hostile_article(make(n), n)
            started = time.process_time()
            handler(record)
            worst[family] = max(worst.get(family, 0.0), time.process_time() - started)
    del handler
    process = ProcessCore("enrich", enrich_agent.make_handler, SETTINGS)
    process.start()
    run = StageRunner("enrich", process, SETTINGS.stage_timeout_s, enrich_agent.observe)
    outcomes = []
    started = time.perf_counter()
    for i, text in enumerate(("가" * LIMIT, "a" * LIMIT)):
        out = await run(hostile_article(text, i))
        outcomes.append(orjson.loads(out[0].value).get("reason") if out[0].topic == DEADLETTER
                        else "enriched")
    hostile_s = time.perf_counter() - started
    normal = articles_of(pages[:60])[:50]
    started = time.perf_counter()
    done = [await run(record) for record in normal]
    normal_s = time.perf_counter() - started
    process.close()
    return {"max_cpu_s": round(max(worst.values()), 2),
            "max_cpu_s_by_family": {k: round(v, 2) for k, v in worst.items()},
            "hostile_outcomes": outcomes, "hostile_s": round(hostile_s, 1),
            "timeout_s": SETTINGS.stage_timeout_s, "normal_after": len(normal),
            "normal_enriched": sum(out[0].topic != DEADLETTER for out in done),
            "normal_after_s": round(normal_s, 1)}


# ------------------------------------------------------------------------------ timeouts

async def timeout_stops(pages: list[bytes]) -> dict[str, object]:
    """Three slow pages past a 0.5 s timeout, then 100 normal pages, per core kind."""
    # 4.9 MB of distinct paragraphs: over a second of parsing (the slowest page we know)
    slow = (b"<html><head><title>Harbour</title></head><body><article>" + b"".join(
        b"<p>Paragraph %d of a long story about the harbour, its ships and the town.</p>" % i
        for i in range(60_000)))[:LIMIT]
    normal = [incoming(f"https://bench.invalid/t/{i}", pages[i % len(pages)], i)
              for i in range(100)]
    settings = dataclasses.replace(SETTINGS, max_page_bytes=5_000_000)
    result: dict[str, object] = {}
    for name in ("thread", "process"):
        core: Core
        if name == "process":
            process = ProcessCore("parse", make_handler, settings)
            process.start()
            core = process
        else:
            core = ThreadCore("parse", make_handler(settings))
        run = StageRunner("parse", core, timeout_s=0.5)
        started = time.perf_counter()
        reasons = [orjson.loads((await run(incoming(f"https://bench.invalid/slow/{i}", slow)))
                                [0].value).get("reason") for i in range(3)]
        slow_done = time.perf_counter() - started
        for record in normal:
            await run(record)
        elapsed = time.perf_counter() - started
        result[name] = {"slow_page_outcomes": reasons, "slow_pages_s": round(slow_done, 2),
                        "normal_pages_s": round(elapsed - slow_done, 2)}
        core.close()
    return result


# ------------------------------------------------------------------------------ workers

def worker_settings(broker: EmbeddedBroker, tmp: Path, partitions: int) -> Settings:
    return dataclasses.replace(
        Settings(), bootstrap_servers=broker.bootstrap, embedded=False, broker_profile="tansu",
        partitions=partitions, app_id=f"faults-{uuid.uuid4().hex[:8]}", web_port=free_port(),
        data_dir=str(tmp / "data"), max_page_bytes=5_000_000, log_level="warning",
    )


def start(settings: Settings, tmp: Path, name: str) -> tuple[Settings, subprocess.Popen[bytes]]:
    from streams.local import start_worker

    mine = dataclasses.replace(settings, web_port=free_port(), data_dir=str(tmp / name))
    return mine, start_worker(mine, tmp / f"{name}.log")


def readyz(settings: Settings) -> dict[str, object]:
    url = f"http://{settings.web_host}:{settings.web_port}/readyz"
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return dict(orjson.loads(response.read()))
    except urllib.error.HTTPError as error:
        return dict(orjson.loads(error.read()))
    except OSError:
        return {}


def wait(check: Callable[[], bool], limit_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit_s:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise TimeoutError(f"not within {limit_s}s")


class Outputs:
    """Reads news.enriched and news.deadletter from their end, counting pages by URL."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enriched: dict[str, int] = {}
        self.dead: dict[str, int] = {}
        self.consumer = kafka.make_consumer(settings)

    async def start(self) -> None:
        await self.consumer.start()
        await self.consumer.topics()
        partitions = [TopicPartition(t, p) for t in (ENRICHED.name, DEADLETTER.name)
                      for p in sorted(self.consumer.partitions_for_topic(t))]
        self.consumer.assign(partitions)
        await self.consumer.seek_to_end(*partitions)

    async def poll(self) -> None:
        for tp, messages in (await self.consumer.getmany(timeout_ms=200)).items():
            for m in messages:
                value = orjson.loads(m.value)
                if tp.topic == ENRICHED.name:
                    url = value["article"]["url"]
                    self.enriched[url] = self.enriched.get(url, 0) + 1
                elif url := value.get("url"):  # pages we made always have one
                    self.dead[url] = self.dead.get(url, 0) + 1

    def done(self, urls: set[str]) -> int:
        return len(urls & (self.enriched.keys() | self.dead.keys()))

    async def until(self, urls: set[str], count: int, limit_s: float) -> float:
        started = time.monotonic()
        while self.done(urls) < count:
            if time.monotonic() - started > limit_s:
                raise TimeoutError(f"{self.done(urls)} of {count} pages out in {limit_s}s")
            await self.poll()
        return time.monotonic() - started


async def produce(settings: Settings, records: Sequence[tuple[bytes, bytes]]) -> None:
    producer = kafka.make_producer(settings)
    await producer.start()
    try:
        for key, value in records:
            await producer.send(RAW_HTML.name, value, key=key)
        await producer.flush()
    finally:
        await producer.stop()


def raw_records(prefix: str, pages: list[bytes], n: int) -> tuple[set[str], list]:
    urls, records = set(), []
    for i in range(n):
        url = f"{prefix}/{i}"
        raw = RawHtml.of_bytes(url, pages[i % len(pages)],
                               fetched_at=datetime.now(UTC).isoformat(), source="bench")
        urls.add(url)
        records.append((raw.key, raw.encode()))
    return urls, records


async def kill_and_sigterm(pages: list[bytes], n: int) -> dict[str, object]:
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = worker_settings(broker, tmp, partitions=4)
        await kafka.ensure_topics(base)
        (a, worker_a), (b, worker_b) = start(base, tmp, "a"), start(base, tmp, "b")
        try:
            wait(lambda: readyz(a).get("ready") is True and readyz(b).get("ready") is True, 120)
            outputs = Outputs(base)
            await outputs.start()
            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, n)
            await produce(base, records)
            await outputs.until(urls, n // 5, 300)  # mid-stream
            everything = int(readyz(a).get("partitions", 0)) + int(readyz(b).get("partitions", 0))
            killed_at = time.monotonic()
            worker_a.kill()
            # until the survivor holds every partition the two held (all the source topics')
            recovery = wait(lambda: readyz(b).get("ready") is True
                            and readyz(b).get("partitions") == everything, 120)
            await outputs.until(urls, n, 600)
            after_kill = time.monotonic() - killed_at
            lost = len(urls - outputs.enriched.keys() - outputs.dead.keys())
            duplicates = sum(outputs.enriched.values()) - len(outputs.enriched)
            # SIGTERM of the survivor mid-stream
            more, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, 100)
            await produce(base, records)
            await outputs.until(more, 5, 120)
            worker_b.terminate()
            sigterm = wait(lambda: worker_b.poll() is not None, 60)
            await outputs.consumer.stop()
        finally:
            stop_process(worker_a, limit_s=5)
            stop_process(worker_b, limit_s=5)
    return {"pages": n, "lost": lost, "duplicates": duplicates,
            "recovery_s": round(recovery, 1), "all_out_after_kill_s": round(after_kill, 1),
            "sigterm_exit_s": round(sigterm, 1)}


async def throughput(pages: list[bytes], n: int, workers: int) -> float:
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = worker_settings(broker, tmp, partitions=4)
        await kafka.ensure_topics(base)
        started_workers = [start(base, tmp, f"w{i}") for i in range(workers)]
        try:
            wait(lambda: all(readyz(s).get("ready") is True
                             and readyz(s).get("partitions", 0) > 0 for s, _ in started_workers),
                 180)
            outputs = Outputs(base)
            await outputs.start()
            warm, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, 8)
            await produce(base, records)
            await outputs.until(warm, len(warm), 300)
            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, n)
            started = time.monotonic()
            await produce(base, records)
            await outputs.until(urls, n, 900)
            seconds = time.monotonic() - started
            await outputs.consumer.stop()
        finally:
            for _, process in started_workers:
                stop_process(process, limit_s=10)
    return n / seconds


def text_pages(n: int, size: int = 200_000) -> list[bytes]:
    """Pages that are all article text (distinct paragraphs of common words): every stage
    carries the text on, so the broker grows most per byte of page."""
    rng = random.Random(n)
    words = (b"the government said on monday that new policy would raise prices across markets "
             b"while officials in seoul and washington met to discuss trade and security").split()
    pages = []
    for i in range(n):
        paragraphs = [b"<p>" + b" ".join(rng.choice(words) for _ in range(60)) + b".</p>"
                      for _ in range(size // 500)]
        pages.append(b"<html><head><title>Policy %d</title></head><body><article><h1>Policy "
                     b"%d</h1>%s</article></body></html>" % (i, i, b"".join(paragraphs)))
    return pages


def name_pages(n: int, names: int = 300) -> list[bytes]:
    """Short pages of nothing but distinct names (more than an article's ``MAX_ENTITIES``):
    what one record adds to the broker whatever its size."""
    return [b"<html><head><title>Council %d</title></head><body><article><h1>Council %d</h1>"
            % (i, i) + b"".join(b"<p>Mayor Alice Okafor%dx%d met the council on monday.</p>"
                                % (i, j) for j in range(names)) + b"</article></body></html>"
            for i in range(n)]


async def fanout(pages: list[bytes], n: int) -> dict[str, float]:
    """Broker memory grown per byte and per record of raw records, once every page is out of
    the pipeline (enriched, with its fan-out): ``n`` real pages, 60 pages of 200 KB of text,
    and 60 short pages of distinct names, through one worker on an embedded broker of this
    process's own."""
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = worker_settings(broker, tmp, partitions=4)
        await kafka.ensure_topics(base)
        settings, worker = start(base, tmp, "w")
        found = {}
        try:
            wait(lambda: readyz(settings).get("ready") is True, 180)
            outputs = Outputs(base)
            await outputs.start()
            for name, batch in (("real", pages[:n]), ("text", text_pages(60)),
                                ("names", name_pages(60))):
                assert broker.process is not None
                urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", batch,
                                            len(batch))
                before = memory.rss_bytes(broker.process.pid)
                await produce(base, records)
                await outputs.until(urls, len(urls), 900)
                await asyncio.sleep(5)  # the last fan-out batches
                grown = memory.rss_bytes(broker.process.pid) - before
                found[f"{name}_pages"] = len(batch)
                found[f"{name}_mb"] = round(sum(len(k) + len(v) for k, v in records) / 2**20, 1)
                found[f"{name}_broker_per_byte"] = round(
                    grown / sum(len(k) + len(v) for k, v in records), 2)
                found[f"{name}_broker_kb_per_record"] = round(grown / len(records) / 1024)
            await outputs.consumer.stop()
        finally:
            stop_process(worker, limit_s=10)
    return found


def total_rss(worker: subprocess.Popen[bytes]) -> int:
    """RSS of the worker and its core processes."""
    return memory.rss_bytes(worker.pid) + core_rss(worker)


def core_rss(worker: subprocess.Popen[bytes]) -> int:
    """RSS of the worker's core processes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == worker.pid:
                total += memory.rss_bytes(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return total


async def rss(pages: list[bytes]) -> dict[str, object]:
    with EmbeddedBroker() as broker, tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        base = worker_settings(broker, tmp, partitions=2)
        await kafka.ensure_topics(base)
        settings, worker = start(base, tmp, "w")
        try:
            wait(lambda: readyz(settings).get("ready") is True, 120)
            outputs = Outputs(base)
            await outputs.start()

            cores: list[int] = []

            worker_mb: list[int] = []

            async def settled() -> int:
                await asyncio.sleep(5)
                cores.append(core_rss(worker))
                worker_mb.append(memory.rss_bytes(worker.pid) >> 20)
                return total_rss(worker)

            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, 100)
            await produce(base, records)
            await outputs.until(urls, len(urls), 600)
            warm = await settled()
            # a control: as many more real pages, to tell the worker's own growth apart
            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, 100)
            await produce(base, records)
            await outputs.until(urls, len(urls), 600)
            control = await settled()
            hostile = [page[:LIMIT] for family in hostile_families().values() for page in family]
            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", hostile,
                                        len(hostile))
            await produce(base, records)
            await outputs.until(urls, len(urls), 600)
            after_hostile = await settled()
            # ordinary traffic again: what the clients still hold of the last hostile records
            # (the last fetched batch per partition, the last produced batch) is replaced
            urls, records = raw_records(f"https://bench.invalid/{uuid.uuid4().hex}", pages, 100)
            await produce(base, records)
            await outputs.until(urls, len(urls), 600)
            hostile_then_real = await settled()
            # a burst of 500 pushed real pages, 50 at a time
            push = f"http://{settings.web_host}:{settings.web_port}/ingest"
            prefix = f"https://bench.invalid/{uuid.uuid4().hex}"
            burst = {f"{prefix}/{i}" for i in range(500)}
            async with aiohttp.ClientSession() as session:
                gate = asyncio.Semaphore(50)

                async def post(i: int) -> int:
                    page = pages[i % len(pages)].decode("utf-8", "replace")
                    async with gate, session.post(
                            push, json={"url": f"{prefix}/{i}", "html": page}) as response:
                        return response.status

                statuses = await asyncio.gather(*(post(i) for i in range(500)))
            peak = total_rss(worker)
            await outputs.until(burst, len(burst), 900)
            after_burst = await settled()
            await outputs.consumer.stop()
        finally:
            stop_process(worker, limit_s=10)
    mb = 1024 * 1024
    return {"warm_mb": round(warm / mb), "after_100_more_real_pages_mb": round(control / mb),
            "after_hostile_mb": round(after_hostile / mb),
            "after_hostile_then_100_real_mb": round(hostile_then_real / mb),
            "worker_process_mb_warm_control_hostile_real_burst": worker_mb,
            "after_burst_mb": round(after_burst / mb), "burst_peak_mb": round(peak / mb),
            "burst_accepted": statuses.count(202),
            "core_mb_warm_control_hostile_real_burst": [round(c / mb) for c in cores],
            "control_ratio": round(control / warm, 3),
            "after_hostile_ratio": round(after_hostile / warm, 3),
            "after_hostile_then_real_ratio": round(hostile_then_real / warm, 3),
            "after_burst_ratio": round(after_burst / warm, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="core,enrich_core,hostile,enrich_hostile,timeout,kill,"
                                                 "scale,fanout,rss")
    parser.add_argument("--pages", type=int, default=200, help="real pages per measurement")
    args = parser.parse_args()
    only = set(args.only.split(","))
    pages = real_pages(args.pages)
    result: dict[str, object] = {}
    if "core" in only:
        records = [incoming(f"https://bench.invalid/core/{i}", page, i)
                   for i, page in enumerate(pages)]
        result["core"] = asyncio.run(core_overhead("parse", make_handler, records, rounds=3))
        print("core", result["core"], flush=True)
    if "enrich_core" in only:
        result["enrich_core"] = asyncio.run(core_overhead(
            "enrich", enrich_agent.make_handler, articles_of(pages), rounds=3,
            observe=enrich_agent.observe))
        print("enrich_core", result["enrich_core"], flush=True)
    if "enrich_hostile" in only:
        result["enrich_hostile"] = asyncio.run(enrich_hostile(pages))
        print("enrich_hostile", result["enrich_hostile"], flush=True)
    if "hostile" in only:
        result["hostile"] = hostile_cpu()
        print("hostile", result["hostile"], flush=True)
    if "timeout" in only:
        result["timeout"] = asyncio.run(timeout_stops(pages))
        print("timeout", result["timeout"], flush=True)
    if "kill" in only:
        result["kill"] = asyncio.run(kill_and_sigterm(pages, 300))
        print("kill", result["kill"], flush=True)
    if "scale" in only:
        one = asyncio.run(throughput(pages, 300, workers=1))
        two = asyncio.run(throughput(pages, 300, workers=2))
        result["scale"] = {"one_worker_pages_per_s": round(one, 1),
                           "two_workers_pages_per_s": round(two, 1),
                           "ratio": round(two / one, 2)}
        print("scale", result["scale"], flush=True)
    if "fanout" in only:
        result["fanout"] = asyncio.run(fanout(pages, 200))
        print("fanout", result["fanout"], flush=True)
    if "rss" in only:
        result["rss"] = asyncio.run(rss(pages))
        print("rss", result["rss"], flush=True)
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
