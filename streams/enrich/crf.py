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

Training (python-crfsuite) takes the rows of :func:`features`: about 25 attribute strings a
character. Tagging, which runs on every Korean article, does not build them: a loaded
:class:`CrfModel` reads the model file's weights (:func:`read_model`), Python computes what
comes from morphemes and words (:func:`_analyse`, as attribute numbers), and the compiled
:class:`~streams.enrich.crf_tagger.Tagger` adds the character attributes, sums the weights and
decodes, with python-crfsuite's labels (``tests/enrich/test_crf.py``) at about a quarter of the
cost (docs/enrichment.md, Speed).
"""

from __future__ import annotations

import functools
import importlib.resources
import re
import struct
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from itertools import compress, count, islice, pairwise, repeat
from operator import add, getitem, ne
from pathlib import Path
from typing import Any, NamedTuple

from streams.enrich import crf_tagger, rules
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

    With ``numbers`` (a model's attribute -> attribute number) the value is the attribute's
    number when the model has weights for it and ``None`` when it has none (an attribute the
    model never saw weighs nothing): what the compiled tagger takes.
    """

    __slots__ = ("numbers", "prefix")

    def __init__(self, prefix: str, numbers: Mapping[str, int] | None = None) -> None:
        super().__init__()
        self.prefix = prefix
        self.numbers = numbers

    def __missing__(self, key: str) -> str | int | None:
        if len(self) >= _MEMO_LIMIT:
            self.clear()
        attribute = self.prefix + key
        value: str | int | None = attribute
        if self.numbers is not None:
            value = self.numbers.get(attribute)
        self[key] = value
        return value


_MEMO_LIMIT = 1 << 17
# one memo per attribute kind (see :func:`features` and :func:`_word_marks`); "" holds whole
# attributes (``cue``, morpheme forms, gazetteer and WikiData marks)
_MEMO_NAMES = ("c", "l", "r", "b", "f", "t", "k", "kl", "kr", "kc", "s", "p", "e", "e1", "e2", "j",
               "nw", "ns", "pw", "")


def new_memos(numbers: Mapping[str, int] | None = None) -> dict[str, _Memo]:
    """One empty memo per attribute kind (see :func:`features`); ``numbers``: give these
    attributes' numbers instead of the strings, ``None`` for the others (a model's,
    :class:`CrfModel`)."""
    return {name: _Memo(name + "=" if name else "", numbers) for name in _MEMO_NAMES}


def _mark(rows: list[list[Any]], spans: Iterable[tuple[int, int, Any, Any]]) -> None:
    """Append each span's first attribute to the row of its first character and its inside
    attribute to the rows of the others (``None``: none)."""
    size = len(rows)
    for start, end, begin, inside in spans:
        if 0 <= start < end <= size:
            if begin is not None:
                rows[start].append(begin)
            if inside is not None:
                for row in rows[start + 1:end]:
                    row.append(inside)


class _Analysis:
    """What the features of a text take from its tokens and words (:func:`_analyse`)."""

    __slots__ = ("ktag", "marks", "pos", "words")

    def __init__(self, ktag: list[str], pos: list[str], words: list[list[Any]],
                 marks: list[tuple[int, int, Any, Any]]) -> None:
        self.ktag = ktag  # per character: its analyser tag with B/I (``BNNP``), else ``O``
        self.pos = pos  # per character: its position in its space-separated word
        self.words = words  # per character: its word's attributes (:func:`_word_marks`)
        # (start, end, first, inside): noun morphemes, then gazetteer and WikiData spans
        self.marks = marks


