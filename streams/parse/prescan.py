"""A byte-level look at a page before the HTML parser builds its tree.

Lexbor's tree building costs, per element, time in proportion to how deep it is nested, and per
attribute, time in proportion to the attributes before it on its element (measured: 40 chains
of 5,000 nested ``<div>`` 1.8 s of CPU, 100 chains of 2,000 0.74 s; 50 elements of 9,999
attributes 12.6 s, 500 of 1,000 1.1 s: about 3.6 ns per unit of depth and 2.5 ns per pair of
attributes). So the limits on those are checked before it runs, not on the tree, as budgets of
the whole page (the sum of the depth of every element; the sum over elements of their
attributes squared) besides the limits on one element. Elements past ``ParseLimits.max_nodes``
are refused here too, before they are built and walked.

Pages with few tags or few ``=`` cannot reach those costs and pay only two ``bytes.count``
calls (microseconds); only the rest are scanned, with regular expressions. The nesting found
is an estimate that never counts low: end tags that HTML lets a page leave out (``<p>``,
``<li>``, table cells) and void elements do not deepen it. Start tags are counted wherever they
are (inside a script too), so the element count is an over-estimate as well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from streams.errors import ParseError

#: One element: nested this deep, or with this many attributes (about 0.25 s of CPU each; the
#: real tree's own, lower depth limit, ParseLimits.max_depth, is checked on the tree afterwards).
MAX_NESTING = 10_000
MAX_ATTRIBUTES = 10_000
#: The whole page: the sum of every element's depth (about 0.55 s of CPU to build), and the sum
#: over elements of their attributes squared (about 0.4 s).
NESTING_BUDGET = 150_000_000
ATTRIBUTE_BUDGET = 150_000_000
#: Below these counts a page cannot reach those limits, so it is not scanned.
SCAN_TAGS_FROM = MAX_NESTING
SCAN_EQUALS_FROM = MAX_ATTRIBUTES
#: A tag this long may hold many attributes; shorter ones hold at most about 100, which cost
#: little even in a page made of nothing else (0.3 s at the page size limit).
LONG_TAG_BYTES = 400

_TAG_RE = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})")
_LONG_TAG_RE = re.compile(rb"<[A-Za-z][^>]{%d,}" % LONG_TAG_BYTES)
_ATTRIBUTE_RE = re.compile(rb"\s[A-Za-z_:][-\w:.]*\s*=")  # not an = inside a URL or JSON value
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_IMPLIED_END = frozenset(
    b"p li dt dd option optgroup tr td th thead tbody tfoot rt rp colgroup caption".split()
)
_FLAT = _VOID | _IMPLIED_END  # elements that do not deepen the estimate


@dataclass(frozen=True, slots=True)
class Tags:
    """What the start and end tags of a page say about its tree (estimates, never low)."""

    deepest: int  # the deepest element nesting
    nesting_cost: int  # the sum of the depth of every element
    elements: int  # start tags


@dataclass(frozen=True, slots=True)
class Attributes:
    most: int  # the most attributes of one tag (0 when it has no long tag)
    cost: int  # the sum over long tags of their attributes squared


def tags(data: bytes, stop_after: int) -> Tags:
    """The nesting and the element count the tags of ``data`` make, read up to the element
    after ``stop_after`` (the count is then over the limit; the scan need not go on)."""
    depth = deepest = cost = elements = 0
    for closing, name in _TAG_RE.findall(data):  # findall: half the time of finditer here
        if closing:
            if depth and name.lower() not in _FLAT:
                depth -= 1
            continue
        elements += 1
        if elements > stop_after:
            break
        if name.lower() in _FLAT:
            cost += depth + 1
        else:
            depth += 1
            cost += depth
            deepest = max(deepest, depth)
    return Tags(deepest, cost, elements)


def attributes(data: bytes) -> Attributes:
    """How many attributes the long tags of ``data`` carry (short ones cannot cost much)."""
    counts = [len(_ATTRIBUTE_RE.findall(m.group(0))) for m in _LONG_TAG_RE.finditer(data)]
    return Attributes(max(counts, default=0), sum(n * n for n in counts))


def _as_bytes(markup: str | bytes) -> bytes:
    return markup.encode("utf-8", "replace") if isinstance(markup, str) else markup


def check_shape(markup: str | bytes, max_nodes: int) -> None:
    """Raise ``ParseError(too_complex)`` for a page whose tree would be costly to build: nested
    deeper than :data:`MAX_NESTING`, with an element of more than :data:`MAX_ATTRIBUTES`
    attributes, over a page budget, or with more than ``max_nodes`` elements."""
    # Counted on the markup as it comes ("<" and "=" are one byte each in UTF-8): a text is
    # encoded only when it must be scanned.
    if isinstance(markup, str):
        opening, equals = markup.count("<"), markup.count("=")
    else:
        opening, equals = markup.count(b"<"), markup.count(b"=")
    if opening >= SCAN_TAGS_FROM:
        shape = tags(_as_bytes(markup), stop_after=max_nodes)
        if shape.deepest > MAX_NESTING:
            raise ParseError(f"elements nested {shape.deepest} deep, limit {MAX_NESTING}",
                             reason="too_complex")
        if shape.nesting_cost > NESTING_BUDGET:
            raise ParseError(f"elements nested at a total depth of {shape.nesting_cost}, "
                             f"limit {NESTING_BUDGET}", reason="too_complex")
        if shape.elements > max_nodes:
            raise ParseError(f"{shape.elements} elements, limit {max_nodes}",
                             reason="too_complex")
    if equals >= SCAN_EQUALS_FROM:
        found = attributes(_as_bytes(markup))
        if found.most > MAX_ATTRIBUTES:
            raise ParseError(f"an element with {found.most} attributes, limit {MAX_ATTRIBUTES}",
                             reason="too_complex")
        if found.cost > ATTRIBUTE_BUDGET:
            raise ParseError(f"elements with many attributes (cost {found.cost}), limit "
                             f"{ATTRIBUTE_BUDGET}", reason="too_complex")
