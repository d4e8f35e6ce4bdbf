"""Duplicate detection on the labelled pair set ``bench/data/dedup-pairs/pairs.jsonl``.

    .venv/bin/python bench/dedup_eval.py            # everything (about two minutes)
    .venv/bin/python bench/dedup_eval.py --quick    # the shipped detector only

Each pair is run through :class:`streams.stories.DuplicateIndex` as the pipeline would: a fresh
index, article ``a`` checked (and remembered) first, then ``b`` an hour later; the pair is
predicted a duplicate when ``b``'s match is ``a``. The threshold is chosen on the **dev** half
(even pair number: the one that maximises F1, the middle of the range when several do) and
reported on both halves; the **held-out** half (odd) is never used to choose anything. The
figures at the shipped ``DedupConfig().threshold`` are the ones that count (the last line).

Sections:

* ``shingling``: how well the *exact* Jaccard similarity of each way of shingling separates the
  pairs (threshold chosen on dev, P/R on held-out), with its cost: Korean character n-grams
  (spaces removed), Korean eojeol word n-grams, Korean Kiwi morpheme n-grams, English word
  n-grams; and the same without the normalisation of :mod:`streams.stories.normalise`.
* ``estimate``: how far the detector's estimate (from shared LSH bands) and the full-signature
  estimate are from the exact Jaccard.
* ``detector``: P/R per half, per language and per pair kind, for the shipped configuration and
  a few others (``num_perm``, ``rows``).
* ``cost``: microseconds per article for the fingerprint (normalise, shingle, sign, band keys)
  and for a check against an index holding every article of the set, and the matches in that
  index between articles made from different sources (false matches).
* ``wcxb`` (when ``--wcxb`` exists): real English web pages, each page's ground-truth text
  against the text the parser extracts (copies), then every parsed page in one index.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.stories import DedupConfig, DuplicateIndex, Fingerprinter  # noqa: E402
from streams.stories.minhash import Shingling, is_korean, similarity  # noqa: E402
from streams.stories.normalise import clean_title, fold, story_lines  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "dedup-pairs" / "pairs.jsonl"
WCXB = Path("/work/shared/data/wcxb-dev-articles")
Row = dict[str, Any]


def load() -> list[Row]:
    return [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines()]


def half(row: Row) -> str:
    return "dev" if int(row["id"][1:]) % 2 == 0 else "heldout"


def lines_of(doc: Row, normalise: bool = True) -> list[str]:
    """What the fingerprint shingles: the tag-free headline, then the story lines."""
    if not normalise:
        return [fold(line) for line in [doc["title"], *doc["text"].splitlines()] if line.strip()]
    return [fold(clean_title(doc["title"])), *story_lines(doc["text"])]


# --- scoring ---------------------------------------------------------------------------------

def prf(scores: Iterable[tuple[float, int]], threshold: float) -> dict[str, float]:
    tp = fp = fn = 0
    for score, label in scores:
        predicted = score >= threshold
        tp += predicted and label == 1
        fp += predicted and label == 0
        fn += (not predicted) and label == 1
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "tp": tp, "fp": fp, "fn": fn}


def choose_threshold(scores: list[tuple[float, int]]) -> float:
    """The threshold with the best F1 on ``scores``; the middle of the best range."""
    cuts = sorted({s for s, _ in scores} | {1.0})
    best = max(prf(scores, c)["f1"] for c in cuts)
    good = [c for c in cuts if prf(scores, c)["f1"] == best]
    below = max((s for s, _ in scores if s < good[0]), default=0.0)
    return round((below + good[-1]) / 2, 3) if len(good) == 1 else round(
        (good[0] + good[-1]) / 2, 3)


def margin(scores: Iterable[tuple[float, int]]) -> float:
    """The lowest duplicate's score less the highest non-duplicate's: how much room the
    threshold has (negative when the two overlap)."""
    scores = list(scores)
    return round(min(s for s, label in scores if label) - max(s for s, label in scores
                                                              if not label), 3)


def split_report(rows: list[Row], scores: list[float], threshold: float) -> dict[str, Any]:
    by_half: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        by_half[half(row)].append((score, row["label"]))
    return {name: {**prf(by_half[name], threshold), "margin": margin(by_half[name])}
            for name in ("dev", "heldout")}


# --- shingling variants (exact Jaccard) ------------------------------------------------------

def ngrams(tokens: list[str], n: int) -> set[str]:
    if len(tokens) <= n:
        return {" ".join(tokens)} if tokens else set()
    return {" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


@functools.cache
def _kiwi() -> Any:
    """One analyser for this benchmark (the enricher's loader, loaded on first use)."""
    from streams.enrich.resources import load_kiwi
    return load_kiwi()


def kiwi_lemmas(text: str) -> list[str]:
    keep = ("NN", "VV", "VA", "XR", "SL", "SN", "SH", "MM", "MAG")
    return [token.form for token in _kiwi().tokenize(text) if token.tag.startswith(keep)]


def variants() -> dict[str, tuple[str, Callable[[list[str]], set[str]]]]:
    """name -> (language, shingle function of folded lines)."""
    out: dict[str, tuple[str, Callable[[list[str]], set[str]]]] = {}
    for n in (3, 4, 5, 6):
        out[f"ko_chars_{n}"] = ("ko", lambda lines, n=n: {
            str(h) for h in Shingling(char_n=n).shingles(lines).tolist()})
    for n in (1, 2, 3):
        out[f"ko_eojeol_{n}"] = ("ko", lambda lines, n=n: ngrams(" ".join(lines).split(), n))
    for n in (2, 3):
        out[f"ko_kiwi_{n}"] = ("ko", lambda lines, n=n: ngrams(kiwi_lemmas("\n".join(lines)), n))
    for n in (2, 3, 4, 5):
        out[f"en_words_{n}"] = ("en", lambda lines, n=n: ngrams(" ".join(lines).split(), n))
    return out


def jaccard(left: set[str], right: set[str]) -> float:
    return len(left & right) / len(left | right) if left or right else 1.0


def shingling_section(rows: list[Row]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    kiwi_lemmas("한국어 형태소 분석기를 미리 올린다.")  # loading Kiwi is not the cost of shingling
    for normalise in (True, False):
        for name, (language, shingle) in variants().items():
            if not normalise and name not in ("ko_chars_4", "en_words_3"):
                continue
            chosen = [r for r in rows if r["language"] == language]
            started = time.process_time()
            scores = [jaccard(shingle(lines_of(r["a"], normalise)),
                              shingle(lines_of(r["b"], normalise))) for r in chosen]
            cost = (time.process_time() - started) / (2 * len(chosen)) * 1e6
            dev = [(s, r["label"]) for s, r in zip(scores, chosen, strict=True)
                   if half(r) == "dev"]
            threshold = choose_threshold(dev)
            report = split_report(chosen, scores, threshold)
            key = name if normalise else f"{name}_raw"
            out[key] = {"threshold": threshold, "dev_f1": report["dev"]["f1"],
                        "heldout": report["heldout"], "us_per_article": round(cost)}
            print(f"  {key:16} t={threshold:.3f} dev F1 {report['dev']['f1']:.3f} margin "
                  f"{report['dev']['margin']:+.3f}  held-out P "
                  f"{report['heldout']['precision']:.3f} R {report['heldout']['recall']:.3f} "
                  f"margin {report['heldout']['margin']:+.3f}  {cost:6.0f} us/article")
    return out


# --- the detector ----------------------------------------------------------------------------

def detector_scores(rows: list[Row], config: DedupConfig) -> list[float]:
    """The similarity of ``b``'s match when it is ``a`` (0 otherwise), with the threshold off."""
    probe = replace(config, threshold=1e-9)
    fingerprinter = Fingerprinter(probe)
    scores = []
    for row in rows:
        index = DuplicateIndex(probe)
        index.check(fingerprinter.fingerprint(row["a"]["title"], row["a"]["text"]), "a", 0.0)
        match = index.check(fingerprinter.fingerprint(row["b"]["title"], row["b"]["text"]),
                            "b", 3600.0)
        scores.append(match.similarity if match and match.article_id == "a" else 0.0)
    return scores


def evaluate(config: DedupConfig | None = None) -> dict[str, Any]:
    """P/R and margin per half at ``config``'s own threshold (the shipped one by default)."""
    rows = load()
    config = config or DedupConfig()
    return split_report(rows, detector_scores(rows, config), config.threshold)


def breakdown(rows: list[Row], scores: list[float], threshold: float) -> dict[str, Any]:
    groups: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for row, score in zip(rows, scores, strict=True):
        groups[f"{row['label']}:{row['kind']}"].append((score, row["label"]))
        groups[f"lang:{row['language']}"].append((score, row["label"]))
    out = {}
    for key, pairs in sorted(groups.items()):
        right = sum((s >= threshold) == bool(label) for s, label in pairs)
        out[key] = {"pairs": len(pairs), "correct": right,
                    "min": round(min(s for s, _ in pairs), 3),
                    "max": round(max(s for s, _ in pairs), 3)}
    return out


def detector_section(rows: list[Row], configs: dict[str, DedupConfig]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, config in configs.items():
        scores = detector_scores(rows, config)
        dev = [(s, r["label"]) for s, r in zip(scores, rows, strict=True) if half(r) == "dev"]
        chosen = choose_threshold(dev)
        out[name] = {
            "num_perm": config.num_perm, "rows": config.rows, "bands": config.bands,
            "threshold_chosen_on_dev": chosen,
            "at_chosen": split_report(rows, scores, chosen),
            "at_config": split_report(rows, scores, config.threshold),
            "threshold": config.threshold,
        }
        if name == "shipped":
            out[name]["breakdown"] = breakdown(rows, scores, config.threshold)
            out[name]["errors"] = [
                {"id": r["id"], "kind": r["kind"], "label": r["label"], "score": round(s, 3)}
                for r, s in zip(rows, scores, strict=True)
                if (s >= config.threshold) != bool(r["label"])
            ]
        at = out[name]["at_config"]
        print(f"  {name:10} perm {config.num_perm:3} rows {config.rows} bands {config.bands:3}"
              f"  chosen t={chosen:.3f}  at t={config.threshold}: dev P "
              f"{at['dev']['precision']:.3f} R {at['dev']['recall']:.3f}, held-out P "
              f"{at['heldout']['precision']:.3f} R {at['heldout']['recall']:.3f}; margins "
              f"{at['dev']['margin']:+.3f} / {at['heldout']['margin']:+.3f}")
    return out


def estimate_section(rows: list[Row], config: DedupConfig) -> dict[str, Any]:
    """Errors of the band estimate and of the full-signature estimate against exact Jaccard
    (the shingles the detector uses), over both sides of every pair."""
    fingerprinter = Fingerprinter(config)
    band_errors, signature_errors = [], []
    for row in rows:
        sides = [row["a"], row["b"]]
        prints = [fingerprinter.fingerprint(d["title"], d["text"]) for d in sides]
        sets = [np.unique(fingerprinter.shingling.shingles(lines_of(d))) for d in sides]
        union = len(np.union1d(*sets))
        exact = len(np.intersect1d(*sets)) / union if union else 1.0
        shared = sum(x == y for x, y in zip(prints[0].band_keys, prints[1].band_keys, strict=True))
        band = (shared / config.bands) ** (1 / config.rows)
        band_errors.append(band - exact)
        signature_errors.append(similarity(prints[0].signature, prints[1].signature) - exact)
    out = {}
    for name, errors in (("bands", band_errors), ("signature", signature_errors)):
        out[name] = {"mean_error": round(statistics.fmean(errors), 4),
                     "sd": round(statistics.pstdev(errors), 4),
                     "max_abs": round(max(map(abs, errors)), 4)}
        print(f"  {name:10} mean error {out[name]['mean_error']:+.4f}  sd {out[name]['sd']:.4f}"
              f"  max |error| {out[name]['max_abs']:.3f}")
    return out


def cost_section(rows: list[Row], config: DedupConfig) -> dict[str, Any]:
    """Microseconds per article (CPU time, median of 5 runs over every article)."""
    fingerprinter = Fingerprinter(config)
    docs = {d["id"] + str(i): d for i, r in enumerate(rows) for d in (r["a"], r["b"])}
    out: dict[str, Any] = {}
    for language in ("ko", "en"):
        chosen = [d for d in docs.values()
                  if is_korean(lines_of(d)) == (language == "ko")]
        runs = []
        for _ in range(5):
            started = time.process_time()
            for doc in chosen:
                fingerprinter.fingerprint(doc["title"], doc["text"])
            runs.append((time.process_time() - started) / len(chosen) * 1e6)
        chars = statistics.fmean(len(d["text"]) for d in chosen)
        out[f"fingerprint_us_{language}"] = round(statistics.median(runs))
        out[f"mean_chars_{language}"] = round(chars)
    prints = [(key, fingerprinter.fingerprint(d["title"], d["text"])) for key, d in docs.items()]
    runs = []
    for _ in range(5):
        index = DuplicateIndex(config)
        started = time.process_time()
        matches = [index.check(fingerprint, key, float(seen))
                   for seen, (key, fingerprint) in enumerate(prints)]
        runs.append((time.process_time() - started) / len(prints) * 1e6)
    out["check_us"] = round(statistics.median(runs))
    # One index over every article of the set, in file order, as one worker would hold them:
    # a match between articles made from different sources (a follow-up and its base, two
    # stories of one topic) is a false match the pairwise figures could miss.
    source = {key: docs[key]["id"].split("~")[0] for key in docs}
    found = [(key, m.article_id) for (key, _), m in zip(prints, matches, strict=True) if m]
    out["corpus_matches"] = len(found)
    out["corpus_false_matches"] = sum(source[key] != source[other] for key, other in found)
    out["index_articles"] = len(prints)
    out["index_buckets"] = len(index.state)
    out["index_entries"] = sum(len(v) for v in index.state.values())
    out["largest_bucket"] = max(len(v) for v in index.state.values())
    print("  " + "  ".join(f"{k} {v}" for k, v in out.items()))
    return out


def wcxb_section(folder: Path, config: DedupConfig) -> dict[str, Any]:
    """Real pages: the WCXB development articles (Murrough Foley 2026, CC-BY-4.0; not in this
    repository). Each page's hand-made ground-truth text against the text ``parse_article``
    extracts from its HTML is one story with two different sets of chrome: a copy to find. Then
    all parsed pages go into one index, in file order; every match is listed, to be judged."""
    import gzip
    from urllib.parse import urlsplit

    from streams.errors import PipelineError
    from streams.parse import parse_article

    fingerprinter = Fingerprinter(config)
    pages = []
    refused = 0
    for path in sorted((folder / "ground-truth").glob("*.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        body = truth["ground_truth"].get("main_content") or ""
        if len(body) < 200:
            continue
        html = gzip.decompress((folder / "html" / f"{path.stem}.html.gz").read_bytes())
        try:
            article = parse_article(html, truth["url"])
        except PipelineError:  # the parser's verdict (not an article...): nothing to compare
            refused += 1
            continue
        pages.append((path.stem, urlsplit(truth["url"]).hostname,
                      fingerprinter.fingerprint(truth["ground_truth"].get("title"), body),
                      fingerprinter.fingerprint(article.title, article.text),
                      len(article.text) / len(body)))
    found = agreeing = found_agreeing = 0
    for _, _, truth_print, parsed_print, ratio in pages:
        index = DuplicateIndex(config)
        index.check(truth_print, "truth", 0.0)
        hit = index.check(parsed_print, "parsed", 1.0) is not None
        found += hit
        if 0.5 <= ratio <= 2.0:  # the parser extracted about as much as the ground truth
            agreeing += 1
            found_agreeing += hit
    index = DuplicateIndex(config)
    matches = []
    for seen, (page, host, _, parsed_print, _) in enumerate(pages):
        match = index.check(parsed_print, page, float(seen))
        if match:
            matches.append({"page": page, "copies": match.article_id, "host": host,
                            "similarity": match.similarity})
    out = {"pages": len(pages), "parser_refused": refused, "copies_found": found,
           "recall": round(found / len(pages), 4), "pages_extraction_agrees": agreeing,
           "recall_extraction_agrees": round(found_agreeing / agreeing, 4),
           "corpus_matches": matches}
    print("  " + "  ".join(f"{k} {v}" for k, v in out.items()))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the shipped detector only")
    parser.add_argument("--wcxb", type=Path, default=WCXB,
                        help="WCXB development articles (skipped when the folder is missing)")
    args = parser.parse_args()
    rows = load()
    shipped = DedupConfig()
    labels = [r["label"] for r in rows]
    print(f"{len(rows)} pairs ({sum(labels)} duplicates, {len(rows) - sum(labels)} not), "
          f"dev {sum(half(r) == 'dev' for r in rows)}, held-out "
          f"{sum(half(r) == 'heldout' for r in rows)}")
    result: dict[str, Any] = {"pairs": len(rows)}
    if not args.quick:
        print("shingling (exact Jaccard; threshold chosen on dev; margin = lowest duplicate "
              "less highest non-duplicate):")
        result["shingling"] = shingling_section(rows)
        print("estimate (against exact Jaccard):")
        result["estimate"] = estimate_section(rows, shipped)
    configs = {"shipped": shipped}
    if not args.quick:
        configs |= {"perm64_r2": replace(shipped, num_perm=64),
                    "perm128_r4": replace(shipped, rows=4),
                    "perm256_r2": replace(shipped, num_perm=256),
                    "perm256_r4": replace(shipped, num_perm=256, rows=4)}
    print("detector:")
    result["detector"] = detector_section(rows, configs)
    print("cost:")
    result["cost"] = cost_section(rows, shipped)
    if not args.quick and (args.wcxb / "ground-truth").is_dir():
        print("wcxb (real pages; ground truth against the parsed page, then one index):")
        result["wcxb"] = wcxb_section(args.wcxb, shipped)
    for error in result["detector"]["shipped"]["errors"]:
        print(f"  error: {error}")
    at = result["detector"]["shipped"]["at_config"]
    summary = {
        "threshold": shipped.threshold,
        "dev_precision": at["dev"]["precision"], "dev_recall": at["dev"]["recall"],
        "heldout_precision": at["heldout"]["precision"],
        "heldout_recall": at["heldout"]["recall"],
        "dev_margin": at["dev"]["margin"], "heldout_margin": at["heldout"]["margin"],
        "fingerprint_us_ko": result["cost"]["fingerprint_us_ko"],
        "fingerprint_us_en": result["cost"]["fingerprint_us_en"],
        "check_us": result["cost"]["check_us"],
    }
    print(json.dumps({**summary, "details": result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
