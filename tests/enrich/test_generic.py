"""Generic behaviour: English articles, unknown names, alias learning, empty input, ids."""

from __future__ import annotations

from streams.enrich.ids import normalise, unknown_id
from streams.records import Article, Block, Image

from .conftest import by_id, by_surface, enrich, ner_spans


def article(title: str, *paragraphs: str, language: str | None = None,
            tags: list[str] | None = None, captions: list[str] | None = None) -> Article:
    return Article(
        id="x", url="https://example.com/a", canonical_url="https://example.com/a",
        title=title, language=language,
        blocks=[Block("paragraph", p) for p in paragraphs], text="\n\n".join(paragraphs),
        images=[Image(src="https://example.com/i.jpg", caption=c) for c in captions or []],
        tags=tags or [],
    )


def test_empty_article() -> None:
    result = enrich(article("", language="ko"))
    assert result.entities == [] and result.topics == [] and result.keywords == []
    assert result.language == "ko"


def test_english_article() -> None:
    result = enrich(article(
        "Nvidia shares jump as Jensen Huang unveils new AI chips",
        "Nvidia chief executive Jensen Huang said on Tuesday that the company would ship its "
        "next generation of AI chips to Microsoft and Oracle this year.",
        "Huang spoke in Taipei, Taiwan. Analysts at Morgan Stanley said demand from the "
        "United States and China remained strong despite export controls.",
    ))
    ids = by_id(result)
    assert result.language == "en"
    assert ids["org:nvidia"].in_title and ids["org:nvidia"].type == "organization"
    huang = ids["per:jensen-huang"]
    assert "Huang" in huang.surface_forms and huang.name == "Jensen Huang"
    assert {"org:microsoft", "org:oracle", "loc:TW", "loc:US", "loc:CN"} <= set(ids)
    assert not [e for e in result.entities if e.name in ("Analysts", "Tuesday")]
    assert any(t.code == "medtop:13000000" for t in result.topics)
    assert any(t.code == "medtop:04000000" for t in result.topics)


def test_english_unknown_person_by_title_and_coreference() -> None:
    result = enrich(article(
        "Mayor outlines budget",
        "Mayor Karen Whitfield presented the budget on Monday. Whitfield said taxes would fall.",
    ))
    person = by_surface(result, "Karen Whitfield")
    assert person.type == "person" and "Whitfield" in person.surface_forms
    assert person.id == unknown_id("Karen Whitfield")


def test_unknown_names_get_deterministic_ids() -> None:
    text = "헤르만 크라우제 대변인은 라온테크놀로지스를 방문했다. 크라우제는 만족했다."
    first = enrich(article("라온테크놀로지스 방문", text))
    second = enrich(article("다른 제목", text))
    a = by_surface(first, "헤르만 크라우제")
    b = by_surface(second, "헤르만 크라우제")
    assert a.id == b.id == unknown_id("헤르만 크라우제")
    assert a.id.startswith("unk:") and len(a.id) == 16
    assert a.type == "person" and "크라우제" in a.surface_forms  # cue 대변인, coreference
    assert by_surface(first, "라온테크놀로지스").id == unknown_id("라온테크놀로지스")


def test_normalisation_ignores_spacing_case_and_hash() -> None:
    assert normalise("샘 올트먼") == normalise("#샘올트먼")
    assert normalise("OpenAI") == normalise("openai")
    assert unknown_id("Foo Bar") == unknown_id("foo  bar")


def test_alias_learning_from_parentheses() -> None:
    result = enrich(article(
        "한빛테크, 새 플랫폼 공개",
        "한빛테크는 ‘라온 클라우드(Raon Cloud)’라는 서비스를 공개했다.",
        "Raon Cloud는 다음 달 출시된다. 라온 클라우드의 가격은 미정이다.",
    ))
    product = by_surface(result, "라온 클라우드")
    assert "Raon Cloud" in product.surface_forms
    assert product.name_en == "Raon Cloud" and product.name_ko == "라온 클라우드"
    assert product.type == "product"
    assert product.id == unknown_id("Raon Cloud")
    assert product.mentions == 4


def test_alias_pair_joins_known_entity() -> None:
    result = enrich(article("제목", "국제통화기금(IMF)은 성장률 전망을 낮췄다. IMF는 경고했다."))
    imf = by_id(result)["org:imf"]
    assert {"국제통화기금", "IMF"} <= set(imf.surface_forms) and imf.mentions == 3


def test_korean_cues_and_suffixes() -> None:
    result = enrich(article(
        "제목",
        "김철수 국민의힘 의원은 이날 부산시청에서 기자회견을 열었다. 박영희 씨도 부산에 왔다.",
    ))
    ids = by_id(result)
    assert by_surface(result, "김철수").type == "person"
    assert by_surface(result, "박영희").type == "person"
    assert ids["org:people-power-party"].type == "organization"
    assert ids["loc:busan"].type == "location" and "부산" in ids["loc:busan"].surface_forms
    # The CRF (KLUE conventions) takes the city hall as a name of its own, not as 부산.
    assert by_surface(result, "부산시청").type in ("location", "organization")


def test_wikidata_classes_from_multi_dict() -> None:
    result = enrich(article("제목", "나렌드라 모디와 메릴 스트립이 만났다."))
    assert by_surface(result, "메릴 스트립").type == "person"
    assert by_surface(result, "메릴 스트립").source == "wikidata"


def test_known_words_are_not_matched_inside_longer_words() -> None:
    result = enrich(article("제목", "메타버스와 애플리케이션 시장이 커졌다."))
    assert "org:meta" not in by_id(result) and "org:apple" not in by_id(result)


def test_hashtag_topic_words_are_not_entities() -> None:
    result = enrich(article("제목", "본문입니다.", tags=["인공지능동맹", "오픈AI"]))
    assert [e.id for e in result.entities] == ["org:openai"]
    assert result.entities[0].surface_forms == ["#오픈AI"]


def test_caption_only_flag() -> None:
    result = enrich(article("제목", "카카오가 발표했다.", captions=["네이버 사옥 전경"]))
    assert by_id(result)["org:naver"].caption_only
    assert not by_id(result)["org:kakao"].caption_only


def test_ner_spans_on_plain_sentence() -> None:
    sentence = "이재명 대통령은 서울에서 삼성전자 관계자를 만났다."
    spans = {(sentence[s.start:s.end], s.type) for s in ner_spans(sentence)}
    assert {("이재명", "person"), ("서울", "location"), ("삼성전자", "organization")} <= spans
