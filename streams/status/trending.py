"""What the status page shows of trends and stories, as plain dicts: pure, no Faust.

The trends live in the dedup agent's memory (:class:`streams.stories.trends.Trends`), on the
one worker that holds its partition; :func:`trending` reads them there. Their clock is the
stream's: windows are counted by each article's own fetch time, so "now" is the latest window
any article was counted in, not the wall clock (a replay of older pages trends as it did then,
and a quiet stream shows its last window, labelled with its time, rather than nothing).

Stories are those of the same agent's clusterer (:class:`streams.stories.clusters.StoryIndex`),
ranked as the JSON form of their ``news.stories`` records (story.schema.json), on the same
clock.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from streams.records import Enrichment
from streams.stories.clusters import StoryIndex, story_record
from streams.stories.trends import Trends

TOP_TRENDS = 10
TOP_STORIES = 10
STORIES_SPAN_S = 3600  # "top stories of the last hour"


def trending(trends: Trends, name_of: Callable[[str], str | None] = lambda key: None,
             n: int = TOP_TRENDS) -> dict[str, Any]:
    """The ``n`` keys whose burst score is highest in the stream's latest window, highest
    first (:meth:`Trends.top`: ties by count, then key), each with its display name (``None``
    if unknown) and its counts over the day up to that window, oldest first
    (:meth:`Trends.series`: 288 five-minute windows). Call it with the trends' writer held
    off (they are not thread-safe)."""
    if not trends.windows:
        return {"window_start": None, "window_s": trends.config.window_s, "keys": []}
    latest = max(trends.windows)
    now = latest * trends.config.window_s
    keys = [
        {"key": p.key, "name": name_of(p.key), "kind": p.kind, "count": p.count,
         "baseline": round(p.baseline, 3), "baseline_windows": p.baseline_windows,
         "score": round(p.score, 3),
         "series": trends.series(p.key, now)}
        for p in trends.top(now, n)
    ]
    start = datetime.fromtimestamp(now, UTC).isoformat()
    return {"window_start": start, "window_s": trends.config.window_s, "keys": keys}


def top_stories(stories: Iterable[Mapping[str, Any]], now: datetime,
                span_s: float = STORIES_SPAN_S, n: int = TOP_STORIES) -> list[dict[str, Any]]:
    """The stories with an article in the ``span_s`` before ``now``, most articles first
    (then most sources, then the latest), at most ``n``. ``stories`` are ``news.stories``
    values (their JSON form), one per story id."""
    cutoff = now.timestamp() - span_s
    recent = [dict(s) for s in stories
              if datetime.fromisoformat(s["last_seen"]).timestamp() >= cutoff]
    recent.sort(key=lambda s: (-s["articles"], -s["sources"],
                               -datetime.fromisoformat(s["last_seen"]).timestamp(), s["id"]))
    return recent[:n]


def stories_now(index: StoryIndex, span_s: float = STORIES_SPAN_S, n: int = TOP_STORIES
                ) -> list[dict[str, Any]]:
    """:func:`top_stories` of the clusterer's stories (the dedup agent's ``StoryIndex``), in
    the ``span_s`` before the stream's latest article (its clock, as for the trends): only
    those get a ``news.stories`` record built. Call it with the clusterer's writer held off."""
    if not index.stories:
        return []
    latest = max(story.last_seen for story in index.stories.values())
    recent = [asdict(story_record(story, index.config.top))
              for story in index.stories.values() if story.last_seen >= latest - span_s]
    return top_stories(recent, datetime.fromtimestamp(latest, UTC), span_s, n)


class Names:
    """Display names of trend keys (entity id -> name, topic code -> English label), learnt
    from the articles this worker enriched (:mod:`streams.status.hooks`): a bounded,
    thread-safe map, the most recently seen kept. A key whose name this worker has not seen
    is shown as its id."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._names: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, article: object, enrichment: Enrichment, enriched_at: str) -> None:
        """An :data:`streams.status.hooks.EnrichedObserver`."""
        pairs = [(e.id, e.name) for e in enrichment.entities]
        pairs += [(t.code, t.label_en) for t in enrichment.topics]
        with self._lock:
            for key, name in pairs:
                self._names.pop(key, None)
                self._names[key] = name
            while len(self._names) > self.size:
                self._names.popitem(last=False)

    def name(self, key: str) -> str | None:
        with self._lock:
            return self._names.get(key)
