"""One test per labelled real-style page (``tests/enrich/pages``, see its README).

Each page goes through ``parse_article`` and ``enrich`` (product defaults, the optional English
model off) and must give every ``must_find`` entity with an accepted type (and its canonical id
where the label has one, no canonical id where it says ``"unk"``) and no ``must_not`` entity. The
scoring helpers are ``bench/entity_pages.py``'s, which reports precision, recall and ids.

Pages that fail today are marked ``xfail(strict=True)`` with their failures in ``XFAIL``: when a
fix makes a page pass it turns into an XPASS failure, and its entry must be removed; when a
change breaks another page, that page fails. ``.venv/bin/python bench/entity_pages.py -v`` lists
every page's current failures.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from babel import Locale

from streams.enrich import Enricher
from streams.enrich.resources import read_tsv
from streams.records import Entity, EntityType
from tests.bench_scripts import bench_script

from .conftest import default_enricher

BENCH = bench_script("entity_pages")
LABELS: list[dict[str, Any]] = BENCH.load_labels()
TYPES = {"person", "organization", "location", "product", "event", "other"}
CLASSES = {
    "interview-marker", "particle", "fragment", "promotion", "run-on", "couple", "show-title",
    "photo-credit", "title", "wrong-type", "en-date", "en-role", "en-sentence-initial",
    "en-nationality", "en-homograph", "en-headline-case", "en-dateline", "en-byline",
    "en-product", "en-trap",
}

# Failures as of the commit that added the pages (Korean by error class, then the must-find
# labels that are missed, mistyped or mislinked; "X only inside 'Y'": X was emitted only as part
# of the longer span Y).
XFAIL: dict[str, str] = {
    "ko-kbs-heatwave-market": (
        "interview-marker: 인터뷰 (organization); fragment: 박 (person); must-find: 유정민 as "
        "location, 경북 only inside '경북 내륙', 서문시장 as person (+1 more)"
    ),
    "ko-mbc-jeonse-fraud": (
        "interview-marker: 인터뷰 (person); must-find: 미추홀구 only inside '인천 미추홀구', "
        "한도윤 as location, 국토교통부 only inside '국토교통부 전세사기피해지원위원회' (+1 "
        "more)"
    ),
    "ko-jtbc-us-china-chips": (
        "must-find: 시안 only inside '중국 시안', missed 우시, missed 황보연"
    ),
    "ko-channela-convenience-1plus1": (
        "interview-marker: 인터뷰 (organization); must-find: 서울 only inside '서울 마포구', "
        "마포구 only inside '서울 마포구', missed CU (+4 more)"
    ),
    "ko-starnews-girlgroup-billboard": (
        "photo-credit: 하윤 인스타그램 (person); must-find: 루미나 as other in '스타뉴스 | "
        "윤채원 기자] 걸그룹 루미나', missed 美, 미국 only inside '미국 빌보드' (+8 more)"
    ),
    "ko-xportsnews-you-quiz-running-man": (
        "show-title: 유 퀴즈 온 더 블럭 (person); must-find: missed 지석진"
    ),
    "ko-mydaily-comedian-couple-baby": (
        "couple: 남도현♥김예슬 부부 (person); photo-credit: 김예슬 인스타그램 (person); "
        "must-find: missed KBS 2TV, 마이데일리 as person"
    ),
    "ko-newsen-box-office": (
        "must-find: missed 영화진흥위원회, 전남 only inside '전남 목포', missed 칸영화제 (+1 "
        "more)"
    ),
    "ko-sportskyunghyang-singer-wedding": (
        "photo-credit: 지유라 인스타그램 (person); show-title: 미운 우리 새끼 (person); "
        "must-find: 서울 only inside '서울 강남구', 강남구 only inside '서울 강남구', 이수호 "
        "only inside '이수호가' (+2 more)"
    ),
    "ko-tvreport-hangout-market": (
        "must-find: missed 하하, 서울 only inside '서울 망원시장', 망원시장 only inside '서울 "
        "망원시장' (+1 more)"
    ),
    "ko-naver-news1-dating-confirmed": (
        "couple: 강루아♥배우 서태윤 (person); couple: 강루아♥서태윤 (person); photo-credit: "
        "강루아 인스타그램 (person); must-find: missed 에이블컴퍼니"
    ),
    "ko-yonhap-mlb-lee-jung-hoo": (
        "must-find: 캘리포니아주 only inside '미국 캘리포니아주 샌프란시스코'"
    ),
    "ko-osen-kbo-lotte-kia": (
        "fragment: 김 (person); must-find: OSEN only inside 'OSEN DB', 김민석 linked to "
        "per:kim-min-seok"
    ),
    "ko-news1-lpga-win": (
        "must-find: LPGA as other in '미국여자프로골프', missed 메이어 클래식, 미시간주 only "
        "inside '미국 미시간주 그랜드래피즈' (+2 more)"
    ),
    "ko-inven-lck-final": (
        "must-find: 인벤 only inside '인벤 이도경', 이도경 only inside '인벤 이도경', T1 only "
        "inside 'T1 페이커 이상혁' (+11 more)"
    ),
    "ko-naver-yonhap-swimming-silver": (
        "must-find: missed 싱가포르 스포츠허브 아쿠아틱센터, missed 세계수영선수권대회"
    ),
    "ko-mk-samsung-q3-hbm": (
        "must-find: 엔비디아 only inside '엔비디아에 HBM', 미국 only inside '미국 마이크론', "
        "마이크론 only inside '미국 마이크론' (+4 more)"
    ),
    "ko-naver-edaily-mart-1plus1": (
        "must-find: 이데일리 only inside '이데일리 송지아', 송지아 only inside '이데일리 "
        "송지아', missed 홈플러스 (+1 more)"
    ),
    "ko-yonhap-seoul-apartment-prices": (
        "must-find: 성동구 as person, missed 한국부동산원, 송파구 as person (+1 more)"
    ),
    "ko-hani-auto-tariffs": (
        "fragment: 미 (person); must-find: missed 한-미 자유무역협정, 조지아주 only inside "
        "'조지아주 엘러벨', 엘러벨 only inside '조지아주 엘러벨' (+1 more)"
    ),
    "ko-news1-ppp-convention-debate": (
        "fragment: 원 (person); fragment: 유 (person); fragment: 장 (person); must-find: "
        "마포구 only inside '서울 마포구 상암동 MBN 스튜디오', 상암동 only inside '서울 "
        "마포구 상암동 MBN 스튜디오', MBN only inside '서울 마포구 상암동 MBN 스튜디오' (+3 "
        "more)"
    ),
    "ko-newsis-nk-missile-launch": (
        "fragment: 미 (organization); fragment: 한 (organization); must-find: 을지 자유의 "
        "방패 as other, missed 방위성, missed 국가안보실 (+1 more)"
    ),
    "ko-yonhap-trump-xi-call": (
        "fragment: 시 (person); must-find: missed 트루스소셜, 스위스 only inside '스위스 "
        "제네바', 제네바 only inside '스위스 제네바'"
    ),
    "ko-news1-ukraine-energy-strikes": (
        "fragment: 젤렌스키 \"러 (person); must-find: 리비우 as person, missed 텔레그램, "
        "모스크바 only inside '모스크바 크렘린궁' (+3 more)"
    ),
    "ko-newswire-ai-accounting-launch": (
        "must-find: 큐브릿지 as person in '문하경 큐브릿지', 셈봇 as other, 국세청 only "
        "inside '국세청 홈택스' (+1 more)"
    ),
    "ko-korea-kr-gpu-infrastructure": (
        "must-find: missed B200, 광주 only inside '광주 국가AI데이터센터', 국가AI데이터센터 "
        "only inside '광주 국가AI데이터센터' (+2 more)"
    ),
    "ko-daum-kookje-fireworks-festival": (
        "fragment: 박 (person); must-find: 부산불꽃축제 as organization, 수영구 only inside "
        "'수영구 광안리해수욕장', 광안리해수욕장 as person in '광안리' (+2 more)"
    ),
    "ko-yonhap-feature-chip-cluster": (
        "fragment: 박 (person); fragment: 박모 (person); must-find: 처인구 only inside '경기 "
        "용인시 처인구 원삼면', 이동읍 as person, 호남 as person (+15 more)"
    ),
    "ko-daum-newsis-jeju-wind-brief": (
        "wrong-type: 제주항공 (location); must-find: 한국공항공사 only inside '한국공항공사 "
        "제주지역본부', 제주항공 as location"
    ),
    "en-ap-explainer-us-korea-trade-deal": (
        "en-headline-case: WHAT ARE THE TARIFFS (other); en-headline-case: WHAT ABOUT THE "
        "(other); en-headline-case: WHAT ABOUT THE GEORGIA RAID (other); en-headline-case: "
        "WHAT COMES NEXT (other); en-nationality: South Korean (other); en-nationality: "
        "Japanese (other); en-nationality: Korean (other); en-homograph: Georgia (location); "
        "must-find: missed Asia-Pacific Economic Cooperation, missed Hanwha Ocean, Philly "
        "Shipyard as other (+3 more)"
    ),
    "en-ap-senate-stopgap": (
        "en-role: Speaker Mike Johnson (other); must-find: missed John Thune, missed Chuck "
        "Schumer, Mike Johnson only inside 'Speaker Mike Johnson' (+1 more)"
    ),
    "en-reuters-nk-missiles": (
        "en-date: Aug (other); en-nationality: North Korean (other); must-find: Joint Chiefs "
        "of Staff as other, Unification Ministry linked to unk:58eb909920ec"
    ),
    "en-guardian-welfare-rebellion": (
        "must-find: Labour only inside 'Labour MPs', Conservatives as other, Kemi Badenoch as "
        "other (+4 more)"
    ),
    "en-bbc-france-wildfires": (
        "must-find: Aude as other, missed Lézignan-Corbières, missed Météo-France (+3 more)"
    ),
    "en-techcrunch-robotics-series-b": (
        "en-trap: Series B (other); en-byline: Image Credits (other); must-find: Lumen "
        "Robotics as other, missed SoftBank Ventures Asia, missed Kakao Ventures (+7 more)"
    ),
    "en-blog-galaxy-s25-edge-review": (
        "must-find: Galaxy S25 Edge as other in 'Edge', missed Galaxy S25, S25 Ultra as other "
        "(+5 more)"
    ),
    "en-espn-suns-nuggets": (
        "en-homograph: Jordan (location); must-find: Devin Booker as other in 'Booker', "
        "Phoenix Suns as other in 'Suns', Denver Nuggets as other in 'Nuggets' (+4 more)"
    ),
    "en-ap-tottenham-united": (
        "must-find: Richarlison as other, Bruno Fernandes as other, Mohammed Kudus as other "
        "(+3 more)"
    ),
    "en-prnewswire-care-navigation": (
        "en-byline: Media Contact (other); must-find: PRNewswire as other, Brightwell Health "
        "as other, Compass as other (+6 more)"
    ),
    "en-businesswire-chip-earnings": (
        "en-sentence-initial: Conference Call (other); en-date: Pacific Time (other); "
        "must-find: BUSINESS WIRE as other, Aurion Semiconductor as other, Helix-3 as other "
        "(+2 more)"
    ),
    "en-wp-university-battery-release": (
        "en-trap: Celsius (other); must-find: Ann Arbor as other in 'ANN ARBOR', Elena Park "
        "as location, Argonne National Laboratory as other (+1 more)"
    ),
    "en-wp-local-council-bike-lanes": (
        "must-find: Lincoln Elementary as other, Dave Petersen only inside 'Councilors Dave "
        "Petersen and Rosa Jimenez', Rosa Jimenez only inside 'Councilors Dave Petersen and "
        "Rosa Jimenez' (+2 more)"
    ),
    "en-reuters-sk-hynix-hbm4": (
        "en-date: Sept (other); en-nationality: South Korean (other); must-find: missed "
        "Seoul, HBM4 as other, HBM3E as other"
    ),
    "en-koreaherald-housing-measures": (
        "en-role: Land Minister Choi Jin-woo (other); must-find: Choi Jin-woo only inside "
        "'Land Minister Choi Jin-woo', Seocho only inside 'Seocho and Songpa', Songpa only "
        "inside 'Seocho and Songpa'"
    ),
    "en-guardian-wimbledon-third-round": (
        "must-find: Isla Whitmore as other, Wimbledon as other, missed Yulia Petrova (+3 "
        "more)"
    ),
    "en-nyt-georgia-battery-town": (
        "en-homograph: Washington (location); en-nationality: South Korean (other); "
        "en-homograph: Georgia (location); must-find: Georgia linked to loc:GE, Bryan County "
        "as other in 'BRYAN COUNTY', Ga. as other in 'Ga' (+5 more)"
    ),
    "en-koreaherald-box-office": (
        "en-nationality: Japanese (other); must-find: Seo Ji-ho only inside 'Seo Ji-ho and "
        "Yoon Ga-eul', Yoon Ga-eul only inside 'Seo Ji-ho and Yoon Ga-eul', Mokpo as other "
        "(+4 more)"
    ),
}


@pytest.fixture(scope="module")
def english_rules() -> Enricher:
    """The product's enricher with the optional English model off."""
    return default_enricher().with_en_model("none")


