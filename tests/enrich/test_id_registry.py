"""Canonical ids never change meaning between releases (streams/enrich/data/id_registry.tsv)."""

from __future__ import annotations

import re

from streams.enrich.lexicon import Known
from streams.enrich.resources import read_tsv

from .conftest import base_lexicon


def emitted() -> dict[str, Known]:
    """Every canonical id the lexicon can give a mention (gazetteer and CLDR territories)."""
    return {known.id: known for known in base_lexicon().by_key.values()
            if known.source in ("gazetteer", "iso") and known.id}


def registry() -> dict[str, tuple[str, str]]:
    rows = read_tsv("id_registry.tsv")
    assert rows[0] == ["id", "type", "name_en", "name_ko"]
    ids = [row[0] for row in rows[1:]]
    assert len(ids) == len(set(ids)), "an id is registered twice"
    return {row[0]: (row[1], row[2]) for row in rows[1:]}


def meaning(entity_id: str, etype: str, name_en: str) -> tuple[str, ...]:
    """What an id stands for: its type, and the English name of a gazetteer entity (a country
    id stands for its ISO code, whatever CLDR calls the country in a given release)."""
    return (etype,) if re.fullmatch(r"loc:[A-Z]{2}", entity_id) else (etype, name_en)


def test_no_shipped_id_disappears_or_changes_meaning() -> None:
    now = emitted()
    gone = sorted(set(registry()) - set(now))
    assert not gone, f"shipped ids no longer emitted: {gone}"
    changed = [
        (entity_id, (etype, name_en), (now[entity_id].type, now[entity_id].name_en))
        for entity_id, (etype, name_en) in registry().items()
        if meaning(entity_id, etype, name_en)
        != meaning(entity_id, now[entity_id].type, now[entity_id].name_en or "")
    ]
    assert not changed, f"ids whose meaning changed (registered -> now): {changed}"


def test_every_emitted_id_is_registered() -> None:
    new = [known for entity_id, known in sorted(emitted().items()) if entity_id not in registry()]
    rows = "\n".join(f"{k.id}\t{k.type}\t{k.name_en or ''}\t{k.name_ko or ''}" for k in new)
    assert not new, f"append to streams/enrich/data/id_registry.tsv:\n{rows}"
