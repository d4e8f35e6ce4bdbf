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
from itertools import compress, count, islice, pairwise, repeat
from operator import add, getitem, ne
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


def _word_marks(text: str, ends: bytearray, particles: dict[int, str], get: Mapping[str, Any]
                ) -> tuple[list[str], list[list[Any]]]:
    """Per character: its position in its space-separated word, and features of that word.

    Word features: the stem (the word up to the first particle or ending, where ``ends`` marks
    Kiwi morphemes of those kinds: ``서울시는`` -> ``서울시``) with its last one and two
    characters, the first particle (``particles``: start -> form), the next word's stem and first
    two characters (of the text: a one-character word gives the space after it), the previous
    word's last two characters, and whether the next word is a person title. ``get``: the
    memos' lookups (:func:`features`), each giving the attribute as the tagger takes it, or
    ``None`` for one to leave out. Built column by column over the words (``map`` over the
    memos) and then zipped, like the character features.
    """
    size = len(text)
    pos = ["_"] * size
    empty: list[Any] = []
    word_features: list[list[Any]] = [empty] * size
    matches = list(_WORD_RE.finditer(text))
    if not matches:
        return pos, word_features
    spans = list(map(re.Match.span, matches))
    words = list(map(re.Match.group, matches))
    at = sorted(particles)
    stems, firsts = [], []
    for begin, end in spans:
        cut = ends.find(1, begin + 1, end)
        if cut < 0:
            stems.append(text[begin:end])
            firsts.append("")
            continue
        stems.append(text[begin:cut])
        first = bisect_left(at, cut)  # the first particle after the stem
        firsts.append(particles[at[first]] if first < len(at) and at[first] < end else "")
    after, before = words[1:], words[:-1]
    cue = get[""]("cue")
    rows = zip(
        map(get["e"], stems),
        map(get["e1"], map(getitem, stems, repeat(_LAST))),
        map(get["e2"], map(getitem, stems, repeat(_LAST_TWO))),
        map(get["j"], firsts),
        [*map(get["nw"], [text[begin:begin + 2] for begin, _ in spans[1:]]), None],
        [*map(get["ns"], stems[1:]), None],
        [*(cue if is_cue else None for is_cue in map(_is_cue, after)), None],
        [None, *map(get["pw"], map(getitem, before, repeat(_LAST_TWO)))],
        strict=True,
    )
    for (begin, end), row in zip(spans, rows, strict=True):
        width = end - begin
        pos[begin:end] = _POSITIONS[width] if width < len(_POSITIONS) else _positions(width)
        word_features[begin:end] = [[*filter(None, row)]] * width
    return pos, word_features


_LAST, _LAST_TWO = slice(-1, None), slice(-2, None)


def _positions(width: int) -> list[str]:
    """The position marks of the characters of a word of ``width`` characters."""
    return ["S"] if width == 1 else ["B", *["I"] * (width - 2), "E"]


_POSITIONS = [[], *map(_positions, range(1, 32))]


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
# one memo per attribute kind (see :func:`features` and :func:`_word_marks`); "" holds whole
# attributes (``cue``, morpheme forms, gazetteer and WikiData marks)
_MEMO_NAMES = ("c", "l", "r", "b", "f", "t", "k", "kl", "kr", "kc", "s", "p", "e", "e1", "e2", "j",
               "nw", "ns", "pw", "")


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
    """CRF attributes of each character of ``text`` (``tokens``: the analyser's Token tuples);
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
    for form, tag, start, length, etype in tokens:
        if start >= size or ktag[start] != "O":
            continue
        end = start + length if start + length < size else size
        kind = tag[0]
        if kind == "J":
            ends[start] = 1
            particles[start] = form
        elif kind == "E" or tag == "VCP":
            ends[start] = 1
        ktag[start] = "B" + tag
        if length > 1:
            ktag[start + 1:end] = ["I" + tag] * (end - start - 1)
        if kind == "N" or tag == "SL":
            morphs.append((start, end, "m=" + form))
            if tag == "NNP":  # the WikiData class, else the analyser dictionary's (MeCab's)
                etype = wiki.get(form) or etype
                if etype is not None:
                    wiki_spans.append((start, end, TYPE_CODE[etype]))
    kpad = ["^", *ktag, "$"]
    get = {name: memo.__getitem__
           for name, memo in (new_memos() if memos is None else memos).items()}
    keep = get[""]
    pos, words = _word_marks(text, ends, particles, get)
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
    """(start, end, KLUE label) spans of a BIO label sequence, trimmed of surrounding spaces.

    Read run by run of equal labels (the runs' bounds found by ``map``/``compress``, no Python
    code per character): a text's labels are mostly long runs of ``O``."""
    spans: list[tuple[int, int, str]] = []
    if not labels:
        return spans
    start, current = -1, ""

    def close(end: int) -> None:
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end, current))

    bounds = [0, *compress(count(1), map(ne, labels, islice(labels, 1, None))), len(labels)]
    for begin, end in pairwise(bounds):
        label = labels[begin]
        kind, name = label[:2], label[2:]
        if kind == "I-" and start >= 0 and name == current:
            continue  # the open span goes on
        if start >= 0:
            close(begin)
            start, current = -1, ""
        if kind == "B-":  # each B- starts a span; all but the last are one character long
            for single in range(begin, end - 1):
                start, current = single, name
                close(single + 1)
            start, current = end - 1, name
        elif kind == "I-":
            start, current = begin, name
    if start >= 0:
        close(len(labels))
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
