"""Near-duplicate detection: is this article a copy of one seen before, and of which?

A copy is the same story republished: under another URL, in another site's chrome, with a tag
added to its headline, another byline, a paragraph or two added or dropped, a few words changed.
:class:`Fingerprinter` turns an article's title and body into a :class:`Fingerprint`: a content
hash of the normalised story (exact copies), a MinHash signature of its shingles and one LSH
bucket key per band of the signature. :class:`DuplicateIndex` remembers which articles fell into
which bucket and answers, for a new fingerprint, the first earlier article that is similar
enough, with the estimated Jaccard similarity of the two.

The index's whole state is a mapping from bucket key to a list of ``(article id, first seen)``
entries, in arrival order, so that it can live in a key/value store (a Faust table keyed by bucket,
docs/stories.md) and be split by key: everything :meth:`DuplicateIndex.check` does is one
:func:`visit_bucket` per key, then one :func:`decide` over what the buckets returned. The
similarity is estimated from the number of bands two articles share (``b`` bands of ``r`` rows
share with probability ``J**r`` each), which needs no stored signature.

Pure and deterministic: no clock (times are passed in), no environment, fixed seeds.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from streams.stories.minhash import Hashes, MinHasher, Shingling, mix
from streams.stories.normalise import clean_title, fold, story_lines

#: One index entry: an article id and when it was first seen (seconds since the epoch).
Entry = tuple[str, float]

EXACT_PREFIX = "x:"


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Parameters of the detector; docs/stories.md gives the measurements behind the defaults.

    ``num_perm`` MinHash bins (a power of two) in ``num_perm // rows`` LSH bands; a copy is an
    earlier article whose estimated Jaccard similarity reaches ``threshold``. Entries older than
    ``horizon_s`` are forgotten, and a bucket keeps at most ``max_bucket`` entries (the earliest:
    a bucket that full holds some phrase every article shares, not a story).
    """

    num_perm: int = 128
    rows: int = 2
    word_n: int = 3
    char_n: int = 4
    threshold: float = 0.5
    horizon_s: float = 3 * 86400.0
    max_bucket: int = 200
    seed: int = 1

    def __post_init__(self) -> None:
        if self.num_perm % self.rows:
            raise ValueError(f"rows ({self.rows}) must divide num_perm ({self.num_perm})")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {self.threshold}")
        if self.max_bucket < 1 or self.horizon_s <= 0:
            raise ValueError("max_bucket and horizon_s must be positive")

    @property
    def bands(self) -> int:
        return self.num_perm // self.rows


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the index needs of one article. ``exact_key`` and ``band_keys`` are bucket keys;
    ``shingles`` counts the n-grams, 0 when nothing of a story was left after normalisation
    (such a fingerprint has no keys and is never a copy of anything)."""

    content_hash: str
    signature: Hashes = field(repr=False, compare=False)
    band_keys: tuple[str, ...]
    shingles: int

    @property
    def exact_key(self) -> str:
        return EXACT_PREFIX + self.content_hash

    @property
    def keys(self) -> tuple[str, ...]:
        """Every bucket key of the article: the exact one first, then one per band."""
        return (self.exact_key, *self.band_keys) if self.shingles else ()


@dataclass(frozen=True, slots=True)
class Match:
    """The earlier article a new one copies, and how similar the two are (1.0 for an exact
    copy of the normalised body)."""

    article_id: str
    similarity: float
    first_seen: float
    exact: bool


class Fingerprinter:
    """Builds fingerprints; built once per worker (it holds the hash functions)."""

    def __init__(self, config: DedupConfig) -> None:
        self.config = config
        self.shingling = Shingling(word_n=config.word_n, char_n=config.char_n)
        self.hasher = MinHasher(num_perm=config.num_perm, seed=config.seed)
        band_salt = np.uint64((config.seed * 0xD6E8FEB86659FD93) & 0xFFFFFFFFFFFFFFFF)
        self._band_salt = band_salt + np.arange(config.bands, dtype=np.uint64)

    def fingerprint(self, title: str | None, text: str) -> Fingerprint:
        """The fingerprint of an article: its headline without tags, then its body's story
        lines (:func:`streams.stories.normalise.story_lines`). The content hash covers the body
        only, so a copy under a rewritten headline is still an exact copy; a page with no story
        in its body (photos, a video) is hashed by its headline instead."""
        body = story_lines(text)
        headline = fold(clean_title(title)) if title else ""
        lines = [headline, *body] if headline else body
        shingles = self.shingling.shingles(lines)
        signature = self.hasher.signature(shingles)
        digest = hashlib.sha256("\n".join(body or lines).encode()).hexdigest()[:32]
        return Fingerprint(digest, signature, self._band_keys(signature), len(shingles))

    def _band_keys(self, signature: Hashes) -> tuple[str, ...]:
        rows = signature.reshape(self.config.bands, self.config.rows)
        combined = self._band_salt.copy()
        for column in range(self.config.rows):
            combined = mix(combined ^ rows[:, column])
        return tuple(f"{band}:{value:012x}"
                     for band, value in enumerate((combined >> np.uint64(16)).tolist()))


class Visit(NamedTuple):
    """What one bucket answers for one article: the entries before it, and the bucket's
    contents afterwards (``changed`` says whether they differ from what was stored)."""

    earlier: list[Entry]
    entries: list[Entry]
    changed: bool


def visit_bucket(entries: Sequence[Entry], article_id: str, seen_at: float,
                 config: DedupConfig) -> Visit:
    """One bucket's part of a check: the live entries that came before ``article_id`` (in
    arrival order, and earlier by ``(first seen, id)``), and the bucket's new contents.

    Entries older than the horizon (counted back from ``seen_at``) are dropped. The article is
    appended unless already there (a re-delivered record changes nothing and gets the same
    answer) or the bucket is full.
    """
    if not entries:  # most buckets: nobody came before
        return Visit([], [(article_id, seen_at)], True)
    oldest = seen_at - config.horizon_s
    live: list[Entry] = []
    own = None
    for other, first in entries:
        if first >= oldest:
            if other == article_id and own is None:
                own = len(live)
            live.append((other, first))
    changed = len(live) != len(entries)
    if own is None:
        before = live
        if len(live) < config.max_bucket:
            live = [*live, (article_id, seen_at)]
            changed = True
    else:
        before = live[:own]
        seen_at = live[own][1]
    earlier = [(other, first) for other, first in before if (first, other) < (seen_at, article_id)]
    return Visit(earlier, live, changed)


def decide(earlier_by_key: Mapping[str, Sequence[Entry]], config: DedupConfig) -> Match | None:
    """The first earlier article (by first seen) whose similarity reaches the threshold, from
    what each of an article's buckets returned. An article in the exact bucket is an exact copy;
    otherwise the similarity is estimated from the number of bands shared."""
    shared: dict[str, int] = {}
    first_seen: dict[str, float] = {}
    exact: set[str] = set()
    for key, entries in earlier_by_key.items():
        for other, first in entries:
            first_seen[other] = first
            if key.startswith(EXACT_PREFIX):
                exact.add(other)
            else:
                shared[other] = shared.get(other, 0) + 1
    matches = [
        Match(other, 1.0 if other in exact else estimate(shared.get(other, 0), config),
              first_seen[other], other in exact)
        for other in first_seen
    ]
    matches = [m for m in matches if m.similarity >= config.threshold]
    return min(matches, key=lambda m: (m.first_seen, -m.similarity, m.article_id), default=None)


def estimate(shared_bands: int, config: DedupConfig) -> float:
    """Jaccard similarity from the number of bands two signatures share: each of ``b`` bands
    of ``r`` rows is shared with probability ``J**r``, so ``J ~ (shared / b) ** (1 / r)``."""
    return round((shared_bands / config.bands) ** (1.0 / config.rows), 4)


class DuplicateIndex:
    """Buckets of earlier articles, as a mapping from bucket key to entries (a plain dict, or
    anything mutable keyed the same way). Values are replaced, never changed in place, so a
    store that records assignments (a Faust table's changelog) sees every change."""

    def __init__(self, config: DedupConfig,
                 state: MutableMapping[str, list[Entry]] | None = None) -> None:
        self.config = config
        self.state: MutableMapping[str, list[Entry]] = {} if state is None else state

    def check(self, fingerprint: Fingerprint, article_id: str, seen_at: float) -> Match | None:
        """The earlier article ``article_id`` copies (or ``None``), remembering it for later
        articles. ``seen_at`` should be the record's own time (when it was fetched), so that a
        replay gets the same answer."""
        return self.check_keys(fingerprint.keys, article_id, seen_at)

    def check_keys(self, keys: Sequence[str], article_id: str, seen_at: float) -> Match | None:
        """:meth:`check` with the fingerprint's bucket keys only (what travels in a record)."""
        earlier_by_key: dict[str, list[Entry]] = {}
        for key in keys:
            visit = visit_bucket(self.state.get(key, []), article_id, seen_at, self.config)
            if visit.changed:
                self._store(key, visit.entries)
            earlier_by_key[key] = visit.earlier
        return decide(earlier_by_key, self.config)

    def expire(self, now: float) -> int:
        """Drop every entry older than the horizon (buckets no new article visits keep theirs
        until this runs); the number of entries dropped."""
        oldest = now - self.config.horizon_s
        dropped = 0
        for key in list(self.state):
            entries = self.state[key]
            live = [(other, first) for other, first in entries if first >= oldest]
            if len(live) != len(entries):
                dropped += len(entries) - len(live)
                self._store(key, live)
        return dropped

    def _store(self, key: str, entries: list[Entry]) -> None:
        if entries:
            self.state[key] = entries
        else:
            del self.state[key]
