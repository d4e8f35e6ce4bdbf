"""Article-extraction benchmark: ``streams.parse`` against trafilatura, side by side.

Two independent development sets, each scored and reported on its own (``--set``):

- ``wcxb``: the WCXB development set of article pages (Murrough Foley, 2026, CC-BY-4.0; public
  repository Murrough-Foley/web-content-extraction-benchmark), laid out as described in the data
  directory's README.md (``html/NNNN.html.gz`` and ``ground-truth/NNNN.json``).
- ``trafeval``: trafilatura's own evaluation pages (884 multilingual pages with expected and
  forbidden snippets, Apache-2.0 annotations; ``html/<file>.gz`` and ``evaldata.json``, see the
  data directory's README.md). trafilatura was developed on this set, so it is a demanding
  reference there, not a neutral one.

Run::

    .venv/bin/python bench/extraction.py [DATA_DIR] [--set wcxb|trafeval|both]
                                         [--trafeval-dir DIR] [--limit N] [--passes N]
                                         [--no-trafilatura] [--dump FILE.jsonl] [--halves]
                                         [--worst N]

Metrics on the WCXB set (the same for both extractors, computed in one run, single process):

- body precision / recall / F1: the Scrapinghub article-extraction-benchmark metric. Both texts
  are tokenised with the Unicode regex ``\\w+`` and turned into multisets of token 4-grams (a
  text shorter than 4 tokens is one shorter n-gram). Per page TP/FP/FN are counted and
  normalised; precision is the mean over pages with a non-empty prediction, recall the mean over
  pages with a non-empty truth, F1 the harmonic mean of the two means.
- snippet hit rates: the share of ``with`` snippets found in the extracted body, and the share
  of ``without`` snippets absent from it (both after case folding and whitespace collapsing).
- title accuracy: normalised (case-folded, punctuation-free, whitespace-collapsed) titles are
  equal, or one contains the other and the shorter is at least 60% of the longer's length.
- date accuracy: the same YYYY-MM-DD. A diagnostic beside it,
  ``date_acc_published_or_modified``, also counts a page whose truth equals the extractor's
  *modified* date: the set's truth is the page's last-updated date on some pages whose structured
  data states an earlier publication date, and an extractor that reports that update as the
  publication date would be wrong for its users. The bar is on ``date_acc``.
- author accuracy: at least half of the truth's name tokens appear among the tokens of the
  predicted author names.

Accuracies count only pages whose truth has the field; a missing prediction counts as wrong.
The matching functions are the same for both extractors; see docs/extraction.md.

Metric on the trafilatura set: exactly that of trafilatura's ``tests/evaluate.py``
(``evaluate_result`` and ``calculate_scores``). Per page, each ``with`` snippet that is a
substring of the extracted main text (case-sensitive, no normalisation) is a true positive,
each missing one a false negative; each ``without`` snippet found is a false positive, each
absent one a true negative; an extractor that returns nothing scores every ``with`` snippet as
a false negative and every ``without`` one as a true negative. The counts are pooled over all
pages: precision tp/(tp+fp), recall tp/(tp+fn), F1 2tp/(2tp+fp+fn), accuracy
(tp+tn)/all. The text scored is what upstream scores: the main text alone, no title and no
comments; for us ``Article.text``, for trafilatura ``extract(...)`` with upstream's options
(``include_comments=False, include_tables=True, include_formatting=False``), its other options
left at their defaults (the fallback extractors on, as in the WCXB run). Both are given the
page's bytes and URL.

Speed is pages per second of the extractor call alone (input bytes in memory, one process,
one thread for both extractors), measured on each set separately. Because the machine is
shared and timings are noisy, speed is measured robustly: the extractors run in ``--passes``
(default 3) interleaved passes over the same pages (ours, then trafilatura, then ours
again...), each pass preceded by ``gc.collect()`` so that one extractor's garbage is not
collected on the other's clock, and each extractor's figure is its best (fastest) pass.
``pages_per_s`` uses the CPU time of this process (``time.process_time``), which time given to
other processes on a loaded machine does not inflate; ``wall_pages_per_s`` is the same from
wall-clock time (``pass_cpu_seconds`` and ``pass_wall_seconds`` list every pass;
``ratios.speed`` and ``ratios.wall_speed`` compare the two extractors). The quality figures
come from the first pass (both extractors are deterministic). The last line printed is one JSON
object with every figure: the WCXB figures at its top level (``ours``, ``trafilatura``,
``ratios``), the trafilatura set's under ``trafeval``.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from streams.errors import ParseError
from streams.parse import parse_article

DEFAULT_DATA = Path("/work/shared/data/wcxb-dev-articles")
DEFAULT_TRAFEVAL = Path("/work/shared/data/trafilatura-eval")
_TOKEN = re.compile(r"\w+")
_NONWORD = re.compile(r"[\W_]+")


@dataclass(slots=True)
class Page:
    file_id: str
    url: str
    html: bytes
    truth: dict[str, Any]
    half: int | None
    """0 (even) or 1 (odd) for ``--halves``; None: in neither half."""


@dataclass(slots=True)
class Prediction:
    text: str = ""
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    modified: str | None = None


def load_pages(data_dir: Path, limit: int | None) -> list[Page]:
    pages: list[Page] = []
    for gt_path in sorted((data_dir / "ground-truth").glob("*.json")):
        if limit is not None and len(pages) >= limit:
            break
        record = json.loads(gt_path.read_text(encoding="utf-8"))
        html_path = data_dir / "html" / f"{gt_path.stem}.html.gz"
        if not html_path.exists():
            continue
        html = gzip.decompress(html_path.read_bytes())
        half = int(gt_path.stem) % 2 if gt_path.stem.isdigit() else None
        pages.append(Page(gt_path.stem, record.get("url", ""), html, record["ground_truth"], half))
    return pages


def load_trafeval(data_dir: Path, limit: int | None) -> list[Page]:
    """The trafilatura evaluation pages in ``evaldata.json`` order; the halves alternate in that
    order, as the pages have no numeric ids."""
    items: dict[str, dict[str, Any]] = json.loads(
        (data_dir / "evaldata.json").read_text(encoding="utf-8"))
    pages: list[Page] = []
    for url, item in items.items():
        if limit is not None and len(pages) >= limit:
            break
        html_path = data_dir / "html" / f"{item['file']}.gz"
        if not html_path.exists():
            continue
        html = gzip.decompress(html_path.read_bytes())
        pages.append(Page(item["file"], url, html, item, len(pages) % 2))
    return pages


# --- metrics -------------------------------------------------------------------------------


def shingles(text: str) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text)
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


def body_scores(pred: str, truth: str) -> tuple[float | None, float | None]:
    """(precision, recall) of one page; None where undefined (empty prediction / truth)."""
    p, t = shingles(pred), shingles(truth)
    tp = sum((p & t).values())
    fp = sum(p.values()) - tp
    fn = sum(t.values()) - tp
    total = tp + fp + fn
    if total == 0:
        return None, None
    tpn, fpn, fnn = tp / total, fp / total, fn / total
    precision = tpn / (tpn + fpn) if p else None
    recall = tpn / (tpn + fnn) if t else None
    return precision, recall


def _norm(text: str) -> str:
    return " ".join(_NONWORD.sub(" ", text.casefold()).split())


def title_match(pred: str | None, truth: str) -> bool:
    if not pred:
        return False
    a, b = _norm(pred), _norm(truth)
    if not a or not b:
        return False
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    return short in long_ and len(short) >= 0.6 * len(long_)


def author_match(pred: list[str], truth: str) -> bool:
    want = set(_norm(truth).split())
    have = set(_norm(" ".join(pred)).split())
    return bool(want) and len(want & have) * 2 >= len(want)


def date_match(pred: str | None, truth: str) -> bool:
    return bool(pred) and str(pred)[:10] == truth[:10]


def snippet_rates(text: str, with_: list[str], without: list[str]) -> tuple[int, int]:
    body = " ".join(text.casefold().split())
    hits = sum(1 for s in with_ if " ".join(s.casefold().split()) in body)
    absent = sum(1 for s in without if " ".join(s.casefold().split()) not in body)
    return hits, absent


def snippet_counts(text: str, truth: dict[str, Any]) -> tuple[int, int, int, int]:
    """(tp, fn, fp, tn) of one page, as trafilatura's ``evaluate_result`` counts them: raw,
    case-sensitive substring tests, so that our figures compare with those it publishes."""
    with_: list[str] = truth["with"]
    without: list[str] = truth["without"]
    tp = sum(1 for s in with_ if s in text)
    fp = sum(1 for s in without if s in text)
    return tp, len(with_) - tp, fp, len(without) - fp


# --- extractors ----------------------------------------------------------------------------


def run_ours(page: Page) -> Prediction:
    try:
        art = parse_article(page.html, page.url)
    except ParseError:
        return Prediction()
    names = [a.name for a in art.authors if a.name]
    return Prediction(art.text, art.title, names, art.published, art.modified)


def run_trafilatura(page: Page) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(page.html, url=page.url, with_metadata=True)
    if doc is None:
        return Prediction()
    get = doc.get if isinstance(doc, dict) else lambda k: getattr(doc, k, None)
    author = get("author")
    authors = [a.strip() for a in author.split(";")] if author else []
    return Prediction(get("text") or "", get("title"), authors, get("date"))


def run_trafilatura_main_text(page: Page) -> Prediction:
    """trafilatura as its own evaluation runs it: ``extract``'s main text, without comments."""
    import trafilatura

    text = trafilatura.extract(page.html, url=page.url, include_comments=False,
                               include_tables=True, include_formatting=False)
    return Prediction(text or "")


