"""Replay of page files into ``news.raw-html`` records (backfills, samples, tests).

Pure: turns paths into (key, value) pairs; the caller decides how to produce them. A file's URL
is its ``file://`` URI; the parse stage prefers the page's own ``<link rel=canonical>``.
"""

from __future__ import annotations

import base64
import gzip
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from streams.records import article_id
from streams.urls import normalize_url

PAGE_SUFFIXES = (".html", ".htm", ".txt", ".html.gz", ".htm.gz")


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
    url = path.resolve().as_uri()
    value: dict[str, object] = {
        "url": url,
        "content_b64": base64.b64encode(content).decode("ascii"),
        "charset": None,
        "content_type": "text/html",
        "status": None,
        "headers": {},
        "fetched_at": datetime.now(UTC).isoformat(),
        "source": source,
    }
    return article_id(normalize_url(url)).encode(), orjson.dumps(value)
