"""Shingles and MinHash signatures: the set of n-grams of a story's text, and a short sketch of
that set whose agreement with another sketch estimates the two sets' Jaccard similarity.

Shingles are language-aware. English (and any text with spaces between words) is cut into word
n-grams. A Korean word (eojeol) carries its particles and endings (``협상이``, ``협상을``), and
spacing varies between sites (``16만5천명`` / ``16만 5천 명``), so Korean text is cut into
character n-grams of the text with its spaces removed; docs/stories.md has the measurements
behind both choices.

Signatures are one-permutation MinHash (Li, Owen and Zhang 2012) with optimal densification
(Shrivastava 2017): every shingle is hashed once to 64 bits, the top bits choose one of
``num_perm`` bins and each bin keeps its smallest value; a bin no shingle fell into borrows the
value of a bin chosen by a fixed probe sequence. Two signatures agree in a bin with probability
equal to the Jaccard similarity, as with ``num_perm`` independent permutations, at the cost of
one hash per shingle instead of ``num_perm``. Everything is vectorised with numpy and
deterministic across processes and machines: the hashes are fixed functions of the text and of
``seed`` (never Python's salted ``hash``).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Hashes = npt.NDArray[np.uint64]

_MASK64 = 0xFFFFFFFFFFFFFFFF
_EMPTY = np.uint64(_MASK64)
_HANGUL = re.compile(r"[가-힣ᄀ-ᇿ㄰-㆏]+")
_LATIN = re.compile(r"[a-z]+")
_GOLDEN = 0x9E3779B97F4A7C15
_NGRAM_BASE = np.uint64(0x100000001B3)  # odd: the polynomial n-gram hash stays invertible


def mix(values: Hashes) -> Hashes:
    """The SplitMix64 finaliser: a bijection of 64-bit values that spreads every input bit
    (array arithmetic wraps modulo 2**64 silently, as intended)."""
    values = (values ^ (values >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    values = (values ^ (values >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def is_korean(lines: list[str]) -> bool:
    """Whether folded text is mostly Korean: at least as many Hangul letters as Latin ones."""
    text = "".join(lines)
    hangul = sum(map(len, _HANGUL.findall(text)))
    return hangul > 0 and hangul >= sum(map(len, _LATIN.findall(text)))


def _ngrams(tokens: Hashes, n: int) -> Hashes:
    """One 64-bit value per run of ``n`` tokens (the whole text when it is shorter)."""
    n = min(n, len(tokens))
    if n == 0:
        return tokens
    count = len(tokens) - n + 1
    grams = tokens[:count].copy()
    for j in range(1, n):
        grams = grams * _NGRAM_BASE + tokens[j : j + count]
    return grams


@dataclass(frozen=True, slots=True)
class Shingling:
    """How folded story lines become shingle hashes: word ``word_n``-grams, or for Korean
    character ``char_n``-grams of the text without spaces. N-grams run across line breaks, so a
    paragraph split or merged by another site changes nothing."""

    word_n: int = 3
    char_n: int = 4

    def shingles(self, lines: list[str]) -> Hashes:
        """The 64-bit hashes of the text's shingles, possibly repeated (MinHash ignores that)."""
        if is_korean(lines):
            chars = "".join("".join(lines).split())
            tokens = np.frombuffer(chars.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
            return mix(_ngrams(tokens, self.char_n))
        words = " ".join(lines).split()
        tokens = np.fromiter((zlib.crc32(w.encode()) for w in words), np.uint64, len(words))
        return mix(_ngrams(tokens, self.word_n))


@dataclass(frozen=True, slots=True)
class MinHasher:
    """One-permutation MinHash into ``num_perm`` bins (a power of two), salted by ``seed``."""

    num_perm: int = 128
    seed: int = 1

    def __post_init__(self) -> None:
        if self.num_perm < 2 or self.num_perm & (self.num_perm - 1):
            raise ValueError(f"num_perm must be a power of two, not {self.num_perm}")

    def signature(self, shingles: Hashes) -> Hashes:
        """``num_perm`` values; all ``2**64 - 1`` for an empty set (which matches nothing)."""
        signature = np.full(self.num_perm, _EMPTY, dtype=np.uint64)
        if len(shingles) == 0:
            return signature
        salt = np.uint64((self.seed * _GOLDEN) & _MASK64)
        hashed = mix(shingles ^ salt)
        bits = self.num_perm.bit_length() - 1
        bins = (hashed >> np.uint64(64 - bits)).astype(np.intp)
        np.minimum.at(signature, bins, hashed & np.uint64((1 << (64 - bits)) - 1))
        empty = np.flatnonzero(signature == _EMPTY)
        if len(empty):
            self._densify(signature, empty, salt)
        return signature

    def _densify(self, signature: Hashes, empty: npt.NDArray[np.intp], salt: np.uint64) -> None:
        """Fill each empty bin from the first filled bin of its own probe sequence (a fixed
        function of the bin and the seed, so two texts borrow alike where both are empty),
        trying 32 probes at a time for every bin still empty."""
        filled = signature != _EMPTY
        source = signature.copy()
        attempts = np.arange(32, dtype=np.uint64)
        pending = empty.astype(np.uint64)
        while len(pending):
            probes = mix(((pending[:, None] << np.uint64(32)) + attempts[None, :]) ^ salt)
            others = (probes % np.uint64(self.num_perm)).astype(np.intp)
            hit = filled[others]
            done = hit.any(axis=1)
            first = others[done, hit[done].argmax(axis=1)]
            signature[pending[done].astype(np.intp)] = source[first]
            pending = pending[~done]
            attempts += np.uint64(32)


def similarity(left: Hashes, right: Hashes) -> float:
    """Jaccard similarity estimated from two signatures: the share of bins that agree."""
    return float(np.mean(left == right))
