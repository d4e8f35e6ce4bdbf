"""The fast paths of the parse core give exactly what the plain code they replace gives."""

from __future__ import annotations

import random
import re

import pytest
from selectolax.lexbor import LexborHTMLParser, LexborNode

from streams.errors import ParseError
from streams.parse import selectors as sel
from streams.parse.authors import BYLINE_LABELS, after_labels
from streams.parse.content import walk
from streams.parse.core import _WORD, _byline_texts, _normal_names, _word_count
from streams.parse.decode import _bad_ratio, decode_html, decode_page
from streams.parse.fields import _clean_subtitle, find_subtitle
from streams.parse.limits import DEFAULT_LIMITS, ParseLimits
from streams.parse.metadata import _dig_many, read_all

_SAMPLES = [
    "Share this", "share", "Related articles", "ALL RIGHTS RESERVED 2025",
    "© 2025 Foo. All rights reserved.", "Sign up for our newsletter today",
    "SUBSCRIBE TO THE daily brief", "Please subscribe to our feed", "댓글 3",
    "등록된 댓글이 없습니다", "무단 전재 및 재배포 금지", "무단전재", "재배포금지",
    "로그인한 회원만 이용",
    "An ordinary sentence about the weather.", "shared values", "Readmore", "read more",
    "Loading…", "all rights reſerved", "ſign up for our newsletter", "ſubſcribe to our",
    "reSERVED rights all", "We subscribe to the idea that",
    "He gave a sign up for the newsletter", "",
]


def test_chrome_text_matches_the_regex() -> None:
    rng = random.Random(7)
    words = [*_SAMPLES, "all", "rights", "reserved", "sign", "up", "for", "our", "the",
             "newsletter", "subscribe", "to", "댓글", "12", "무단", "전재", "x"]
    texts = list(_SAMPLES) + [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8)))
                              for _ in range(3000)]
    texts += [t.upper() for t in texts[:500]] + [t.title() for t in texts[:500]]
    for text in texts:
        assert sel.chrome_text(text) == bool(sel.CHROME_TEXT.search(text)), text


def test_chrome_names_trie_matches_the_word_list() -> None:
    plain = re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(w) for w in sel._CHROME_WORDS)
                       + ")")
    rng = random.Random(3)
    names = [f"{w} x" for w in sel._CHROME_WORDS] + [w[:-1] for w in sel._CHROME_WORDS]
    names += ["".join(rng.choice("abcdeghilmnoprstuvy-_ ") for _ in range(rng.randint(3, 40)))
              for _ in range(20000)]
    for name in names:
        assert bool(sel.CHROME_NAMES.search(name)) == bool(plain.search(name)), name


def test_word_count_matches_findall() -> None:
    for text in ["", "a", "end. “Quoted” — dash-word 3.14 ²³ x_y", "한국어 기자. (서울=연합뉴스)",
                 "... ,,, a.b.c", "e-mail: a@b.com", "¼ cup", "__init__"]:
        assert _word_count(text) == len(_WORD.findall(text)), text


def test_byline_texts_follow_lexbor_repeats() -> None:
    html = (
        '<div class="authorName">A</div><span class="author-name author_name">B</span>'
        '<a href="/author/c" rel="author" class="byline">C</a><p class="AUTHOR-NAME">D</p>'
        '<div class="reporter author">E</div>' * 3
    )
    tree = LexborHTMLParser(html)
    for limit in (1, 2, 3, 5, 12, 100):
        want = [" ".join(n.text(separator=" ").split())
                for n in tree.css(sel.BYLINE_SELECTOR)[:limit]]
        assert _byline_texts(tree, limit) == want


def _dig(data: object, keys: frozenset[str], depth: int = 0, budget: list[int] | None = None
         ) -> object:
    """The single-key-set search that ``_dig_many`` replaces."""
    budget = budget if budget is not None else [1500]
    if depth > 12 or budget[0] <= 0:
        return None
    budget[0] -= 1
    if isinstance(data, dict):
        for k in keys:
            v = data.get(k)
            if v not in (None, "", [], {}):
                return v
        items = list(data.values())
    elif isinstance(data, list):
        items = data[:100]
    else:
        return None
    for item in items:
        if isinstance(item, dict | list):
            found = _dig(item, keys, depth + 1, budget)
            if found is not None:
                return found
    return None


