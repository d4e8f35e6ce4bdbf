"""Sentence-level NER entry point (used by ``bench/ner_klue.py``): spans with coarse types.

Runs the same Korean/English extraction as ``enrich`` on one plain sentence, without article
context (no alias learning, no coreference beyond the sentence), and returns
``(start, end, type)`` character spans.
The enricher passed in chooses the models: for Korean, another CRF model (cross-validation,
``enricher.with_crf(path)``) or none, the rules alone (``dataclasses.replace(enricher,
crf=None)``); for English, the NER model or none. Titles and acronyms of common nouns (``CEO``,
``AI``) are dropped here as in the product; generic bodies (``정부``, ``경찰``) are dropped by
``enrich`` only (KLUE annotates them as organisations), and ``drop_generic_bodies=True`` applies
that product filter here too, to measure it. Likewise a Korean CRF chain of names (``서울
노원구``, ``중국 정부``) is one span here, as KLUE annotates it, and separate names in ``enrich``
(``split_chains=True`` here).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from streams.enrich import english, generic, korean
from streams.enrich.ids import normalise
from streams.enrich.lexicon import is_hangul

if TYPE_CHECKING:
    from streams.enrich.enricher import Enricher


class Span(NamedTuple):
    start: int
    end: int
    type: str  # person | organization | location | product | event | other


def ner_spans(sentence: str, enricher: Enricher, drop_generic_bodies: bool = False,
              split_chains: bool = False) -> list[Span]:
    """Typed name spans in ``sentence``, sorted by start."""
    if any(is_hangul(char) for char in sentence):
        mentions = korean.extract(enricher, sentence, enricher.lexicon,
                                  split_chains=split_chains)
    else:
        mentions = english.extract(enricher, sentence, enricher.lexicon)
    if drop_generic_bodies:
        mentions = generic.drop_generic(mentions, enricher.stoplist, bodies=True)
    # As ``enrich`` resolves them: a weak mention (an unknown word opening an English sentence)
    # counts only when it names what a full mention names.
    named = {normalise(m.surface) for m in mentions if m.source != "weak"}
    mentions = [m for m in mentions if m.source != "weak" or normalise(m.surface) in named]
    return [Span(m.start, m.end, m.type) for m in mentions]