def timed_pass(
    fn: Callable[[Page], Prediction], pages: list[Page]
) -> tuple[list[Prediction], float, float]:
    """One pass of ``fn`` over ``pages`` (GC settled first): predictions, CPU seconds of this
    process, wall seconds."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    preds = [fn(page) for page in pages]
    return preds, time.process_time() - cpu, time.perf_counter() - wall


def run_passes(
    extractors: dict[str, Callable[[Page], Prediction]], pages: list[Page], passes: int
) -> tuple[dict[str, list[Prediction]], dict[str, list[float]], dict[str, list[float]]]:
    """Interleaved timed passes: the first pass's predictions, and every pass's CPU and wall
    seconds, per extractor."""
    first: dict[str, list[Prediction]] = {}
    cpu: dict[str, list[float]] = {name: [] for name in extractors}
    wall: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(passes):
        for name, fn in extractors.items():
            preds, cpu_s, wall_s = timed_pass(fn, pages)
            first.setdefault(name, preds)
            cpu[name].append(cpu_s)
            wall[name].append(wall_s)
    return first, cpu, wall


def speed(pages: int, pass_cpu: list[float], pass_wall: list[float]) -> dict[str, Any]:
    elapsed, wall = min(pass_cpu), min(pass_wall)
    return {
        "pages_per_s": round(pages / elapsed, 2) if elapsed else 0.0,
        "seconds": round(elapsed, 3),
        "pass_cpu_seconds": [round(x, 3) for x in pass_cpu],
        "wall_pages_per_s": round(pages / wall, 2) if wall else 0.0,
        "pass_wall_seconds": [round(x, 3) for x in pass_wall],
    }


def evaluate_snippets(
    preds: list[Prediction], pages: list[Page], pass_cpu: list[float], pass_wall: list[float]
) -> dict[str, Any]:
    """trafilatura's ``calculate_scores`` over counts pooled across pages."""
    tp = fn = fp = tn = 0
    for page, pred in zip(pages, preds, strict=True):
        a, b, c, d = snippet_counts(pred.text, page.truth)
        tp, fn, fp, tn = tp + a, fn + b, fp + c, tn + d
    total = tp + fn + fp + tn
    return {
        "pages": len(pages),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 0.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else 0.0,
        "f1": round(2 * tp / (2 * tp + fp + fn), 4) if tp + fp + fn else 0.0,
        "accuracy": round((tp + tn) / total, 4) if total else 0.0,
        "tp": tp, "fn": fn, "fp": fp, "tn": tn,
        **speed(len(pages), pass_cpu, pass_wall),
    }