def test_dig_many_matches_separate_searches() -> None:
    rng = random.Random(5)
    keys = ("a", "b", "c", "d", "e", "x")

    def make(depth: int) -> object:
        if depth > 5 or rng.random() < 0.2:
            return rng.choice(["", "v", 0, None, [], {}, False, 3])
        if rng.random() < 0.4:
            return [make(depth + 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(keys): make(depth + 1) for _ in range(rng.randint(0, 4))}

    keysets = (frozenset({"a"}), frozenset({"b", "c"}), frozenset({"d"}), frozenset({"zz"}))
    for _ in range(2000):
        data = make(0)
        for budget in (1500, 7, 2):
            want = [_dig(data, k, budget=[budget]) for k in keysets]
            assert _dig_many(data, keysets, budget) == want


def test_one_query_metadata_reader() -> None:
    html = (
        '<html lang="en"><head><title>T1</title><link rel="Canonical" href="/c">'
        '<script type="application/LD+JSON">{"@type": "NewsArticle", "headline": "H",'
        ' "datePublished": "2024-01-02"}</script>'
        '<meta property="og:title" content="OG">'
        '<meta itemprop="datePublished" content="2024-01-03">'
        '<script id="__next_data__">{"props": {"publishedAt": "2024-01-04"}}</script>'
        '</head><body><svg><title>icon</title></svg><time datetime="2024-01-05">x</time>'
        '<h2 itemprop="headline">Micro</h2></body></html>'
    )
    quirks = read_all(LexborHTMLParser(html), DEFAULT_LIMITS)
    assert quirks.html_title == "T1" and quirks.canonical == "/c"
    assert quirks.titles == {"og": "OG", "jsonld": "H", "microdata": "Micro"}
    assert quirks.published == [("meta", "2024-01-03"), ("jsonld", "2024-01-02"),
                                ("next_data", "2024-01-04"), ("microdata", "2024-01-03"),
                                ("time", "2024-01-05")]
    standard = read_all(LexborHTMLParser("<!DOCTYPE html>" + html), DEFAULT_LIMITS)
    assert ("next_data", "2024-01-04") not in standard.published  # ids are case-sensitive


@pytest.mark.parametrize(
    "page",
    [
        b"<p>plain</p>",
        "<p>caf\u00e9 \u201cq\u201d \ud55c\uad6d</p>".encode(),
        b"\xef\xbb\xbf<p>bom</p>",
        b"<p>nul\x00byte</p>",
        b"<p>" + "\x85\x9f".encode() * 5 + b"ok</p>",
        b"<p>" + "\ufffd".encode() * 30 + b"</p>",
        b"<p>" + b"\x01" * 40 + b"</p>",
        "<meta charset=euc-kr><p>\ud55c\uad6d\uc5b4</p>".encode("cp949"),
        b"<p>bad \xff utf-8</p>",
    ],
)
def test_decode_fast_paths(page: bytes) -> None:
    try:
        text, raw = decode_page(page, charset=None, content_type=None, limits=DEFAULT_LIMITS)
    except ParseError as exc:
        # The plain check refuses it too.
        text = page.decode("utf-8", "replace").lstrip("\ufeff")
        assert exc.reason == "undecodable" and _bad_ratio(text) > 0.2
        return
    assert text == decode_html(page, charset=None, content_type=None, limits=DEFAULT_LIMITS)
    if raw is not None:
        assert raw == text.encode("utf-8")
    strict = ParseLimits(max_replacement_ratio=0.0)
    if _bad_ratio(text) > 0:
        with pytest.raises(ParseError):
            decode_page(page, charset=None, content_type=None, limits=strict)


def test_walk_skipping_ruby_readings_equals_removing_them() -> None:
    """The walk skips ``<rt>``/``<rp>`` (``content.SKIP_NODES``) instead of a query that removes
    them first: the blocks are the same."""
    rng = random.Random(11)
    words = ["子", "ども", "法律", "を", "守", "る", "Tokyo", " ", "、", "。"]
    for _ in range(200):
        parts = []
        for _ in range(rng.randint(1, 12)):
            word = rng.choice(words)
            if rng.random() < 0.5:
                parts.append(f"<ruby>{word}<rp>(</rp><rt>{rng.choice(words)}</rt><rp>)</rp></ruby>")
            elif rng.random() < 0.3:
                parts.append(f"<a href='#'><ruby><span>{word}</span><rt>x</rt></ruby></a>")
            else:
                parts.append(word)
            if rng.random() < 0.2:
                parts.append("</p><p>")
        html = f"<html><body><article><p>{''.join(parts)}</p></article></body></html>"
        skipped = walk(LexborHTMLParser(html).body, "https://a.example/", {}, DEFAULT_LIMITS)
        tree = LexborHTMLParser(html)
        for node in tree.body.css("rt, rp"):
            node.decompose()
        removed = walk(tree.body, "https://a.example/", {}, DEFAULT_LIMITS)
        assert skipped.blocks == removed.blocks, html


def test_normal_names_skips_the_hump_regex_only_without_capitals() -> None:
    rng = random.Random(13)
    names = ["", "articleRelated", "ARTICLE", "a1B", "nav-menu", "ÉtéSidebar", "ſide", "İx",
             "x_Y z", "123"]
    names += ["".join(rng.choice("aAbBzZ09-_ éÉ") for _ in range(rng.randint(0, 20)))
              for _ in range(5000)]
    for name in names:
        assert _normal_names(name) == sel.CAMEL_HUMP.sub("-", name).lower(), name


def _plain_subtitle(tree: LexborHTMLParser, headline: LexborNode, title: str) -> str | None:
    """The explicit-markup step of ``find_subtitle`` as three queries, one per scope."""
    scope = headline.parent
    for _ in range(3):
        if scope is None or scope.tag in ("body", "html"):
            break
        found = _clean_subtitle(scope.css_first(sel.SUBTITLE_SELECTOR), title)
        if found:
            return found
        scope = scope.parent
    return None


def test_subtitle_one_query_for_the_widest_scope() -> None:
    """``find_subtitle`` queries the three scopes above the headline only when the widest holds
    subtitle markup: it finds what the three queries find (both kinds of result occur)."""
    rng = random.Random(17)
    dek = "A standfirst that says what the story is about in a sentence"
    pieces = [f'<p class="dek">{dek}</p>', f'<div class="subtitle">{dek} too</div>',
              '<p class="deck">Short</p>', f'<p class="subtitle"><a href="/">{dek}</a></p>',
              "<p>Plain words of a paragraph</p>", f'<span class="sub-title">{dek}, again</span>']
    found = set()
    for _ in range(400):
        html = '<h1 id="headline">The title</h1>'
        for _ in range(rng.randint(1, 5)):
            before = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2)))
            after = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 2)))
            html = f"<div>{before}{html}{after}</div>"
        tree = LexborHTMLParser(f"<html><body>{html}<p>{dek}</p></body></html>")
        headline = tree.css_first("#headline")
        assert headline is not None
        # (no <h2> in these pages: the step after the explicit markup finds nothing)
        want = _plain_subtitle(tree, headline, "The title")
        assert find_subtitle(tree, headline, "The title") == want, html
        found.add(want is None)
    assert found == {True, False}


def _plain_after_labels(text: str, labels: tuple[str, ...], pattern: re.Pattern[str]
                        ) -> list[tuple[int, str]]:
    """``after_labels`` with one search per label."""
    starts = []
    for label in labels:
        at = text.find(label)
        while at >= 0:
            if not at or not (text[at - 1].isalnum() or text[at - 1] in "_-"):
                starts.append((at, at + len(label)))
            at = text.find(label, at + 1)
    return [(at, found.group(0)) for at, end in sorted(starts)
            if (found := pattern.match(text, end))]


def test_after_labels_grouped_searches_find_every_label() -> None:
    rng = random.Random(19)
    pieces = [*BYLINE_LABELS, "y", "uthor", "s", "(s)", "ed by", " ", "-", "_", "x", "é",
              ": Jane Doe", " Jane Doe", "\n", "Au", "B"]
    pattern = re.compile(r"[:\s]+[A-Z]\w+")
    label_sets = [BYLINE_LABELS, ("By", "By", "Author"), ("ab", "b", "xab", "Xab"), ("a",)]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        for labels in label_sets:
            got = [(at, found.group(0)) for at, found in after_labels(text, labels, pattern)]
            assert got == _plain_after_labels(text, labels, pattern), (text, labels)
