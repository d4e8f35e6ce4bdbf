"""Hand-written typing rules for names the lexicon does not know: cue words and suffixes.

These encode Korean news conventions (a person's name is followed or preceded by a title such as
``기자``, ``대표`` or ``사무국장``; organisations end in ``~당``, ``~부``, ``~청``, ``~은행``;
places in ``~시``, ``~도``, ``~구``) and their English counterparts. They run after the gazetteer,
the WikiData classes and the ISO country names, and before the low-confidence default.
"""

from __future__ import annotations

from itertools import pairwise


def words(text: str) -> list[str]:
    """Whitespace-separated word list (keeps long vocabularies compact and readable)."""
    return text.split()


# Titles and roles that mark the adjacent name as a person (Korean news writes "name + title").
PERSON_CUES_KO = frozenset(
    words(
        "기자 대표 대통령 씨 회장 장관 사무국장 총리 의원 위원장 감독 선수 교수 사장 부회장 총장 "
        "국장 원장 청장 실장 본부장 이사장 대변인 변호사 판사 검사 후보 대표이사 의장 부사장 전무 "
        "상무 최고경영자 창업자 총재 국무장관 부장 차관 도지사 군수 구청장 대사 특파원 앵커 작가 "
        "배우 가수 박사 교황 주석 팀장 센터장 소장 여사 부총리 단장 코치 이사 CEO CFO CTO COO "
        "의원실 총영사 원내대표 당대표 비서실장 수석 연구원 회계사 전 부통령 국왕 왕세자"
    )
)
# Words that may stand between a name and its title (도널드 트럼프 전 대통령, 김 모 씨).
TITLE_MODIFIERS_KO = frozenset(words("전 前 현 신임 공동 초대 차기 당시 수석 부 최고"))

PERSON_CUES_EN = frozenset(
    words(
        "Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. President Senator Sen. Rep. Gov. Governor Minister "
        "Secretary Chancellor Pope King Queen Prince Judge General Gen. CEO Chairman Chairwoman "
        "Professor Prof. Sir Lady Premier Mayor Ambassador Coach Director Commissioner"
    )
)
PERSON_VERBS_EN = frozenset(words(
    "said says told wrote added noted argued warned stated announced"
))
# Lower-case roles written right before a name (Associated Press writer Tom Becker).
PERSON_ROLES_EN = frozenset(words(
    "writer reporter correspondent photographer editor columnist spokesman spokeswoman "
    "spokesperson analyst economist strategist researcher scientist resident official lawyer "
    "attorney founder co-founder colleague actor actress singer author novelist player striker "
    "goalkeeper pitcher candidate lawmaker senator congressman congresswoman"
))
# Words right before a run that make an otherwise untyped run a place (in Phoenix, near Flagstaff,
# north of Taipei); only "in"/"near"-like words, never "at"/"from" (at Google, from Nvidia).
PLACE_CUES_EN = frozenset(words("in near outside across throughout"))
PLACE_OF_CUES_EN = frozenset(words("north south east west northeast northwest southeast "
                                   "southwest outskirts"))
# Words around an otherwise untyped run that make it a company: before it (shares of Nvidia,
# chief executive of Arm) or after its possessive (Nvidia's shares, Arm's CEO).
ORG_OF_CUES_EN = frozenset(words("shares stock stake subsidiary unit rival acquisition owner"))
ORG_POSSESSIVE_CUES_EN = frozenset(words(
    "shares stock ceo cfo chairman chairwoman board subsidiary unit earnings revenue profit "
    "spokesperson spokesman spokeswoman headquarters"
))

ORG_SUFFIXES_KO = (
    "은행", "공사", "공단", "재단", "협회", "위원회", "연구원", "연구소", "대학교", "대학", "그룹",
    "전자", "증권", "보험", "카드", "건설", "제약", "항공", "자동차", "통신", "일보", "신문",
    "방송", "뉴스", "엔터테인먼트", "지주", "홀딩스", "법원", "검찰청", "경찰서", "학교", "병원",
    "구단", "FC", "당", "부", "청", "처",
)
# Endings that override a CRF "person" even in one syllable (names rarely end in them) and a CRF
# "place" (companies are not places).
PERSON_SAFE_SUFFIXES_KO = ("읍", "면")
COMPANY_SUFFIXES_KO = ("항공", "공사", "자동차", "전자", "증권", "은행", "보험", "카드", "건설",
                       "그룹", "홀딩스", "제약", "엔터테인먼트")
# Common nouns that end names of places and venues (블라이더필즈 컨트리클럽, 싱가포르 스포츠허브
# 아쿠아틱센터): a CRF span does not lose them as a trailing common word (korean.py).
NAME_HEADS_KO = ("클럽", "센터", "타워", "빌딩", "리조트", "캠퍼스", "스타디움", "아레나", "파크",
                 "플라자", "홀", "경기장", "구장", "해수욕장", "시장", "산단", "단지")
