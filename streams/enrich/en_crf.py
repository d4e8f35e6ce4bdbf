"""Token CRF for English names, distilled from spaCy's small English model: features and tagging.

One linear-chain CRF (trained with python-crfsuite) labels the tokens of an English sentence
with BIO tags of ``PER``, ``ORG``, ``LOC``, ``PRD`` (products) and ``EVT`` (events). It was
trained on what Explosion's ``en_core_web_sm`` (MIT) finds in about 73,000 sentences of English
web articles (``bench/train_en_crf.py``), so it reads names much as that model does at a
twentieth of its cost: feature rows from Python string work, tagged by the compiled tagger of
the Korean CRF (:meth:`streams.enrich.crf_tagger.Tagger.tag_attributes`: python-crfsuite's
labels), no neural network.

Per token the features are: the lower-cased word and its shape (``Xxxx``, ``X.X.``, ``dd``), its
first and last two to four letters, flags for a common given name (``data/given_names_en.tsv``),
a person title and an organisation, place or event head word (:mod:`streams.enrich.rules`), and
a sentence start; the words and shapes of the two tokens either side, the word pairs around it,
the neighbours' flags; the word's cluster and its neighbours' (``en_crf/clusters.tsv``: words
that the teacher's NER token vectors put together, so that what the CRF learnt about ``Instagram``
carries over to ``Pinterest``); and B/I marks with the entity type of lexicon matches (the
gazetteer, CLDR countries), so that a known name shapes its neighbours' labels.

The shipped model is derived from WCXB text (CC BY 4.0) and the teacher model (MIT); see
``en_crf/NOTICE.txt``.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path

from streams.enrich import rules
from streams.enrich.crf import TYPE_CODE, compiled_tagger
from streams.enrich.lexicon import Known, Lexicon

FOLDER = importlib.resources.files("streams.enrich") / "en_crf"
#: CRF labels -> our entity types.
LABELS = {"PER": "person", "ORG": "organization", "LOC": "location", "PRD": "product",
          "EVT": "event"}

Span = tuple[int, int, str]
#: (lower-cased word, shape, flags, the word's own features) of one word: see :func:`_word`.
Word = tuple[str, str, str, tuple[str, ...]]
_TOKEN_RE = re.compile(
    r"(?:[A-Za-z]\.){2,}(?![A-Za-z])"  # U.S., U.K.
    r"|(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Inc|Ltd|Co|Corp|Gov|Sen|Rep|Gen|Prof|Mt|Ft)\.(?!\w)"
    r"|['’](?:s|S|re|ve|ll|d|m|t)\b"  # clitics: Nvidia 's
    r"|\w+(?:[-&.@/]\w+|['’](?=[A-Z])\w+)*"  # state-owned, AT&T, Booking.com, O'Brien
    r"|\S"
)
_SHAPE_RE = (re.compile(r"[A-Z]"), re.compile(r"[a-z]"), re.compile(r"[0-9]"))
_HEADS = {word: code for words, code in ((rules.ORG_SUFFIXES_EN, "O"),
                                         (rules.LOC_SUFFIXES_EN, "L"),
                                         (rules.EVENT_SUFFIXES_EN, "E"))
          for word in words}


def tokens(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each token: words, initialisms, clitics and single punctuation."""
    return [match.span() for match in _TOKEN_RE.finditer(text)]


def word_memo(given_names: frozenset[str]) -> Callable[[str], Word]:
    """:func:`_word` with ``given_names``, memoised (a model holds one; words repeat a lot)."""
    return functools.lru_cache(maxsize=1 << 16)(functools.partial(_word,
                                                                  given_names=given_names))


def _word(word: str, given_names: frozenset[str]) -> Word:
    """(lower-cased word, shape, flags, the word's own features): the same for every occurrence.
    Flags: ``G`` a common given name (``given_names``: ``data/given_names_en.tsv``), ``T`` a
    person title, ``O``/``L``/``E`` an organisation, place or event head word."""
    lower = word.lower()
    shape = _SHAPE_RE[2].sub("d", _SHAPE_RE[1].sub("x", _SHAPE_RE[0].sub("X", word)))
    short = re.sub(r"(.)\1+", r"\1", shape)
    flags = ("G" if word in given_names else "") + (
        "T" if word in rules.PERSON_CUES_EN or word.rstrip(".") in rules.PERSON_CUES_EN else ""
    ) + _HEADS.get(word, "")
    own = ["w=" + lower, "sh=" + shape if len(shape) <= 6 else "sh=" + short, "ss=" + short,
           "p2=" + lower[:2], "p3=" + lower[:3], "s2=" + lower[-2:], "s3=" + lower[-3:],
           "s4=" + lower[-4:], *("f=" + flag for flag in flags)]
    return lower, short, flags, tuple(own)


