"""The dedup agent's pure core: the same decisions as one index, one table write per article,
the same decisions after a rebuild from the table (what a worker taking over after a kill -9
does), re-delivered records answered alike, state bounded by the horizon, and the records it
reads and writes valid against their schemas."""

from __future__ import annotations

import dataclasses
import functools
import random
from pathlib import Path

import orjson
import pytest

from streams.records import (
    Enriched,
    StoryArticle,
    dedup_entry_from_dict,
    enriched_from_dict,
    entity_mention_from_dict,
)
from streams.schemas import load_schema, validation_errors
from streams.settings import Settings
from streams.stage import Incoming, checked
from streams.stories import DedupConfig, DuplicateIndex, Fingerprinter
from streams.stories.clusters import StoryConfig, StoryIndex, story_record
from streams.stories.stream import (
    Deduplicator,
    enriched_outputs,
    handle,
    rebuild,
    seen_at,
    step,
    stories_in,
    trend_config,
)
from streams.stories.trends import TrendConfig, Trends, trend_keys
from streams.topics import (
    ENRICHED,
    ENTITY_MENTIONS,
    STORIES,
    STORIES_DEDUP_CHANGELOG,
    STORIES_IN,
    TOPIC_EVENTS,
    TRENDS,
)

ROOT = Path(__file__).resolve().parents[2]
CONFIG = DedupConfig()
FINGERPRINTER = Fingerprinter(CONFIG)
HOUR = 3600.0
Item = tuple[str, list[str], float]  # article id, bucket keys, first seen


def articles() -> list[Item]:
    """(id, keys, seen at) of both sides of 120 labelled pairs, copies arriving after their
    originals, in a fixed shuffled order."""
    lines = (ROOT / "bench/data/dedup-pairs/pairs.jsonl").read_bytes().splitlines()[:120]
    seen: dict[str, Item] = {}
    for n, line in enumerate(lines):
        pair = orjson.loads(line)
        for side, offset in (("a", 0.0), ("b", 60.0)):
            page = pair[side]
            key = f"{pair['id']}-{side}" if side == "b" else page["id"]
            if key not in seen:
                keys = list(FINGERPRINTER.fingerprint(page["title"], page["text"]).keys)
                seen[key] = (key, keys, 1_000_000.0 + n + offset)
    order = list(seen.values())
    random.Random(7).shuffle(order)
    return order


ARTICLES = articles()


def apply_writes(dedup: Deduplicator, table: dict[str, bytes]) -> None:
    """Apply the state's table writes to ``table`` as the agent does."""
    for key, value in dedup.take_writes().items():
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value


def run(dedup: Deduplicator, items: list[Item], table: dict[str, bytes],
        first_seq: int = 0) -> dict[str, tuple[str | None, float | None]]:
    """Feed ``items`` in order, applying the writes to ``table`` as the agent does."""
    decisions = {}
    for seq, (article_id, keys, at) in enumerate(items, first_seq):
        entry, _ = dedup.check(article_id, keys, at, seq)
        decisions[article_id] = (entry.duplicate_of, entry.duplicate_similarity)
        apply_writes(dedup, table)
    return decisions


IN_TIME_ORDER = sorted(ARTICLES, key=lambda item: item[2])


# On records in time order (out of it, the stage takes the order of the records, see below).
@pytest.mark.parametrize("config", [CONFIG, DedupConfig(max_bucket=2),
                                    DedupConfig(horizon_s=60.0)],
                         ids=["shipped", "full-buckets", "expiry"])
def test_decisions_are_those_of_one_index(config: DedupConfig) -> None:
    items = IN_TIME_ORDER
    index = DuplicateIndex(config)
    expected = {}
    for article_id, keys, at in items:
        match = index.check_keys(keys, article_id, at)
        expected[article_id] = (match.article_id, match.similarity) if match else (None, None)
    got = run(Deduplicator(config), items, {})
    assert got == expected
    assert sum(of is not None for of, _ in got.values()) > 40  # the set has many copies


def test_copies_checked_in_the_opposite_order_to_their_fetch_times_are_linked() -> None:
    """Two workers may enrich two copies in the opposite order to their fetch times: the one
    checked second is the copy, whatever its time."""
    _, keys, _ = ARTICLES[0]
    dedup = Deduplicator(CONFIG)
    assert dedup.check("b" * 32, keys, 100.0, 0)[0].duplicate_of is None
    assert dedup.check("a" * 32, keys, 99.0, 1)[0].duplicate_of == "b" * 32
    assert dedup.check("c" * 32, keys, 98.0, 2)[0].duplicate_of == "a" * 32  # first seen


