"""Hostile pages are refused before the tree is built, at the cost of a byte scan."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from streams.errors import ParseError
from streams.parse import parse_article
from streams.parse.prescan import MAX_ATTRIBUTES, MAX_NESTING, check_shape, most_attributes, nesting


def deep(n: int) -> bytes:
    """A page whose elements nest ``n`` deep (html, body and n - 2 divs)."""
    divs = n - 2
    return b"<html><body>" + b"<div>" * divs + b"<p>text</p>" + b"</div>" * divs + b"</body></html>"


def many_attributes(n: int) -> bytes:
    attrs = b" ".join(b'data-a%d="%d"' % (i, i) for i in range(n))
    return b"<html><body><div " + attrs + b"><p>text</p></div></body></html>"


@pytest.mark.parametrize(
    ("page", "what"),
    [(deep(200_000), "nested"), (deep(MAX_NESTING + 1), "nested"),
     (many_attributes(200_000), "attributes"), (many_attributes(MAX_ATTRIBUTES + 1), "attributes"),
     (deep(MAX_NESTING + 1).decode(), "nested")],
    ids=["200k-divs", "just-too-deep", "200k-attributes", "just-too-many", "text-page"],
)
def test_hostile_shapes_are_refused_before_parsing(page: bytes | str, what: str) -> None:
    with pytest.raises(ParseError, match=what) as refused:
        parse_article(page, "https://example.com/hostile")
    assert refused.value.reason == "too_complex"


def test_shapes_at_the_limits_reach_the_parser() -> None:
    check_shape(deep(MAX_NESTING))
    check_shape(many_attributes(MAX_ATTRIBUTES))


def test_the_estimates_do_not_miscount() -> None:
    assert nesting(deep(50)) == 50  # p (end tag optional) and void elements do not deepen it
    assert nesting(b"<ul>" + b"<li>x" * 5000 + b"</ul><p>a<p>b<br><img src=x>") == 1
    # an = inside a URL or a JSON value is not an attribute
    tag = b'<img srcset="a.jpg?w=1 1x, a.jpg?w=2 2x" data-x=\'{"k": "v=1"}\' alt=x ' + b" " * 2000
    assert most_attributes(tag + b">") == 3


ROOT = Path(__file__).resolve().parents[2]
PAGES = [*ROOT.glob("tests/parse/fixtures/*.html"), *ROOT.glob("samples/*.html"),
         *ROOT.glob("tests/enrich/pages/*.html"),
         *Path("/work/shared/data/wcxb-dev-articles/html").glob("*.html.gz")]  # when present


def test_no_page_we_have_is_refused_by_its_shape() -> None:
    for path in PAGES:
        data = path.read_bytes()
        check_shape(gzip.decompress(data) if path.suffix == ".gz" else data)
