"""Enrich stage, pure core: entities with canonical cross-lingual ids, IPTC topics, keywords.

``Enricher.build(settings)`` loads every resource once (analyser, models, lexicon, tables; see
:mod:`streams.enrich.enricher`); ``enrich(article, enricher) -> Enrichment`` (the same as
``enricher.enrich(article)``) is the whole public API (``ner_spans(sentence, enricher)`` serves the
KLUE benchmark). No Faust or Kafka here: a thin agent elsewhere builds the enricher at start-up
and wraps this function.

Entity id scheme (stable, readable, deterministic; documented here because downstream keys on it):

* ``per:<slug>``, ``org:<slug>``, ``loc:<slug>``, ``evt:<slug>``, ``prd:<slug>``, ``oth:<slug>``:
  entities of the curated gazetteer (``data/gazetteer.tsv``), the slug being the English name in
  lower-case ASCII with hyphens (``org:openai``, ``per:sam-altman``, ``evt:stargate-project``).
* ``loc:<CC>``: countries and territories by ISO 3166-1 alpha-2 code from CLDR via babel
  (``loc:KR``, ``loc:CN``); short forms such as 한국 or U.S. come from
  ``data/territory_aliases.tsv``.
* ``unk:<sha1(normalised surface)[:12]>``: names nothing knows. Normalisation (``ids.normalise``)
  is NFKC + casefold + removal of spaces and punctuation, so 샘올트먼 and 샘 올트먼 agree. When the
  article teaches an alias pair ``한국어(English)``, the hash is taken over the English side so
  that both spellings share one id. The type is not part of an unknown id because typing of
  unknown names is heuristic and may change between articles.

Ids never depend on dict order, counters or randomness. Typing order for a name: gazetteer,
WikiData classes of kiwipiepy_model's ``multi.dict``, ISO country names, cue and suffix rules,
then a low-confidence default (``Entity.source`` says which).
"""

from __future__ import annotations

from streams.enrich.core import enrich
from streams.enrich.enricher import Enricher
from streams.enrich.ner import Span, ner_spans

__all__ = ["Enricher", "Span", "enrich", "ner_spans"]
