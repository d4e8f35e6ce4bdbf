"""Trends' pure core: counts per tumbling window and their boundaries, the day's baseline, the
burst score on a spike and on steady traffic, copies and re-deliveries not counted, the state
rebuilt from the articles in arrival order equal to the one built as they came (what the dedup
agent's recovery relies on), state bounded by the horizon, top and series, valid records."""

from __future__ import annotations

import dataclasses
import math
import random

import pytest

from streams.records import Entity, Topic, enriched_from_dict
from streams.schemas import load_schema, validation_errors
from streams.stories.trends import Entry, TrendConfig, Trends, burst_score, trend_keys
from streams.topics import ENRICHED, TRENDS

CONFIG = TrendConfig()
W = CONFIG.window_s
DAY = CONFIG.baseline_s // W  # 288 windows
T0 = 1_746_835_200.0  # 2025-05-10T00:00:00Z, on a window boundary
OPENAI, ECONOMY = "org:openai", "medtop:04000000"


def steady(trends: Trends, key: str, per_window: int, windows: range, tag: str = "") -> None:
    """``per_window`` original articles naming ``key`` in each of ``windows`` (indices from
    T0), spread inside each window."""
    for w in windows:
        for k in range(per_window):
            trends.add(f"{tag}{key}-{w}-{k}", T0 + w * W + 1 + k, [key], None)


def state(trends: Trends) -> tuple[object, ...]:
    return (trends.counts, trends.counted,
            {i: (w.keys, sorted(w.articles)) for i, w in trends.windows.items()})