EVENT_SUFFIXES_KO = ("축제", "마라톤", "영화제", "영화상", "박람회", "엑스포", "올림픽", "월드컵")
LOC_SUFFIXES_KO = (
    "특별시", "광역시", "공항", "공원", "호텔", "반도", "대로", "해협", "시", "도", "군", "구",
    "읍", "면", "섬", "항", "역",
)
ORG_SUFFIXES_EN = frozenset(
    words(
        "Inc Inc. Corp Corp. Corporation Ltd Ltd. LLC Group Bank University Ministry Agency "
        "Department Committee Council Association Institute Party Company Co Co. Holdings "
        "Technologies Labs Foundation Fund Commission Court Union Federation League Club FC "
        "Airlines Motors Electronics Systems Partners Capital News Times Post Journal Reserve "
        "Office Service Army Navy Forces Police Parliament Assembly Congress Senate Organization "
        "Organisation Academy College School Hospital Society Bureau Authority Board Studios"
    )
)
LOC_SUFFIXES_EN = frozenset(
    words(
        "City County Province State River Island Islands Mountain Mountains Street Valley Lake "
        "Sea Ocean Bay Airport Station Square Park Peninsula Strait Region District Avenue Road "
        "Boulevard Forest Desert Canyon Beach Coast Highway Bridge Gulf Isle Cape Trail Trails "
        "Bayou Creek Harbor Harbour Falls"
    )
)
# Words of a photo or data credit after the source's name (사진=국립공원공단 제공, 통계청 자료).
CREDIT_WORDS_KO = frozenset(words("제공 촬영 자료 사진"))
# Platforms named after a person in a photo credit (사진=하윤 인스타그램): the person's account,
# not part of the name.
PLATFORM_WORDS_KO = frozenset(words(
    "인스타그램 인스타 SNS 페이스북 유튜브 틱톡 트위터 X 블로그 캡처 방송화면 화면캡처 유튜브채널"
))
# Marks between the two names of a couple (최다인♥이준서) and what may follow the pair (부부).
COUPLE_MARKS_KO = "♥❤♡"
COUPLE_WORDS_KO = frozenset(words("부부 커플"))
# Labels of a credit written like a dateline, ``(출처=연합뉴스)``, ``[사진=뉴스1]``: the part
# before ``=`` says what is credited, not where the story was filed.
CREDIT_LABELS_KO = frozenset(words(
    "출처 사진 자료 자료사진 사진제공 제공 그래픽 영상 일러스트 디자인 편집 촬영 글 그림 캡처"
))
# Endings of natural features: mountains, rivers, islands... Korean given names practically never
# end in these syllables (unlike 호, 만 or 해: 민호, 영만, 은해), so three or more syllables
# ending in one name a place even where a tagger reads a person.
NATURE_SUFFIXES_KO = ("산", "강", "섬", "계곡", "폭포", "평야", "고원", "반도", "해협", "산맥")
# Cue nouns after a quoted name (‘SB 오픈AI 재팬’이라는 합작사) or before it (프로그램 ‘…’).
QUOTE_CUES_KO: dict[str, str] = {
    **dict.fromkeys(words(
        "합작사 회사 기업 법인 스타트업 재단 단체 협회 은행 펀드 자회사 연구소 조직 정당 그룹 "
        "합작법인"
    ), "organization"),
    **dict.fromkeys(words(
        "프로그램 프로젝트 이니셔티브 행사 캠페인 대회 축제 회의 정상회의 포럼 전시회 작전 사업 "
        "계획 훈련 연합훈련 박람회 콘퍼런스 컨퍼런스 시상식"
    ),
                    "event"),
    **dict.fromkeys(words(
        "서비스 모델 앱 플랫폼 제품 칩 게임 브랜드 차량 스마트폰 챗봇 로봇 소프트웨어 신약 백신 "
        "반도체 운영체제 위성 발사체"
    ), "product"),
    **dict.fromkeys(["지역", "도시", "마을", "섬", "거리", "단지"], "location"),
}
# One-syllable abbreviations of countries in compounds (한미, 남북, 미중, 한·미·일) and alone
# (북은, 미 국무부), with the country's usual Korean name (looked up in the lexicon).
COUNTRY_ABBREVIATIONS_KO = {
    "한": "한국", "남": "한국", "북": "북한", "미": "미국", "중": "중국", "일": "일본",
    "러": "러시아",
}
# Compounds of those abbreviations written as one word. 남미 (South America), 한남, 중일 (진행
# 중일 때) and 미러 (the Mirror) are not among them; 북미 is North Korea-US only before a word of
# ``NK_US_CUES_KO`` (else North America).
COUNTRY_COMPOUNDS_KO = frozenset(words(
    "한미 한일 한중 한러 미중 미일 중러 남북 북미 북중 북러 북일 한미일 한중일 한미중 "
    "북중러"
))
NK_US_CUES_KO = tuple(words("대화 정상 회담 협상 관계 비핵화 교착 접촉 실무 공동성명 합의"))
# Nouns that follow such a compound inside one word (한미동맹, 남북관계, 미중갈등, 한일전).
COUNTRY_COMPOUND_TAILS_KO = tuple(words(
    "관계 동맹 정상 회담 갈등 무역 협력 연합 공조 대화 협상 합의 경쟁 관세 통상 외교 안보 군사 "
    "국방 훈련 전 간 양국 3국 정상회담 공동"
))
# Short forms of provinces that are also common words (경기 = economy, a match), known only as
# the first word of a place chain (경기 하남시), mapped to the name the lexicon knows.
PROVINCE_SHORT_KO = {"경기": "경기도"}
# Endings of administrative divisions: a chain of places is cut after a word ending in one
# (수영구 광안리해수욕장, 조지아주 엘러벨).
ADMIN_SUFFIXES_KO = ("특별시", "광역시", "시", "도", "군", "구", "읍", "면", "동", "주")
# Common Korean surnames (one and two syllables), for names found only through a cue word.
SURNAMES_KO = frozenset(
    words(
        "김 이 박 최 정 강 조 윤 장 임 한 오 서 신 권 황 안 송 류 유 전 홍 고 문 양 손 배 백 허 "
        "남 심 노 하 곽 성 차 주 우 구 민 진 나 지 엄 채 원 천 방 공 현 함 변 염 여 추 도 소 석 "
        "선 설 마 길 연 위 표 명 기 반 라 왕 금 옥 육 인 맹 제 모 탁 국 어 은 편 용 예 경 봉 사 "
        "부 황보 남궁 제갈 선우 독고"
    )
)
# Latin tokens inside Korean text that are vocabulary, not names.
LATIN_STOP = frozenset(
    words(
        "AI IT CEO CFO CTO COO PC TV SNS GPU CPU API OS App DB VR AR XR IoT ICT R&D ESG MOU GDP "
        "CPI K PD MC DJ VIP PR MZ M&A IPO ETF B2B B2C UX UI OTT FTA CCTV LED LCD SW HW EV NFT DX "
        "QR USB vs VS ver km kg cm mm ml ℃ am pm AM PM Q&A FAQ ID PDF WWW HTTP HTTPS Co Inc News"
    )
)
LATIN_CONNECTORS = frozenset(words(
    "for of the and de du la von van der di da & in on to"
))


