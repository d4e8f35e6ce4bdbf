"""From mentions to entities: canonical ids, within-article coreference and salience.

Mentions of one known entity share its id whatever the spelling. Unknown mentions are grouped by
their normalised key (``샘올트먼`` = ``샘 올트먼``); then a lone word that is the first or last word
of exactly one multi-word person in the article (``올트먼`` after ``샘 올트먼``, ``Altman`` after
``Sam Altman``) joins that person. Typing of an unknown group takes the type most of its most
confident mentions agree on. A group typed as a location that names one dominant city gets the
city's id (:mod:`streams.enrich.places`), which also joins its spellings in both languages.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from streams.enrich import rules
from streams.enrich.ids import normalise, unknown_id
from streams.enrich.lexicon import Known, is_hangul
from streams.enrich.mention import Mention
from streams.enrich.places import Places
from streams.records import Entity, EntityType

Segment = Literal["title", "text", "caption", "tag"]
_COUNTRY_ID = re.compile(r"loc:[A-Z]{2}")


@dataclass(slots=True)
class Located:
    """A mention placed in the article: which part it is in and its offset in ``article.text``."""

    mention: Mention
    segment: Segment
    offset: int
    part: int = 0  # index of the piece of the article (title, text, each caption)


@dataclass(slots=True)
class _Group:
    key: str
    known: Known | None
    items: list[Located] = field(default_factory=list)


def resolve(located: list[Located], lead: tuple[int, int], language: str | None,
            places: Places) -> list[Entity]:
    """Entities in salience order (title first, then by first offset, then by id)."""
    groups: dict[str, _Group] = {}
    pending: list[Located] = []
    for item in located:
        known = item.mention.known
        if known is not None:
            groups.setdefault(known.id, _Group(known.id, known)).items.append(item)
        else:
            pending.append(item)
    by_key = _keys(groups)
    for item in pending:
        key = normalise(item.mention.surface)
        target = by_key.get(key)
        if target is None:
            target = unknown_id(item.mention.surface)
            groups.setdefault(target, _Group(target, None))
            by_key[key] = target
        groups[target].items.append(item)
    _coreference(groups)
    _link_places(groups, places, language)
    for group in groups.values():
        if group.known is None and all(
            item.mention.source == "weak"
            or (item.segment == "tag" and item.mention.confidence < 0.25)
            for item in group.items
        ):
            group.items = []  # a topic-word hashtag or a sentence-initial word, not a name
        elif group.known is None and all(_surname_alone(item.mention.surface)
                                         for item in group.items):
            group.items = []  # 우 의장, 박 씨, 박모 씨: a surname, not a name to track
    entities = [_entity(group, lead, language) for group in groups.values() if group.items]
    entities.sort(key=lambda e: (not e.in_title, e.first_offset, -e.mentions, e.id))
    return entities


def _surname_alone(surface: str) -> bool:
    """A Korean surname written alone before a title (``우`` in ``우 의장``, ``박모 씨``), or
    the capital letter that stands for an unnamed person (``A씨``)."""
    return (len(surface) == 1 and (is_hangul(surface) or "A" <= surface <= "Z")) or (
        len(surface) == 2 and is_hangul(surface[0]) and surface[1] == "모")


def _keys(groups: dict[str, _Group]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for group_id, group in sorted(groups.items()):
        names = [group.known.name_ko, group.known.name_en] if group.known else []
        for name in [*names, *(item.mention.surface for item in group.items)]:
            if name:
                keys.setdefault(normalise(name), group_id)
    return keys


def _coreference(groups: dict[str, _Group]) -> None:
    """Merge single-word groups into the one multi-word person whose first/last word they are."""
    parts: dict[str, set[str]] = {}
    for group_id, group in groups.items():
        if _type_of(group)[0] != "person":
            continue
        names = {item.mention.surface for item in group.items}
        if group.known is not None:
            names |= {n for n in (group.known.name_ko, group.known.name_en) if n}
        for name in names:
            words = name.split()
            if len(words) >= 2:
                for word in (words[0], words[-1]):
                    parts.setdefault(normalise(word), set()).add(group_id)
    for group_id in sorted(groups):
        group = groups[group_id]
        if group.known is not None or not group.items:
            continue
        surfaces = {normalise(item.mention.surface) for item in group.items}
        if len(surfaces) != 1:
            continue
        owners = parts.get(surfaces.pop(), set()) - {group_id}
        if len(owners) == 1:
            owner = owners.pop()
            groups[owner].items.extend(group.items)
            group.items = []


def _link_places(groups: dict[str, _Group], places: Places, language: str | None) -> None:
    """Give an unknown group typed as a location the id of the city its names mean (in the
    countries the article names, if it names a city there), merging the groups that name one
    city (``San Antonio`` and ``샌안토니오``)."""
    countries = frozenset(group_id[4:] for group_id, group in groups.items()
                          if group.items and _COUNTRY_ID.fullmatch(group_id))
    if language is not None and language.startswith("ko"):
        countries |= {"KR"}  # a Korean page's unnamed places are Korean ones first
    for group_id in sorted(groups):
        group = groups[group_id]
        if group.known is not None or not group.items or _type_of(group)[0] != "location":
            continue
        for surface in sorted({item.mention.surface for item in group.items}):
            place = places.link(surface, countries)
            if place is not None:
                groups.setdefault(place.id, _Group(place.id, place)).items.extend(group.items)
                group.items = []
                break


def _type_of(group: _Group) -> tuple[EntityType, str, float]:
    """The known entity's type; else that of the most confident mentions: any type rather than
    ``other`` (untyped), then the majority among them, a tie going to the type the name's suffix
    gives (``송파구`` read once as a person and once as a place is a place)."""
    if group.known is not None and group.known.source not in ("alias", "geonames"):
        return _as_type(group.known.type), group.known.source, group.known.confidence
    mentions = [item.mention for item in group.items]
    top = max(m.confidence for m in mentions)
    votes = Counter(m.type for m in mentions if m.confidence == top)
    by_suffix = rules.suffix_type_ko(mentions[0].surface)
    best = max(
        (m for m in mentions if m.confidence == top),
        key=lambda m: (m.type != "other", votes[m.type], m.type == by_suffix, m.type),
    )
    source = best.source
    if group.known is not None and group.known.source == "geonames":
        return "location", source, best.confidence  # linked because typed so
    if group.known is not None and best.type == "other":
        source = "alias"
    return _as_type(best.type), source, best.confidence


def _as_type(name: str) -> EntityType:
    allowed: tuple[EntityType, ...] = (
        "person", "organization", "location", "product", "event", "other",
    )
    for etype in allowed:
        if etype == name:
            return etype
    return "other"


def _entity(group: _Group, lead: tuple[int, int], language: str | None) -> Entity:
    etype, source, confidence = _type_of(group)
    surfaces: list[str] = []
    for item in group.items:
        surface = ("#" if item.segment == "tag" else "") + item.mention.surface
        if surface not in surfaces:
            surfaces.append(surface)
    plain = [item.mention.surface for item in group.items if item.segment != "tag"]
    name_ko = group.known.name_ko if group.known else None
    name_en = group.known.name_en if group.known else None
    if group.known is None:
        longest = max(plain or [group.items[0].mention.surface], key=lambda s: (len(s), s))
        name_ko = longest if any(is_hangul(c) for c in longest) else None
        name_en = None if name_ko else longest
    prefer_ko = language is None or language.startswith("ko")
    name = (name_ko or name_en) if prefer_ko else (name_en or name_ko)
    text_items = [item for item in group.items if item.segment in ("title", "text")]
    return Entity(
        id=group.key,
        type=etype,
        name=name or surfaces[0],
        name_ko=name_ko,
        name_en=name_en,
        surface_forms=surfaces,
        mentions=len(group.items),
        first_offset=min(item.offset for item in group.items),
        in_title=any(item.segment == "title" for item in group.items),
        in_lead=any(
            item.segment == "text" and lead[0] <= item.offset < lead[1] for item in group.items
        ),
        caption_only=not text_items and any(item.segment == "caption" for item in group.items),
        source=source,
        confidence=round(confidence, 3),
    )
