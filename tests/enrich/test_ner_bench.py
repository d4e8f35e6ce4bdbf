"""bench/ner_klue.py's CoNLL reader: tokenised sentences become running text with exact gold
spans, multi-token entities stay whole (BIO and IOB1), and adjacent entities stay apart."""

from __future__ import annotations

from pathlib import Path

from tests.bench_scripts import bench_script

CONLL = """-DOCSTART- -X- -X- O

Mira B-PER
Holt I-PER
's O
firm O
, O
Brightline B-ORG
Labs I-ORG
, O
moved O
to O
New B-LOC
York I-LOC
( O
" O
finally O
" O
) O
. O

Oslo I-LOC
and O
Bergen I-LOC
Bergen B-LOC
"""


def test_conll_sentences_read_as_running_text_with_whole_entities(tmp_path: Path) -> None:
    path = tmp_path / "sample.conll"
    path.write_text(CONLL, encoding="utf-8")
    (_, first, gold1), (_, second, gold2) = bench_script("ner_klue").read_conll(path)
    assert first == 'Mira Holt\'s firm, Brightline Labs, moved to New York ("finally").'
    assert sorted((first[s:e], label) for s, e, label in gold1) == [
        ("Brightline Labs", "OG"), ("Mira Holt", "PS"), ("New York", "LC")]
    assert second == "Oslo and Bergen Bergen"
    assert sorted((s, e) for s, e, _ in gold2) == [(0, 4), (9, 15), (16, 22)]


def test_conll_scores_cover_all_sentences_and_each_half(tmp_path: Path) -> None:
    path = tmp_path / "sample.conll"
    path.write_text(CONLL, encoding="utf-8")
    script = bench_script("ner_klue")
    sentences = script.read_conll(path)
    # Every gold span of the first sentence found, nothing of the second.
    groups = script.conll_groups(sentences, [sentences[0][2], set()])
    assert groups["even"]["gold_entities"] == 3 and groups["even"]["typed_f1"] == 100.0
    assert groups["odd"]["gold_entities"] == 3 and groups["odd"]["untyped_f1"] == 0.0
    assert groups["conll"]["sentences"] == 2
