"""Topic accuracy of ``streams.enrich.enrich`` on the two labelled topic sets.

* ``tests/enrich/data/topics_eval.jsonl``: 68 short hand-written wire-style articles (34 Korean,
  34 English, 4 per IPTC top-level Media Topic), the original set.
* ``tests/enrich/data/topics_real.jsonl``: 165 real-style articles (80 Korean, 85 English, all 17
  topics; bylines, captions, copyright lines, about two fifths deliberately mixing the vocabulary
  of another topic), labelled blind; dev half = even id number, held-out half = odd
  (see tests/enrich/data/README.md).

Figures per set: top-1 accuracy (the first returned topic is the gold one or one of the row's
``also_ok`` codes; no topic at all counts as wrong), any-accuracy (the gold topic is among those
returned), top-1 per language, per half (``dev``/``heldout``, topics_real only) and on the
``mixed`` articles; and ``confident_wrong``: the share of articles for which ANY returned topic
that is neither the gold one nor in ``also_ok`` has a score >= 0.8 (``confident_wrong_top1``: the
same, counting only the first topic). ``tests/enrich/test_data.py`` keeps floors on both sets.

Usage: .venv/bin/python bench/topics_eval.py [--errors dev|heldout|all|old]
(last output line: one JSON object; the original set's figures keep their unprefixed keys, the
real set's carry the prefix ``real_``)
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import Enricher  # noqa: E402
from streams.records import Article, Block  # noqa: E402
from streams.settings import Settings  # noqa: E402

DATA = ROOT / "tests" / "enrich" / "data" / "topics_eval.jsonl"
REAL = ROOT / "tests" / "enrich" / "data" / "topics_real.jsonl"
CONFIDENT = 0.8
_NUMBER = re.compile(r"^real-(\d+)$")


def rows_of(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def half(row: dict[str, Any]) -> str | None:
    """``dev`` (even id number), ``heldout`` (odd); None outside topics_real (``real-NNN``)."""
    match = _NUMBER.search(row["id"])
    return None if match is None else ("dev" if int(match.group(1)) % 2 == 0 else "heldout")


def classify(row: dict[str, Any], enricher: Enricher) -> list[tuple[str, float]]:
    """(code, score) of the topics ``enricher`` finds for one row, best first."""
    article = Article(
        id=row["id"], url="", canonical_url="", title=row["title"], language=row["language"],
        blocks=[Block("paragraph", row["text"])], text=row["text"],
    )
    return [(topic.code, topic.score) for topic in enricher.enrich(article).topics]


def judge(row: dict[str, Any], topics: list[tuple[str, float]]) -> dict[str, int]:
    ok = {row["topic"], *row.get("also_ok", ())}
    wrong_confident = [code for code, score in topics if code not in ok and score >= CONFIDENT]
    return {
        "top1": int(bool(topics) and topics[0][0] in ok),
        "any": int(row["topic"] in {code for code, _ in topics}),
        "confident_wrong": int(bool(wrong_confident)),
        "confident_wrong_top1": int(bool(topics) and topics[0][0] not in ok
                                    and topics[0][1] >= CONFIDENT),
    }


def _share(values: list[int]) -> float:
    return round(sum(values) / len(values), 3) if values else 0.0


def evaluate(path: Path = DATA, errors: str | None = None,
             enricher: Enricher | None = None) -> dict[str, float | int]:
    """Figures of one set (see the module docstring) with ``enricher`` (by default one built
    from the settings); ``errors`` (``dev``, ``heldout`` or ``all``) prints that half's wrong or
    confidently wrong articles."""
    enricher = enricher or Enricher.build(Settings())
    rows = rows_of(path)
    groups: dict[str, list[dict[str, int]]] = {}
    for row in rows:
        topics = classify(row, enricher)
        verdict = judge(row, topics)
        keys = ["", row["language"]]
        if (part := half(row)) is not None:
            keys += [part, f"{part}_{row['language']}"]
        if row.get("mixed"):
            keys.append("mixed")
        for key in keys:
            groups.setdefault(key, []).append(verdict)
        if errors and (errors == "all" or errors == half(row)) and (
                not verdict["top1"] or verdict["confident_wrong"]):
            shown = ", ".join(f"{code[7:9]}:{score:.2f}" for code, score in topics) or "-"
            gold = "/".join(code[7:9] for code in [row["topic"], *row.get("also_ok", ())])
            print(f"  {row['id']} {row['language']} gold {gold} got [{shown}] {row['title'][:60]}")
    everything = groups[""]
    result: dict[str, float | int] = {
        "articles": len(rows), "topics": len({row["topic"] for row in rows}),
        "top1_accuracy": _share([v["top1"] for v in everything]),
        "any_accuracy": _share([v["any"] for v in everything]),
    }
    for key in sorted(k for k in groups if k):
        result[f"top1_accuracy_{key}"] = _share([v["top1"] for v in groups[key]])
    for key in ["", *sorted(k for k in ("dev", "heldout") if k in groups)]:
        suffix = f"_{key}" if key else ""
        result[f"confident_wrong{suffix}"] = _share([v["confident_wrong"] for v in groups[key]])
        result[f"confident_wrong_top1{suffix}"] = _share(
            [v["confident_wrong_top1"] for v in groups[key]])
    for key in ("dev", "heldout", "mixed"):
        if key in groups:
            result[f"articles_{key}"] = len(groups[key])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", choices=("dev", "heldout", "all", "old"),
                        help="print the wrong articles of that half of topics_real (or of the "
                             "original set: old)")
    args = parser.parse_args()
    enricher = Enricher.build(Settings())
    old = evaluate(DATA, "all" if args.errors == "old" else None, enricher)
    print(f"topics_eval: {old['articles']} articles, top-1 accuracy {old['top1_accuracy']}, "
          f"any {old['any_accuracy']}, confident wrong {old['confident_wrong']}")
    real = evaluate(REAL, args.errors if args.errors != "old" else None, enricher)
    print(f"topics_real: {real['articles']} articles, top-1 accuracy {real['top1_accuracy']} "
          f"(ko {real['top1_accuracy_ko']}, en {real['top1_accuracy_en']}; dev "
          f"{real['top1_accuracy_dev']}, held-out {real['top1_accuracy_heldout']}; mixed "
          f"{real['top1_accuracy_mixed']}), any {real['any_accuracy']}, confident wrong "
          f"{real['confident_wrong']} (dev {real['confident_wrong_dev']}, held-out "
          f"{real['confident_wrong_heldout']})")
    print(json.dumps({**old, **{f"real_{key}": value for key, value in real.items()}}))


if __name__ == "__main__":
    main()
