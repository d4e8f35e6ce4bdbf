"""The scraped Daum page from the issue (an HTML fragment with loose text around it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from streams.parse import parse_article

SEED = Path("/work/shared/seed/000_863ba47d1e8e89c5.txt")
pytestmark = pytest.mark.skipif(not SEED.exists(), reason="seed page not available")


def test_seed_page() -> None:
    a = parse_article(SEED.read_bytes(), "https://v.daum.net/v/20250510140015256")
    assert a.title == "샘 올트먼의 '중국 밀어내기'...딥시크에 맞서 '글로벌 AI 동맹전'"
    assert "오픈AI 포 컨트리(OpenAI for Countries)" in a.text
    assert "국가 블록 간의 전략적 패권 전쟁" in a.text
    for absent in ("악수를 나누고 있다", "넷플릭스 요금 인상", "등록된 댓글이 없습니다",
                   "Copyright", "#소프트뱅크", "ksh@fnnews.com"):
        assert absent not in a.text
    assert len(a.headings) == 3
    assert "일본엔 합작사, 한국엔 카카오… 실질적 동맹 맺는다" in a.headings
    assert [(x.name, x.email) for x in a.authors] == [("김성환", "ksh@fnnews.com")]
    assert a.publisher == "파이낸셜뉴스"
    assert len(a.images) == 3
    assert all(i.caption and i.src.startswith("https://t1.daumcdn.net/") for i in a.images)
    assert a.tags[:7] == ["소프트뱅크", "중국", "카카오", "오픈AI", "샘올트먼", "딥시크", "소뱅"]
    assert a.published is not None and a.published.startswith("2025-05-10")
    assert a.published_source in ("text", "url")
    assert a.language == "ko"
    assert a.parsed_at is None