def features(text: str, spans: Sequence[tuple[int, int]],
             known: Iterable[tuple[int, int, Known]] = (),
             clusters: Mapping[str, str] | None = None, *,
             word: Callable[[str], Word]) -> list[list[str]]:
    """CRF attributes of each token (``spans`` from :func:`tokens`) of one sentence;
    ``clusters``: word -> cluster id (the model's ``clusters.tsv``); ``word``: a word's own
    features (:func:`word_memo`)."""
    surfaces = [text[start:end] for start, end in spans]
    words = [word(surface) for surface in surfaces]
    lowers = ["^^", "^", *(w[0] for w in words), "$", "$$"]
    shapes = ["^^", "^", *(w[1] for w in words), "$", "$$"]
    flags = ["", "", *(w[2] for w in words), "", ""]
    found = clusters or {}
    groups = ["^", "^", *(found.get(s, "?") for s in surfaces), "$", "$"]
    rows = []
    for index, (_, _, _, own) in enumerate(words):
        at = index + 2
        row = [*own,
               "-1w=" + lowers[at - 1], "+1w=" + lowers[at + 1],
               "-2w=" + lowers[at - 2], "+2w=" + lowers[at + 2],
               "-1s=" + shapes[at - 1], "+1s=" + shapes[at + 1],
               "-2s=" + shapes[at - 2], "+2s=" + shapes[at + 2],
               "-1w|w=" + lowers[at - 1] + "|" + lowers[at],
               "w|+1w=" + lowers[at] + "|" + lowers[at + 1],
               "-1s|s|+1s=" + shapes[at - 1] + "|" + shapes[at] + "|" + shapes[at + 1],
               "c=" + groups[at], "-1c=" + groups[at - 1], "+1c=" + groups[at + 1],
               "-1f=" + flags[at - 1], "+1f=" + flags[at + 1]]
        if index == 0 or text[spans[index - 1][0]] in "\"“‘(—–:;":
            row.append("start")
        rows.append(row)
    starts = {start: index for index, (start, _) in enumerate(spans)}
    ends = {end: index for index, (_, end) in enumerate(spans)}
    for start, end, entity in known:
        first, last = starts.get(start), ends.get(end)
        if first is None or last is None:
            continue
        code = TYPE_CODE.get(entity.type, "X")
        rows[first].append("g=B" + code)
        for row in rows[first + 1:last + 1]:
            row.append("g=I" + code)
    return rows


def decode(labels: Sequence[str]) -> list[tuple[int, int, str]]:
    """``(first token, last token + 1, label)`` of each span of a BIO label sequence."""
    out = []
    start, current = -1, ""
    for index, label in enumerate([*labels, "O"]):
        if start >= 0 and not (label[:2] == "I-" and label[2:] == current):
            out.append((start, index, current))
            start, current = -1, ""
        if label[:2] == "B-" or (label[:2] == "I-" and start < 0):
            start, current = index, label[2:]
    return out


class EnglishCrf:
    """A loaded English CRF: ``spans(texts)`` -> typed name spans of each text."""

    def __init__(self, path: Path | str, clusters: Mapping[str, str], lexicon: Lexicon,
                 given_names: frozenset[str]) -> None:
        self.path = str(path)
        self.clusters = clusters
        self.lexicon = lexicon
        self._word = word_memo(given_names)
        self._tagger, self._numbers = compiled_tagger(self.path)

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """Typed ``(start, end, type)`` name spans of each text."""
        out = []
        labels_of = self._tagger.labels
        for text in texts:
            spans = tokens(text)
            labels = [labels_of[number] for number in self._tagger.tag_attributes(
                features(text, spans, self.lexicon.scan(text), self.clusters, word=self._word),
                self._numbers)] if spans else []
            out.append([(spans[first][0], spans[last - 1][1], LABELS[label])
                        for first, last, label in decode(labels)])
        return out


def read_clusters(text: str) -> dict[str, str]:
    """``word<TAB>cluster`` lines -> {word: cluster}."""
    return dict(line.split("\t", 1) for line in text.splitlines() if line)


def load(lexicon: Lexicon, given_names: frozenset[str],
         folder: Path | None = None) -> EnglishCrf:
    """The packaged English CRF (or the one in ``folder``: ``model.crfsuite`` and
    ``clusters.tsv``) reading ``lexicon``'s names and flagging ``given_names``."""
    if folder is not None:
        return EnglishCrf(folder / "model.crfsuite",
                          read_clusters((folder / "clusters.tsv").read_text("utf-8")), lexicon,
                          given_names)
    clusters = read_clusters((FOLDER / "clusters.tsv").read_text("utf-8"))
    with importlib.resources.as_file(FOLDER / "model.crfsuite") as model_path:
        return EnglishCrf(model_path, clusters, lexicon, given_names)
