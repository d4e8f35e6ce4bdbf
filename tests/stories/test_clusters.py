"""Story clustering's pure core: the same event joined across outlets and languages, other
events about the same entities kept apart, reprints counted, the window and the horizon, and
the same ids from a replay of the recorded assignments or a rerun over the same articles."""

from __future__ import annotations

import orjson

from streams.records import Article, Enriched, Entity, Topic
from streams.schemas import validation_errors
from streams.stories.clusters import (
    StoryArticle,
    StoryConfig,
    StoryIndex,
    story_article,
    story_record,
    terms,
)
from streams.topics import STORIES

HOUR = 3600.0
T0 = 1_765_000_000.0
CONFIG = StoryConfig()


def art(n: int, lang: str, title: str, entities: dict[str, float], hours: float = 0.0,
        keywords: tuple[str, ...] = (), duplicate_of: str | None = None,
        source: str = "a.example") -> StoryArticle:
    return StoryArticle(
        id=f"{n:032x}", seen_at=T0 + hours * HOUR, language=lang, title=title, source=source,
        entities={k: (w, k.split(":")[1]) for k, w in entities.items()},
        topics={"medtop:04000000": "economy, business and finance"},
        terms=terms(title, keywords), duplicate_of=duplicate_of,
    )


def run(index: StoryIndex, articles: list[StoryArticle]) -> list[str]:
    ids = []
    for article in articles:
        story_id = index.assign(article)
        index.add(article, story_id)
        ids.append(story_id)
    return ids


HBM_KO = art(1, "ko", "삼성전자, 엔비디아에 HBM4 공급 계약",
             {"org:samsung-electronics": 3, "org:nvidia": 3, "prd:hbm": 2.5,
              "per:jensen-huang": 1, "loc:seoul": 0.3}, keywords=("계약", "공급"))
HBM_KO2 = art(2, "ko", "엔비디아 HBM4 물량 삼성이 공급…3조 원 규모",
              {"org:samsung-electronics": 2, "org:nvidia": 3, "prd:hbm": 2.5}, hours=2,
              keywords=("공급", "물량"), source="b.example")
HBM_EN = art(3, "en", "Samsung wins Nvidia order for HBM4 memory chips",
             {"org:samsung-electronics": 2.5, "org:nvidia": 3, "prd:hbm": 2.5,
              "per:jensen-huang": 1}, hours=3, keywords=("memory", "chips"), source="c.example")
EARNINGS_KO = art(4, "ko", "삼성전자 3분기 영업이익 9조 원…시장 전망 밑돌아",
                  {"org:samsung-electronics": 3, "loc:seoul": 0.3}, hours=4,
                  keywords=("영업이익", "실적"), source="b.example")


def test_one_event_across_outlets_and_languages_is_one_story() -> None:
    ids = run(StoryIndex(CONFIG), [HBM_KO, HBM_KO2, HBM_EN])
    assert ids == [HBM_KO.id] * 3


def test_another_event_about_the_same_company_is_another_story() -> None:
    ids = run(StoryIndex(CONFIG), [HBM_KO, HBM_KO2, EARNINGS_KO])
    assert ids[2] == EARNINGS_KO.id != ids[0]


def test_a_reprint_joins_its_originals_story_and_counts_as_one() -> None:
    index = StoryIndex(CONFIG)
    copy = art(9, "ko", "[속보] 전혀 다른 제목", {}, hours=1, duplicate_of=HBM_KO.id,
               source="portal.example")
    ids = run(index, [HBM_KO, copy, HBM_EN])
    assert ids == [HBM_KO.id] * 3
    record = story_record(index.stories[HBM_KO.id])
    assert (record.articles, record.unique_articles, record.reprints) == (3, 2, 1)
    assert record.sources == 3
    assert record.languages == ["en", "ko"]
    assert record.entities[0].id in {"org:nvidia", "org:samsung-electronics"}
    assert validation_errors(STORIES, orjson.loads(orjson.dumps(record))) == []


