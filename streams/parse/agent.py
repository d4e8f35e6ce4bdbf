"""The parse agent: ``news.raw-html`` -> ``news.articles``, a thin loop around parse_article."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import replace

import faust

from streams import metrics
from streams.agent import Outputs, register_stage
from streams.errors import InvalidRecord
from streams.parse import ParseLimits, parse_article
from streams.records import Article, RawHtml
from streams.settings import Settings
from streams.stage import Handler, Incoming, Output, decode_json, encode, now_iso
from streams.topics import ARTICLES, RAW_HTML

STAGE = "parse"


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
        count_missing(article)
        return [encode(ARTICLES, article.id, article)]

    return handle


def count_missing(article: Article) -> None:
    """Extraction health: which fields the article came out without."""
    missing = {
        "title": not article.title,
        "body": not article.text,
        "published": article.published is None,
        "author": not article.authors,
    }
    for name, absent in missing.items():
        if absent:
            metrics.ARTICLES_MISSING.labels(field=name).inc()


def register(app: faust.App, settings: Settings, outputs: Outputs) -> None:
    register_stage(app, STAGE, RAW_HTML, make_handler(settings), settings, outputs)
