"""Context rules on top of the taggers: common nouns, credits, natural features and datelines in
Korean; headlines, roles, place words, speaking "places" and datelines in English.

The examples are invented and differ from the parse fixtures the rules were noticed on."""

from __future__ import annotations

from typing import Any

from streams.enrich import enrich, korean
from streams.enrich.lexicon import base_lexicon

from .test_generic import article


def names(result: Any) -> dict[str, str]:
    return {entity.name: entity.type for entity in result.entities}


class FixedSpans:
    """Stands in for the CRF with chosen spans, to test what ``korean`` does with them."""

    def __init__(self, *spans: tuple[str, str]) -> None:
        self.wanted = spans

    def spans(self, text: str, tokens: Any, known: Any) -> list[tuple[int, int, str]]:
        return [(text.index(s), text.index(s) + len(s), label) for s, label in self.wanted]


def crf_types(text: str, *spans: tuple[str, str]) -> dict[str, str]:
    found = korean.extract(text, base_lexicon(), model=FixedSpans(*spans))  # type: ignore[arg-type]
    return {m.surface: m.type for m in found}


# --- Korean --------------------------------------------------------------------------------


def test_compass_regions_and_units_are_not_names() -> None:
    found = crf_types("중부 지방과 남부 지방에 비가 오고 요금은 1킬로와트시(kWh)당 300원이다.",
                      ("남부", "OG"), ("킬로와트시", "OG"), ("kWh", "OG"))
    assert not {"남부", "중부", "킬로와트시", "kWh"} & set(found)


def test_credit_word_is_cut_from_the_source() -> None:
    assert crf_types("반달곰이 겨울잠에서 깼다. 사진=라온생태연구소 제공",
                     ("라온생태연구소 제공", "OG")) == {"라온생태연구소": "organization"}


def test_mountain_or_river_tagged_as_a_person_is_a_place() -> None:
    found = crf_types("설악산 단풍이 절정이고 김민호 씨는 낙동강을 찾았다.",
                      ("설악산", "PS"), ("김민호", "PS"), ("낙동강", "PS"))
    assert found == {"설악산": "location", "김민호": "person", "낙동강": "location"}


def test_wire_dateline_gives_place_and_agency() -> None:
    result = enrich(article("제목", "(춘천=연합뉴스) 한지우 기자 = 강원도가 새 사업을 발표했다."))
    found = names(result)
    assert found["춘천"] == "location" and found["연합뉴스"] == "organization"
    assert "춘천=연합뉴스" not in found


# --- English -------------------------------------------------------------------------------


def test_title_case_headline_words_are_not_names() -> None:
    result = enrich(article("Ten Ways To Save Money On Groceries This Year",
                            "Buying in bulk and planning meals cut the bill, shoppers say.",
                            language="en"))
    assert names(result) == {}


def test_title_case_headline_keeps_names_the_body_uses() -> None:
    result = enrich(article("Why Maria Lopez Left Harbor Robotics",
                            "Maria Lopez said the decision took a year.", language="en"))
    assert names(result).get("Maria Lopez") == "person"


def test_role_before_a_name_makes_a_person() -> None:
    result = enrich(article("Storm update", "The storm moved east overnight.",
                            "Reuters reporter Anna Whitcombe contributed to this report.",
                            language="en"))
    assert names(result).get("Anna Whitcombe") == "person"


def test_place_words_type_unknown_runs_as_places() -> None:
    result = enrich(article("Floods", "Floodwater reached homes near Dunmore and farms north of "
                            "Kellerton on Sunday.", language="en"))
    found = names(result)
    assert found.get("Dunmore") == "location" and found.get("Kellerton") == "location"


def test_a_place_suffix_that_speaks_is_a_person() -> None:
    result = enrich(article("Budget", "\"We need more time,\" Jenny Lake said on Monday.",
                            language="en"))
    assert names(result).get("Jenny Lake") == "person"


def test_two_streets_joined_by_and_are_two_places() -> None:
    result = enrich(article("Works", "Crews closed the corner of Elm Street and Oak Avenue.",
                            language="en"))
    found = names(result)
    assert found.get("Elm Street") == "location" and found.get("Oak Avenue") == "location"
    assert "Elm Street and Oak Avenue" not in found


def test_wire_dateline_city_is_a_place() -> None:
    result = enrich(article("Fire", "BOISE, Idaho (AP) — Crews contained a grass fire on Friday.",
                            language="en"))
    found = {e.name.casefold(): e.type for e in result.entities}
    assert found.get("boise") == "location" and found.get("idaho") == "location"
    assert "crews" not in found  # the first word after the dateline starts a sentence
