"""Hostile pages are refused before the tree is built, at the cost of a byte scan."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from streams.errors import ParseError
from streams.parse import parse_article
from streams.parse.limits import DEFAULT_LIMITS
from streams.parse.prescan import (
    ATTRIBUTE_BUDGET,
    MAX_ATTRIBUTES,
    MAX_NESTING,
    NESTING_BUDGET,
    attributes,
    check_shape,
    tags,
)

MAX_NODES = DEFAULT_LIMITS.max_nodes


def deep(n: int) -> bytes:
    """A page whose elements nest ``n`` deep (html, body and n - 2 divs)."""
    divs = n - 2
    return b"<html><body>" + b"<div>" * divs + b"<p>text</p>" + b"</div>" * divs + b"</body></html>"


def many_attributes(n: int, elements: int = 1) -> bytes:
    attrs = b" ".join(b'data-a%d="%d"' % (i, i) for i in range(n))
    element = b"<div " + attrs + b"><p>text</p></div>"
    return b"<html><body>" + element * elements + b"</body></html>"


def chains(depth: int, count: int) -> bytes:
    """``count`` chains of ``depth`` nested divs, one after another."""
    chain = b"<div>" * depth + b"<p>text</p>" + b"</div>" * depth
    return b"<html><body>" + chain * count + b"</body></html>"


@pytest.mark.parametrize(
    ("page", "what"),
    [(deep(200_000), "nested"), (deep(MAX_NESTING + 1), "nested"),
     (many_attributes(200_000), "attributes"), (many_attributes(MAX_ATTRIBUTES + 1), "attributes"),
     (deep(MAX_NESTING + 1).decode(), "nested"),
     # each element within the limits, the page over a budget (1.8 s and 0.7 s of CPU to build)
     (chains(5_000, 40), "total depth"), (many_attributes(1_500, elements=120), "many attributes"),
     (b"<html><body>" + b"<i>x</i>" * (MAX_NODES + 1), "elements")],
    ids=["200k-divs", "just-too-deep", "200k-attributes", "just-too-many", "text-page",
         "40-chains-of-5000", "120-elements-of-1500-attributes", "too-many-elements"],
)
def test_hostile_shapes_are_refused_before_parsing(page: bytes | str, what: str) -> None:
    with pytest.raises(ParseError, match=what) as refused:
        parse_article(page, "https://example.com/hostile")
    assert refused.value.reason == "too_complex"


def test_shapes_at_the_limits_reach_the_parser() -> None:
    check_shape(deep(MAX_NESTING), MAX_NODES)
    check_shape(many_attributes(MAX_ATTRIBUTES), MAX_NODES)
    check_shape(chains(1_500, 125), MAX_NODES)  # 141 million of the 150 million depth budget
    check_shape(many_attributes(1_000, elements=140), MAX_NODES)
    check_shape(b"<html><body>" + b"<i>x</i>" * (MAX_NODES - 2), MAX_NODES)


def test_the_estimates_do_not_miscount() -> None:
    # p (end tag optional) and void elements do not deepen it
    assert tags(deep(50), MAX_NODES).deepest == 50
    assert tags(b"<ul>" + b"<li>x" * 5000 + b"</ul><p>a<p>b<br><img src=x>", MAX_NODES).deepest == 1
    shape = tags(b"<a><b></b><c><d></d></c></a>", MAX_NODES)
    assert (shape.deepest, shape.nesting_cost, shape.elements) == (3, 1 + 2 + 2 + 3, 4)
    assert tags(b"<i>x</i>" * 10, stop_after=5).elements == 6  # past the limit: no need to go on
    # an = inside a URL or a JSON value is not an attribute
    tag = b'<img srcset="a.jpg?w=1 1x, a.jpg?w=2 2x" data-x=\'{"k": "v=1"}\' alt=x ' + b" " * 400
    found = attributes(tag + b">" + tag + b">")
    assert (found.most, found.cost) == (3, 9 + 9)


ROOT = Path(__file__).resolve().parents[2]
PAGES = [*ROOT.glob("tests/parse/fixtures/*.html"), *ROOT.glob("samples/*.html"),
         *ROOT.glob("tests/enrich/pages/*.html"),
         *Path("/work/shared/data/wcxb-dev-articles/html").glob("*.html.gz")]  # when present


def test_no_page_we_have_comes_near_a_limit() -> None:
    for path in PAGES:
        data = path.read_bytes()
        data = gzip.decompress(data) if path.suffix == ".gz" else data
        check_shape(data, MAX_NODES)
        shape, found = tags(data, MAX_NODES), attributes(data)
        # a tenth of each budget at most: the limits are far from what real pages do
        assert shape.nesting_cost < NESTING_BUDGET / 10, path
        assert found.cost < ATTRIBUTE_BUDGET / 10, path
