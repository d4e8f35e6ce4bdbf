"""Entity-level NER scores of ``streams.enrich.ner_spans`` on KLUE-NER (or an English CoNLL file).

KLUE format (see /work/shared/data/klue-ner/README.md): per sentence a header
``## <id>\t<sentence>``, then ``char\tBIO-tag`` lines, blank line between sentences. Gold
entities are PS/OG/LC spans (DT/TI/QT are ignored); ours map person->PS, organization->OG,
location->LC, and other types count only for the untyped score. Scores are exact character spans,
typed and untyped, on news (``-wikitree``) and reviews (``-nsmc``) separately. Nothing is trained
or tuned on this file by this script. Last output line: one JSON object with every figure.

Usage: .venv/bin/python bench/ner_klue.py [PATH] [--limit N] | --conll PATH (English, PER/ORG/LOC)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import ner_spans  # noqa: E402

DEFAULT = Path("/work/shared/data/klue-ner/klue-ner-v1.1_dev_part.tsv")
OURS = {"person": "PS", "organization": "OG", "location": "LC"}
CONLL = {"PER": "PS", "ORG": "OG", "LOC": "LC"}
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


def read_conll(path: Path) -> list[tuple[str, str, Gold]]:
    """Sentences of a CoNLL-2003 style file (token first column, BIO/IOB tag last column)."""
    out: list[tuple[str, str, Gold]] = []
    tokens: list[tuple[str, str]] = []
    for raw in [*path.read_text(encoding="utf-8").split("\n"), ""]:
        parts = raw.split()
        if parts and not raw.startswith("-DOCSTART-"):
            tokens.append((parts[0], parts[-1]))
            continue
        if tokens:
            text, tags = "", []
            for index, (token, tag) in enumerate(tokens):
                if index:
                    text += " "
                    tags.append("O")
                inside = tag[:2] in ("B-", "I-") and index and tags[-2:-1] != ["O"]
                for position in range(len(token)):
                    label = tag[2:] if tag != "O" else ""
                    if not label:
                        tags.append("O")
                    elif position == 0 and (tag.startswith("B-") or not inside):
                        tags.append("B-" + label)
                    else:
                        tags.append("I-" + label)
                text += token
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
    """Precision/recall/F1 (percent), typed and untyped, over (gold, predicted) pairs."""
    result: dict[str, float] = {}
    for name, strip in (("typed", False), ("untyped", True)):
        tp = fp = fn = 0
        for gold, pred in pairs:
            g = {(s, e) for s, e, _ in gold} if strip else gold
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


def predict(sentence: str) -> Gold:
    return {(s.start, s.end, OURS.get(s.type, "XX")) for s in ner_spans(sentence)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--conll", type=Path, help="English CoNLL file instead of KLUE")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only (smoke)")
    args = parser.parse_args()
    sentences = read_conll(args.conll) if args.conll else read_klue(args.path)
    if args.limit:
        sentences = sentences[: args.limit]
    groups: dict[str, list[tuple[Gold, Gold]]] = {}
    for sid, sentence, gold in sentences:
        group = "conll" if args.conll else sid.rsplit("-", 1)[-1]
        groups.setdefault(group, []).append((gold, predict(sentence)))
    figures: dict[str, object] = {"file": str(args.conll or args.path)}
    for group, pairs in sorted(groups.items()):
        result = score(pairs)
        print(f"{group}: {len(pairs)} sentences, {sum(len(g) for g, _ in pairs)} gold entities; "
              f"typed F1 {result['typed_f1']}, untyped F1 {result['untyped_f1']}")
        figures[group] = {"sentences": len(pairs), **result}
    news = figures.get("wikitree")
    if isinstance(news, dict):
        figures["bar_typed_f1_70_met"] = news["typed_f1"] >= 70
        figures["bar_untyped_f1_78_met"] = news["untyped_f1"] >= 78
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
