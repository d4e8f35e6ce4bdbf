"""Packaged data: gazetteer shape and id scheme, lazy analyser, topic evaluation floors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from streams.enrich.resources import read_tsv
from tests.bench_scripts import bench_script

from .conftest import base_lexicon

PREFIX = {"per": "person", "org": "organization", "loc": "location", "evt": "event",
          "prd": "product", "oth": "other"}


def test_gazetteer_is_general_and_well_formed() -> None:
    rows = read_tsv("gazetteer.tsv")[1:]
    ids = [row[0] for row in rows]
    assert len(rows) >= 300 and len(ids) == len(set(ids))
    for row in rows:
        assert len(row) == 5, row
        assert row[0].split(":", 1)[0] in PREFIX
        assert row[2] or row[3]


def test_countries_use_iso_codes() -> None:
    lexicon = base_lexicon()
    assert lexicon.lookup("대한민국").id == lexicon.lookup("한국").id == "loc:KR"  # type: ignore[union-attr]
    assert lexicon.lookup("Germany").id == "loc:DE"  # type: ignore[union-attr]


def test_world_business_names_are_one_entity_in_both_languages() -> None:
    lexicon = base_lexicon()
    for korean, english, entity_id in (("골드만삭스", "Goldman Sachs", "org:goldman-sachs"),
                                       ("JP모건", "JPMorgan Chase", "org:jpmorgan-chase"),
                                       ("화이자", "Pfizer", "org:pfizer")):
        assert lexicon.lookup(korean).id == lexicon.lookup(english).id == entity_id  # type: ignore[union-attr]
    # Ambiguous short forms are left out: Nvidia's RTX cards, the common word "visa".
    assert lexicon.lookup("RTX") is None and lexicon.lookup("비자") is None


def test_import_does_not_load_kiwi() -> None:
    # Only Enricher.build loads the analyser and the models: importing the package is cheap.
    code = ("import sys, streams.enrich, streams.enrich.agent; "
            "assert not {'kiwipiepy', 'pycrfsuite', 'spacy'} & set(sys.modules), sys.modules")
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root,
                   env={**os.environ, "PYTHONPATH": str(root)})


def test_topic_accuracy_floor() -> None:
    result = bench_script("topics_eval").evaluate()
    assert result["articles"] >= 60 and result["topics"] >= 8
    assert result["top1_accuracy"] >= 0.7


def test_topic_accuracy_floor_on_real_style_articles() -> None:
    # tests/enrich/data/topics_real.jsonl: 165 real-style articles labelled blind (README there);
    # the bar: top-1 >= 0.85 (each half), at most 2% confidently wrong (score >= 0.8).
    bench = bench_script("topics_eval")
    result = bench.evaluate(bench.REAL)
    assert result["articles"] >= 160 and result["topics"] >= 14
    assert result["top1_accuracy_dev"] >= 0.85 and result["top1_accuracy_heldout"] >= 0.85
    assert result["top1_accuracy_ko"] >= 0.85 and result["top1_accuracy_en"] >= 0.8
    assert result["confident_wrong"] <= 0.02
