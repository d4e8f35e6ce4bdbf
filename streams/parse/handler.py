"""The parse stage's handler: a raw-html record -> its article record (no Faust import).

Kept apart from the agent so that a parse core process (streams/coreproc.py) imports only
this, the parser and their dependencies, not Faust.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import replace

import orjson

from streams import metrics
from streams.errors import InvalidRecord
from streams.parse import ParseLimits, parse_article
from streams.records import RawHtml
from streams.settings import Settings
from streams.stage import Handler, Incoming, Output, decode_json, encode, now_iso
from streams.topics import ARTICLES, RAW_HTML


def page_of(raw: RawHtml) -> str | bytes:
    """The page carried by a raw-html record: decoded text, or the fetched bytes."""
    if raw.html is not None:
        return raw.html
    try:
        return base64.b64decode(raw.content_b64 or "", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise InvalidRecord(f"content_b64 is not valid base64: {exc}") from exc


def make_handler(settings: Settings) -> Handler:
    limits = ParseLimits(max_bytes=settings.max_page_bytes)

    def handle(incoming: Incoming) -> Sequence[Output]:
        raw = RawHtml(**decode_json(incoming, RAW_HTML))
        article = parse_article(
            page_of(raw), raw.url, charset=raw.charset, content_type=raw.content_type,
            limits=limits,
        )
        article = replace(
            article, source=raw.source, fetched_at=raw.fetched_at, parsed_at=now_iso()
        )
        return [encode(ARTICLES, article.id, article)]

    return handle


def count_missing(outputs: Sequence[Output]) -> None:
    """Extraction health: which fields the article came out without.

    Runs in the worker on the handler's outputs (not inside the handler), so it counts in the
    worker's metrics whether the core ran in a thread or in a core process.
    """
    for out in outputs:
        if out.topic != ARTICLES:
            continue
        article = orjson.loads(out.value)
        missing = {
            "title": not article.get("title"),
            "body": not article.get("text"),
            "published": article.get("published") is None,
            "author": not article.get("authors"),
        }
        for name, absent in missing.items():
            if absent:
                metrics.ARTICLES_MISSING.labels(field=name).inc()
