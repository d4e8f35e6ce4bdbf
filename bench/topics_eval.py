"""Topic accuracy of ``streams.enrich.enrich`` on tests/enrich/data/topics_eval.jsonl.

68 hand-written news-style articles (34 Korean, 34 English, 4 per IPTC top-level Media Topic;
see tests/enrich/data/README.md). Scores: top-1 accuracy (the first returned topic is the gold
one), any-accuracy (the gold topic is among those returned), and top-1 per language. The topic
lexicon was not tuned on this set. ``tests/enrich/test_data.py`` keeps a floor on it.

Usage: .venv/bin/python bench/topics_eval.py   (last output line: one JSON object)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import enrich  # noqa: E402
from streams.records import Article, Block  # noqa: E402

DATA = ROOT / "tests" / "enrich" / "data" / "topics_eval.jsonl"


def evaluate(path: Path = DATA) -> dict[str, float | int]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    top1 = anyhit = 0
    by_language: dict[str, list[int]] = {}
    for row in rows:
        article = Article(
            id=row["id"], url="", canonical_url="", title=row["title"], language=row["language"],
            blocks=[Block("paragraph", row["text"])], text=row["text"],
        )
        codes = [topic.code for topic in enrich(article).topics]
        hit = int(bool(codes) and codes[0] == row["topic"])
        top1 += hit
        anyhit += int(row["topic"] in codes)
        by_language.setdefault(row["language"], []).append(hit)
    result: dict[str, float | int] = {
        "articles": len(rows), "topics": len({row["topic"] for row in rows}),
        "top1_accuracy": round(top1 / len(rows), 3), "any_accuracy": round(anyhit / len(rows), 3),
    }
    for language, hits in sorted(by_language.items()):
        result[f"top1_accuracy_{language}"] = round(sum(hits) / len(hits), 3)
    return result


def main() -> None:
    result = evaluate()
    print(f"topics: {result['articles']} articles, top-1 accuracy {result['top1_accuracy']}, "
          f"any {result['any_accuracy']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