def evaluate(
    preds: list[Prediction], pages: list[Page], pass_cpu: list[float], pass_wall: list[float]
) -> dict[str, Any]:
    precisions: list[float] = []
    recalls: list[float] = []
    with_hits = with_total = without_hits = without_total = 0
    title_ok = title_n = author_ok = author_n = date_ok = date_n = either_ok = 0
    for page, pred in zip(pages, preds, strict=True):
        truth = page.truth
        p, r = body_scores(pred.text, truth.get("main_content") or "")
        if p is not None:
            precisions.append(p)
        if r is not None:
            recalls.append(r)
        with_ = truth.get("with") or []
        without = truth.get("without") or []
        h, a = snippet_rates(pred.text, with_, without)
        with_hits += h
        with_total += len(with_)
        without_hits += a
        without_total += len(without)
        if truth.get("title"):
            title_n += 1
            title_ok += title_match(pred.title, truth["title"])
        if truth.get("author"):
            author_n += 1
            author_ok += author_match(pred.authors, truth["author"])
        if truth.get("publish_date"):
            date_n += 1
            date_ok += date_match(pred.date, truth["publish_date"])
            either_ok += date_match(pred.date, truth["publish_date"]) or date_match(
                pred.modified, truth["publish_date"])
    precision = sum(precisions) / len(precisions) if precisions else 0.0
    recall = sum(recalls) / len(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pages": len(pages),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "with_rate": round(with_hits / with_total, 4) if with_total else 0.0,
        "without_rate": round(without_hits / without_total, 4) if without_total else 0.0,
        "title_acc": round(title_ok / title_n, 4) if title_n else 0.0,
        "author_acc": round(author_ok / author_n, 4) if author_n else 0.0,
        "date_acc": round(date_ok / date_n, 4) if date_n else 0.0,
        "date_acc_published_or_modified": round(either_ok / date_n, 4) if date_n else 0.0,
        **speed(len(pages), pass_cpu, pass_wall),
    }