def test_a_follow_up_within_the_window_joins_and_after_it_does_not() -> None:
    later = art(5, "ko", "삼성전자 HBM4 엔비디아 공급 본격화", HBM_KO2.entities and
                {k: w for k, (w, _) in HBM_KO2.entities.items()}, hours=26)
    assert run(StoryIndex(CONFIG), [HBM_KO, later]) == [HBM_KO.id] * 2
    much_later = art(6, later.language or "", later.title or "",
                     {k: w for k, (w, _) in later.entities.items()}, hours=60)
    assert run(StoryIndex(CONFIG), [HBM_KO, much_later]) == [HBM_KO.id, much_later.id]


def test_stories_expire_after_the_horizon_and_state_stays_bounded() -> None:
    index = StoryIndex(CONFIG)
    run(index, [HBM_KO, HBM_EN])
    # a week of unrelated single-article stories, one an hour
    for n in range(200):
        run(index, [art(100 + n, "en", f"Topic number {n} grows", {f"org:x{n}": 2.0},
                        hours=10 + n * 1.0)])
    assert HBM_KO.id not in index.stories and HBM_KO.id not in index.article_story
    assert len(index.stories) <= CONFIG.horizon_s / HOUR + 2
    assert "org:nvidia" not in index._by_entity


def test_a_replay_of_the_recorded_assignments_rebuilds_the_same_state() -> None:
    articles = [HBM_KO, EARNINGS_KO, HBM_KO2, HBM_EN]
    first = StoryIndex(CONFIG)
    ids = run(first, articles)
    again = StoryIndex(CONFIG)
    again.restore(zip(articles[:2], ids[:2], strict=True))  # a worker taking over midway
    assert run(again, articles[2:]) == ids[2:]
    assert {k: story_record(s) for k, s in again.stories.items()} == \
        {k: story_record(s) for k, s in first.stories.items()}
    assert run(StoryIndex(CONFIG), articles) == ids
    assert run(again, articles) == ids  # re-deliveries keep their story


def test_unknown_entities_never_join_stories() -> None:
    enriched = Enriched(
        Article(id="a" * 32, url="https://a.example/1", canonical_url="https://a.example/1",
                title="Acme Widgets says", publisher=None),
        "en", [Entity("unk:acme", "organization", "Acme", in_title=True),
               Entity("org:nvidia", "organization", "Nvidia", mentions=3, in_lead=True),
               Entity("loc:seoul", "location", "Seoul")],
        [Topic("medtop:04000000", "economy, business and finance", "경제", 0.5)], ["widgets"])
    article = story_article(enriched, T0, CONFIG)
    assert set(article.entities) == {"org:nvidia", "loc:seoul"}
    assert article.entities["org:nvidia"][0] > article.entities["loc:seoul"][0]
    assert article.source == "a.example"
    assert "widget" in article.terms and "acme" in article.terms


def test_korean_terms_do_not_care_about_particles() -> None:
    assert set(terms("삼성전자", ())) <= set(terms("삼성전자가", ()))
    assert terms("[속보] UPDATE 2-Chips", ()) == terms("chips", ())


def test_a_long_story_keeps_bounded_vectors() -> None:
    index = StoryIndex(CONFIG)
    base = {"org:nvidia": 3.0, "prd:hbm": 3.0}
    for n in range(300):
        article = art(n + 1, "en", f"Nvidia HBM supply update {n} word{n}",
                      {**base, f"per:p{n}": 1.0}, hours=n * 0.1)
        index.add(article, "1".zfill(32) if n else article.id)
    story = index.stories["1".zfill(32)]
    assert story.unique_articles == 300
    assert len(story.entities) <= 2 * CONFIG.max_terms
    assert len(story.terms) <= 2 * CONFIG.max_terms
    assert story_record(story).entities[0].id in base
