"""Korean precision rules by error class (tests/enrich/pages/FINDINGS.md), on sentences written
for these tests (none is taken from the labelled pages): each asserts what must and must not come
out of the product path (``enrich``) or the extraction (``korean.extract``)."""

from __future__ import annotations

from streams.enrich import korean
from streams.records import Article, Entity

from .conftest import base_lexicon, default_enricher, enrich


def _entities(text: str, title: str = "") -> list[Entity]:
    article = Article(id="t", url="https://example.kr/news/1",
                      canonical_url="https://example.kr/news/1", title=title, text=text)
    return enrich(article).entities


def _forms(entities: list[Entity]) -> set[str]:
    return {form.lstrip("#") for entity in entities for form in entity.surface_forms}


def _by_form(entities: list[Entity], form: str) -> Entity:
    return next(e for e in entities if form in e.surface_forms)


def _extract(text: str) -> list[tuple[str, str]]:
    return [(m.surface, m.type) for m in korean.extract(default_enricher(), text, base_lexicon())]


def test_chain_of_names_is_split_at_known_words() -> None:
    entities = _entities("부산 해운대구 우동에서 열린 설명회에는 주민 200여 명이 모였다. "
                         "일본 소니는 새 카메라를 공개했다.")
    forms = _forms(entities)
    assert "부산" in forms and _by_form(entities, "부산").id == "loc:busan"
    assert not any(form.startswith("부산 ") for form in forms)
    assert "일본 소니" not in forms


def test_chain_kept_whole_for_klue_convention() -> None:
    spans = korean.extract(default_enricher(), "부산 해운대구 우동에서 설명회가 열렸다.",
                           base_lexicon(),
                           split_chains=False)
    assert all(m.surface != "부산" for m in spans) or any(" " in m.surface for m in spans)


def test_country_abbreviations_are_linked() -> None:
    entities = _entities("한미 외교장관은 이날 통화했고, 남북관계 개선도 논의했다. "
                         "북은 아직 반응하지 않았다.")
    ids = {form: _by_form(entities, form).id for form in ("한", "미", "남", "북")
           if form in _forms(entities)}
    assert ids.get("미") == "loc:US" and ids.get("북") == "loc:KP"
    assert all(entity.type != "person" for entity in entities if len(entity.name) == 1)


def test_north_korea_us_talks_versus_north_america() -> None:
    talks = _entities("전문가들은 연내 북미 대화 재개 가능성을 낮게 봤다.")
    assert "북미" not in _forms(talks)
    assert {e.id for e in talks} >= {"loc:KP", "loc:US"}
    tour = _entities("밴드는 내년 봄 북미 투어에 나선다.")
    assert any(e.id == "loc:north-america" for e in tour)


def test_surname_with_title_is_not_an_entity() -> None:
    entities = _entities("정하윤 의장은 이날 본회의를 열었다. 정 의장은 여야 합의를 촉구했다. "
                         "경찰은 최 씨를 불러 조사했다.")
    assert not {"정", "최"} & _forms(entities)
    assert "정하윤" in _forms(entities)


def test_interview_markers_are_not_names() -> None:
    entities = _entities("[인터뷰] 오세린 / 전통시장 상인\n\"손님이 절반으로 줄었어요.\"\n"
                         "[리포트]\n물가가 계속 오르고 있습니다.")
    assert not {"인터뷰", "리포트"} & _forms(entities)


def test_couple_is_two_people() -> None:
    entities = _entities("배우 한지오♥모델 윤서아 부부, 결혼 3년 만에 득녀")
    forms = _forms(entities)
    assert not any("♥" in form or "부부" in form for form in forms)
    assert {"한지오", "윤서아"} <= forms
    assert _by_form(entities, "윤서아").type == "person"


def test_platform_credit_is_cut_from_the_name() -> None:
    entities = _entities("가수 민채원이 새 앨범을 냈다. 사진=민채원 유튜브 채널 갈무리\n"
                         "사진=민채원 인스타그램")
    forms = _forms(entities)
    assert not any(form.endswith(("인스타그램", "유튜브")) and " " in form for form in forms)


