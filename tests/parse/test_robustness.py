"""Encodings, limits and pathological input: only Article or ParseError ever comes out."""

from __future__ import annotations

import codecs
import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.errors import ParseError
from streams.parse import ParseLimits, parse_article
from streams.records import Article, article_id
from streams.urls import normalize_url

KO = "<p>" + "정부가 추석을 앞두고 온누리상품권 할인율을 한시 상향한다고 밝혔다. " * 3 + "</p>"
PAGE = f"<html><head><title>제목입니다</title></head><body><article>{KO}</article></body></html>"
URL = "https://news.example.kr/a/1"


def _ok(article: Article) -> None:
    assert "온누리상품권" in article.text


def test_header_charset_only() -> None:
    _ok(parse_article(PAGE.encode("euc-kr"), URL, charset="EUC-KR"))
    _ok(parse_article(PAGE.encode("cp949"), URL, content_type="text/html; charset=ks_c_5601-1987"))


def test_bom() -> None:
    _ok(parse_article(codecs.BOM_UTF8 + PAGE.encode("utf-8"), URL))
    _ok(parse_article(PAGE.encode("utf-16"), URL))


def test_meta_charset() -> None:
    page = PAGE.replace("<head>", '<head><meta charset="euc-kr">')
    _ok(parse_article(page.encode("euc-kr"), URL))
    page = PAGE.replace("<head>", '<head><meta http-equiv="Content-Type" '
                        'content="text/html; charset=EUC-KR">')
    _ok(parse_article(page.encode("euc-kr"), URL))


def test_detection_without_any_label() -> None:
    _ok(parse_article((PAGE * 3).encode("euc-kr"), URL))


def test_invalid_bytes_are_replaced() -> None:
    _ok(parse_article(PAGE.encode("utf-8") + b"\xff\xfe\xfa", URL))


def test_ids_hash_and_counts() -> None:
    page = PAGE.replace("<head>", '<head><link rel="canonical" href="/a/1?utm_source=x#top">')
    a = parse_article(page, "https://news.example.kr/other")
    assert a.canonical_url == normalize_url("https://news.example.kr/a/1")
    assert a.id == article_id(a.canonical_url)
    assert a.content_hash == hashlib.sha256(a.text.encode()).hexdigest()
    assert a.word_count == 3 * 8
    assert a.published is None and a.authors == []  # nothing guessed


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ("", "empty"),
        (b"", "empty"),
        ("   \n ", "empty"),
        (b"\x00\x01\x02\x03" * 500, "undecodable"),
        ("just some words, no markup at all", "not_html"),
        ("<html><body><p>short</p></body></html>", "not_article"),
        ("<html><body><nav><a href='/'>Home</a></nav></body></html>", "not_article"),
    ],
)
def test_bad_input_reasons(payload: str | bytes, reason: str) -> None:
    with pytest.raises(ParseError) as err:
        parse_article(payload, URL)
    assert err.value.reason == reason


def test_not_html_content_type() -> None:
    with pytest.raises(ParseError) as err:
        parse_article(PAGE, URL, content_type="application/pdf")
    assert err.value.reason == "not_html"


def test_too_large() -> None:
    with pytest.raises(ParseError) as err:
        parse_article(PAGE.encode() * 10, URL, limits=ParseLimits(max_bytes=1000))
    assert err.value.reason == "too_large"


def test_deep_nesting() -> None:
    page = "<div>" * 10_000 + KO + "</div>" * 10_000
    with pytest.raises(ParseError) as err:
        parse_article(page, URL)
    assert err.value.reason == "too_complex"


def test_many_nodes() -> None:
    page = "<html><body>" + "<span>x</span>" * 100_000 + KO + "</body></html>"
    with pytest.raises(ParseError) as err:
        parse_article(page, URL, limits=ParseLimits(max_nodes=50_000))
    assert err.value.reason == "too_complex"
    assert "온누리상품권" in parse_article(page, URL, limits=ParseLimits(max_nodes=400_000)).text


def test_unclosed_tags() -> None:
    page = "<html><body><div><p>" + KO.replace("</p>", "") + "<div><b><i><p>more"
    assert "온누리상품권" in parse_article(page, URL).text


def test_binary_garbage() -> None:
    data = bytes(range(256)) * 40
    with pytest.raises(ParseError):
        parse_article(data, URL)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                 st.lists(st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<br>", "<a href=x>",
                                           "text ", "기사 본문 ", "<script>", "<!--", "<h1>",
                                           "<meta charset=euc-kr>", "\x00", "&amp;", "<table>",
                                           "<tr>", "<td>", "</td>", "</tr>", "<th>", "<form>",
                                           "</form>", "<div class='sidebar-x'>",
                                           "<div class=contextmenu>", "<li>", "<ul>",
                                           "Jane Doe is a writer. ", "doesn\u00e2\u0080\u0099t "]),
                          max_size=400).map("".join)))
def test_fuzz_only_article_or_parse_error(payload: str | bytes) -> None:
    try:
        result = parse_article(payload, URL)
    except ParseError as exc:
        assert exc.reason in {"too_large", "too_complex", "empty", "not_html", "undecodable",
                              "not_article"}
    else:
        assert isinstance(result, Article)


def test_headline_inside_a_dropped_element_is_not_read_after_it_is_destroyed() -> None:
    # An <h1> inside a <button> (dropped with its contents): the date search under the headline
    # must not touch the destroyed node.
    prose = "<p>" + "Bread needs time and warmth to rise well in any kitchen today. " * 6 + "</p>"
    page = ('<html><head><meta property="og:title" content="Slow bread"></head><body><button>'
            f"<h1>Slow bread</h1><span>May 2, 2020</span></button><article>{prose}</article>"
            "</body></html>")
    article = parse_article(page, URL)
    assert article.title == "Slow bread" and article.published is None