def test_one_table_write_per_article() -> None:
    dedup = Deduplicator(CONFIG)
    for seq, (article_id, keys, at) in enumerate(ARTICLES[:10]):
        dedup.check(article_id, keys, at, seq)
        assert list(dedup.take_writes()) == [article_id]


@pytest.mark.parametrize("cut", [1, 37, 150])
def test_a_rebuild_from_the_table_answers_as_the_worker_it_replaces(cut: int) -> None:
    """A worker killed after ``cut`` articles: the next one rebuilds the index from the table
    (in whatever order the table iterates) and goes on with the same decisions."""
    whole = run(Deduplicator(CONFIG), ARTICLES, {})
    table: dict[str, bytes] = {}
    before = run(Deduplicator(CONFIG), ARTICLES[:cut], table)
    successor = Deduplicator(CONFIG)
    successor.rebuild(reversed(list(table.items())))
    after = run(successor, ARTICLES[cut:], table, first_seq=cut)
    assert before | after == whole


def test_a_redelivered_record_gets_its_first_decision_and_writes_nothing() -> None:
    dedup = Deduplicator(CONFIG)
    run(dedup, ARTICLES, {})
    copy = next(a for a in ARTICLES if dedup.entries[a[0]].duplicate_of is not None)
    entry, new = dedup.check(copy[0], copy[1], copy[2], seq=10_000)
    assert not new and entry.duplicate_of is not None and entry.seq != 10_000
    assert dedup.take_writes() == {}


def test_state_is_bounded_by_the_horizon_and_expiry_deletes_table_keys() -> None:
    config = DedupConfig(horizon_s=10 * HOUR)
    dedup, table = Deduplicator(config), {}
    items = [(f"{n:032x}", keys, n * HOUR) for n, (_, keys, _) in enumerate(ARTICLES)]
    run(dedup, items, table)
    last = items[-1][2]
    assert set(table) == set(dedup.entries)
    assert all(orjson.loads(value)["first_seen"] >= last - 10 * HOUR
               for value in table.values())
    assert len(table) <= 11
    live = set(table)
    assert {a for bucket in dedup.buckets.values()
            for a in ((bucket,) if isinstance(bucket, str) else bucket)} <= live


def test_an_article_past_the_horizon_is_not_an_original_any_more() -> None:
    config = DedupConfig(horizon_s=HOUR)
    dedup = Deduplicator(config)
    _, keys, _ = ARTICLES[0]
    dedup.check("a" * 32, keys, 0.0, 0)
    assert dedup.check("b" * 32, keys, HOUR / 2, 1)[0].duplicate_of == "a" * 32
    assert dedup.check("c" * 32, keys, 3 * HOUR, 2)[0].duplicate_of is None
    assert "a" * 32 not in dedup.entries and dedup.writes["a" * 32] is None


def example_enriched() -> Enriched:
    return enriched_from_dict(load_schema(ENRICHED.schema)["examples"][0])


def test_the_enrich_stage_record_is_valid_and_carries_keys_and_fetch_time() -> None:
    enriched = example_enriched()
    record = stories_in(enriched, FINGERPRINTER)
    value = orjson.loads(orjson.dumps(record))
    assert validation_errors(STORIES_IN, value) == []
    assert record.keys[0].startswith("x:") and len(record.keys) == 1 + CONFIG.bands
    assert record.seen_at == seen_at(enriched) == 1746853215.0  # its fetched_at


def test_the_dedup_stage_flags_a_copy_in_every_output() -> None:
    dedup = Deduplicator(CONFIG)
    original = example_enriched()
    copy = example_enriched()
    copy.article.id, copy.article.url = "c" * 32, "https://copy.example/a"
    outputs = through_the_stage(dedup, Trends(TrendConfig()), (original, copy))
    first, second = ({out.topic: orjson.loads(out.value) for out in outs} for outs in outputs)
    assert first[ENRICHED]["duplicate_of"] is None
    assert second[ENRICHED]["duplicate_of"] == original.article.id
    assert second[ENRICHED]["duplicate_similarity"] == 1.0
    assert entity_mention_from_dict(second[ENTITY_MENTIONS]).duplicate_of == original.article.id
    assert second[TOPIC_EVENTS]["duplicate_of"] == original.article.id
    for out in outputs[1]:
        assert validation_errors(out.topic, orjson.loads(out.value)) == []
    table_value = orjson.loads(dedup.take_writes()[copy.article.id] or b"")
    assert validation_errors(STORIES_DEDUP_CHANGELOG, table_value) == []