def test_long_person_span_is_a_title() -> None:
    types = {surface: etype for surface, etype in _extract(
        "그는 예능 나 홀로 산다 에 출연해 근황을 전했다.")}
    assert all(etype != "person" for surface, etype in types.items() if len(surface.split()) >= 3)


def test_suffix_types_crf_spans() -> None:
    spans = dict(_extract("올해 진해군항제와 영암 왕인문화축제에는 관광객 50만 명이 몰렸다."))
    assert all(etype == "event" for surface, etype in spans.items() if surface.endswith("축제"))


def test_particles_and_marks_are_cut() -> None:
    spans = [surface for surface, _ in _extract(
        "(서울=뉴시스) 삼성전자에 HBM 공급을 요청한 업체는 AP=연합뉴스 보도로 알려졌다.")]
    assert not any("에 " in surface or "=" in surface for surface in spans)


def test_affiliation_in_parentheses_is_not_an_alias() -> None:
    entities = _entities("손흥민(LAFC)은 이날 결승골을 넣었다.")
    son = [e for e in entities if e.id == "per:son-heung-min"]
    assert son and "LAFC" not in son[0].surface_forms


def test_country_name_read_as_common_word_is_not_linked() -> None:
    assert not _extract("정부는 대북 인도 지원 물자를 보냈다.")
    assert ("인도", "location") in _extract("인도 정부는 수출 규제를 발표했다.")


def test_hyphenated_abbreviations_and_longer_names() -> None:
    entities = _entities("한-일 정상은 이날 회담했다. 한국감정평가원은 새 지수를 냈다.")
    assert {"loc:KR", "loc:JP"} <= {e.id for e in entities}
    assert "한-일" not in _forms(entities)
    assert not any(e.id == "loc:KR" and "한국" in e.surface_forms for e in entities)


def test_letter_standing_for_a_person_is_not_an_entity() -> None:
    entities = _entities("경찰은 B씨를 사기 혐의로 입건했다. B씨는 혐의를 부인했다.")
    assert "B" not in _forms(entities)


def test_unknown_name_takes_the_type_most_mentions_agree_on() -> None:
    from streams.enrich.mention import Mention
    from streams.enrich.resolve import Located, resolve

    def at(offset: int, surface: str, etype: str) -> Located:
        return Located(Mention(offset, offset + len(surface), surface, etype, "crf", 0.6),
                       "text", offset)

    # two readings as an organisation beat one as a person, whatever the order
    entities = resolve([at(0, "한빛테크", "person"), at(20, "한빛테크", "organization"),
                        at(40, "한빛테크", "organization")], (0, 10), "ko",
                       default_enricher().places)
    assert [e.type for e in entities] == ["organization"]
    # a tie goes to the type of the name's suffix: a district, not a person
    entities = resolve([at(0, "가람구", "person"), at(30, "가람구", "location")], (0, 10), "ko",
                       default_enricher().places)
    assert [e.type for e in entities] == ["location"]


def test_name_spelt_out_before_an_acronym_is_an_organisation() -> None:
    entities = _entities("한국데이터활용진흥센터(KDAC)는 이날 새 지원 사업을 공고했다. "
                         "KDAC 관계자는 신청이 몰릴 것으로 내다봤다.")
    agency = _by_form(entities, "KDAC")
    assert agency.type == "organization" and "한국데이터활용진흥센터" in agency.surface_forms



def test_bracketed_byline_gives_the_outlet_and_the_reporter() -> None:
    for byline in ("[가온스포츠 한다래 기자]", "[가온스포츠=한다래 기자]",
                   "[가온스포츠 | 한다래 기자]", "[가온스포츠=대전, 한다래 기자]"):
        entities = _entities(f"{byline} 배우 최유나가 새 드라마 주연을 맡았다.")
        assert _by_form(entities, "가온스포츠").type == "organization", byline
        assert _by_form(entities, "한다래").type == "person", byline


def test_broadcast_sign_off_and_transcript_speakers_are_people() -> None:
    entities = _entities(
        "물가가 크게 올랐습니다. 남궁하린 기자입니다.\n\n[인터뷰] 조은새/가람시 물가정책과장\n"
        "\"대책을 마련하겠습니다.\"\n\n◆ 탁서율> 현장은 어렵습니다.\n\n가람뉴스 남궁하린입니다.")
    for name in ("남궁하린", "조은새", "탁서율"):
        assert _by_form(entities, name).type == "person", name