def _case(label: dict[str, Any]) -> Any:
    reason = XFAIL.get(label["id"])
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(label, id=label["id"], marks=marks)


@pytest.mark.parametrize("label", [_case(label) for label in LABELS])
def test_page(label: dict[str, Any], english_rules: Enricher) -> None:
    entities = BENCH.page_entities(label, english_rules)
    problems = BENCH.must_find_failures(label, entities)
    problems += [f"must-not [{cls}] {text}"
                 for cls, text in BENCH.must_not_failures(label, entities)]
    assert not problems, "\n".join(problems)


def test_xfail_entries_name_pages() -> None:
    assert set(XFAIL) <= {label["id"] for label in LABELS}


def test_labels_shape() -> None:
    ids = [label["id"] for label in LABELS]
    assert len(ids) == len(set(ids))
    languages = [label["language"] for label in LABELS]
    assert languages.count("ko") >= 40 and languages.count("en") >= 20
    gazetteer = {row[0] for row in read_tsv("gazetteer.tsv")[1:]}
    territories = {str(code) for code in Locale("en").territories
                   if re.fullmatch(r"[A-Z]{2}", str(code))}
    for label in LABELS:
        assert (BENCH.PAGES / f"{label['id']}.html").is_file(), label["id"]
        assert label["must_find"] and label["must_not"], label["id"]
        for entry in label["must_find"] + label["also_ok"]:
            kinds = [entry["type"]] if isinstance(entry["type"], str) else entry["type"]
            assert set(kinds) <= TYPES, entry
            wanted = entry["id"]
            if wanted and wanted != "unk":
                code = wanted.removeprefix("loc:")
                assert wanted in gazetteer or code in territories, (label["id"], wanted)
        for rule in label["must_not"]:
            assert rule["class"] in CLASSES, rule
            assert rule.get("match", "exact") in ("exact", "contains", "prefix"), rule
            assert rule.get("type") in (None, *TYPES), rule


