"""Normalisation and id construction: the only place that decides what an entity id looks like.

Ids must be stable across processes, runs and machines (they key entity timelines downstream), so
they are pure functions of text: no dict order, no counters, no randomness.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

_PUNCT_RE = re.compile(r"[\s\u00b7\u2027\u30fb#'\"‘’“”`´.,:;!?()\[\]{}<>/\\|_~^*+=-]+")

PREFIX = {
    "person": "per",
    "organization": "org",
    "location": "loc",
    "product": "prd",
    "event": "evt",
    "other": "oth",
}


@functools.lru_cache(maxsize=1 << 16)
def normalise(surface: str) -> str:
    """Key for matching surfaces: NFKC, case-folded, without spaces and punctuation.

    So ``샘 올트먼``, ``샘올트먼`` and ``#샘올트먼`` share one key, as do ``OpenAI`` and ``openai``.
    A pure function of the surface, memoised: an article looks up the same surfaces many times
    (every mention, every lexicon lookup and resolution key).
    """
    text = unicodedata.normalize("NFKC", surface).casefold()
    return _PUNCT_RE.sub("", text)


def unknown_id(surface: str) -> str:
    """Id of a name the gazetteer does not know: ``unk:`` + sha1 of its normalised key.

    The type is deliberately not part of the id: typing of unknown names is heuristic and may
    differ between articles, while the id must not.
    """
    digest = hashlib.sha1(normalise(surface).encode("utf-8")).hexdigest()
    return f"unk:{digest[:12]}"


def territory_id(code: str) -> str:
    """Id of a country or territory: ``loc:`` + ISO 3166-1 alpha-2 code, upper case."""
    return f"loc:{code.upper()}"
