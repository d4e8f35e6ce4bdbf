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

Feature extraction builds one column per attribute kind with ``map`` over C-level string
concatenation and zips the columns into rows (no per-character Python code), because it runs on
every Korean article. A loaded model's rows hold only the attributes the model has weights for,
as UTF-8 bytes (the memos filter and encode each distinct string once): python-crfsuite would
otherwise encode every string and look up each of the ~25 attributes per character in the model,
and the ones it never saw weigh nothing, so the labels are the same in half the tagging time.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from operator import add
from pathlib import Path
from typing import Any

from streams.enrich import rules
from streams.enrich.lexicon import Known

# the shipped model of each Korean analyser (trained on that analyser's morphemes)
MODELS = {"kiwi": "model.crfsuite", "mecab": "model-mecab.crfsuite"}
LABELS = {"PS": "person", "OG": "organization", "LC": "location"}
TYPE_CODE = {"person": "P", "organization": "O", "location": "L", "product": "R",
             "event": "E", "other": "X"}
_CUE_CHARS = frozenset(rules.PERSON_CUES_KO)
_PARTICLES = frozenset(("에게", "께서", "으로", *"은는이가의와과을를도께로"))
_WORD_RE = re.compile(r"\S+")


@functools.lru_cache(maxsize=1 << 16)
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


def _word_marks(text: str, ends: bytearray, particles: dict[int, str], keep: Callable[[str], Any]
                ) -> tuple[list[str], list[list[Any]]]:
    """Per character: its position in its space-separated word, and features of that word.

    Word features: the stem (the word up to the first particle or ending, where ``ends`` marks
    Kiwi morphemes of those kinds: ``서울시는`` -> ``서울시``) with its last one and two
    characters, the first particle (``particles``: start -> form), the next word's stem and first
    two characters, the previous word's last two characters, and whether the next word is a
    person title. ``keep``: a memo's lookup (the attribute as the tagger takes it, or ``None``
    for one to leave out).
    """
    size = len(text)
    pos = ["_"] * size
    empty: list[Any] = []
    word_features: list[list[Any]] = [empty] * size
    spans = [match.span() for match in _WORD_RE.finditer(text)]
    stems = []
    for begin, end in spans:
        cut = ends.find(1, begin + 1, end)
        stems.append(text[begin:cut if cut > 0 else end])
    last = len(spans) - 1
    at = sorted(particles)
    for number, (begin, end) in enumerate(spans):
        width = end - begin
        if width == 1:
            pos[begin] = "S"
        else:
            pos[begin:end] = ["B"] + ["I"] * (width - 2) + ["E"]
        stem = stems[number]
        row = ["e=" + stem, "e1=" + stem[-1:], "e2=" + stem[-2:]]
        first = bisect_left(at, begin + len(stem))  # the first particle after the stem
        row.append("j=" + (particles[at[first]] if first < len(at) and at[first] < end else ""))
        if number < last:
            nb, ne = spans[number + 1]
            row += ["nw=" + text[nb:nb + 2], "ns=" + stems[number + 1]]
            if _is_cue(text[nb:ne]):
                row.append("cue")
        if number:
            pb, pe = spans[number - 1]
            row.append("pw=" + text[max(pb, pe - 2):pe])
        kept = [value for value in map(keep, row) if value is not None]
        word_features[begin:end] = [kept] * width
    return pos, word_features


@functools.lru_cache(maxsize=1 << 16)
def _is_cue(word: str) -> bool:
    """Whether a word is a person title, bare or with a particle (``대표는``, ``씨의``)."""
    word = word.rstrip(".,·…”’\"')")
    if word in _CUE_CHARS:
        return True
    return (word[-1:] in _PARTICLES and word[:-1] in _CUE_CHARS) or (
        word[-2:] in _PARTICLES and word[:-2] in _CUE_CHARS)


class _Memo(dict[str, Any]):
    """``prefix + key`` for each distinct key, built once (attribute strings repeat a lot across
    characters and articles); cleared when it grows past ``_MEMO_LIMIT`` entries. Each
    :class:`CrfModel` holds its own (:func:`new_memos`).

    With ``known`` (a model's attribute set) the value is the attribute as UTF-8 bytes when the
    model knows it and ``None`` when it does not: python-crfsuite encodes every ``str`` attribute
    and looks each one up in the model, and an attribute the model never saw weighs nothing, so
    passing only known ones as bytes halves the tagging time and gives the same labels.
    """

    __slots__ = ("known", "prefix")

    def __init__(self, prefix: str, known: AbstractSet[str] | None = None) -> None:
        super().__init__()
        self.prefix = prefix
        self.known = known

    def __missing__(self, key: str) -> str | bytes | None:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        attribute = self.prefix + key
        value: str | bytes | None = attribute
        if self.known is not None:
            value = attribute.encode() if attribute in self.known else None
        self[key] = value
        return value


_MEMO_LIMIT = 1 << 17
# one memo per attribute kind (see :func:`features`); "" holds whole attributes (word features,
# morpheme forms, gazetteer and WikiData marks)
_MEMO_NAMES = ("c", "l", "r", "b", "f", "t", "k", "kl", "kr", "kc", "s", "p", "")


def new_memos(known: AbstractSet[str] | None = None) -> dict[str, _Memo]:
    """One empty memo per attribute kind (see :func:`features`); ``known``: keep only these
    attributes, as bytes (a model's, :class:`CrfModel`)."""
    return {name: _Memo(name + "=" if name else "", known) for name in _MEMO_NAMES}