def through_the_stage(dedup: Deduplicator, trends: Trends, articles: tuple[Enriched, ...],
                      first_offset: int = 0, stories: StoryIndex | None = None) -> list[list]:
    """The stage's outputs for each article's ``stories-in`` record, at consecutive offsets."""
    stories = stories or StoryIndex(StoryConfig())
    outputs = []
    for offset, enriched in enumerate(articles, first_offset):
        value = orjson.dumps(stories_in(enriched, FINGERPRINTER))
        incoming = Incoming(STORIES_IN.name, 0, offset, enriched.article.id.encode(), value)
        outputs.append(list(handle(incoming, STORIES_IN, dedup, trends, stories)))
    return outputs


def test_an_original_gives_one_trend_point_per_key_a_copy_none() -> None:
    dedup, trends = Deduplicator(CONFIG), Trends(TrendConfig())
    original, copy, other = example_enriched(), example_enriched(), example_enriched()
    copy.article.id, copy.article.url = "c" * 32, "https://copy.example/a"
    other.article.id, other.article.text = "d" * 32, "A different story. " * 40
    outputs = through_the_stage(dedup, trends, (original, copy, other))
    keys = trend_keys(original)
    assert keys and not any(key.startswith("unk:") for key in keys)
    points = [[(out.key.decode(), orjson.loads(out.value)) for out in outs if out.topic == TRENDS]
              for outs in outputs]
    assert [key for key, _ in points[0]] == keys  # keyed by the entity id or topic code
    assert [value["count"] for _, value in points[0]] == [1] * len(keys)
    assert points[1] == []  # the copy counts for nothing
    assert [value["count"] for _, value in points[2]] == [2] * len(keys)
    for _, value in points[0] + points[2]:
        assert validation_errors(TRENDS, value) == []
    assert dedup.entries[copy.article.id].trend_keys == keys  # kept for copies too


def test_a_redelivered_record_sends_its_keys_current_points_again_counting_nothing() -> None:
    dedup, trends = Deduplicator(CONFIG), Trends(TrendConfig())
    first, second = example_enriched(), example_enriched()
    second.article.id, second.article.text = "d" * 32, "A different story. " * 40
    [once, _, again] = through_the_stage(dedup, trends, (first, second, first))
    counts = [[orjson.loads(out.value)["count"] for out in outs if out.topic == TRENDS]
              for outs in (once, again)]
    assert counts == [[1] * len(trend_keys(first)), [2] * len(trend_keys(first))]
    assert set(trends.counted) == {first.article.id, second.article.id}


def test_the_trends_horizon_may_not_outlast_the_dedup_table() -> None:
    assert trend_config(Settings()).horizon_s == 172_800
    with pytest.raises(ValueError, match="NEWSSTREAM_TRENDS_HORIZON_S"):
        trend_config(Settings(trends_horizon_s=4 * 86_400))


def trend_stream() -> list[tuple[str, list[str], float, list[str]]]:
    """The labelled pages in ``ARTICLES`` order (their copies among them), one every 15 minutes
    of article time for 60 hours, each a few minutes early or late, naming 1 to 3 of 6 keys."""
    rng = random.Random(3)
    names = ["org:openai", "per:sam-altman", "loc:KR", "org:samsung", "medtop:04000000",
             "medtop:11000000"]
    return [(article_id, keys, 1_746_835_200.0 + n * 900 + rng.uniform(-600, 600),
             rng.sample(names, rng.randint(1, 3)))
            for n, (article_id, keys, _) in enumerate(ARTICLES)]


# A short baseline and horizons, so that both states expire many times in the stream.
SHORT_DEDUP = DedupConfig(horizon_s=16 * HOUR)
SHORT_TRENDS = TrendConfig(window_s=600, baseline_s=6 * 3600, horizon_s=12 * 3600)