def test_counts_fall_in_tumbling_windows_with_sharp_boundaries() -> None:
    trends = Trends(CONFIG)
    [first] = trends.add("a", T0, [OPENAI], None)
    assert (first.count, first.window_start, first.window_s) == (1, "2025-05-10T00:00:00+00:00", W)
    points = trends.add("b", T0 + W - 0.001, [OPENAI, ECONOMY], None)
    assert [(p.key, p.kind, p.count) for p in points] == [(OPENAI, "entity", 2),
                                                          (ECONOMY, "topic", 1)]
    [next_window] = trends.add("c", T0 + W, [OPENAI], None)
    assert (next_window.count, next_window.window_start) == (1, "2025-05-10T00:05:00+00:00")
    [before] = trends.add("d", T0 - 0.001, [OPENAI], None)  # a late article: its own window
    assert (before.count, before.window_start) == (1, "2025-05-09T23:55:00+00:00")
    assert trends.counts[OPENAI] == {-1 + int(T0) // W: 1, int(T0) // W: 2, 1 + int(T0) // W: 1}


def test_a_key_named_twice_by_one_article_counts_once() -> None:
    trends = Trends(CONFIG)
    assert [p.count for p in trends.add("a", T0, [OPENAI, OPENAI, ECONOMY], None)] == [1, 1]


def test_the_baseline_is_the_mean_per_window_over_the_day_before() -> None:
    trends = Trends(CONFIG)
    steady(trends, OPENAI, 50, range(0, 1))     # a spike, then a day of one a window
    steady(trends, OPENAI, 1, range(1, DAY + 1))
    [last_of_day] = [p for p in trends.add("x", T0 + DAY * W + 100, [OPENAI], None)]
    # window DAY: the day before it is windows 0..DAY-1, the spike included
    assert last_of_day.baseline == pytest.approx((50 + DAY - 1) / DAY)
    assert last_of_day.baseline_windows == DAY
    [after] = trends.add("y", T0 + (DAY + 1) * W, [OPENAI], None)
    # window DAY+1: the day before is windows 1..DAY (two in window DAY), the spike has left it
    assert after.baseline == pytest.approx((DAY + 1) / DAY)
    assert after.baseline_windows == DAY


def test_a_young_stream_averages_over_the_windows_it_has() -> None:
    trends = Trends(CONFIG)
    [first] = trends.add("a", T0, [ECONOMY], None)
    assert (first.baseline, first.baseline_windows) == (0.0, 0)
    assert first.score == pytest.approx(burst_score(1, 0.0))
    steady(trends, ECONOMY, 3, range(1, 10))
    [point] = trends.add("b", T0 + 10 * W, [ECONOMY], None)
    # windows 0..9: 1 + 9 * 3 articles over 10 windows; a key silent in some counts 0 there
    assert (point.baseline, point.baseline_windows) == (pytest.approx(28 / 10), 10)


def test_the_burst_score_separates_a_spike_from_steady_traffic() -> None:
    trends = Trends(CONFIG)
    steady(trends, OPENAI, 4, range(DAY + 1), tag="s")
    steady(trends, ECONOMY, 4, range(DAY), tag="s")
    steady(trends, ECONOMY, 20, range(DAY, DAY + 1), tag="x")
    now = T0 + DAY * W + 200
    scores = {p.key: p.score for p in trends.top(now, 10)}
    assert abs(scores[OPENAI]) < 1.0          # at its baseline: no burst
    assert scores[ECONOMY] > 4.0              # five times its baseline: a burst
    assert [p.key for p in trends.top(now, 10)] == [ECONOMY, OPENAI]


def test_the_burst_score_is_a_poisson_z_that_does_not_explode_without_history() -> None:
    assert burst_score(7, 7.0) == 0.0
    assert burst_score(3, 7.0) < 0.0
    # a large baseline: the plain z-score (count - mean) / sqrt(mean)
    assert burst_score(1030, 1000.0) == pytest.approx(30 / math.sqrt(1000), abs=0.01)
    # no history: one mention is no burst, many are, growing with the square root
    assert 1.0 < burst_score(1, 0.0) < 1.5
    assert burst_score(4, 0.0) == pytest.approx(3.0, abs=0.1)
    assert burst_score(100, 0.0) == pytest.approx(18.8, abs=0.1)


def test_copies_are_not_counted() -> None:
    trends = Trends(CONFIG)
    trends.add("original", T0, [OPENAI], None)
    assert trends.add("copy", T0 + 1, [OPENAI, ECONOMY], "original") == []
    assert trends.counts == {OPENAI: {int(T0) // W: 1}}
    assert "copy" not in trends.counted


def test_a_redelivered_article_is_not_counted_twice() -> None:
    trends = Trends(CONFIG)
    trends.add("a", T0, [OPENAI], None)
    assert trends.add("a", T0, [OPENAI], None) == []
    assert trends.add("a", T0 + 2 * W, [OPENAI, ECONOMY], None) == []  # a later version
    assert trends.counts == {OPENAI: {int(T0) // W: 1}}


def stream(seed: int, hours: float) -> list[Entry]:
    """Articles over ``hours`` with bursts, copies, re-deliveries and seen_at out of order by
    up to ten minutes (several workers fetch and enrich them), in arrival order."""
    rng = random.Random(seed)
    keys = [f"org:k{i}" for i in range(30)] + [f"medtop:{i:08d}" for i in range(1, 18)]
    entries: list[Entry] = []
    for n in range(int(hours * 40)):
        at = T0 + n * 90 + rng.uniform(-600, 0)
        chosen = rng.sample(keys[:5] if rng.random() < 0.2 else keys, rng.randint(0, 4))
        copy = f"a{rng.randrange(n)}" if n and rng.random() < 0.3 else None
        entries.append((f"a{n}", at, chosen, copy))
        if rng.random() < 0.05:
            entries.append(rng.choice(entries))
    return entries


def test_a_rebuild_from_the_articles_in_order_equals_the_state_built_as_they_came() -> None:
    entries = stream(3, hours=60)
    trends = Trends(CONFIG)
    for n, (article_id, at, keys, copy) in enumerate(entries):
        if n % 400 == 0:  # a kill -9 here: a new worker rebuilds from what came before
            again = Trends(CONFIG)
            again.rebuild(entries[:n])
            assert state(again) == state(trends)
            assert again.add(article_id, at, keys, copy) == trends.add(article_id, at, keys, copy)
        else:
            trends.add(article_id, at, keys, copy)
    again = Trends(CONFIG)
    again.rebuild(entries)
    now = max(trends.windows) * W  # the latest window with a count
    assert again.top(now, 10) == trends.top(now, 10) and trends.top(now, 10)
    assert all(again.series(k, now) == trends.series(k, now) for k in trends.counts)


def test_the_state_is_bounded_by_the_horizon() -> None:
    trends = Trends(CONFIG)
    horizon = CONFIG.horizon_s // W
    sizes = []
    for n, (article_id, at, keys, copy) in enumerate(stream(5, hours=24 * 6)):
        trends.add(article_id, at, keys, copy)
        if n % 1000 == 999:
            sizes.append(len(trends.counted))
            assert min(trends.windows) >= max(trends.windows) - horizon
            assert all(min(per) >= max(trends.windows) - horizon for per in trends.counts.values())
    full = sizes[len(sizes) // 2:]  # past the first two days: as many articles as a horizon holds
    assert max(full) - min(full) < 0.05 * max(full)
    latest = max(trends.windows) * W
    assert trends.add("late", latest - CONFIG.horizon_s - W, [OPENAI], None) == []
    assert trends.expire(latest) == 0  # time does not go back
    assert trends.expire(latest + CONFIG.horizon_s + W) > 0
    assert (trends.counts, trends.windows, trends.counted) == ({}, {}, {})


def test_top_and_series() -> None:
    trends = Trends(CONFIG)
    steady(trends, OPENAI, 2, range(DAY))
    steady(trends, ECONOMY, 2, range(DAY - 5))
    steady(trends, "loc:KR", 1, range(DAY, DAY + 1))
    steady(trends, OPENAI, 9, range(DAY, DAY + 1), tag="x")
    now = T0 + DAY * W + 299
    top = trends.top(now, 2)
    assert [p.key for p in top] == [OPENAI, "loc:KR"]   # ECONOMY: nothing in this window
    assert top[0].score > top[1].score and top[0].count == 9
    assert trends.top(now + W, 5) == []                 # the next window: nothing yet
    series = trends.series(OPENAI, now)
    assert len(series) == DAY and series[-1] == 9 and series[:-1] == [2] * (DAY - 1)
    assert trends.series(ECONOMY, now)[-8:] == [2, 2, 0, 0, 0, 0, 0, 0]
    assert trends.series("org:nobody", now) == [0] * DAY


def test_trend_keys_are_canonical_entities_and_topics_once() -> None:
    enriched = enriched_from_dict(load_schema(ENRICHED.schema)["examples"][0])
    enriched.entities = [Entity("org:openai", "organization", "OpenAI"),
                         Entity("unk:0a1b2c3d4e5f", "person", "Nobody"),
                         Entity("per:sam-altman", "person", "Sam Altman")]
    enriched.topics = [Topic(ECONOMY, "economy", "경제", 0.8)]
    assert trend_keys(enriched) == ["org:openai", "per:sam-altman", ECONOMY]


def test_points_are_valid_news_trends_records() -> None:
    trends = Trends(CONFIG)
    steady(trends, OPENAI, 2, range(20))
    points = trends.add("z", T0 + 20 * W, [OPENAI, ECONOMY], None) + trends.top(T0 + 20 * W, 5)
    assert len(points) == 4
    for point in points:
        assert validation_errors(TRENDS, dataclasses.asdict(point)) == []


def test_a_config_whose_horizon_cannot_hold_the_baseline_is_refused() -> None:
    with pytest.raises(ValueError):
        TrendConfig(horizon_s=CONFIG.baseline_s)
    with pytest.raises(ValueError):
        TrendConfig(window_s=7)