def _mark(rows: list[list[Any]], spans: Iterable[tuple[int, int, str]], prefix: str,
          keep: Callable[[str], Any]) -> None:
    """Append B/I marks with a type code (``g=BO``, ``g=IO``) to the rows a span covers (those
    that ``keep`` keeps)."""
    size = len(rows)
    for start, end, code in spans:
        if 0 <= start < end <= size:
            begin, inside = keep(f"{prefix}B{code}"), keep(f"{prefix}I{code}")
            if begin is not None:
                rows[start].append(begin)
            if inside is not None:
                for row in rows[start + 1:end]:
                    row.append(inside)


def features(text: str, tokens: Sequence[Any],
             known: Iterable[tuple[int, int, Known]] = (), *, wikidata: Mapping[str, str],
             memos: dict[str, _Memo] | None = None) -> list[list[Any]]:
    """CRF attributes of each character of ``text`` (Kiwi ``tokens`` of the same text);
    ``wikidata``: Kiwi proper noun -> entity type (:func:`~streams.enrich.resources.
    load_wikidata_types`); ``memos``: a model's attribute strings (:func:`new_memos`; fresh ones
    when not given: every attribute, as ``str``, as training takes them; a model's memos keep
    only its attributes, as bytes).

    Built column by column with ``map`` over C-level string concatenation (one column per
    attribute kind), then zipped into rows; the attribute order inside a row is fixed.
    """
    size = len(text)
    chars = list(text)
    pad = ["^", "^", *chars, "$", "$"]
    pairs = list(map(add, pad[:-1], pad[1:]))  # pairs[i] = pad[i] + pad[i + 1]
    classes = list(map(_char_class, chars))
    cpad = ["^", *classes, "$"]
    ktag = ["O"] * size
    morphs: list[tuple[int, int, str]] = []
    wiki = wikidata
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
            if tag == "NNP":  # the WikiData class, else the analyser dictionary's (MeCab's)
                etype = wiki.get(token.form) or getattr(token, "type", None)
                if etype is not None:
                    wiki_spans.append((start, end, TYPE_CODE[etype]))
    kpad = ["^", *ktag, "$"]
    get = {name: memo.__getitem__
           for name, memo in (new_memos() if memos is None else memos).items()}
    keep = get[""]
    pos, words = _word_marks(text, ends, particles, keep)
    columns = zip(
        map(get["c"], chars),
        map(get["l"], pairs[:size]),  # the two characters before
        map(get["r"], pairs[3:size + 3]),  # the two after
        map(get["b"], pairs[1:size + 1]),  # the one before and this one
        map(get["f"], pairs[2:size + 2]),  # this one and the one after
        map(get["t"], map(add, pairs[1:size + 1], pad[3:size + 3])),
        map(get["k"], ktag),
        map(get["kl"], kpad[:size]),
        map(get["kr"], kpad[2:]),
        map(get["kc"], map(add, ktag, chars)),
        map(get["s"], map(add, map(add, cpad, classes), cpad[2:])),
        map(get["p"], pos),
        strict=True,
    )
    rows = [[*filter(None, column), *word] for column, word in zip(columns, words, strict=True)]
    for start, end, value in morphs:
        kept = keep(value)
        if kept is not None:
            for row in rows[start:end]:
                row.append(kept)
    _mark(rows, ((s, e, TYPE_CODE.get(k.type, "X")) for s, e, k in known), "g=", keep)
    _mark(rows, wiki_spans, "w=", keep)
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
    """A loaded CRF model: ``spans(text, tokens, known)`` -> (start, end, KLUE label).

    ``wikidata`` is the table its WikiData features were trained with (an enricher's)."""

    def __init__(self, path: Path | str, wikidata: Mapping[str, str]) -> None:
        import pycrfsuite  # type: ignore[import-untyped]

        self.path = str(path)
        self.wikidata = wikidata
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(self.path)
        # the attributes the model has weights for: features() passes only these, as bytes
        self._memos = new_memos(frozenset(self._tagger.info().attributes))

    def spans(self, text: str, tokens: Sequence[Any],
              known: Iterable[tuple[int, int, Known]] = ()) -> list[tuple[int, int, str]]:
        if not text.strip():
            return []
        return decode(text, self.labels(self.features(text, tokens, known)))

    def features(self, text: str, tokens: Sequence[Any],
                 known: Iterable[tuple[int, int, Known]] = ()) -> list[list[bytes]]:
        """:func:`features` with this model's WikiData table and memos: only the attributes the
        model knows, as bytes (the same labels as all of them, in half the tagging time)."""
        return features(text, tokens, known, wikidata=self.wikidata, memos=self._memos)

    def labels(self, rows: Sequence[Sequence[str | bytes]]) -> list[str]:
        """BIO labels of feature rows (one per character)."""
        labels: list[str] = self._tagger.tag(rows)
        return labels


def load(wikidata: Mapping[str, str], path: Path | str | None = None,
         analyser: str = "kiwi") -> CrfModel:
    """The packaged KLUE model for ``analyser``'s morphemes (or the one at ``path``) reading
    ``wikidata``'s classes."""
    if path is not None:
        return CrfModel(path, wikidata)
    shipped = importlib.resources.files("streams.enrich") / "klue_crf" / MODELS[analyser]
    with importlib.resources.as_file(shipped) as packaged:
        return CrfModel(packaged, wikidata)
