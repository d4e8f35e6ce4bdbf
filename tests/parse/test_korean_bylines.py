"""Korean bylines: names in Korean order, roles kept, outlets, sections and headlines never an
author. Invented reporter names; the byline shapes are those Korean publishers print."""

from __future__ import annotations

import pytest

from streams.parse import parse_article
from streams.parse.authors import is_byline, korean_byline, people
from streams.records import Author
from tests.parse.pages import page

URL = "https://news.example.co.kr/article/1"
KO_PROSE = ("<p>서울시가 내년부터 공공 자전거 이용 요금을 동결하기로 했다고 밝혔다.</p>"
            "<p>시는 이용자가 늘면서 운영 수입이 안정됐고, 대여소도 500곳 더 늘릴 계획이다.</p>")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("박선민 기자", [Author("박선민", None, "기자")]),
        ("이남경 MK스포츠 기자()", [Author("이남경", None, "기자")]),
        ("홍길동 특파원", [Author("홍길동", None, "특파원")]),
        ("김철수 에디터", [Author("김철수", None, "에디터")]),
        ("이영희 PD", [Author("이영희", None, "PD")]),
        ("홍길동기자", [Author("홍길동", None, "기자")]),
        ("정치부 홍길동 선임기자", [Author("홍길동", None, "선임기자")]),
        ("워싱턴/황준범 특파원 jb@hani.co.kr", [Author("황준범", "jb@hani.co.kr", "특파원")]),
        ("ksh@fnnews.com 김성환 기자", [Author("김성환", "ksh@fnnews.com", "기자")]),
        ("김철수·이영희 기자", [Author("김철수", None, "기자"), Author("이영희", None, "기자")]),
        ("김철수 · 이영희 기자 kcs@yna.co.kr lyh@yna.co.kr",
         [Author("김철수", "kcs@yna.co.kr", "기자"), Author("이영희", "lyh@yna.co.kr", "기자")]),
        ("[OSEN=런던, 김포토 기자]", [Author("김포토", None, "기자")]),
        ("(서울=연합뉴스) 김도윤 기자 =", [Author("김도윤", None, "기자")]),
    ],
)
def test_korean_byline_names_roles_and_emails(raw: str, expected: list[Author]) -> None:
    assert korean_byline(raw) == expected
    assert people(raw) == expected


@pytest.mark.parametrize(
    ("raw", "names"),
    [
        ("YTN 김와이 (kimy@ytn.co.kr)", ["김와이"]),  # no role word: the word that is a name
        ("홍길동", ["홍길동"]),
        ("연합뉴스", []),  # an outlet
        ("MK스포츠", []),
        ("정치", []),  # a section
        ("정치부", []),  # a desk
        ("영상편집 : 김영상", []),  # a credit
        ("촬영기자:김촬영/영상편집:박편집", []),
    ],
)
def test_metadata_values_name_people_not_outlets_sections_or_credits(raw: str,
                                                                    names: list[str]) -> None:
    assert [a.name for a in people(raw)] == names


def test_a_press_conference_is_not_a_role() -> None:
    assert korean_byline("윤석열 대통령 기자회견") == []
    assert korean_byline("홍길동 기자단 간사") == []


def test_byline_lines_and_credit_lines_leave_the_body() -> None:
    assert is_byline("이남경 MK스포츠 기자()")
    assert is_byline("박선민 기자 psm@hankyung.com")
    assert is_byline("촬영기자:김촬영/영상편집:박편집")
    assert not is_byline("박선민 기자가 현장에서 시민들의 이야기를 들었다고 전했다.")


def _authors(head: str, body: str = "") -> list[Author]:
    html = page(head, f"<article><h1>공공 자전거 요금 동결</h1>{body}{KO_PROSE}</article>",
                lang="ko")
    return parse_article(html, URL).authors


def _jsonld_author(author: str) -> str:
    return ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
            f'"공공 자전거 요금 동결", "author": {author}}}</script>')


def test_a_json_ld_person_split_into_given_and_family_names_keeps_korean_order() -> None:
    person = '{"@type": "Person", "givenName": "선민", "familyName": "박", "name": "선민 박"}'
    assert [a.name for a in _authors(_jsonld_author(person))] == ["박선민"]


def test_the_headline_in_the_author_field_gives_way_to_the_byline() -> None:
    head = _jsonld_author('{"@type": "Person", "name": "공공 자전거 요금 동결"}')
    byline = "<div class='byline'>정에스 기자</div>"
    assert _authors(head, byline) == [Author("정에스", None, "기자")]


def test_the_person_the_headline_is_about_is_not_the_author() -> None:
    html = page('<meta name="author" content="손흥민">',
                f"<article><h1>손흥민, 시즌 10호골</h1>{KO_PROSE}</article>", lang="ko")
    assert parse_article(html, URL).authors == []


def test_the_page_section_and_the_outlet_are_not_authors() -> None:
    head = ('<meta property="og:site_name" content="한겨레">'
            '<meta property="article:section" content="기후변화">'
            + _jsonld_author('[{"@type": "Person", "name": "기후변화"}, '
                             '{"@type": "Person", "name": "한겨레"}]'))
    byline = "<p>김지훈 기자 kjh@hani.co.kr</p>"
    assert _authors(head, byline) == [Author("김지훈", "kjh@hani.co.kr", "기자")]


def test_an_english_company_blog_keeps_the_company_as_author() -> None:
    # A company's own post is credited to it: only Korean outlets are never authors.
    html = page('<meta property="og:site_name" content="Soliant">'
                '<meta name="author" content="Soliant">',
                "<article><h1>Soliant Report Reveals the Best States</h1>"
                "<p>Our yearly report ranks states by the number of school nurses per pupil, "
                "and this year the ranking changed more than in any year before.</p>"
                "<p>The full method is described at the end of the report, with the data.</p>"
                "</article>")
    assert [a.name for a in parse_article(html, URL).authors] == ["Soliant"]
