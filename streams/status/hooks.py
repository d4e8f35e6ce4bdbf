"""Observers of enriched articles: a tiny, generic hook the enrich stage calls.

The enrich agent calls :func:`notify` once per article it enriched, from its worker thread,
with the typed article and enrichment. Observers must be quick and thread-safe; whatever an
observer raises is logged and swallowed, so an observer can never turn a good article into a
dead letter. Why a hook rather than a second consumer of ``news.enriched``: no second copy of
every enriched record is fetched and decoded, no extra subscription takes part in rebalances,
and the page's articles come from the same worker as its counters.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from streams.records import Article, Enrichment

EnrichedObserver = Callable[[Article, Enrichment, str], None]

observers: list[EnrichedObserver] = []

log = logging.getLogger(__name__)


def subscribe(observer: EnrichedObserver) -> Callable[[], None]:
    """Add ``observer``; returns a function that removes it again."""
    observers.append(observer)

    def unsubscribe() -> None:
        if observer in observers:
            observers.remove(observer)

    return unsubscribe


def notify(article: Article, enrichment: Enrichment, enriched_at: str) -> None:
    """Tell every observer about one enriched article (never raises)."""
    for observer in list(observers):
        try:
            observer(article, enrichment, enriched_at)
        except Exception:
            log.exception("status observer %r failed; article %s", observer, article.id)
