"""Context rules on top of the taggers: common nouns, credits, natural features and datelines in
Korean; headlines, roles, place words, speaking "places" and datelines in English.

The examples are invented and differ from the parse fixtures the rules were noticed on."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from streams.enrich import korean

from .conftest import base_lexicon, default_enricher, enrich
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
    enricher = replace(default_enricher(), crf=FixedSpans(*spans))  # type: ignore[arg-type]
    found = korean.extract(enricher, text, base_lexicon())
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


def test_credit_written_like_a_dateline_names_only_the_source() -> None:
    result = enrich(article("제목", "강원도가 새 사업을 발표했다.",
                            captions=["(출처=연합뉴스)", "[사진=뉴스1]"]))
    found = names(result)
    assert found.get("연합뉴스") == "organization"
    assert "출처" not in found and "사진" not in found


def test_title_after_a_person_and_an_organisation_is_the_persons() -> None:
    # 김무성 새누리당 대표 in KLUE: the party stayed an organisation only when no rule retyped it.
    text = "검찰은 박도윤 전 한빛건설 사장을 기소했고 최정민 미래연대당 대표는 회견을 열었다."
    found = crf_types(text, ("박도윤", "PS"), ("한빛건설", "OG"), ("최정민", "PS"),
                      ("미래연대당", "OG"))
    assert found["한빛건설"] == found["미래연대당"] == "organization"
    assert found["박도윤"] == found["최정민"] == "person"
    # The cue-name rule (a name before a title) must not claim the college before the CRF does.
    found = {m.surface: m.type for m in korean.extract(default_enricher(),
                                                        "표창원 전 경찰대 교수는 방송에 출연했다.",
                                                        base_lexicon())}
    assert found == {"표창원": "person", "경찰대": "organization"}


def test_cue_name_gives_way_to_a_longer_crf_person() -> None:
    found = crf_types("이날 시사회에는 조스 웨던 감독과 배우들이 참석했다.", ("조스 웨던", "PS"))
    assert found == {"조스 웨던": "person"}


def test_unknown_acronyms_are_not_organisations() -> None:
    found = names(enrich(article("새 스마트폰 출시", "새 스마트폰은 QHD 화질의 화면과 ATM 결제 "
                                 "기능을 갖췄다.")))
    assert "QHD" not in found and "ATM" not in found


def test_the_presidential_office_is_an_organisation() -> None:
    found = names(enrich(article("차관 인사", "청와대는 13일 새 정부 차관 인사를 발표했다.")))
    assert found["청와대"] == "organization"


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