#: Trends alone: no article is clustered (``step`` without a story).
NO_STORIES = StoryIndex(StoryConfig())


def run_stage(dedup: Deduplicator, trends: Trends, items: list, table: dict[str, bytes],
              first_seq: int = 0) -> list[list[tuple[str, int, str]]]:
    """Feed ``items`` through the agent's state as the handler does, applying the table writes
    as the agent does; the (key, count, window) of each article's trend points."""
    points = []
    for seq, (article_id, keys, at, names) in enumerate(items, first_seq):
        _, _, got, _, _ = step(dedup, trends, NO_STORIES, article_id, keys, at, seq, names)
        points.append([(p.key, p.count, p.window_start) for p in got])
        apply_writes(dedup, table)
    return points


@pytest.mark.parametrize("cut", [5, 97, 180])
def test_trends_rebuilt_from_the_table_go_on_as_those_of_the_worker_they_replace(cut: int
                                                                              ) -> None:
    """A kill -9 after ``cut`` articles, the last three re-delivered to the successor, which
    rebuilt the index and the trends from the table (through both horizons' expiry): the same
    points and the same final counts as one worker without the kill."""
    items = trend_stream()
    whole_trends = Trends(SHORT_TRENDS)
    whole = run_stage(Deduplicator(SHORT_DEDUP), whole_trends, items, {})
    assert sum(not points for points in whole) > 40  # copies (and expired stragglers) count none
    table: dict[str, bytes] = {}
    before = run_stage(Deduplicator(SHORT_DEDUP), Trends(SHORT_TRENDS), items[:cut], table)
    dedup, trends = Deduplicator(SHORT_DEDUP), Trends(SHORT_TRENDS)
    rebuild(dedup, trends, NO_STORIES, reversed(list(table.items())))
    again = run_stage(dedup, trends, items[cut - 3:cut], table, first_seq=cut - 3)
    for sent, resent in zip(before[cut - 3:], again, strict=True):  # the same keys and windows,
        assert [(k, w) for k, _, w in sent] == [(k, w) for k, _, w in resent]  # counts as now
        assert all(c2 >= c1 for (_, c1, _), (_, c2, _) in zip(sent, resent, strict=True))
    after = run_stage(dedup, trends, items[cut:], table, first_seq=cut)
    assert before + after == whole
    assert (trends.counts, trends.counted) == (whole_trends.counts, whole_trends.counted)


def test_fan_out_is_one_event_per_entity_and_topic() -> None:
    enriched = example_enriched()
    topics = [out.topic for out in enriched_outputs(enriched)]
    assert topics == [ENRICHED, *[ENTITY_MENTIONS] * len(enriched.entities),
                      *[TOPIC_EVENTS] * len(enriched.topics)]


def test_the_table_is_the_changelog_faust_names() -> None:
    from streams.stories.agent import TABLE

    assert f"{TABLE}-changelog" == STORIES_DEDUP_CHANGELOG.name


def test_the_state_bench_holds_one_horizon_of_articles() -> None:
    from tests.bench_scripts import bench_script

    result = bench_script("dedup_state").long_run(articles=1000, horizon_s=HOUR / 4,
                                                  per_hour=1000)
    last = result["checkpoints"][-1]
    assert last["state_articles"] <= 251  # a quarter of an hour of articles at 1000 an hour
    assert last["table_deletes"] == last["table_writes"] - last["state_articles"]
    assert result["copies_found"] > 0


