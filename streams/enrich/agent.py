"""The enrich agent: ``news.articles`` -> enriched article with its duplicate-detection
fingerprint -> ``<app>-stories-in``, from which the dedup agent (streams/stories/agent.py)
produces ``news.enriched`` plus one ``news.entity-mentions`` event per entity (key: entity id)
and one ``news.topic-events`` event per topic (key: code)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime

import faust
import orjson

from streams import metrics
from streams.agent import Outputs, register_stage
from streams.enrich import Enricher
from streams.enrich.core import is_cut
from streams.records import (
    Article,
    Enriched,
    Enrichment,
    article_from_dict,
    stories_in_from_dict,
)
from streams.settings import Settings
from streams.stage import Handler, Incoming, Output, decode_json, encode, now_iso
from streams.status import hooks as status_hooks
from streams.stories import Fingerprinter
from streams.stories.stream import dedup_config, stories_in
from streams.topics import ARTICLES, STORIES_IN, TopicSpec, internal

STAGE = "enrich"


def handle(incoming: Incoming, enricher: Enricher, fingerprinter: Fingerprinter,
           target: TopicSpec) -> Sequence[Output]:
    """One article -> ONE record to the dedup agent (``target``: ``<app>-stories-in``), which
    adds the duplicate decision and produces ``news.enriched`` and the fan-out. Pure: the
    worker's metrics and status hooks see the record in :func:`observe`."""
    article = article_from_dict(decode_json(incoming, ARTICLES))
    enrichment = enricher.enrich(article)
    enriched = Enriched(article, enrichment.language, enrichment.entities, enrichment.topics,
                        enrichment.keywords, now_iso())
    return [encode(target, article.id, stories_in(enriched, fingerprinter))]


def observe(outputs: Sequence[Output]) -> None:
    """Per-article metrics and the status hooks, in the worker (the handler may run in a core
    process, whose metrics and observers are not the worker's)."""
    for out in outputs:
        enriched = stories_in_from_dict(orjson.loads(out.value)).enriched
        article = enriched.article
        metrics.ENTITIES_PER_ARTICLE.observe(len(enriched.entities))
        if is_cut(article):
            metrics.ENRICH_TEXT_CUT.inc()
        metrics.TOPICS_PER_ARTICLE.observe(len(enriched.topics))
        if article.fetched_at:
            fetched = datetime.fromisoformat(article.fetched_at)
            metrics.FRESHNESS_SECONDS.observe(
                (datetime.fromisoformat(enriched.enriched_at) - fetched).total_seconds()
            )
        status_hooks.notify(article, Enrichment(enriched.language, enriched.entities,
                                                enriched.topics, enriched.keywords),
                            enriched.enriched_at)  # e.g. the /status page


def warm_up(settings: Settings) -> Enricher:
    """The enricher: Kiwi, the CRF model, the gazetteer and (when turned on) the English
    model, loaded now, once per core, and run once on a tiny article: loading takes seconds of
    CPU, and done inside the first record it would hold up that record past its latency
    budget."""
    enricher = Enricher.build(settings)
    enricher.enrich(Article(id="0" * 32, url="about:warm-up", canonical_url="about:warm-up",
                            title="샘 올트먼 OpenAI 대표",
                            text="서울에서 오픈AI와 카카오가 만났다."))
    return enricher


def make_handler(settings: Settings) -> Handler:
    """The enrich handler (module-level: a core process imports it by name)."""
    return functools.partial(
        handle, enricher=warm_up(settings), fingerprinter=Fingerprinter(dedup_config(settings)),
        target=internal(STORIES_IN, settings.app_id),
    )


def register(app: faust.App, settings: Settings, outputs: Outputs) -> None:
    register_stage(app, STAGE, ARTICLES, make_handler, settings, outputs,
                   isolated=settings.enrich_isolation == "process", observe=observe)
