"""One case per fixture page: title, authors, date, publisher, must/must-not snippets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.parse import parse_article
from streams.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.stem for p in FIXTURES.glob("*.json"))


def _load(name: str) -> tuple[Article, dict[str, object]]:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    html = (FIXTURES / f"{name}.html").read_bytes()
    return parse_article(html, str(expected["url"])), expected


def test_fixture_set_is_complete() -> None:
    langs = [json.loads((FIXTURES / f"{n}.json").read_text("utf-8"))["language"] for n in CASES]
    assert langs.count("ko") >= 8
    assert langs.count("en") >= 5


@pytest.mark.parametrize("name", CASES)
def test_fixture_page(name: str) -> None:
    article, exp = _load(name)
    assert article.title == exp["title"]
    assert article.language == exp["language"]
    names = [a.name for a in article.authors]
    for author in exp["authors"]:  # type: ignore[attr-defined]
        assert author in names
    assert article.published is not None
    assert article.published.startswith(str(exp["published"]))
    assert article.published_source
    if exp.get("publisher") is not None:
        assert article.publisher == exp["publisher"]
    for snippet in exp["must_contain"]:  # type: ignore[attr-defined]
        assert snippet in article.text, snippet
    for snippet in exp["must_not_contain"]:  # type: ignore[attr-defined]
        assert snippet not in article.text, snippet
    for snippet in exp.get("once", []):  # type: ignore[attr-defined]
        assert article.text.count(snippet) == 1, snippet
    for tag in exp.get("tags", []):  # type: ignore[attr-defined]
        assert tag in article.tags
    assert article.word_count > 10
    assert article.text == "\n\n".join(b.text for b in article.blocks)
