"""Generated hostile pages through the parse stage's handler: each ends as an article or as a
dead letter with a reason of its own, never as an internal error (a bug) or a stuck stage."""

from __future__ import annotations

import base64

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from streams.parse.handler import make_handler
from streams.records import RawHtml
from streams.settings import Settings
from streams.stage import Incoming, StageRunner
from streams.topics import ARTICLES, DEADLETTER, RAW_HTML

HANDLER = make_handler(Settings())
ARTICLE_TEXT = b"<p>" + b"A sentence of a story about the harbour. " * 6 + b"</p>"


def nested(depth: int, tag: bytes) -> bytes:
    return b"<%s>" % tag * depth + ARTICLE_TEXT + b"</%s>" % tag * depth


def attributes(count: int) -> bytes:
    return b"<div " + b" ".join(b"a%d=%d" % (i, i) for i in range(count)) + b">" + ARTICLE_TEXT


def text_node(size: int) -> bytes:
    return b"<p>" + b"word " * (size // 5) + b"</p>"


PIECES = st.one_of(
    st.builds(nested, st.integers(1, 40_000), st.sampled_from([b"div", b"span", b"b", b"td"])),
    st.builds(attributes, st.integers(1, 30_000)),
    st.builds(text_node, st.integers(1, 4_000_000)),
    st.binary(max_size=2_000),  # binary garbage, NULs included
    st.sampled_from(["한국어 기사 본문입니다. ".encode("euc-kr") * 20,
                     "ünïcödé ".encode("latin-1") * 50, "日本語の記事".encode("shift_jis") * 30,
                     b"\xef\xbb\xbf<meta charset=utf-16>", b"<!-- " * 1000, b"<![CDATA[" * 500]),
    st.just(ARTICLE_TEXT),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, min_size=1, max_size=4))
async def test_a_hostile_page_is_an_article_or_a_reasoned_dead_letter(pieces: list[bytes]) -> None:
    page = b"<html><head><title>Harbour story</title></head><body>" + b"".join(pieces)
    raw = RawHtml.of_bytes("https://example.com/hostile", page[:4_900_000],
                           fetched_at="2025-05-10T05:00:00+00:00", source="test")
    (out,) = await StageRunner("parse", HANDLER, timeout_s=30)(
        Incoming(RAW_HTML.name, 0, 0, raw.key, raw.encode()))
    if out.topic == DEADLETTER:
        letter = orjson.loads(out.value)
        assert letter["reason"] not in ("internal_error", "timeout"), letter["message"]
        kept = base64.b64decode(letter["original_value_b64"])  # cut when too large to carry
        assert letter["original_size"] == len(raw.encode())
        assert raw.encode().startswith(kept) and (len(kept) == len(raw.encode())) != (
            letter["original_truncated"])
    else:
        assert out.topic == ARTICLES
