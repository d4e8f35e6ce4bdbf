"""Windowed trends per canonical entity id and IPTC topic code: the pure core (no Faust, no
settings, no clock: every time is passed in, in seconds since the epoch).

Meant to run inside the dedup agent (docs/stories.md, "Trends"): that agent sees every article
once, in one total order, with its duplicate decision, so trends counted there count each story
once and are a function of that order alone. The state here is derived: :meth:`Trends.rebuild`
makes it again from the same (article id, seen at, trend keys, duplicate of) tuples in arrival
order, which is what the dedup table holds once its entries carry their trend keys, so trends
need no table of their own and are exact after a kill -9.

Counts are per tumbling window of ``window_s`` (5 minutes), aligned on the epoch, by the
article's own time (``seen_at``), so that a replay counts alike. The baseline of a window is the
mean count per window over the ``baseline_s`` (24 hours) before it; the burst score compares the
two (:func:`burst_score`). Windows older than ``horizon_s`` (48 hours) before the latest article
are dropped, and so are articles that arrive later than that.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from streams.records import Enriched, TrendKind, TrendPoint

TOPIC_PREFIX = "medtop:"
#: Entity ids of names nothing knows (streams/enrich/ids.py): one name's spellings may get
#: several, so they do not trend.
UNKNOWN_PREFIX = "unk:"
#: Anscombe's offset: ``sqrt(x + 3/8)`` of a Poisson count has a variance of about 1/4 whatever
#: its mean.
_ANSCOMBE = 0.375
Entry = tuple[str, float, Sequence[str], str | None]  # article id, seen at, keys, duplicate of


@dataclass(frozen=True, slots=True)
class TrendConfig:
    window_s: int = 300
    baseline_s: int = 86_400
    horizon_s: int = 172_800

    def __post_init__(self) -> None:
        if self.window_s <= 0 or self.baseline_s % self.window_s or self.horizon_s % self.window_s:
            raise ValueError("baseline_s and horizon_s must be whole numbers of window_s > 0")
        if self.horizon_s < self.baseline_s + self.window_s:
            raise ValueError("horizon_s must hold the baseline and the window after it")


def trend_keys(enriched: Enriched) -> list[str]:
    """What an article counts for: its canonical entity ids (not ``unk:``) and its topic codes,
    each once, in record order."""
    keys = [e.id for e in enriched.entities if not e.id.startswith(UNKNOWN_PREFIX)]
    return list(dict.fromkeys(keys + [t.code for t in enriched.topics]))


def burst_score(count: int, baseline: float) -> float:
    """How far ``count`` is above ``baseline``, in standard deviations of a Poisson count:
    ``2 * (sqrt(count + 3/8) - sqrt(baseline + 3/8))``.

    Mentions of a key in a window are modelled as Poisson with the baseline as mean. Anscombe's
    transform makes such a count's spread the same at every mean, so the difference is about
    N(0, 1) when nothing is happening, for a key seen once a day and for one seen every minute
    alike, and a score of 3 means the same surprise for both. For large baselines it is the
    plain z-score ``(count - baseline) / sqrt(baseline)``; unlike that (infinite for a key with
    no history) or ``... / sqrt(baseline + 1)`` (which grows with the count itself, and
    overstates moderate bursts: 7.2 for 20 against 4, where the exact Poisson tail is 5.6
    standard deviations and this score 4.8), a new key's score grows with the square root of
    its count (1 mention: 1.1, 4: 3.0, 100: 18.8), so a single mention of a new
    name is not a burst, and it stays comparable with established keys' bursts. Below the
    baseline the score is negative."""
    return 2.0 * (math.sqrt(count + _ANSCOMBE) - math.sqrt(baseline + _ANSCOMBE))


def kind_of(key: str) -> TrendKind:
    return "topic" if key.startswith(TOPIC_PREFIX) else "entity"


@dataclass(slots=True)
class _Window:
    """What one window holds, so that it can be dropped whole."""

    keys: set[str] = field(default_factory=set)
    articles: list[str] = field(default_factory=list)


class Trends:
    """Counts per key and window within the horizon, derived from the articles in arrival
    order."""

    def __init__(self, config: TrendConfig) -> None:
        self.config = config
        self._baseline_windows = config.baseline_s // config.window_s
        self._horizon_windows = config.horizon_s // config.window_s
        self.reset()

    def reset(self) -> None:
        #: key -> window index (start // window_s) -> count of original articles
        self.counts: dict[str, dict[int, int]] = {}
        self.windows: dict[int, _Window] = {}
        #: article id -> window it was counted in: a re-delivered article is not counted again
        self.counted: dict[str, int] = {}
        self._first: int | None = None  # the earliest window of any article: baseline coverage
        self._latest: int | None = None  # the latest window expired against

    def rebuild(self, entries: Iterable[Entry]) -> None:
        """Start again from the articles in arrival order: the state ``add`` gave them."""
        self.reset()
        for article_id, seen_at, keys, duplicate_of in entries:
            self.add(article_id, seen_at, keys, duplicate_of)

    def add(self, article_id: str, seen_at: float, keys: Sequence[str],
            duplicate_of: str | None) -> list[TrendPoint]:
        """Count one article in its window; the points of its keys there, now changed. A copy
        (``duplicate_of`` set), an article counted before and one older than the horizon change
        nothing and give none."""
        index = self._window(seen_at)
        self._first = index if self._first is None else min(self._first, index)
        self.expire(seen_at)
        assert self._latest is not None
        if (duplicate_of is not None or article_id in self.counted
                or index < self._latest - self._horizon_windows):
            return []
        unique = list(dict.fromkeys(keys))
        if not unique:
            return []
        self.counted[article_id] = index
        window = self.windows.setdefault(index, _Window())
        window.articles.append(article_id)
        for key in unique:
            per = self.counts.setdefault(key, {})
            per[index] = per.get(index, 0) + 1
            window.keys.add(key)
        return [self._point(key, index) for key in unique]

    def current(self, article_id: str, keys: Sequence[str]) -> list[TrendPoint]:
        """The points of ``keys`` now, in the window ``article_id`` was counted in (none if it
        was not): what a re-delivered article's record produces again, so that points lost with
        a killed worker's unsent outputs are sent by its successor."""
        index = self.counted.get(article_id)
        if index is None:
            return []
        return [self._point(key, index) for key in dict.fromkeys(keys)]

    def expire(self, now: float) -> int:
        """Drop the windows that start more than the horizon before ``now``'s (with what was
        counted in them); the number dropped. Time only moves forward: an earlier ``now``
        drops nothing."""
        latest = self._window(now)
        if self._latest is not None and latest <= self._latest:
            return 0
        self._latest = latest
        cutoff = latest - self._horizon_windows
        old = sorted(index for index in self.windows if index < cutoff)
        for index in old:
            window = self.windows.pop(index)
            for key in window.keys:
                per = self.counts[key]
                del per[index]
                if not per:
                    del self.counts[key]
            for article_id in window.articles:
                del self.counted[article_id]
        return len(old)

    def top(self, now: float, n: int) -> list[TrendPoint]:
        """The ``n`` keys with the highest burst score in the window holding ``now`` (ties: the
        higher count, then the key). Only keys counted in that window can be above their
        baseline; it is partly elapsed, so its counts are a lower bound."""
        index = self._window(now)
        window = self.windows.get(index)
        points = [self._point(key, index) for key in window.keys] if window else []
        points.sort(key=lambda p: (-p.score, -p.count, p.key))
        return points[:n]

    def series(self, key: str, now: float) -> list[int]:
        """The counts of ``key`` in the windows of the baseline span up to and including the one
        holding ``now``, oldest first (288 for 24 hours of 5 minutes)."""
        index = self._window(now)
        per = self.counts.get(key, {})
        return [per.get(i, 0) for i in range(index - self._baseline_windows + 1, index + 1)]

    def _window(self, seconds: float) -> int:
        return math.floor(seconds / self.config.window_s)

    def _point(self, key: str, index: int) -> TrendPoint:
        per = self.counts.get(key, {})
        count = per.get(index, 0)
        assert self._first is not None
        covered = min(self._baseline_windows, index - self._first)
        low = index - self._baseline_windows
        total = sum(c for i, c in per.items() if low <= i < index)
        baseline = total / covered if covered > 0 else 0.0
        start = datetime.fromtimestamp(index * self.config.window_s, UTC).isoformat()
        return TrendPoint(key, kind_of(key), start, self.config.window_s, count, baseline,
                          covered, burst_score(count, baseline))