def suffix_type_ko(surface: str) -> str | None:
    """Event/organisation/location by suffix, for names of three or more characters."""
    if len(surface.replace(" ", "")) < 3:
        return None
    if surface.endswith(EVENT_SUFFIXES_KO):
        return "event"
    if surface.endswith(ORG_SUFFIXES_KO):
        return "organization"
    if surface.endswith(LOC_SUFFIXES_KO):
        return "location"
    return None


def natural_place_ko(surface: str) -> bool:
    """Three or more Hangul syllables ending in a natural feature (지리산, 낙동강, 한라산)."""
    compact = surface.replace(" ", "")
    return (len(compact) >= 3 and all("가" <= char <= "힣" for char in compact)
            and compact.endswith(NATURE_SUFFIXES_KO))


# Head words of events: the last word (G20 Summit, World Cup) or a storm's first (Hurricane
# Milton). "Games", "Forum" and "Conference" are left out: Epic Games, the World Economic Forum
# and a sports conference are organisations.
EVENT_SUFFIXES_EN = frozenset(words(
    "Summit Festival Olympics Paralympics Cup Championship Championships Election Elections War "
    "Expo Awards Marathon Tournament Open"
))
EVENT_PREFIXES_EN = frozenset(words("Hurricane Typhoon Cyclone Storm"))


def suffix_type_en(words: list[str]) -> str | None:
    """Organisation/location/event by the head word: the last one (``Acme Corp.``, ``Hudson
    River``, ``G20 Summit``), one followed by ``of`` (``University of California``, ``Gulf of
    Mexico``), or a storm's first word (``Hurricane Milton``)."""
    if words and (words[-1] in EVENT_SUFFIXES_EN or (
            len(words) == 2 and words[0] in EVENT_PREFIXES_EN)):
        return "event"
    heads = [words[-1]] if words else []
    heads += [word for word, after in pairwise(words) if after == "of"]
    for head in heads:
        if head in ORG_SUFFIXES_EN:
            return "organization"
        if head in LOC_SUFFIXES_EN:
            return "location"
    return None


def looks_like_korean_name(surface: str) -> bool:
    """Three Hangul syllables starting with a common surname (김성환), the usual Korean name."""
    if len(surface) != 3 or not all("가" <= char <= "힣" for char in surface):
        return False
    return surface[0] in SURNAMES_KO