def _entity(name: str, kind: EntityType, entity_id: str, *forms: str) -> Entity:
    return Entity(id=entity_id, type=kind, name=name, surface_forms=[name, *forms])


def test_scoring_rules() -> None:
    north = {"name": "북", "class": "fragment", "except_id": "loc:KP"}
    assert not BENCH.violates(_entity("북", "location", "loc:KP"), north)
    assert BENCH.violates(_entity("북", "organization", "unk:33926a6b5112"), north)
    credit = {"name": "인스타그램", "class": "photo-credit", "type": "person", "match": "contains"}
    assert BENCH.violates(_entity("하윤 인스타그램", "person", "unk:0"), credit)
    assert not BENCH.violates(_entity("인스타그램", "organization", "unk:1"), credit)
    georgia = {"name": "Georgia", "class": "en-homograph", "except_id": "unk"}
    assert BENCH.violates(_entity("Georgia", "location", "loc:GE"), georgia)
    assert not BENCH.violates(_entity("Georgia", "location", "unk:2"), georgia)
    bank = {"name": "한국은행", "type": "organization", "id": "org:bank-of-korea", "alt": ["한은"]}
    assert BENCH.matches(_entity("한은", "organization", "unk:3"), bank)
    assert BENCH.matches(_entity("Bank of Korea", "organization", "org:bank-of-korea"), bank)
    label = {"id": "x", "language": "ko", "kind": "economy", "must_find": [bank], "also_ok": [],
             "must_not": [north]}
    emitted = [_entity("한국은행", "organization", "org:bank-of-korea", "한은"),
               _entity("북", "person", "unk:4")]
    score = BENCH.score_page(label, emitted)
    assert (score["correct"], score["emitted"], score["found"], score["id_right"]) == (1, 2, 1, 1)
    assert [cls for cls, _ in score["violations"]] == ["fragment"]