def _analyse(text: str, tokens: Sequence[Any], known: Iterable[tuple[int, int, Known]],
             wikidata: Mapping[str, str], get: Mapping[str, Any]) -> _Analysis:
    """The token and word features of ``text`` (``get``: the memos' lookups, :func:`features`),
    shared by :func:`features` and the compiled tagger of :class:`CrfModel`."""
    size = len(text)
    ktag = ["O"] * size
    morphs: list[tuple[int, int, Any, Any]] = []
    wiki_spans = []
    ends = bytearray(size)
    particles: dict[int, str] = {}
    keep = get[""]
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
            kept = keep("m=" + form)
            if kept is not None:
                morphs.append((start, end, kept, kept))
            if tag == "NNP":  # the WikiData class, else the analyser dictionary's (MeCab's)
                etype = wikidata.get(form) or etype
                if etype is not None:
                    wiki_spans.append((start, end, TYPE_CODE[etype]))
    pos, words = _word_marks(text, ends, particles, get)
    marks = [*morphs,
             *((s, e, keep(f"g=B{code}"), keep(f"g=I{code}"))
               for s, e, code in ((s, e, TYPE_CODE.get(k.type, "X")) for s, e, k in known)),
             *((s, e, keep(f"w=B{code}"), keep(f"w=I{code}")) for s, e, code in wiki_spans)]
    return _Analysis(ktag, pos, words, marks)


