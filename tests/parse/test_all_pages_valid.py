"""Every page we have, parsed, gives a record that the ``news.articles`` schema accepts.

An article the schema rejects is dead-lettered by the enrich stage: a good page lost. The pages
are the parse fixtures, ``samples/`` and the WCXB development articles (from the shared data
folder; skipped where it is absent). A page that ``parse_article`` rejects (ParseError) becomes
a dead letter by design and is not counted. The 884 trafilatura evaluation pages are left out:
parsing and validating them would add 10-15 s to every run (they were checked once when the
date zones were added: docs/extraction.md).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from streams.errors import ParseError
from streams.parse import parse_article
from streams.schemas import load_schema, validation_errors
from streams.topics import ARTICLES

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "parse" / "fixtures"
WCXB = Path("/work/shared/data/wcxb-dev-articles")  # as in bench/extraction.py

Page = tuple[str, bytes]  # (url, html)


def _fixture_pages() -> Iterator[Page]:
    """The fixture pages that are articles (the others are tested to be dead letters)."""
    for html in sorted(FIXTURES.glob("*.html")):
        sidecar = json.loads(html.with_suffix(".json").read_text(encoding="utf-8"))
        if not sidecar.get("not_article"):
            yield sidecar["url"], html.read_bytes()


def _sample_pages() -> Iterator[Page]:
    for html in sorted((ROOT / "samples").glob("*.html")):
        yield html.resolve().as_uri(), html.read_bytes()  # the URL the replay gives it


def _wcxb_pages() -> Iterator[Page]:
    """``ground-truth/NNNN.json`` holds the URL of ``html/NNNN.html.gz`` (see README.md)."""
    for truth in sorted((WCXB / "ground-truth").glob("*.json")):
        url = json.loads(truth.read_text(encoding="utf-8"))["url"]
        yield url, gzip.decompress((WCXB / "html" / f"{truth.stem}.html.gz").read_bytes())


def _invalid(pages: Iterator[Page]) -> tuple[int, int, list[str]]:
    """(pages, articles, problems): each article serialised as the parse agent does, then
    validated."""
    n_pages = n_articles = 0
    problems: list[str] = []
    for url, html in pages:
        n_pages += 1
        try:
            article = parse_article(html, url)
        except ParseError:
            continue
        n_articles += 1
        errors = validation_errors(ARTICLES, orjson.loads(orjson.dumps(article)))
        problems.extend(f"{url}: {error}" for error in errors)
    return n_pages, n_articles, problems


def test_the_schema_rejects_a_local_time_without_offset() -> None:
    # The check below means something only if date-time formats are checked at all.
    example = load_schema(ARTICLES.schema)["examples"][0]
    assert validation_errors(ARTICLES, {**example, "published": "2026-03-11T09:35:00"})
    assert not validation_errors(ARTICLES, {**example, "published": "2026-03-11T09:35:00Z"})


#: Each set's pages, and the folder it needs (None: in the repository).
SETS: dict[str, tuple[Callable[[], Iterator[Page]], Path | None]] = {
    "fixtures": (_fixture_pages, None),
    "samples": (_sample_pages, None),
    "wcxb-dev": (_wcxb_pages, WCXB),
}


@pytest.mark.parametrize("name", SETS)
def test_every_article_is_schema_valid(name: str) -> None:
    pages, required = SETS[name]
    if required is not None and not required.is_dir():
        pytest.skip(f"{required} is absent: the shared data folder is not mounted here")
    n_pages, n_articles, problems = _invalid(pages())
    assert n_articles >= 0.95 * n_pages > 0, (n_pages, n_articles)
    assert problems == []
