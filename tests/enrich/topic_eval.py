"""Topic accuracy on tests/enrich/data/topics_eval.jsonl (top-1 and any-returned-topic).

Run: ``.venv/bin/python tests/enrich/topic_eval.py``; the last line is one JSON object.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from streams.enrich import enrich
from streams.records import Article, Block

DATA = Path(__file__).parent / "data" / "topics_eval.jsonl"


def evaluate() -> dict[str, float | int]:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line]
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


if __name__ == "__main__":
    print(json.dumps(evaluate()))
