"""Shared fixtures: the seed article (built from /work/shared/seed/000_863ba47d1e8e89c5.txt)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from streams.enrich import enrich
from streams.records import Article, Block, Enrichment, Entity, Image

FIXTURES = Path(__file__).parent / "fixtures"


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
