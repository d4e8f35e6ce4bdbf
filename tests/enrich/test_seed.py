"""The seed article (Daum/파이낸셜뉴스 on OpenAI for Countries): the issue's must-hold list."""

from __future__ import annotations

import pytest

from streams.records import Enrichment

from .conftest import by_id, by_surface, enrich, load_article

KNOWN = [
    ("org:openai", "organization", "오픈AI", "OpenAI"),
    ("per:sam-altman", "person", "샘 올트먼", "Sam Altman"),
    ("org:deepseek", "organization", "딥시크", "DeepSeek"),
    ("org:kakao", "organization", "카카오", "Kakao"),
    ("org:softbank", "organization", "소프트뱅크", "SoftBank"),
    ("org:microsoft", "organization", "마이크로소프트", "Microsoft"),
    ("org:oracle", "organization", "오라클", "Oracle"),
    ("per:donald-trump", "person", "도널드 트럼프", "Donald Trump"),
    ("loc:CN", "location", "중국", "China"),
    ("loc:JP", "location", "일본", "Japan"),
    ("loc:KR", "location", "대한민국", "South Korea"),
    ("evt:stargate-project", "event", "스타게이트 프로젝트", "Stargate Project"),
    ("org:financial-news", "organization", "파이낸셜뉴스", "The Financial News"),
]


@pytest.mark.parametrize(("entity_id", "etype", "name_ko", "name_en"), KNOWN)
def test_known_entities(seed: Enrichment, entity_id: str, etype: str, name_ko: str,
                        name_en: str) -> None:
    entity = by_id(seed)[entity_id]
    assert entity.type == etype
    assert (entity.name_ko, entity.name_en) == (name_ko, name_en)
    assert entity.source in ("gazetteer", "iso")


def test_openai_surfaces_share_one_id(seed: Enrichment) -> None:
    openai = by_id(seed)["org:openai"]
    assert {"오픈AI", "#오픈AI"} <= set(openai.surface_forms)
    assert openai.mentions >= 10 and openai.in_lead


def test_altman_coreference(seed: Enrichment) -> None:
    altman = by_id(seed)["per:sam-altman"]
    assert {"샘 올트먼", "올트먼", "#샘올트먼"} <= set(altman.surface_forms)
    assert altman.in_title and altman.first_offset == 0
    assert not [e for e in seed.entities if e.id != altman.id and "올트먼" in e.name]


def test_softbank_hashtag_alias(seed: Enrichment) -> None:
    assert "#소뱅" in by_id(seed)["org:softbank"].surface_forms


def test_korea_short_form(seed: Enrichment) -> None:
    assert "한국" in by_id(seed)["loc:KR"].surface_forms


def test_no_fragment_entities(seed: Enrichment) -> None:
    surfaces = {s for e in seed.entities for s in e.surface_forms}
    assert "도널드" not in surfaces and "재팬" not in surfaces and "컨트리" not in surfaces


def test_chris_lehane_by_cue(seed: Enrichment) -> None:
    lehane = by_surface(seed, "크리스 레헨")
    assert lehane.type == "person" and lehane.source == "rule"
    assert lehane.id.startswith("unk:")


def test_sb_openai_japan(seed: Enrichment) -> None:
    venture = by_surface(seed, "SB 오픈AI 재팬")
    assert venture.type == "organization"


def test_openai_for_countries_alias(seed: Enrichment) -> None:
    programme = by_surface(seed, "오픈AI 포 컨트리")
    assert programme.type == "event"
    assert programme.name_en == "OpenAI for Countries"
    assert "OpenAI for Countries" in programme.surface_forms
    assert programme.in_lead


def test_caption_only_person(seed: Enrichment) -> None:
    jung = by_surface(seed, "정신아")
    assert jung.type == "person" and jung.caption_only
    assert not by_id(seed)["org:kakao"].caption_only


def test_salience_order_and_offsets(seed: Enrichment) -> None:
    title_ids = {e.id for e in seed.entities if e.in_title}
    assert {"per:sam-altman", "loc:CN", "org:deepseek"} <= title_ids
    assert all(e.in_title for e in seed.entities[: len(title_ids)])
    assert by_id(seed)["org:financial-news"].first_offset == 1


def test_topics_and_keywords(seed: Enrichment) -> None:
    codes = {t.code for t in seed.topics}
    assert codes & {"medtop:13000000", "medtop:04000000"}
    assert all(0.0 <= t.score <= 1.0 for t in seed.topics)
    assert seed.topics[0].label_ko and seed.topics[0].label_en
    assert 0 < len(seed.keywords) <= 10
    assert "오픈" not in seed.keywords


def test_deterministic(seed: Enrichment) -> None:
    again = enrich(load_article("seed_openai_ko.json"))
    assert again == seed
    assert seed.language == "ko"
