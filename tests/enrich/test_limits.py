"""Enrichment's bounds on hostile articles (streams/enrich/core.py): it reads at most
``MAX_TEXT_CHARS`` of an article, and blanks runs of ``MAX_RUN_CHARS`` characters without a
space, whose cost would grow with their square. No timing here: bench/faults.py
``--only enrich_hostile`` measures the CPU."""

from __future__ import annotations

import orjson
from prometheus_client import REGISTRY

from streams.enrich import agent as enrich_agent
from streams.enrich.core import (
    MAX_ENTITIES,
    MAX_RUN_CHARS,
    MAX_TEXT_CHARS,
    blank_runs,
    is_cut,
    read,
    within_budget,
)
from streams.records import Article, Image, article_id
from streams.settings import Settings
from streams.stage import Incoming
from streams.stories import Fingerprinter
from streams.stories.stream import dedup_config
from streams.topics import ARTICLES, STORIES_IN, internal

from .conftest import default_enricher, enrich


def article(text: str, title: str = "Harbour", captions: tuple[str, ...] = ()) -> Article:
    url = f"https://example.com/limits/{len(text)}"
    return Article(id=article_id(url), url=url, canonical_url=url, title=title, text=text,
                   images=[Image(src=f"https://example.com/{i}.jpg", caption=caption)
                           for i, caption in enumerate(captions)])


def filler(n: int) -> str:
    """``n`` characters of ordinary lower-case prose: no names."""
    unit = "the harbour opened again on monday and the ships came in slowly. "
    return (unit * (n // len(unit) + 1))[:n]


def test_the_texts_share_the_budget_in_order_and_are_cut_at_a_space() -> None:
    title, body, caption = "a title", "word " * 10, "a caption"
    kept = within_budget([title, body, caption], budget=len(title) + 22)
    assert kept[0] == title
    assert body.startswith(kept[1]) and kept[1] == "word word word word" and len(kept[1]) <= 22
    assert kept[2] == ""  # nothing left of the budget
    assert within_budget(["x" * 50], budget=20) == ["x" * 20]  # no space: cut at the budget


def test_a_name_past_the_limit_is_not_read_and_the_cut_is_counted() -> None:
    text = "Sam Altman spoke in Seoul. " + filler(MAX_TEXT_CHARS) + " Satya Nadella replied."
    hostile = article(text, title="Harbour news")
    page = read(hostile)
    assert len(page.title) + len(page.text) <= MAX_TEXT_CHARS and text.startswith(page.text)
    ids = {entity.id for entity in enrich(hostile).entities}
    assert "per:sam-altman" in ids and "per:satya-nadella" not in ids
    assert is_cut(hostile) and not is_cut(article("Sam Altman spoke in Seoul."))
    # the worker counts it from the enrich core's output
    before = REGISTRY.get_sample_value("news_enrich_text_cut_total") or 0.0
    settings = Settings()
    outputs = enrich_agent.handle(
        Incoming(ARTICLES.name, 0, 0, hostile.id.encode(), orjson.dumps(hostile)),
        default_enricher(), Fingerprinter(dedup_config(settings)),
        internal(STORIES_IN, settings.app_id))
    enrich_agent.observe(outputs)
    assert REGISTRY.get_sample_value("news_enrich_text_cut_total") == before + 1


def test_captions_past_the_limit_are_not_read() -> None:
    hostile = article(filler(MAX_TEXT_CHARS - 100), captions=("Sam Altman in Seoul",) * 3
                      + ("x " * 200, "Satya Nadella in Seoul"))
    page = read(hostile)
    assert [part for part, _ in page.parts].count("caption") <= 2
    ids = {entity.id for entity in enrich(hostile).entities}
    assert "per:sam-altman" in ids and "per:satya-nadella" not in ids


def test_runs_without_a_space_are_blanked_and_the_names_around_them_found() -> None:
    for run in ("가" * 20_000, "a@b" * 7_000, "https://" + "x" * 20_000, "가a1" * 5_000):
        text = f"Sam Altman spoke. {run} Satya Nadella replied."
        blanked = blank_runs(text)
        assert len(blanked) == len(text) and run not in blanked
        assert blanked.split() == ["Sam", "Altman", "spoke.", "Satya", "Nadella", "replied."]
        ids = {entity.id for entity in enrich(article(text)).entities}
        assert {"per:sam-altman", "per:satya-nadella"} <= ids, run[:10]
    kept = "x" * (MAX_RUN_CHARS - 1)
    assert blank_runs(kept) == kept


def test_an_article_of_distinct_names_keeps_the_first_max_entities() -> None:
    names = [f"Mayor {first} {last}" for first in ("Alice", "Brian", "Chloe", "Daniel", "Emma")
             for last in ("Okafor", "Lindqvist", "Moreau", "Tanaka", "Novak", "Silva", "Kowalski",
                          "Haddad", "Petrov", "Jensen", "Rossi", "Nakamura", "Fischer", "Dubois",
                          "Costa", "Schmidt", "Ivanova", "Larsen", "Bianchi", "Weber", "Keller",
                          "Horvat", "Nielsen", "Romero", "Yilmaz", "Kaplan", "Varga", "Marino",
                          "Lopez", "Berger", "Ortiz", "Meyer", "Sato", "Kim", "Lee", "Park",
                          "Chen", "Wang", "Singh", "Patel", "Ahmed", "Ali", "Nowak", "Popescu",
                          "Santos", "Ferreira", "Gomez", "Diaz", "Torres", "Ramos")]
    text = " ".join(f"{name} met the council on monday." for name in names)
    entities = enrich(article(text)).entities
    assert len(names) > MAX_ENTITIES and len(entities) == MAX_ENTITIES
    found = {entity.name for entity in entities}
    assert any(names[0].endswith(name) for name in found)  # the first ones are kept
    assert not any(names[-1].endswith(name) for name in found)
