"""Shared fixtures: the seed article (built from /work/shared/seed/000_863ba47d1e8e89c5.txt), and
the product's enricher with its shipped models, built once for the session.

``enrich``, ``ner_spans`` and ``base_lexicon`` here are the product's with that enricher; a test
of another setting builds its own variant of it (``dataclasses.replace(default_enricher(),
crf=None)``, ``default_enricher().with_en_model("none")``) and passes it.
"""

from __future__ import annotations

import functools
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from streams.enrich import Enricher, Span, en_model
from streams.enrich import ner_spans as product_ner_spans
from streams.enrich.lexicon import Lexicon
from streams.records import Article, Block, Enrichment, Entity, Image
from streams.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"


@functools.cache
def default_enricher() -> Enricher:
    """The product's enricher with the shipped models (whatever the environment says)."""
    return Enricher.build(replace(Settings(), en_ner_model=en_model.BUILTIN))


def enrich(article: Article, enricher: Enricher | None = None) -> Enrichment:
    return (enricher or default_enricher()).enrich(article)


def ner_spans(sentence: str, enricher: Enricher | None = None,
              drop_generic_bodies: bool = False) -> list[Span]:
    return product_ner_spans(sentence, enricher or default_enricher(), drop_generic_bodies)


def base_lexicon() -> Lexicon:
    return default_enricher().lexicon


@pytest.fixture(scope="session")
def enricher() -> Enricher:
    return default_enricher()


def load_article(name: str) -> Article:
    data = orjson.loads((FIXTURES / name).read_bytes())
    data["blocks"] = [Block(**block) for block in data.get("blocks", [])]
    data["images"] = [Image(**image) for image in data.get("images", [])]
    return Article(**data)


@pytest.fixture(scope="session")
def seed() -> Enrichment:
    return enrich(load_article("seed_openai_ko.json"))


def by_id(enrichment: Enrichment) -> dict[str, Entity]:
    return {entity.id: entity for entity in enrichment.entities}


def by_surface(enrichment: Enrichment, surface: str) -> Entity:
    matches = [e for e in enrichment.entities if surface in e.surface_forms]
    assert len(matches) == 1, (surface, matches)
    return matches[0]