def features(text: str, tokens: Sequence[Any],
             known: Iterable[tuple[int, int, Known]] = (), *, wikidata: Mapping[str, str]
             ) -> list[list[str]]:
    """CRF attributes of each character of ``text`` (``tokens``: the analyser's Token tuples),
    as training takes them; ``wikidata``: Kiwi proper noun -> entity type
    (:func:`~streams.enrich.resources.load_wikidata_types`). A loaded model tags with the
    compiled :class:`~streams.enrich.crf_tagger.Tagger`, which computes the character
    attributes itself and gives the labels python-crfsuite gives for these rows.

    Built column by column with ``map`` over C-level string concatenation (one column per
    attribute kind), then zipped into rows; the attribute order inside a row is fixed.
    """
    size = len(text)
    chars = list(text)
    pad = ["^", "^", *chars, "$", "$"]
    pairs = list(map(add, pad[:-1], pad[1:]))  # pairs[i] = pad[i] + pad[i + 1]
    classes = list(map(_char_class, chars))
    cpad = ["^", *classes, "$"]
    get = {name: memo.__getitem__ for name, memo in new_memos().items()}
    analysis = _analyse(text, tokens, known, wikidata, get)
    ktag = analysis.ktag
    kpad = ["^", *ktag, "$"]
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
        map(get["p"], analysis.pos),
        strict=True,
    )
    rows = [[*column, *word] for column, word in zip(columns, analysis.words, strict=True)]
    _mark(rows, analysis.marks)
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

    ``wikidata`` is the table its WikiData features were trained with (an enricher's). Tags
    with the compiled :class:`~streams.enrich.crf_tagger.Tagger` over the model's weights;
    :meth:`labels` tags rows of :func:`features` with python-crfsuite, the reference."""

    def __init__(self, path: Path | str, wikidata: Mapping[str, str]) -> None:
        self.path = str(path)
        self.wikidata = wikidata
        self._tagger, numbers = compiled_tagger(self.path, character_kinds=True)
        self.labels_of = self._tagger.labels
        # the word, morpheme and span attributes, as the tagger's attribute numbers
        self._get = {name: memo.__getitem__ for name, memo in new_memos(numbers).items()}
        self._reference: Any = None  # python-crfsuite's tagger, opened by the first labels()

    def spans(self, text: str, tokens: Sequence[Any],
              known: Iterable[tuple[int, int, Known]] = ()) -> list[tuple[int, int, str]]:
        if not text.strip():
            return []
        return decode(text, self.tag(text, self.analyse(text, tokens, known)))

    def analyse(self, text: str, tokens: Sequence[Any],
                known: Iterable[tuple[int, int, Known]] = ()) -> _Analysis:
        """The token and word attributes of ``text`` that Python computes, as numbers."""
        return _analyse(text, tokens, known, self.wikidata, self._get)

    def tag(self, text: str, analysis: _Analysis) -> list[str]:
        """BIO labels of each character of ``text`` (compiled: the character attributes, the
        weights and Viterbi)."""
        numbers = self._tagger.tag(text, analysis.ktag, analysis.pos, analysis.words,
                                   analysis.marks)
        return list(map(self.labels_of.__getitem__, numbers))

    def labels(self, rows: Sequence[Sequence[str]]) -> list[str]:
        """BIO labels of rows of :func:`features` by python-crfsuite (the reference; the
        cross-validation's CRF-alone figures)."""
        if self._reference is None:
            import pycrfsuite  # type: ignore[import-untyped]

            self._reference = pycrfsuite.Tagger()
            self._reference.open(self.path)
        labels: list[str] = self._reference.tag(rows)
        return labels


class ModelWeights(NamedTuple):
    """A CRFsuite model's labels, attributes and weights (:func:`read_model`)."""

    labels: tuple[str, ...]  # by label number
    attributes: tuple[str, ...]  # by attribute number
    # state weights, (attributes + 1) x labels, row by row: row 0 (no attribute) all zeros,
    # the row of attribute number a at a + 1
    state: array
    transitions: array  # labels x labels, from each label to each


def compiled_tagger(path: Path | str, *, character_kinds: bool = False
                    ) -> tuple[crf_tagger.Tagger, dict[str, int]]:
    """The compiled tagger of the CRFsuite model at ``path`` and the model's attribute ->
    attribute number; ``character_kinds``: with the tables of the Korean character attributes
    (:data:`crf_tagger.CHAR_KINDS`) that :meth:`crf_tagger.Tagger.tag` computes itself."""
    weights = read_model(path)
    numbers = {attribute: number for number, attribute in enumerate(weights.attributes, 1)}
    tables: dict[str, dict[str, int]] = {}
    if character_kinds:
        tables = {kind: {} for kind in crf_tagger.CHAR_KINDS}
        for attribute, number in numbers.items():
            kind, _, key = attribute.partition("=")
            if key and kind in tables:
                tables[kind][key] = number
    return crf_tagger.Tagger(weights.labels, weights.state, weights.transitions, tables), numbers


def read_model(path: Path | str) -> ModelWeights:
    """The weights of a CRFsuite model file (CRFsuite's ``crf1d_model.c`` format: a header,
    CQDB string tables of labels and attributes, 20-byte feature records), exactly as stored:
    python-crfsuite's ``Tagger.info()`` gives them rounded to six decimals."""
    data = Path(path).read_bytes()
    magic, _, kind, _, _, label_count, attribute_count, at_features, at_labels, at_attributes = (
        struct.unpack_from("<4sI4sIIIIIII", data))
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path}: not a CRFsuite 1d model")

    def strings(offset: int, count: int) -> tuple[str, ...]:
        if data[offset:offset + 4] != b"CQDB":
            raise ValueError(f"{path}: no string table at {offset}")
        found: dict[int, str] = {}
        at = offset + 24 + 256 * 8  # header, 256 hash table references, then the records
        for _ in range(count):
            number, length = struct.unpack_from("<iI", data, at)
            found[number] = data[at + 8:at + 7 + length].decode()  # without the NUL
            at += 8 + length
        return tuple(found[number] for number in range(count))

    labels = strings(at_labels, label_count)
    attributes = strings(at_attributes, attribute_count)
    chunk, _, feature_count = struct.unpack_from("<4sII", data, at_features)
    if chunk != b"FEAT":
        raise ValueError(f"{path}: no features at {at_features}")
    size = len(labels)
    state = array("d", bytes(8 * size * (attribute_count + 1)))
    transitions = array("d", bytes(8 * size * size))
    for kind_, source, target, weight in struct.iter_unpack(
            "<IIId", data[at_features + 12:at_features + 12 + 20 * feature_count]):
        if kind_ == 0:  # a state feature: attribute -> label
            state[(source + 1) * size + target] = weight
        else:  # a transition: label -> label
            transitions[source * size + target] = weight
    return ModelWeights(labels, attributes, state, transitions)


def load(wikidata: Mapping[str, str], path: Path | str | None = None,
         analyser: str = "kiwi") -> CrfModel:
    """The packaged KLUE model for ``analyser``'s morphemes (or the one at ``path``) reading
    ``wikidata``'s classes."""
    if path is not None:
        return CrfModel(path, wikidata)
    shipped = importlib.resources.files("streams.enrich") / "klue_crf" / MODELS[analyser]
    with importlib.resources.as_file(shipped) as packaged:
        return CrfModel(packaged, wikidata)
