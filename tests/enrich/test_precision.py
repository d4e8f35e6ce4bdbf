"""Precision rules: generic words are not names (data/generic_names.tsv), bylines are split;
topic homographs, boilerplate and calibration."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.enrich import generic, topics
from streams.enrich.ids import normalise
from streams.enrich.resources import read_tsv
from streams.records import Enrichment

from .conftest import base_lexicon, by_id, by_surface, enrich, ner_spans
from .test_generic import article


def names(text: str, title: str = "제목") -> set[tuple[str, str]]:
    return {(e.name, e.type) for e in enrich(article(title, text)).entities}


def test_stoplist_file_shape() -> None:
    rows = read_tsv("generic_names.tsv")
    assert rows[0][:2] == ["surface", "kind"]
    assert all(len(row) == 2 and row[1] in generic.KINDS for row in rows[1:])
    table = generic.load_stoplist()
    assert table[normalise("CEO")] == "title" and table[normalise("AI")] == "acronym"
    assert table[normalise("정부")] == "body"


def test_titles_and_acronyms_are_not_names_korean() -> None:
    found = names("정신아 대표는 “AI는 모두의 것”이라며 IT 업계 CEO들과 만났다. CFO도 참석했다.")
    assert ("정신아", "person") in found
    assert not {name for name, _ in found} & {"AI", "IT", "CEO", "CFO", "대표"}


def test_titles_and_acronyms_are_not_names_english() -> None:
    found = names("The CEO of Acme Corp. said AI and IT spending rose, the CFO added.",
                  title="Acme results")
    assert ("Acme Corp.", "organization") in found
    assert not {name for name, _ in found} & {"CEO", "AI", "IT", "CFO", "AI and IT",
                                              "of Acme Corp."}


def test_generic_bodies_dropped_but_canonical_institutions_kept() -> None:
    text = "정부와 경찰은 대책을 내놨고, 국회와 검찰은 반발했다. 당국은 침묵했다."
    result = enrich(article("제목", text))
    assert {"org:kr-national-assembly", "org:kr-prosecution"} <= set(by_id(result))
    assert not {e.name for e in result.entities} & {"정부", "경찰", "당국"}
    # ...and longer names that contain a generic body stay (경찰청 is not bare 경찰)
    text = "국민의힘과 경찰청은 협의했다."
    assert "org:kr-police" in by_id(enrich(article("제목", text)))


def test_generic_bodies_kept_on_the_klue_path_unless_asked() -> None:
    sentence = "정부와 경찰은 대책을 내놨다."
    plain = {sentence[s.start:s.end] for s in ner_spans(sentence)}
    filtered = {sentence[s.start:s.end] for s in ner_spans(sentence, drop_generic_bodies=True)}
    assert {"정부", "경찰"} <= plain  # KLUE annotates bare 정부/경찰 as OG
    assert not {"정부", "경찰"} & filtered


@pytest.mark.parametrize(("text", "publisher", "reporter"), [
    ("ⓒ News1 오대일 기자", "뉴스1", "오대일"),
    ("(서울=연합뉴스) 김민수 기자 = 회의가 열렸다.", "연합뉴스", "김민수"),
    ("[서울=뉴시스] 홍길동 기자 = 회의가 열렸다.", "뉴시스", "홍길동"),
    ("사진=뉴스1 박지영 기자", "뉴스1", "박지영"),
    ("연합뉴스 김철수 특파원", "연합뉴스", "김철수"),
    ("한빛일보 이서연 기자 seoyeon@example.com", "한빛일보", "이서연"),
])
def test_byline_splits_publisher_and_reporter(text: str, publisher: str, reporter: str) -> None:
    found = names(text)
    assert (publisher, "organization") in found
    assert (reporter, "person") in found
    assert not [name for name, _ in found if reporter in name and name != reporter]


def test_byline_split_needs_a_byline_title() -> None:
    lexicon = base_lexicon()
    assert generic.split_byline("뉴스1 오대일 회장", 0, 7, lexicon) is None
    assert generic.split_byline("뉴스1 오대일 기자", 0, 7, lexicon) is not None


def test_seed_has_no_generic_entities(seed: Enrichment) -> None:
    surfaces = {s for e in seed.entities for s in e.surface_forms}
    assert not surfaces & {"AI", "CEO", "정부", "News1 오대일"}
    assert by_surface(seed, "오대일").type == "person"
    assert "News1" in by_id(seed)["org:news1"].surface_forms


def test_homographs_do_not_give_economy_or_science_news_other_topics() -> None:
    # 경기: the economy and Gyeonggi province as well as a match; 감독: supervision as well as
    # a coach; "team": a research team.
    text = ("한국은행은 경기 침체 우려에 기준금리를 동결했다. "
            "금융감독원은 경기도 내 저축은행에 대한 감독을 강화한다고 밝혔다. "
            "경기 회복이 늦어지면서 가계대출 연체율도 올랐다.")
    topics = [t.label_en for t in enrich(article("한은, 경기 침체 우려에 기준금리 동결", text,
                                                 language="ko")).topics]
    assert topics == ["economy, business and finance"]
    text = ("A research team of scientists mapped the seabed with sonar. The team says the "
            "study will guide new research.")
    topics = [t.label_en for t in enrich(article("Scientists map the seabed", text)).topics]
    assert topics == ["science and technology"]
    text = "경기 종료 직전 선수들이 결승골을 넣었고, 사령탑은 리그 우승을 자신했다."
    assert enrich(article("극적인 결승골", text, language="ko")).topics[0].label_en == "sport"
    # 구조: structure (구조조정) as well as a rescue; 협상: trade talks as well as a ceasefire's.
    text = ("정부는 조선업 구조조정을 마무리하고 미국과의 관세 협상에서 타결을 기대한다고 밝혔다. "
            "산업 구조 개편으로 수출이 늘었다.")
    topics = [t.label_en for t in enrich(article("조선업 구조조정 마무리", text,
                                                 language="ko")).topics]
    assert topics == ["economy, business and finance"]
    text = "낚싯배가 전복돼 해경이 2명을 구조했다. 실종자 1명에 대한 구조 작업이 이어지고 있다."
    topics = [t.label_en for t in enrich(article("낚싯배 전복", text, language="ko")).topics]
    assert topics == ["disaster, accident and emergency incident"]


def test_local_government_is_politics() -> None:
    text = ("The city council voted 6-1 to approve the bike lanes, and the mayor said the "
            "municipal budget would cover the $2 million cost without new parking spaces.")
    topics = enrich(article("City council approves new bike lanes", text)).topics
    assert topics[0].label_en == "politics"
    assert "science and technology" not in {t.label_en for t in topics}  # parking spaces


def test_a_mayor_is_not_a_market() -> None:
    text = ("오세훈 서울시장이 다음 시장 선거 출마를 선언했다. 서울시장 재임 중 성과를 강조하며 "
            "시의회와 협력하겠다고 밝혔다.")
    topics = enrich(article("서울시장, 시장 선거 출마 선언", text, language="ko")).topics
    assert [t.label_en for t in topics] == ["politics"]
    text = "주식시장이 급락했다. 전통시장 상인들도 시장 상황을 우려했다."
    assert enrich(article("주식시장 급락", text, language="ko")).topics[0].label_en == (
        "economy, business and finance")


def test_english_terms_are_whole_words_unless_marked_as_stems() -> None:
    # Before, "war" was found in warning and warm, and "final" in finally: conflict came first.
    text = ("Forecasters issued a warning as warm, humid air moved in; the heat finally broke "
            "and the storm passed.")
    topics = enrich(article("Heat warning lifted", text)).topics
    assert [t.label_en for t in topics] == ["weather"]  # forecast*, humid*: stems


def test_european_union_is_not_a_trade_union_and_data_security_is_not_war() -> None:
    text = ("The European Union agreed new sanctions as its leaders met in Brussels. Security "
            "researchers warned of a data security flaw in the software.")
    labels = {t.label_en for t in enrich(article("EU leaders agree sanctions", text)).topics}
    assert "labour" not in labels and "conflict, war and peace" not in labels
    assert "politics" in labels


def test_korean_keywords_keep_nouns_written_together_whole() -> None:
    text = ("정부가 전통시장에서 쓰는 온누리상품권 할인율을 올린다. 전통시장 상인들은 "
            "온누리상품권 판매가 늘고 지방 소멸 대응 기금 집행률도 오를 것으로 기대했다.")
    keywords = enrich(article("전통시장 온누리상품권 할인 확대", text, language="ko")).keywords
    assert {"전통시장", "온누리상품권"} <= set(keywords)
    assert "누리" not in keywords and "상품권" not in keywords


def test_english_headline_verbs_are_not_keywords() -> None:
    text = ("The city council approves the bike lanes plan. Council members said the bike "
            "lanes would open next spring, and the council approves funding in May.")
    keywords = enrich(article("City council approves new bike lanes", text)).keywords
    assert "approves" not in keywords
    assert {"council", "bike", "lanes"} <= set(keywords)


def test_families_alone_do_not_make_human_interest() -> None:
    text = ("The number of families living in temporary accommodation rose to a record, "
            "charities said, blaming rising rents and a shortage of social housing.")
    labels = [t.label_en for t in enrich(article("Homelessness hits record high", text)).topics]
    assert "human interest" not in labels


def test_bylines_sign_offs_and_copyright_lines_do_not_count_for_topics() -> None:
    # Sports papers publish much of the entertainment news: their name in the byline, the
    # sign-off and the copyright line is not the story's topic, nor is "example" in an address.
    text = ("[스포츠조선 김민수 기자] 배우 한소율이 새 드라마 '봄의 정원' 주연을 맡았다.\n"
            "제작사는 \"한소율이 tvN 새 드라마에서 꽃집을 운영하는 주인공을 연기한다\"고 밝혔다. "
            "드라마는 다음 달 촬영을 시작해 가을 방송된다.\n"
            "스포츠조선 김민수 기자 minsu@sports.example\n"
            "ⓒ 스포츠조선, 무단전재 및 재배포 금지")
    topics = enrich(article("한소율, 새 드라마 '봄의 정원' 주연", text, language="ko")).topics
    assert [t.label_en for t in topics] == ["arts, culture, entertainment and media"]


def test_one_weak_term_does_not_give_a_confident_topic() -> None:
    # Scores were shares of all hits: a page whose only topic word was 비 got weather 1.00.
    text = ("팬미팅은 오후 2시부터 진행되며 비가 와도 예정대로 열린다. "
            "입장권은 현장에서도 살 수 있다.")
    topics = enrich(article("팬미팅 안내", text, language="ko")).topics
    assert topics and all(t.score < 0.5 for t in topics)
    text = ("Dressed in a long coat, she waved to fans and signed autographs for an hour in the "
            "rain before leaving.")
    topics = enrich(article("Star signs autographs outside hotel", text)).topics
    assert all(t.score < 0.5 for t in topics)


def topic_labels(title: str, text: str, language: str | None = None) -> set[str]:
    return {t.label_en for t in enrich(article(title, text, language=language)).topics}


def test_more_homographs_do_not_give_topics() -> None:
    # 미사 (Mass) is in 미사일, 무기 (weapon) in 무기한 (indefinite), 판다 (panda) is also "sells",
    # exam* matched "example", and a one-character 눈 is as often an eye (눈을 사로잡다) as snow.
    text = ("북한이 동해상으로 탄도미사일 두 발을 발사했다. 합참은 미사일이 약 300㎞를 비행했다며 "
            "추가 도발에 대비해 경계를 강화했다고 밝혔다.")
    labels = topic_labels("北, 탄도미사일 발사", text, "ko")
    assert "religion" not in labels and "conflict, war and peace" in labels
    text = ("철도노조가 임금 인상을 요구하며 무기한 파업에 들어갔다. 노조는 사측과의 교섭이 "
            "결렬됐다며 근로자 처우 개선을 촉구했다.")
    labels = topic_labels("철도노조 무기한 파업", text, "ko")
    assert labels == {"labour"}
    text = ("편의점들이 설 선물세트를 온라인으로 판다. 업계는 고물가에 실속형 상품 매출이 "
            "늘었다고 밝혔다.")
    labels = topic_labels("편의점 설 선물세트", text, "ko")
    assert "human interest" not in labels
    text = ("Shares rose after the company beat forecasts; for example, revenue from cloud "
            "services grew 30 percent. Investors cheered the results.")
    labels = topic_labels("Shares rise on results", text)
    assert "education" not in labels
    text = ("신인 걸그룹이 데뷔 쇼케이스에서 청량한 비주얼로 팬들의 눈을 사로잡았다. 멤버들은 "
            "타이틀곡 무대를 처음 공개했다.")
    labels = topic_labels("신인 걸그룹 데뷔", text, "ko")
    assert "weather" not in labels


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([
    "war", "warning", "interest", "rate", "interest rate", "policy", "policies", "police",
    "fine art", "fine arts", "european union", "union", "s&p", "5g", "k-pop", "ai", "rain",
    "box office", "films", "co-author", "lead author", "state-of-the-art", " ", ",", "'s", "’s",
    "-", ".", "x", "\n", "한국", "_"]), max_size=30).map("".join))
def test_one_pass_scan_finds_what_each_topic_pattern_finds(piece: str) -> None:
    # topics._Scanner runs every topic's English pattern in one pass over the text (17 passes
    # cost more than the rest of the scoring); it must find exactly what findall finds.
    loaded = topics.load()
    terms, phrases, lexicon = loaded.terms, loaded.phrases, loaded.topics
    for text in (piece, "The European Union's film and box office policies were warnings."):
        assert terms.findall(text + " ") == [t.pattern_en.findall(text + " ") for t in lexicon]
        assert phrases.findall(text) == [t.not_en.findall(text) if t.not_en else []
                                         for t in lexicon]
