"""City ids from GeoNames (streams/enrich/places.py): only mentions typed as locations link,
only to a city that dominates its name (in the article's countries first), spellings in both
languages share one id, and the gazetteer's cities keep their ids."""

from __future__ import annotations

from streams.enrich.lexicon import Known, Lexicon
from streams.enrich.places import City, Places, build_places, place_id
from streams.records import Article

from .conftest import default_enricher, enrich

CITIES = [  # most populous first, as load_cities gives them
    City(1, 1_100_000, "GB", "Birmingham", ("버밍엄",)),
    City(2, 900_000, "US", "Gotham", ("고담",)),
    City(3, 212_000, "US", "Birmingham", ("버밍햄",)),
    City(4, 158_000, "GB", "Cambridge", ()),
    City(5, 130_000, "CA", "Cambridge", ()),
    City(6, 118_000, "US", "Cambridge", ()),
    City(7, 100_000, "BR", "São Tomé", ()),
    City(8, 60_000, "US", "Springfield", ()),
    City(9, 50_000, "US", "Springfield", ()),
    City(10, 30_000, "US", "Alamo", ()),
    City(11, 30_000, "US", "Marco Island", ()),
]


def places(lexicon: Lexicon | None = None) -> Places:
    return build_places(CITIES, lexicon or Lexicon())


def test_a_name_links_to_the_city_that_dominates_it() -> None:
    linked = places()
    birmingham = linked.link("Birmingham")
    assert birmingham is not None and birmingham.id == place_id(1) == "loc:gn-1"
    assert birmingham.name_ko == "버밍엄" and birmingham.source == "geonames"
    assert linked.link("버밍엄") == birmingham  # both languages, one id
    assert linked.link("Cambridge") is None  # 158,000 against 130,000: no one city
    assert linked.link("Springfield") is None
    brazil = frozenset({"BR"})
    assert linked.link("Sao Tome", brazil) == linked.link("São Tomé", brazil) is not None
    assert linked.link("Atlantis") is None


def test_a_small_city_needs_a_country_the_article_names() -> None:
    linked = places()
    # 100,000 people: below WELL_KNOWN, so a name typed as a place with no country named
    # (Suffolk the county, Holland the country...) is not taken for it
    assert linked.link("São Tomé") is None
    assert linked.link("São Tomé", frozenset({"US"})) is None
    tome = linked.link("São Tomé", frozenset({"BR"}))
    assert tome is not None and tome.id == place_id(7)
    # under 50,000 people, a one-word name is more often something else (Alamo the firm)
    us = frozenset({"US"})
    assert linked.link("Alamo", us) is None
    island = linked.link("Marco Island", us)
    assert island is not None and island.id == place_id(11)


def test_the_articles_countries_come_first_unless_a_namesake_overwhelms_them() -> None:
    linked = places()
    us = frozenset({"US"})
    us_birmingham = linked.link("Birmingham", us)
    assert us_birmingham is not None and us_birmingham.id == place_id(3)
    cambridge = linked.link("Cambridge", frozenset({"CA"}))
    assert cambridge is not None and cambridge.id == place_id(5)
    assert linked.link("Springfield", us) is None  # both in the US: still ambiguous
    # a city 25 times as populous as the one in the article's countries is the one meant
    huge = build_places([City(1, 5_000_000, "GB", "Lonton", ()),
                         City(2, 100_000, "CA", "Lonton", ())], Lexicon())
    lonton = huge.link("Lonton", frozenset({"CA"}))
    assert lonton is not None and lonton.id == place_id(1)


def test_a_city_the_gazetteer_knows_keeps_its_id_for_every_spelling() -> None:
    lexicon = Lexicon()
    gotham = Known("loc:gotham", "location", None, "Gotham", "gazetteer", 0.95)
    lexicon.add("Gotham", gotham)
    assert places(lexicon).link("고담") == gotham


def test_typed_locations_link_and_other_types_do_not() -> None:
    article = Article(
        id="t", url="https://example.com/a", canonical_url="https://example.com/a",
        title="Floods in Bakersfield",
        text="Residents of Bakersfield were evacuated on Monday after the river rose. "
             "The city of Tulsa sent help. Officials in Bakersfield thanked Tulsa.",
    )
    ids = {e.name: e.id for e in enrich(article).entities if e.type == "location"}
    assert ids["Bakersfield"] == "loc:gn-5325738" and ids["Tulsa"] == "loc:gn-4553433"
    # a city's name in running text that nothing typed as a place makes no entity
    text = "Prices were nice and the mobile team was reading the news."
    plain = Article(id="u", url="https://example.com/b", canonical_url="https://example.com/b",
                    title="Notes", text=text)
    assert not [e for e in enrich(plain).entities if e.id.startswith("loc:gn-")]


def test_korean_and_english_spellings_of_a_city_share_its_id() -> None:
    korean = Article(id="k", url="https://example.kr/a", canonical_url="https://example.kr/a",
                     title="샌안토니오 폭우", text="미국 텍사스주 샌안토니오에 폭우가 내렸다. "
                     "포항과 수원에서도 비가 왔다.")
    found = [e for e in enrich(korean).entities if "샌안토니오" in e.surface_forms]
    assert [e.id for e in found] == ["loc:gn-4726206"]
    assert found[0].name_en == "San Antonio"
    english = default_enricher().places.link("San Antonio", frozenset({"US"}))
    assert english is not None and english.id == "loc:gn-4726206"


def test_a_city_put_in_its_state_is_a_place_in_both_languages() -> None:
    """``San Antonio, Texas`` is a place (``Antonio`` is a given name, and "officials in San
    Antonio said" is the officials speaking); it joins the Korean spelling's id."""
    english = Article(
        id="e", url="https://example.com/c", canonical_url="https://example.com/c",
        title="Storm hits Texas",
        text="Heavy rain fell on San Antonio, Texas on Monday. Officials in San Antonio said "
             "roads were closed. In Group C, Scotland beat Denmark 4-2.",
    )
    entities = {e.name: e for e in enrich(english).entities}
    assert entities["San Antonio"].type == "location"
    assert entities["San Antonio"].id == "loc:gn-4726206"
    assert "Group C" not in entities or entities["Group C"].type != "location"
