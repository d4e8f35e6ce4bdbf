"""Character CRF for Korean names (PS/OG/LC), trained on KLUE-NER: features and tagging.

One linear-chain CRF (python-crfsuite) labels every character with BIO tags of ``PS``, ``OG`` or
``LC``. Per character the features are: the character and its neighbours (unigrams at -2..+2,
bigrams and a trigram around it), a coarse character class and the class shape around it, the
position inside its space-separated word, the Kiwi part-of-speech tag (B/I) of the morpheme
covering it and of its neighbours, the form of a covering noun morpheme, the first two characters
of the next word and the last two of the previous one (Korean titles such as ``대표`` or ``씨``
follow names), whether the next word is a person title, and B/I marks with the entity type of
gazetteer matches and of Kiwi proper nouns that have a WikiData class in ``multi.dict``.

The shipped model (``klue_crf/model.crfsuite``) is derived from KLUE-NER and carries its licence,
CC BY-SA 4.0 (see ``klue_crf/NOTICE.txt``); ``bench/train_klue_crf.py`` rebuilds it.

Feature extraction is a handful of list comprehensions over the text (no per-character Python
loop with branches), because it runs on every Korean article.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from streams.enrich import rules
from streams.enrich.lexicon import Known
from streams.enrich.resources import wikidata_types

MODEL = importlib.resources.files("streams.enrich") / "klue_crf" / "model.crfsuite"
LABELS = {"PS": "person", "OG": "organization", "LC": "location"}
TYPE_CODE = {"person": "P", "organization": "O", "location": "L", "product": "R",
             "event": "E", "other": "X"}
_CUE_CHARS = frozenset(rules.PERSON_CUES_KO)
_PARTICLES = frozenset(("에게", "께서", "으로", *"은는이가의와과을를도께로"))
_WORD_RE = re.compile(r"\S+")


@functools.cache
def _char_class(char: str) -> str:
    if "가" <= char <= "힣":
        return "H"
    if char.isspace():
        return "_"
    if char.isdigit():
        return "0"
    if char.isascii() and char.isalpha():
        return "A" if char.isupper() else "a"
    if char.isalpha():
        return "Z"
    return "P"


def _word_marks(text: str, ends: bytearray, particles: dict[int, str]
                ) -> tuple[list[str], list[list[str]]]:
    """Per character: its position in its space-separated word, and features of that word.

    Word features: the stem (the word up to the first particle or ending, where ``ends`` marks
    Kiwi morphemes of those kinds: ``서울시는`` -> ``서울시``) with its last one and two
    characters, the first particle (``particles``: start -> form), the next word's stem and first
    two characters, the previous word's last two characters, and whether the next word is a
    person title.
    """
    size = len(text)
    pos = ["_"] * size
    empty: list[str] = []
    word_features: list[list[str]] = [empty] * size
    spans = [match.span() for match in _WORD_RE.finditer(text)]
    stems = []
    for begin, end in spans:
        cut = ends.find(1, begin + 1, end)
        stems.append(text[begin:cut if cut > 0 else end])
    last = len(spans) - 1
    for number, (begin, end) in enumerate(spans):
        width = end - begin
        if width == 1:
            pos[begin] = "S"
        else:
            pos[begin:end] = ["B"] + ["I"] * (width - 2) + ["E"]
        stem = stems[number]
        row = ["e=" + stem, "e1=" + stem[-1:], "e2=" + stem[-2:]]
        cut = begin + len(stem)
        particle = next((particles[i] for i in range(cut, end) if i in particles), "")
        row.append("j=" + particle)
        if number < last:
            nb, ne = spans[number + 1]
            row += ["nw=" + text[nb:nb + 2], "ns=" + stems[number + 1]]
            if _is_cue(text[nb:ne]):
                row.append("cue")
        if number:
            pb, pe = spans[number - 1]
            row.append("pw=" + text[max(pb, pe - 2):pe])
        word_features[begin:end] = [row] * width
    return pos, word_features


@functools.lru_cache(maxsize=1 << 16)
def _is_cue(word: str) -> bool:
    """Whether a word is a person title, bare or with a particle (``대표는``, ``씨의``)."""
    word = word.rstrip(".,·…”’\"')")
    if word in _CUE_CHARS:
        return True
    return (word[-1:] in _PARTICLES and word[:-1] in _CUE_CHARS) or (
        word[-2:] in _PARTICLES and word[:-2] in _CUE_CHARS)


def _mark(rows: list[list[str]], spans: Iterable[tuple[int, int, str]], prefix: str) -> None:
    """Append B/I marks with a type code (``g=BO``, ``g=IO``) to the rows a span covers."""
    size = len(rows)
    for start, end, code in spans:
        if 0 <= start < end <= size:
            rows[start].append(f"{prefix}B{code}")
            inside = f"{prefix}I{code}"
            for row in rows[start + 1:end]:
                row.append(inside)


def features(text: str, tokens: Sequence[Any],
             known: Iterable[tuple[int, int, Known]] = ()) -> list[list[str]]:
    """CRF attributes of each character of ``text`` (Kiwi ``tokens`` of the same text)."""
    size = len(text)
    chars = list(text)
    pad = ["^", "^", *chars, "$", "$"]
    classes = [_char_class(char) for char in chars]
    cpad = ["^", *classes, "$"]
    ktag = ["O"] * size
    morphs: list[tuple[int, int, str]] = []
    wiki = wikidata_types()
    wiki_spans = []
    ends = bytearray(size)
    particles: dict[int, str] = {}
    for token in tokens:
        start, length, tag = token.start, token.len, token.tag
        if start >= size or ktag[start] != "O":
            continue
        end = min(start + length, size)
        if tag[0] in "JE" or tag == "VCP":
            ends[start] = 1
            if tag[0] == "J":
                particles[start] = token.form
        ktag[start] = "B" + tag
        if length > 1:
            ktag[start + 1:end] = ["I" + tag] * (end - start - 1)
        if tag[0] == "N" or tag == "SL":
            morphs.append((start, end, "m=" + token.form))
            if tag == "NNP":
                etype = wiki.get(token.form)
                if etype is not None:
                    wiki_spans.append((start, end, TYPE_CODE[etype]))
    kpad = ["^", *ktag, "$"]
    pos, words = _word_marks(text, ends, particles)
    rows = [
        [f"c={c}", f"l={l2}{l1}", f"r={r1}{r2}", f"b={l1}{c}", f"f={c}{r1}",
         f"t={l1}{c}{r1}", f"k={k}", f"kl={kl}", f"kr={kr}", f"kc={k}{c}",
         f"s={cl}{cc}{cr}", f"p={p}", *w]
        for l2, l1, c, r1, r2, kl, k, kr, cl, cc, cr, p, w in zip(
            pad, pad[1:], chars, pad[3:], pad[4:], kpad, ktag, kpad[2:], cpad, classes,
            cpad[2:], pos, words, strict=False)
    ]
    for start, end, value in morphs:
        for row in rows[start:end]:
            row.append(value)
    _mark(rows, ((s, e, TYPE_CODE.get(k.type, "X")) for s, e, k in known), "g=")
    _mark(rows, wiki_spans, "w=")
    return rows


def decode(text: str, labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """(start, end, KLUE label) spans of a BIO label sequence, trimmed of surrounding spaces."""
    spans = []
    start, current = -1, ""
    for index, label in enumerate([*labels, "O"]):
        if start >= 0 and not (label[:2] == "I-" and label[2:] == current):
            end = index
            while end > start and text[end - 1].isspace():
                end -= 1
            if end > start:
                spans.append((start, end, current))
            start, current = -1, ""
        if label[:2] == "B-" or (label[:2] == "I-" and start < 0):
            start, current = index, label[2:]
    return spans


class CrfModel:
    """A loaded CRF model: ``spans(text, tokens, known)`` -> (start, end, KLUE label)."""

    def __init__(self, path: Path | str) -> None:
        import pycrfsuite  # type: ignore[import-untyped]

        self.path = str(path)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self.path)

    def spans(self, text: str, tokens: Sequence[Any],
              known: Iterable[tuple[int, int, Known]] = ()) -> list[tuple[int, int, str]]:
        if not text.strip():
            return []
        return decode(text, self.labels(features(text, tokens, known)))

    def labels(self, rows: list[list[str]]) -> list[str]:
        """BIO labels of feature rows (one per character)."""
        labels: list[str] = self._tagger.tag(rows)
        return labels


@functools.cache
def default_model() -> CrfModel:
    """The packaged KLUE model (loaded once per process, on first use)."""
    with importlib.resources.as_file(MODEL) as path:
        return CrfModel(path)
