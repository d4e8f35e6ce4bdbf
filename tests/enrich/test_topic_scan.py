"""Topic scoring reads English terms in Korean text from its ASCII skeleton: every topic pattern
finds as many hits there as in the whole text (the same matches, in a much shorter string)."""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.enrich import topics

EVAL = Path(__file__).parent / "data" / "topics_eval.jsonl"
TOPICS = topics.load().topics
TRICKY = [
    "오픈AI가 AI 반도체를 공개했다",  # Latin glued after Hangul: no word boundary before "AI"
    "win 경기에서 이겼다, art 전시",  # terms that need the space after them
    "AI, 그리고 5G망과 G20 회의",  # a term that needs its comma; terms with digits
    "interest 한국 rate와 stock  market",  # words apart must not join into "interest rate"
    "“World Cup”·S&P 500 지수… e-sports",  # non-ASCII punctuation around terms
]


def hits(text: str) -> list[int]:
    return [len(t.pattern_en.findall(text + " ")) for t in TOPICS]


def same_hits(piece: str) -> None:
    low = piece.lower()
    assert hits(low) == hits(topics._ascii_skeleton(low)), piece


def test_tricky_mixtures_and_the_korean_evaluation_articles() -> None:
    rows = [orjson.loads(line) for line in EVAL.read_bytes().splitlines() if line.strip()]
    pieces = TRICKY + [p for r in rows if r["language"] == "ko" for p in (r["title"], r["text"])]
    for piece in pieces:
        same_hits(piece)
    assert sum(sum(hits(p.lower())) for p in TRICKY) >= 8  # the mixtures do hit English terms


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["한국", "경제", "오픈", "AI", "win", "art", "stock", "market",
                                 "interest", "rate", "5G", "G20", " ", "  ", ",", "…", "·", "“",
                                 "\n", "S&P", "e-sports", "은", "가", "1"]), max_size=40)
       .map("".join))
def test_random_mixtures(piece: str) -> None:
    same_hits(piece)