def test_every_article_sends_its_storys_state_a_copy_as_a_reprint() -> None:
    dedup, stories = Deduplicator(CONFIG), StoryIndex(StoryConfig())
    original, copy, again = example_enriched(), example_enriched(), example_enriched()
    copy.article.id, copy.article.url = "c" * 32, "https://copy.example/a"
    outputs = through_the_stage(dedup, Trends(TrendConfig()), (original, copy, again),
                                stories=stories)
    records = [[orjson.loads(out.value) for out in outs if out.topic == STORIES]
               for outs in outputs]
    assert [len(r) for r in records] == [1, 1, 1]
    first, second, resent = (r[0] for r in records)
    assert first["id"] == second["id"] == original.article.id  # keyed by the story id
    assert (first["articles"], first["unique_articles"], first["reprints"]) == (1, 1, 0)
    assert (second["articles"], second["unique_articles"], second["reprints"]) == (2, 1, 1)
    assert resent == second  # a re-delivery sends the story as it is, counting nothing
    for value in (first, second):
        assert validation_errors(STORIES, value) == []
    enriched = [[orjson.loads(out.value) for out in outs if out.topic == ENRICHED]
                for outs in outputs]
    # each article's news.enriched record names its story: the key of the story's records
    assert [e[0]["story_id"] for e in enriched] == [original.article.id] * 3
    assert all(validation_errors(ENRICHED, e[0]) == [] for e in enriched)
    entry, story = dedup.entries[copy.article.id], dedup.story(copy.article.id)
    assert entry.story_id == original.article.id and entry.story is None  # kept as JSON
    assert story is not None and story.duplicate_of == original.article.id
    table_value = orjson.loads(dedup.take_writes()[copy.article.id] or b"")
    assert validation_errors(STORIES_DEDUP_CHANGELOG, table_value) == []
    assert dedup_entry_from_dict(table_value) == dataclasses.replace(entry, story=story)


SHORT_STORIES = StoryConfig(window_s=12 * HOUR, horizon_s=36 * HOUR)


def story_stream() -> list[tuple[str, list[str], float, StoryArticle]]:
    """Ten days of articles, one every 40 minutes of article time, each a few minutes early or
    late: 40 stories of 3 to 20 articles (some lasting longer than the 16-hour dedup horizon,
    so that their early entries are kept only for them), told in Korean and English with their
    own entities and words, some articles reprinted (the same exact-text key)."""
    rng = random.Random(5)
    items: list[tuple[str, list[str], float, StoryArticle]] = []
    n = 0
    for story in range(40):
        start = story * 6 * HOUR
        for k in range(rng.randint(3, 20)):
            n += 1
            at = start + k * 2 * HOUR + rng.uniform(-600, 600)
            language = rng.choice(["ko", "en"])
            text = n if rng.random() > 0.15 or not items else int(items[-1][0][:8], 16)
            entities = {f"org:s{story}": (3.0, f"S{story}"), f"per:p{story}": (1.5, f"P{story}"),
                        rng.choice(["loc:KR", "loc:US", "loc:seoul"]): (0.3, "place")}
            terms = {f"{language}{story}w{i}": 2.0 for i in range(3)} | {
                f"{language}common{rng.randint(0, 5)}": 1.0 for _ in range(3)}
            article_id = f"{n:08x}" + "0" * 24
            items.append((article_id, [f"x:{text:012x}"], 1_746_835_200.0 + at, StoryArticle(
                article_id, 1_746_835_200.0 + at, language, f"title {n}", f"site{n % 7}",
                entities, {"medtop:04000000": "economy, business and finance"}, terms)))
    return sorted(items, key=lambda item: item[2] + rng.uniform(0, 1800))


def run_stories(dedup: Deduplicator, stories: StoryIndex, items: list, table: dict[str, dict],
                first_seq: int = 0) -> list[tuple[str, int, list[str]]]:
    """Feed ``items`` through the agent's state as the handler does, applying the table writes
    as the agent does; each article's (story id, articles in the story after it, stories
    expired before it: its tombstones)."""
    trends = Trends(TrendConfig())
    got = []
    for seq, (article_id, keys, at, article) in enumerate(items, first_seq):
        story = dataclasses.replace(article)  # a fresh one: step sets its duplicate_of
        _, _, _, state, expired = step(dedup, trends, stories, article_id, keys, at, seq, [],
                                       story)
        assert state is not None
        got.append((state.id, state.unique_articles + state.reprints, expired))
        for key, value in dedup.take_writes().items():
            if value is None:
                table.pop(key, None)
            else:
                table[key] = orjson.loads(value)
    return got


def a_worker(stories: StoryIndex) -> Deduplicator:
    return Deduplicator(SHORT_DEDUP, retain=lambda entry: entry.story_id in stories.stories)


