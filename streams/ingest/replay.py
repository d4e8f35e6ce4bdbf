"""Replay of page files into ``news.raw-html`` records (backfills, samples, tests).

Pure: turns paths into (key, value) pairs; the caller decides how to produce them (the shell at
the end, :func:`ingest_paths`, produces them with a progress bar). A file's URL is its
``file://`` URI; the parse stage prefers the page's own ``<link rel=canonical>``. WARC files
(``.warc``, ``.warc.gz``) give one record per ``response`` record, read with warcio: the target
URI, the HTTP status, the kept headers and the charset from the HTTP Content-Type.
"""

from __future__ import annotations

import gzip
import sys
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from streams.records import RawHtml
from streams.settings import Settings
from streams.topics import RAW_HTML

WARC_SUFFIXES = (".warc", ".warc.gz")
PAGE_SUFFIXES = (".html", ".htm", ".txt", ".html.gz", ".htm.gz", *WARC_SUFFIXES)


def page_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """Files named by ``paths``, with folders walked recursively in name order."""
    for entry in map(Path, paths):
        if entry.is_dir():
            yield from sorted(
                p for p in entry.rglob("*") if p.is_file() and p.name.endswith(PAGE_SUFFIXES)
            )
        elif entry.is_file():
            yield entry
        else:
            raise FileNotFoundError(f"no such file or folder: {entry}")


def raw_record(path: Path, source: str = "replay") -> tuple[bytes, bytes]:
    """The Kafka key and value of one page file: bytes as stored, base64 in the value."""
    content = path.read_bytes()
    if path.name.endswith(".gz"):
        content = gzip.decompress(content)
    raw = RawHtml.of_bytes(path.resolve().as_uri(), content,
                           fetched_at=datetime.now(UTC).isoformat(), source=source)
    return raw.key, raw.encode()


def warc_records(path: Path, source: str = "replay") -> Iterator[tuple[bytes, bytes]]:
    """One raw-html (key, value) per HTTP ``response`` record of a WARC file."""
    from warcio.archiveiterator import ArchiveIterator  # type: ignore[import-untyped]

    from streams.ingest.fetch import KEPT_HEADERS

    with path.open("rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "response" or record.http_headers is None:
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            if not url:
                continue
            http = record.http_headers
            content_type = http.get_header("Content-Type")
            status = int(http.get_statuscode() or 0) or None
            raw = RawHtml.of_bytes(
                url, record.content_stream().read(), source=source,
                fetched_at=_warc_date(record.rec_headers.get_header("WARC-Date")),
                charset=_charset(content_type), content_type=content_type,
                status=status if status and 100 <= status <= 599 else None,
                headers={k.lower(): v for k, v in http.headers if k.lower() in KEPT_HEADERS},
            )
            yield raw.key, raw.encode()


def _charset(content_type: str | None) -> str | None:
    for param in (content_type or "").split(";")[1:]:
        name, _, val = param.partition("=")
        if name.strip().lower() == "charset" and val.strip():
            return val.strip().strip('"').lower()
    return None


def _warc_date(value: str | None) -> str:
    try:
        return datetime.fromisoformat((value or "").replace("Z", "+00:00")).isoformat()
    except ValueError:
        return datetime.now(UTC).isoformat()


def fitting(
    records: Iterable[tuple[bytes, bytes]], where: str
) -> Iterator[tuple[bytes, bytes]]:
    """``records`` without those over the message limit, each refused with a line on stderr.

    Such a page (over about 6 MB once base64) could not be produced at all; refusing it here,
    with its file named, beats a producer error that ends the whole replay.
    """
    from streams.kafka import MAX_RECORD_BYTES

    for key, value in records:
        if len(key) + len(value) > MAX_RECORD_BYTES:
            print(f"skipped a page of {where}: {len(value)} bytes as a raw-html record, over "
                  f"the {MAX_RECORD_BYTES}-byte message limit", file=sys.stderr, flush=True)
            continue
        yield key, value


def path_records(
    paths: Iterable[str | Path], source: str = "replay"
) -> Iterator[tuple[bytes, bytes]]:
    """Every (key, value) under ``paths``: one per page file, one per WARC response record."""
    for path in page_files(paths):
        if path.name.endswith(WARC_SUFFIXES):
            yield from fitting(warc_records(path, source), str(path))
        else:
            yield from fitting([raw_record(path, source)], str(path))


async def ingest_paths(
    settings: Settings, paths: Sequence[str], progress: bool | None = None
) -> int:
    """Produce everything under ``paths`` to news.raw-html; a tqdm bar on a tty's stderr."""
    from tqdm import tqdm  # type: ignore[import-untyped]

    from streams import kafka

    files = list(page_files(paths))  # fail on a missing path before connecting
    await kafka.ensure_topics(settings)
    producer = kafka.make_producer(settings)
    await producer.start()
    count = 0
    show = sys.stderr.isatty() if progress is None else progress
    try:
        with tqdm(total=len(files), unit="file", disable=not show, file=sys.stderr) as bar:
            for path in files:
                for key, value in path_records([path]):
                    await producer.send(RAW_HTML.name, key=key, value=value)
                    count += 1
                    bar.set_postfix(records=count, refresh=False)
                bar.update(1)
        await producer.flush()
    finally:
        await producer.stop()
    return count