def test_common_nouns_are_not_names_in_enrich() -> None:
    entities = _entities("필리핀 공군은 이날 훈련을 마쳤다. 양측 대표단은 본회의에서 만났다. "
                         "원내수석부대표는 합의문에 서명했다. 한빛어린이병원은 야간 진료를 늘렸다.")
    forms = _forms(entities)
    assert not {"공군", "대표단", "본회의", "원내수석부대표"} & forms
    assert "필리핀" in forms


def test_common_nouns_stay_on_the_klue_path() -> None:
    spans = korean.extract(default_enricher(), "필리핀 공군은 이날 훈련을 마쳤다.",
                           base_lexicon(), split_chains=False)
    assert any(m.surface.endswith("공군") for m in spans)


def test_one_word_crf_person_needs_a_title_a_korean_shape_or_a_full_name() -> None:
    from streams.enrich.mention import Mention

    text = ("일본 정부가 출자한 라미도스는 공장을 짓는다. 배우 윤하람은 웃었다. 토마스 베르크 "
            "장관은 반대했다. 베르크는 이날 귀국했다. 오르테가 대변인은 말을 아꼈다. "
            "오르테가는 회견을 열었다.")

    def crf_person(surface: str) -> Mention:
        start = text.index(surface)
        return Mention(start, start + len(surface), surface, "person", "crf", 0.6)

    mentions = [crf_person(s) for s in ("라미도스", "윤하람", "토마스 베르크", "베르크",
                                        "오르테가")]
    assert korean.unsupported_people(mentions, [text]) == {"라미도스"}


def test_korean_media_districts_and_cities_are_known() -> None:
    entities = _entities("[스포츠동아 박하람 기자] 닐슨코리아에 따르면 시청률이 올랐다. "
                         "마포·송파 아파트값이 뛰었고 평택과 이천의 공장도 늘었다.")
    ids = {e.id for e in entities}
    assert {"org:sports-donga", "org:nielsen-korea", "loc:mapo", "loc:songpa",
            "loc:pyeongtaek", "loc:icheon"} <= ids


def test_city_names_that_are_common_words_need_their_suffix() -> None:
    entities = _entities("전주 대비 매출이 늘었고 양산 일정도 앞당겼다. "
                         "청주시와 경주시는 협약을 맺었다.")
    ids = {e.id for e in entities}
    assert {"loc:cheongju", "loc:gyeongju"} <= ids
    assert not {"loc:jeonju", "loc:yangsan"} & ids


def test_common_noun_words_after_a_name_are_cut() -> None:
    forms = _forms(_entities("김하람 한빛증권 리서치센터장은 전망을 내놨다. 조사단은 미 국무부 "
                             "청사 앞에서 기다렸다. 가람 클러스터 주변 땅값이 올랐다."))
    assert not any(form.endswith(("리서치센터장", "청사", "주변")) for form in forms)



def test_venue_head_words_stay_in_the_name() -> None:
    forms = _forms(_entities("선수는 미국 인디애나주 사우스벤드의 오크하버 컨트리클럽(파71)에서 "
                             "열린 대회에서 우승했다."))
    assert "오크하버 컨트리클럽" in forms


def test_credit_patterns_need_their_whole_shape() -> None:
    from streams.enrich import generic

    for text in ("[부산/가람통신] 시는 새 계획을 냈다.", "오늘 뉴스 정리입니다.\n",
                 "KBS 뉴스 정해린입니다만 아직 확인되지 않았습니다."):
        assert not generic.credited_names(text, base_lexicon()), text


def test_country_stem_of_a_jeok_word_is_not_the_country() -> None:
    assert not any(surface == "인도" for surface, _ in _extract(
        "정부는 인도적 협력 제안이 유효하다고 밝혔고 인도적인 지원도 이어갔다."))
    assert ("인도", "location") in _extract("인도 정부는 적자 폭을 줄였다.")
