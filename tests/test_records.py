"""The raw-html record every producer builds: schema-valid, keyed by the article id."""

from __future__ import annotations

import base64

import orjson

from streams.records import RawHtml, article_id
from streams.schemas import validation_errors
from streams.topics import RAW_HTML

FETCHED = "2025-05-10T05:00:00+00:00"


def test_a_pushed_page_carries_html_only() -> None:
    raw = RawHtml("https://News.example/a?utm_source=x", FETCHED, "push", html="<p>나</p>")
    value = orjson.loads(raw.encode())
    assert value["html"] == "<p>나</p>" and "content_b64" not in value
    assert validation_errors(RAW_HTML, value) == []
    assert raw.key == article_id("https://news.example/a").encode()


def test_fetched_bytes_carry_content_b64_only() -> None:
    raw = RawHtml.of_bytes("https://news.example/b", "<p>나</p>".encode("euc-kr"),
                           fetched_at=FETCHED, source="feed", charset="euc-kr", status=200,
                           headers={"etag": "x"})
    value = orjson.loads(raw.encode())
    assert "html" not in value and value["charset"] == "euc-kr"
    assert base64.b64decode(value["content_b64"]).decode("euc-kr") == "<p>나</p>"
    assert validation_errors(RAW_HTML, value) == []
    assert RawHtml(**value) == raw  # what the parse stage reads back
