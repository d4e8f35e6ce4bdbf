"""A byte-level look at a page before the HTML parser builds its tree.

Lexbor's tree building is quadratic in element nesting and in the attributes of one element
(measured: 25,000 nested ``<div>`` 1.6 s of CPU, 50,000 6.6 s; one element with 62,500
attributes 9.9 s, 125,000 77 s), so the limits on those must be checked before it runs, not on
the tree. Pages with few tags or few ``=`` cannot reach those costs and pay only two
``bytes.count`` calls (microseconds); only the rest are scanned, with regular expressions.
The nesting found is an estimate that never counts low: end tags that HTML lets a page leave
out (``<p>``, ``<li>``, table cells) and void elements do not deepen it.
"""

from __future__ import annotations

import re

from streams.errors import ParseError

#: What the tree builder is spared: about 0.25 s of CPU each (the real tree's own, lower depth
#: limit, ParseLimits.max_depth, is checked on the tree afterwards).
MAX_NESTING = 10_000
MAX_ATTRIBUTES = 10_000
#: Below these counts a page cannot reach those limits, so it is not scanned.
SCAN_TAGS_FROM = MAX_NESTING
SCAN_EQUALS_FROM = MAX_ATTRIBUTES
#: A tag this long may hold many attributes; shorter ones cannot hold a costly number.
LONG_TAG_BYTES = 2_000

_TAG_RE = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]{0,40})")
_LONG_TAG_RE = re.compile(rb"<[A-Za-z][^>]{%d,}" % LONG_TAG_BYTES)
_ATTRIBUTE_RE = re.compile(rb"\s[A-Za-z_:][-\w:.]*\s*=")  # not an = inside a URL or JSON value
_VOID = frozenset(b"area base br col embed hr img input link meta param source track wbr".split())
_IMPLIED_END = frozenset(
    b"p li dt dd option optgroup tr td th thead tbody tfoot rt rp colgroup caption".split()
)


def nesting(data: bytes) -> int:
    """The deepest element nesting the tags of ``data`` open (an over-estimate)."""
    depth = deepest = 0
    for match in _TAG_RE.finditer(data):
        name = match.group(2).lower()
        if name in _VOID or name in _IMPLIED_END:
            continue
        if match.group(1):
            depth = max(0, depth - 1)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def most_attributes(data: bytes) -> int:
    """The most attributes one tag of ``data`` carries (0 when it has no long tag)."""
    return max((len(_ATTRIBUTE_RE.findall(m.group(0))) for m in _LONG_TAG_RE.finditer(data)),
               default=0)


def check_shape(markup: str | bytes, max_depth: int = MAX_NESTING,
                max_attributes: int = MAX_ATTRIBUTES) -> None:
    """Raise ``ParseError(too_complex)`` for a page nested deeper than ``max_depth`` or with an
    element of more than ``max_attributes`` attributes, before any tree is built."""
    data = markup.encode("utf-8", "replace") if isinstance(markup, str) else markup
    if data.count(b"<") >= SCAN_TAGS_FROM and (depth := nesting(data)) > max_depth:
        raise ParseError(f"elements nested {depth} deep, limit {max_depth}", reason="too_complex")
    if data.count(b"=") >= SCAN_EQUALS_FROM and (most := most_attributes(data)) > max_attributes:
        raise ParseError(f"an element with {most} attributes, limit {max_attributes}",
                         reason="too_complex")
