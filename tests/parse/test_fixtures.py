"""One case per fixture page: title, authors, date, publisher, kind, must/must-not snippets; and
the pages that are not articles (cookie walls, section indexes, error pages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from streams.errors import ParseError
from streams.parse import parse_article
from streams.records import Article

FIXTURES = Path(__file__).parent / "fixtures"
SIDECARS = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in FIXTURES.glob("*.json")}
CASES = sorted(name for name, exp in SIDECARS.items() if not exp.get("not_article"))
NOT_ARTICLES = sorted(name for name, exp in SIDECARS.items() if exp.get("not_article"))


def _parse(name: str) -> Article:
    return parse_article((FIXTURES / f"{name}.html").read_bytes(), str(SIDECARS[name]["url"]))


def test_fixture_set_is_complete() -> None:
    langs = [SIDECARS[n]["language"] for n in CASES]
    assert langs.count("ko") >= 8
    assert langs.count("en") >= 5
    # Each short kind, and each kind of page that is not an article, in both languages.
    for kind in ("photo", "video", "brief"):
        assert {SIDECARS[n]["language"] for n in CASES if SIDECARS[n].get("kind") == kind} == {
            "ko", "en"}, kind
    # Korean byline markups, one publisher each.
    assert len({SIDECARS[n]["site"].split()[0] for n in CASES if n.startswith("byline_")}) >= 8
    for prefix in ("cookie_wall", "index", "error_404"):
        assert {SIDECARS[n]["language"] for n in NOT_ARTICLES if n.startswith(prefix)} == {
            "ko", "en"}, prefix


@pytest.mark.parametrize("name", CASES)
def test_fixture_page(name: str) -> None:
    exp = SIDECARS[name]
    article = _parse(name)
    assert article.title == exp["title"]
    assert article.language == exp["language"]
    assert article.kind == exp.get("kind", article.kind)
    _check_authors(article, exp)
    assert article.published is not None
    assert article.published.startswith(str(exp["published"]))
    assert article.published_source
    if exp.get("publisher") is not None:
        assert article.publisher == exp["publisher"]
    for snippet in exp["must_contain"]:
        assert snippet in article.text, snippet
    for snippet in exp["must_not_contain"]:
        assert snippet not in article.text, snippet
    for snippet in exp.get("once", []):
        assert article.text.count(snippet) == 1, snippet
    for tag in exp.get("tags", []):
        assert tag in article.tags
    captions = " | ".join(image.caption or "" for image in article.images)
    for snippet in exp.get("captions", []):
        assert snippet in captions, snippet
    assert len(article.images) >= exp.get("min_images", 0)
    assert article.word_count > (3 if exp.get("kind") in ("photo", "video", "brief") else 10)
    assert article.text == "\n\n".join(b.text for b in article.blocks)


def _check_authors(article: Article, exp: dict[str, Any]) -> None:
    """Expected names (with their role and e-mail where given) are there; names that are no
    author (a headline, a section, an outlet, a credit) are not."""
    by_name = {a.name: a for a in article.authors}
    for author in exp["authors"]:
        assert author in by_name, (author, list(by_name))
    for name, role in exp.get("roles", {}).items():
        assert by_name[name].role == role, name
    for name, email in exp.get("emails", {}).items():
        assert by_name[name].email == email, name
    for name in exp.get("not_authors", []):
        assert name not in by_name, name


@pytest.mark.parametrize("name", NOT_ARTICLES)
def test_not_an_article(name: str) -> None:
    with pytest.raises(ParseError) as err:
        _parse(name)
    assert err.value.reason == "not_article"