Evaluator = Callable[[list[Prediction], list[Page], list[float], list[float]], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class BenchSet:
    """What differs between the two sets: how pages load, how trafilatura is called (as each
    set's own evaluation calls it), how a run is scored, and which figures are printed."""

    load: Callable[[Path, int | None], list[Page]]
    trafilatura: Callable[[Page], Prediction]
    evaluate: Evaluator
    table_keys: tuple[str, ...]
    half_keys: tuple[str, ...]


SETS = {
    "wcxb": BenchSet(
        load_pages, run_trafilatura, evaluate,
        ("precision", "recall", "f1", "with_rate", "without_rate", "title_acc", "author_acc",
         "date_acc", "date_acc_published_or_modified", "pages_per_s"),
        ("f1", "title_acc", "author_acc", "date_acc")),
    "trafeval": BenchSet(
        load_trafeval, run_trafilatura_main_text, evaluate_snippets,
        ("precision", "recall", "f1", "accuracy", "pages_per_s"),
        ("precision", "recall", "f1")),
}


def dump_record(set_name: str, page: Page, preds: dict[str, Prediction]) -> dict[str, Any]:
    """One page's scores for ``--dump``: what a rule change needs to find its pages."""
    ours = preds["ours"]
    if set_name == "wcxb":
        p, r = body_scores(ours.text, page.truth.get("main_content") or "")
        return {"set": set_name, "id": page.file_id, "p": p, "r": r, "title": ours.title,
                "t_title": page.truth.get("title"), "authors": ours.authors,
                "t_author": page.truth.get("author"), "date": ours.date,
                "modified": ours.modified, "t_date": page.truth.get("publish_date")}
    return {"set": set_name, "id": page.file_id, "url": page.url,
            **{name: snippet_counts(pred.text, page.truth) for name, pred in preds.items()},
            "missed": [s for s in page.truth["with"] if s not in ours.text],
            "forbidden": [s for s in page.truth["without"] if s in ours.text],
            "chars": {name: len(pred.text) for name, pred in preds.items()}}


def page_loss(set_name: str, page: Page, preds: dict[str, Prediction]) -> tuple[float, str]:
    """How much one page costs us, and a line saying why, for ``--worst``: on WCXB one minus our
    body F1; on the trafilatura set our snippet errors (missed ``with``, found ``without``) less
    trafilatura's, so that the pages listed first are those where it does better."""
    ours = preds["ours"]
    if set_name == "wcxb":
        p, r = body_scores(ours.text, page.truth.get("main_content") or "")
        f1 = 2 * p * r / (p + r) if p and r else 0.0
        return 1.0 - f1, f"F1 {f1:.3f} P {p or 0:.3f} R {r or 0:.3f} chars {len(ours.text)}"
    _, fn, fp, _ = snippet_counts(ours.text, page.truth)
    loss, why = float(fn + fp), f"missed {fn} forbidden {fp} chars {len(ours.text)}"
    if "trafilatura" in preds:
        _, tfn, tfp, _ = snippet_counts(preds["trafilatura"].text, page.truth)
        loss -= tfn + tfp
        why += f" | trafilatura missed {tfn} forbidden {tfp} chars {len(preds['trafilatura'].text)}"
    return loss, why


def print_worst(set_name: str, pages: list[Page], first: dict[str, list[Prediction]],
                count: int) -> None:
    """The ``count`` pages that cost us most on this set (:func:`page_loss`), worst first: the
    pages to read when looking for the next class of errors."""
    losses = sorted(((*page_loss(set_name, page, {name: preds[i] for name, preds in
                                                  first.items()}), page) for i, page in
                     enumerate(pages)), key=lambda item: -item[0])
    print(f"[{set_name}] worst {count} pages")
    for loss, why, page in losses[:count]:
        print(f"  {loss:6.2f} {page.file_id} {page.url} | {why}")


def bench_set(
    set_name: str, data_dir: Path, args: argparse.Namespace
) -> tuple[dict[str, Any], list[dict[str, Any]]] | None:
    """One set, both extractors in the same run: its figures and its per-page dump records."""
    spec = SETS[set_name]
    pages = spec.load(data_dir, args.limit)
    if not pages:
        print(f"no pages under {data_dir}", file=sys.stderr)
        return None
    extractors: dict[str, Callable[[Page], Prediction]] = {"ours": run_ours}
    if not args.no_trafilatura:
        extractors["trafilatura"] = spec.trafilatura
    passes = max(1, args.passes)
    first, cpu, wall = run_passes(extractors, pages, passes)
    results: dict[str, Any] = {"data_dir": str(data_dir), "passes": passes}
    for name in extractors:
        results[name] = spec.evaluate(first[name], pages, cpu[name], wall[name])
        if args.halves:
            for half, parity in (("even", 0), ("odd", 1)):
                chosen = [i for i, page in enumerate(pages) if page.half == parity]
                results[name][half] = {key: value for key, value in spec.evaluate(
                    [first[name][i] for i in chosen], [pages[i] for i in chosen],
                    cpu[name], wall[name]).items() if key in spec.half_keys}
                print(f"[{set_name}] {name} {half} half: {results[name][half]}")
    names = list(extractors)
    width = max(map(len, spec.table_keys)) + 2
    print(f"[{set_name}] {len(pages)} pages")
    print(f"{'metric':<{width}}" + "".join(f"{n:>14}" for n in names))
    for key in spec.table_keys:
        print(f"{key:<{width}}" + "".join(f"{results[n][key]:>14}" for n in names))
    if "trafilatura" in results:
        ours, traf = results["ours"], results["trafilatura"]
        results["ratios"] = {
            "f1": round(ours["f1"] / traf["f1"], 4) if traf["f1"] else None,
            "f1_diff": round(ours["f1"] - traf["f1"], 4),
            "speed": round(ours["pages_per_s"] / traf["pages_per_s"], 2)
            if traf["pages_per_s"]
            else None,
            "wall_speed": round(ours["wall_pages_per_s"] / traf["wall_pages_per_s"], 2)
            if traf["wall_pages_per_s"]
            else None,
        }
        print(f"[{set_name}] F1 ratio ours/trafilatura: {results['ratios']['f1']} "
              f"(difference {results['ratios']['f1_diff']:+}), "
              f"speed ratio: {results['ratios']['speed']}x")
    if args.worst:
        print_worst(set_name, pages, first, args.worst)
    dump = [dump_record(set_name, page, {name: first[name][i] for name in extractors})
            for i, page in enumerate(pages)] if args.dump else []
    return results, dump


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data_dir", nargs="?", type=Path, default=DEFAULT_DATA,
                    help="the WCXB set's directory")
    ap.add_argument("--set", choices=("wcxb", "trafeval", "both"), default="both",
                    help="which development set(s) to run; each is reported on its own")
    ap.add_argument("--trafeval-dir", type=Path, default=DEFAULT_TRAFEVAL,
                    help="the trafilatura evaluation set's directory")
    ap.add_argument("--limit", type=int, default=None, help="only the first N pages of a set")
    ap.add_argument("--no-trafilatura", action="store_true", help="run our extractor only")
    ap.add_argument("--passes", type=int, default=3,
                    help="timed passes per extractor (interleaved); the best one counts")
    ap.add_argument("--dump", type=Path, default=None, help="write per-page scores (JSONL)")
    ap.add_argument("--halves", action="store_true",
                    help="also score each half of a set (even / odd page ids, or positions "
                         "for the trafilatura set): a rule worth keeping helps, or is neutral, "
                         "on both")
    ap.add_argument("--worst", type=int, default=0, metavar="N",
                    help="list the N pages of each set that cost us most (WCXB: lowest body "
                         "F1; trafilatura set: most snippet errors beyond trafilatura's)")
    args = ap.parse_args(argv)

    results: dict[str, Any] = {}
    dump: list[dict[str, Any]] = []
    if args.set in ("wcxb", "both"):
        wcxb = bench_set("wcxb", args.data_dir, args)
        if wcxb is None:
            return 1
        results.update(wcxb[0])
        dump += wcxb[1]
    if args.set in ("trafeval", "both"):
        trafeval = bench_set("trafeval", args.trafeval_dir, args)
        if trafeval is None:
            return 1
        results["trafeval"] = trafeval[0]
        dump += trafeval[1]
    if args.dump:
        with args.dump.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(record, ensure_ascii=False) + "\n" for record in dump)
    print(json.dumps(results, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
