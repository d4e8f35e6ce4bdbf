"""The parse stage's pure core: HTML (bytes or text) in, :class:`~streams.records.Article` out.

No streaming-runtime import: the Faust agent wraps :func:`parse_article`. Modules:

- :mod:`~streams.parse.decode`: bytes to text (charset order, EUC-KR as CP949).
- :mod:`~streams.parse.metadata`: meta/OpenGraph, JSON-LD, ``__NEXT_DATA__``, Arc XP, microdata.
- :mod:`~streams.parse.content`: the block walk and the content scorer.
- :mod:`~streams.parse.fields`: which candidate wins for title, authors, dates, language.
- :mod:`~streams.parse.authors`, :mod:`~streams.parse.dates`: byline and date readers.
- :mod:`~streams.parse.selectors`: every site rule and boilerplate pattern, in one place.
"""

from streams.parse.core import parse_article
from streams.parse.limits import ParseLimits

__all__ = ["ParseLimits", "parse_article"]
