"""Train the Korean name CRF (``streams/enrich/klue_crf/model.crfsuite``) on KLUE-NER.

Trains on the news sentences (``-wikitree``) of the KLUE-NER file with the features of
:mod:`streams.enrich.crf` (labels PS/OG/LC in BIO; DT/TI/QT are left out). The movie-review
sentences (``-nsmc``) are not used: adding them lowered cross-validated news F1 by about two
points (fold 0: typed 71.0 -> 69.0). The output is derived
from KLUE and is licensed CC BY-SA 4.0 with KLUE's attribution (``klue_crf/NOTICE.txt``).
``bench/ner_klue.py`` uses the same functions for its k-fold cross-validation.

``--analyser mecab`` trains on MeCab-ko's morphemes instead of Kiwi's (``NEWSSTREAM_KO_ANALYSER``;
the default output is then ``klue_crf/model-mecab.crfsuite``).

Usage: .venv/bin/python bench/train_klue_crf.py [KLUE_TSV] [--out PATH] [--analyser NAME]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import Enricher, crf, resources  # noqa: E402
from streams.enrich.crf import features  # noqa: E402
from streams.settings import Settings  # noqa: E402

DEFAULT = Path("/work/shared/data/klue-ner/klue-ner-v1.1_dev_part.tsv")
OUT = ROOT / "streams/enrich/klue_crf/model.crfsuite"
PARAMS = {"c1": 0.1, "c2": 0.05, "max_iterations": 200, "feature.possible_transitions": True,
          "feature.minfreq": 2}
SEED = 20240611
Gold = set[tuple[int, int, str]]
Item = tuple[list[list[str]], list[str]]


def trainable(sentence_id: str) -> bool:
    """Whether a sentence is used for training (news only, see the module docstring)."""
    return sentence_id.endswith("-wikitree")


def bio(size: int, gold: Gold) -> list[str]:
    labels = ["O"] * size
    for start, end, label in sorted(gold):
        labels[start] = "B-" + label
        for index in range(start + 1, end):
            labels[index] = "I-" + label
    return labels


def item(sentence: str, gold: Gold, enricher: Enricher) -> Item:
    """CRF input of one sentence, exactly as the product computes it with ``enricher``'s
    analyser, lexicon and WikiData classes."""
    tokens = enricher.analyser.tokenize(sentence)
    return (features(sentence, tokens, enricher.lexicon.scan(sentence),
                     wikidata=enricher.wikidata), bio(len(sentence), gold))


def folds(ids: Sequence[str], k: int = 5, seed: int = SEED) -> list[int]:
    """Fold number of each sentence id: a seeded shuffle dealt round-robin (stable per file)."""
    order = sorted(range(len(ids)), key=lambda i: ids[i])
    random.Random(seed).shuffle(order)
    out = [0] * len(ids)
    for rank, index in enumerate(order):
        out[index] = rank % k
    return out


def train(items: Sequence[Item], out: Path, params: dict[str, object] | None = None) -> Path:
    return fit(items, out, dict(PARAMS, **(params or {})))


def fit(items: Sequence[Item], out: Path, params: dict[str, object]) -> Path:
    """Train a CRFsuite model on (features, labels) items with exactly ``params``; also used by
    ``bench/train_en_crf.py``."""
    import pycrfsuite  # type: ignore[import-untyped]

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    trainer.set_params(params)
    for xseq, yseq in items:
        trainer.append(xseq, yseq)
    out.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--out", type=Path, default=None, help="default: the shipped model's path")
    parser.add_argument("--analyser", default="kiwi", choices=resources.ANALYSERS)
    args = parser.parse_args()
    out = args.out or OUT.with_name(crf.MODELS[args.analyser])
    from ner_klue import read_klue  # type: ignore[import-not-found]

    started = time.perf_counter()
    sentences = read_klue(args.path)
    enricher = replace(Enricher.build(Settings()), analyser=resources.load_analyser(args.analyser))
    items = [item(sentence, gold, enricher) for sid, sentence, gold in sentences
             if trainable(sid)]
    train(items, out)
    print(f"trained on {len(items)} sentences ({args.analyser}) in "
          f"{time.perf_counter() - started:.0f} s: {out} ({out.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
