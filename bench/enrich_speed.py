"""Throughput of ``streams.enrich.enrich`` on one core: articles/s for Korean and English.

The Korean article is the seed fixture (tests/enrich/fixtures/seed_openai_ko.json) with its body
extended to about 2,000 characters by repeating its paragraphs; the English one is a ~2,000
character business/technology story written for this benchmark. Analyser loading is excluded
(warm-up call first). Last output line: one JSON object.

Usage: .venv/bin/python bench/enrich_speed.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import enrich  # noqa: E402
from streams.records import Article, Block, Image  # noqa: E402

ENGLISH = (
    "Nvidia shares rose 4 percent on Tuesday after chief executive Jensen Huang said the company "
    "would begin shipping its next generation of AI accelerators to Microsoft, Amazon and Oracle "
    "before the end of the year. Speaking at the Computex trade show in Taipei, Huang said demand "
    "for the chips from cloud providers and sovereign AI projects in Europe and the Middle East "
    "remained far ahead of supply. Analysts at Morgan Stanley raised their price target, citing "
    "stronger data-centre revenue and improving margins. The announcement comes as the United "
    "States tightens export controls on advanced semiconductors to China, a market that once "
    "accounted for a fifth of Nvidia's sales. The Commerce Department said last month that new "
    "licences would be required for shipments of high-end chips to Chinese customers. Huang "
    "warned that the restrictions could push Chinese buyers towards domestic suppliers such as "
    "Huawei, which has been expanding production of its Ascend processors. TSMC, which "
    "manufactures most of Nvidia's chips, said it was adding capacity at its plants in Taiwan "
    "and Arizona. SoftBank chief Masayoshi Son, whose company owns a large stake in chip designer "
    "Arm, told investors in Tokyo that spending on AI infrastructure would exceed $1 trillion "
    "over the next five years. OpenAI, which relies on Nvidia hardware to train its models, is "
    "building a network of data centres under the Stargate Project with Oracle and SoftBank. "
    "Sam Altman, OpenAI's chief executive, said in a blog post that compute remained the main "
    "constraint on the company's growth. Investors will watch Nvidia's quarterly earnings on "
    "May 28 for signs that the rally can continue, while the Federal Reserve's decision on "
    "interest rates next week could weigh on technology stocks."
)


def korean_article() -> Article:
    path = ROOT / "tests/enrich/fixtures/seed_openai_ko.json"
    data = orjson.loads(path.read_bytes())
    blocks = [Block(**b) for b in data["blocks"]]
    extra = [b for b in blocks if b.kind == "paragraph"]
    while sum(len(b.text) for b in blocks) < 2000:
        blocks.append(extra[len(blocks) % len(extra)])
    data["blocks"] = blocks
    data["images"] = [Image(**i) for i in data["images"]]
    data["text"] = "\n\n".join(b.text for b in blocks)
    return Article(**data)


def english_article() -> Article:
    paragraphs = [p.strip() + "." for p in ENGLISH.split(". ") if p.strip()]
    blocks = [
        Block("paragraph", " ".join(paragraphs[i:i + 4])) for i in range(0, len(paragraphs), 4)
    ]
    return Article(
        id="bench-en", url="https://example.com/n", canonical_url="https://example.com/n",
        title="Nvidia shares jump as Huang promises new AI chips", language="en",
        blocks=blocks, text="\n\n".join(b.text for b in blocks),
    )


def rate(article: Article, seconds: float) -> tuple[float, int]:
    enrich(article)  # warm-up: analyser and tables load here
    count, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        enrich(replace(article))
        count += 1
    return count / (time.perf_counter() - start), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    ko, en = korean_article(), english_article()
    ko_rate, ko_n = rate(ko, args.seconds)
    en_rate, en_n = rate(en, args.seconds)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "ko_articles_per_s": round(ko_rate, 1), "ko_chars": len(ko.text), "ko_runs": ko_n,
        "en_articles_per_s": round(en_rate, 1), "en_chars": len(en.text), "en_runs": en_n,
        "max_rss_mb": round(rss_mb, 1), "bar_ko_articles_per_s": 60,
        "ko_bar_met": ko_rate >= 60,
    }
    print(f"korean: {ko_rate:.1f} articles/s ({len(ko.text)} chars); "
          f"english: {en_rate:.1f} articles/s ({len(en.text)} chars); max RSS {rss_mb:.0f} MB")
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