@pytest.mark.parametrize("cut", [7, 120, 230])
def test_stories_rebuilt_from_the_table_go_on_as_those_of_the_worker_they_replace(cut: int
                                                                               ) -> None:
    """A kill -9 after ``cut`` articles, the last three re-delivered to the successor, which
    rebuilt the stories (and the index) from the table, entries kept only for their stories
    among them: the same story for every article, the same tombstones and the same final
    stories as one worker without the kill; the table holds only the articles of stories
    within the horizon."""
    items = story_stream()
    whole_stories = StoryIndex(SHORT_STORIES)
    whole_table: dict[str, dict] = {}
    whole = run_stories(a_worker(whole_stories), whole_stories, items, whole_table)
    assert len({story for story, _, _ in whole}) >= 30 and max(n for _, n, _ in whole) >= 10
    tombstones = [story for _, _, expired in whole for story in expired]
    assert len(tombstones) == len(set(tombstones)) >= 25  # each expired story once
    table: dict[str, dict] = {}
    stories = StoryIndex(SHORT_STORIES)
    before = run_stories(a_worker(stories), stories, items[:cut], table)
    assert cut < 100 or any(value["story_only"] for value in table.values())
    stories = StoryIndex(SHORT_STORIES)
    dedup = a_worker(stories)
    rebuild(dedup, Trends(TrendConfig()), stories,
            reversed([(k, orjson.dumps(v)) for k, v in table.items()]))
    again = run_stories(dedup, stories, items[cut - 3:cut], table, first_seq=cut - 3)
    assert [story for story, _, _ in again] == [story for story, _, _ in before[cut - 3:]]
    after = run_stories(dedup, stories, items[cut:], table, first_seq=cut)
    assert before + after == whole
    assert {k: story_record(s) for k, s in stories.stories.items()} == \
        {k: story_record(s) for k, s in whole_stories.stories.items()}
    assert table == whole_table
    live = {a for s in whole_stories.stories.values() for a in s.article_ids}
    assert {k for k, v in table.items() if v["story_only"]} <= live


def test_a_story_past_the_horizon_gets_a_tombstone_before_the_next_story() -> None:
    """An article first seen more than the stories' horizon after a story's last article:
    its outputs hold a ``news.stories`` tombstone (the story's id, a null value) before its own
    story's record, and pass the output check (schemas on, as in the test workers)."""
    stories = StoryIndex(StoryConfig(window_s=HOUR, horizon_s=2 * HOUR))
    handler = checked(functools.partial(handle, source=STORIES_IN, dedup=Deduplicator(CONFIG),
                                        trends=Trends(TrendConfig()), stories=stories))
    first, later = example_enriched(), example_enriched()
    later.article.id, later.article.url = "d" * 32, "https://later.example/b"
    later.article.title, later.article.text = "Something else", "Another event altogether."
    later.article.fetched_at = "2025-05-10T08:00:01+00:00"  # 3 hours after the first
    outputs = [handler(Incoming(STORIES_IN.name, 0, offset, None,
                                orjson.dumps(stories_in(enriched, FINGERPRINTER))))
               for offset, enriched in enumerate((first, later))]
    assert not any(out.tombstone for out in outputs[0])
    to_stories = [out for out in outputs[1] if out.topic == STORIES]
    assert [(out.key.decode(), out.tombstone, out.produced) for out in to_stories] == [
        (first.article.id, True, None), (later.article.id, False, to_stories[1].value)]
    assert orjson.loads(to_stories[1].value)["id"] == later.article.id
    assert list(stories.stories) == [later.article.id]


def test_a_kill_before_an_expirys_table_writes_leaves_its_tombstones_to_the_successor(
) -> None:
    """The worker is killed after the step that expired stories but before that record's
    table writes (and outputs): the successor, rebuilt from the table, sends the same
    tombstones with the re-delivered record."""
    items = story_stream()
    whole_stories = StoryIndex(SHORT_STORIES)
    whole = run_stories(a_worker(whole_stories), whole_stories, items, {})
    k = next(n for n, (_, _, expired) in enumerate(whole) if expired)
    table: dict[str, dict] = {}
    stories = StoryIndex(SHORT_STORIES)
    dedup = a_worker(stories)
    run_stories(dedup, stories, items[:k], table)
    run_stories(dedup, stories, items[k:k + 1], dict(table))  # its writes and outputs lost
    stories = StoryIndex(SHORT_STORIES)
    dedup = a_worker(stories)
    rebuild(dedup, Trends(TrendConfig()), stories,
            [(key, orjson.dumps(value)) for key, value in table.items()])
    again = run_stories(dedup, stories, items[k:k + 1], table, first_seq=k)
    assert again == whole[k:k + 1]
