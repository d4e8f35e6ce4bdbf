"""The KLUE character CRF: features, decoding, the shipped model and its use in extraction."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from streams.enrich import crf

from .conftest import base_lexicon, default_enricher, enrich, ner_spans
from .test_generic import article

MODEL_DIR = Path(crf.__file__).parent / "klue_crf"


def test_features_one_row_per_character() -> None:
    text = "서울시는 김철수 의원을 만났다."
    analyser, wikidata = default_enricher().analyser, default_enricher().wikidata
    rows = crf.features(text, analyser.tokenize(text), base_lexicon().scan(text),
                        wikidata=wikidata)
    assert len(rows) == len(text)
    assert "c=서" in rows[0] and "k=BNNP" in rows[0] and "e=서울시" in rows[0]
    assert "cue" in rows[5]  # 김 of 김철수, followed by the title 의원
    assert crf.features(text, analyser.tokenize(text), wikidata=wikidata) == crf.features(
        text, analyser.tokenize(text), wikidata=wikidata)


def test_decode_bio() -> None:
    labels = ["B-PS", "I-PS", "O", "B-LC", "I-LC", "B-OG", "I-PS"]
    assert crf.decode("김철 서울XY", labels) == [(0, 2, "PS"), (3, 5, "LC"), (5, 6, "OG"),
                                             (6, 7, "PS")]
    assert crf.decode("가 나", ["B-OG", "I-OG", "O"]) == [(0, 1, "OG")]  # trailing space trimmed


def test_shipped_model_and_licence() -> None:
    model = MODEL_DIR / "model.crfsuite"
    assert model.is_file() and model.stat().st_size < 5_000_000
    notice = (MODEL_DIR / "NOTICE.txt").read_text(encoding="utf-8")
    assert "CC BY-SA 4.0" in notice and "KLUE" in notice
    assert "Attribution-ShareAlike 4.0" in (MODEL_DIR / "LICENSE.txt").read_text(encoding="utf-8")


def test_crf_adds_names_the_rules_miss() -> None:
    sentence = "황보영진 감독이 이끄는 한빛전자는 목포에서 신제품을 공개했다."
    without_crf = replace(default_enricher(), crf=None)
    rules_only = {sentence[s.start:s.end] for s in ner_spans(sentence, without_crf)}
    spans = {(sentence[s.start:s.end], s.type) for s in ner_spans(sentence)}
    assert {("황보영진", "person"), ("한빛전자", "organization"), ("목포", "location")} <= spans
    assert "한빛전자" not in rules_only  # Kiwi alone offers only 한빛


def test_gazetteer_wins_where_it_matches() -> None:
    result = enrich(article("제목", "오픈AI와 삼성전자는 서울에서 협약을 맺었다."))
    ids = {e.id: e for e in result.entities}
    assert ids["org:openai"].source == "gazetteer" and ids["loc:seoul"].type == "location"


def test_crf_types_unknown_names() -> None:
    result = enrich(article("제목", "라온바이오 관계자는 박민재 대표가 다음 주 방한한다고 밝혔다."))
    person = next(e for e in result.entities if e.name == "박민재")
    assert person.type == "person" and person.id.startswith("unk:")


def test_batched_analysis_matches_single_calls() -> None:
    from streams.enrich import korean

    texts = ["오픈AI가 서울에서 발표했다.", "", "  ", "카카오 정신아 대표"]
    analyser = default_enricher().analyser
    batched = korean.tokenize_many(analyser, texts)
    assert [len(t) for t in batched][1:3] == [0, 0]
    for text, tokens in zip(texts, batched, strict=True):
        single = korean.tokenize(analyser, text) if text.strip() else []
        assert [(t.form, t.tag, t.start) for t in tokens] == [
            (t.form, t.tag, t.start) for t in single]


def _korean_texts() -> list[str]:
    """Titles and bodies of the Korean articles of the topic set and of the labelled pages,
    and texts at the edges (pad characters, one character, spaces only, Latin and digits)."""
    import orjson

    from streams.parse import parse_article

    rows = (orjson.loads(line) for line in (Path(__file__).parent / "data/topics_real.jsonl"
                                            ).read_bytes().splitlines())
    texts = [text for row in rows if row["language"] == "ko"
             for text in (row["title"], row["text"]) if text.strip()]
    pages = Path(__file__).parent / "pages"
    for label in orjson.loads((pages / "labels.json").read_bytes())["pages"]:
        if label["language"] == "ko":
            parsed = parse_article((pages / f"{label['id']}.html").read_text(encoding="utf-8"),
                                   label["url"])
            texts += [parsed.title or "", parsed.text]
    return [*filter(None, texts), "^^$$ 김^철$수", "김", "   ", "Samsung 2026년 3.5% 삼성"]


@pytest.mark.parametrize("analyser", ["kiwi", "mecab"])
def test_compiled_tagger_gives_python_crfsuites_labels(analyser: str) -> None:
    """The compiled tagger (character attributes, weights and Viterbi in C) labels every
    character as python-crfsuite labels the rows of ``crf.features``, with each analyser's
    shipped model, on 200+ real Korean texts."""
    import pycrfsuite  # type: ignore[import-untyped]

    from streams.enrich import korean

    if analyser == "mecab":
        pytest.importorskip("mecab_ko", reason="the ko-mecab extra is not installed")
    enricher = default_enricher()
    if analyser != "kiwi":
        enricher = enricher.with_analyser(analyser)
    model = enricher.crf
    assert model is not None
    reference = pycrfsuite.Tagger()
    reference.open(model.path)
    texts = _korean_texts()
    assert len(texts) >= 200
    names = 0
    for text, tokens in zip(texts, korean.tokenize_many(enricher.analyser, texts), strict=True):
        matches = enricher.lexicon.scan(text)
        labels = model.tag(text, model.analyse(text, tokens, matches))
        assert labels == reference.tag(crf.features(text, tokens, matches,
                                                    wikidata=enricher.wikidata)), text[:80]
        names += sum(label.startswith("B-") for label in labels)
    assert names > 1000  # the texts hold names: the labels compared are not all O


def test_read_model_gives_the_stored_weights() -> None:
    """``read_model`` reads every label, attribute and weight of the shipped model: the same as
    python-crfsuite's dump of it (which rounds weights to six decimals)."""
    import pycrfsuite  # type: ignore[import-untyped]

    path = MODEL_DIR / "model.crfsuite"
    weights = crf.read_model(path)
    tagger = pycrfsuite.Tagger()
    tagger.open(str(path))
    info = tagger.info()
    assert list(weights.labels) == tagger.labels()
    assert set(weights.attributes) == set(info.attributes)
    size = len(weights.labels)
    state = weights.state
    stored = {(weights.attributes[row - 1], weights.labels[label]): state[row * size + label]
              for row in range(1, len(weights.attributes) + 1) for label in range(size)
              if state[row * size + label] != 0.0}
    assert stored.keys() == info.state_features.keys()
    assert all(abs(stored[key] - value) < 1e-6 for key, value in info.state_features.items())
    assert all(weights.state[label] == 0.0 for label in range(size))  # row 0: no attribute
    assert {(weights.labels[i], weights.labels[j]): weights.transitions[i * size + j]
            for i in range(size) for j in range(size)
            if weights.transitions[i * size + j] != 0.0}.keys() == info.transitions.keys()
    with pytest.raises(ValueError, match="not a CRFsuite"):
        crf.read_model(MODEL_DIR / "NOTICE.txt")
