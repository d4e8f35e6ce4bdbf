"""Entity precision, recall, must-not violations and ids on the labelled real-style pages.

``tests/enrich/pages/``: 70 complete HTML news pages (46 Korean, 24 English) in the markup of the
sites they imitate, with hand-written labels (``labels.json``, rules in the folder's README).
Each page goes through the product path, ``parse_article(html, url)`` then ``enrich``, with the
product's defaults. Reported per language:

* precision: emitted entities that match a ``must_find`` or ``also_ok`` label (normalised name or
  surface form, or the label's canonical id) with an accepted type, over all emitted entities;
* recall: ``must_find`` labels matched by an emitted entity of an accepted type; both also
  untyped (any type), which separates finding the name from typing it;
* must-not violations: emitted entities that a ``must_not`` entry forbids (count and list);
* id accuracy: of the matched entities whose label has an id and that got a canonical id, the
  share whose id is the label's; id recall: ``must_find`` canonical ids found with that id;
* canonical-id share of mentions: mentions of entities with a canonical (not ``unk:``) id over
  all mentions, on the Korean pages, the English pages, and (unless ``--no-wcxb``, when the folder
  exists) on the English pages of the WCXB development set (``/work/shared/data/
  wcxb-dev-articles``, CC BY 4.0, Murrough Foley 2026).

Bars from the issue: precision >= 0.90, no must-not entity, id accuracy >= 0.95, canonical-id
share >= 0.50 (Korean pages) and >= 0.35 (WCXB English).

Usage: .venv/bin/python bench/entity_pages.py [--no-wcxb] [--wcxb DIR] [--en-model NAME] [-v]
(last output line: one JSON object; ``-v`` also lists every false positive and miss)
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import Enricher  # noqa: E402
from streams.enrich.ids import normalise  # noqa: E402
from streams.errors import ParseError  # noqa: E402
from streams.parse import parse_article  # noqa: E402
from streams.records import Entity  # noqa: E402
from streams.settings import Settings  # noqa: E402

PAGES = ROOT / "tests" / "enrich" / "pages"
LABELS = PAGES / "labels.json"
WCXB = Path("/work/shared/data/wcxb-dev-articles")
BARS = {"precision": 0.90, "id_accuracy": 0.95, "canonical_share_ko": 0.50,
        "canonical_share_wcxb_en": 0.35}


def load_labels(path: Path = LABELS) -> list[dict[str, Any]]:
    pages: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["pages"]
    return pages


def page_entities(label: dict[str, Any], enricher: Enricher, folder: Path = PAGES
                  ) -> list[Entity]:
    """What the product emits for one labelled page with ``enricher``."""
    html = (folder / f"{label['id']}.html").read_text(encoding="utf-8")
    return enricher.enrich(parse_article(html, label["url"])).entities


def is_canonical(entity_id: str) -> bool:
    return not entity_id.startswith("unk:")


def _types(label: dict[str, Any]) -> set[str]:
    kind = label["type"]
    return {kind} if isinstance(kind, str) else set(kind)


def _keys(entity: Entity) -> set[str]:
    return {normalise(s) for s in [entity.name, *entity.surface_forms]} - {""}


def matches(entity: Entity, label: dict[str, Any]) -> bool:
    """The entity is the labelled one: a surface/name in common, or the label's canonical id."""
    wanted = label.get("id")
    if wanted and wanted != "unk" and entity.id == wanted:
        return True
    names = {normalise(n) for n in [label["name"], *label.get("alt", [])]}
    return bool(_keys(entity) & names)


def id_ok(entity: Entity, wanted: str | None) -> bool:
    """The entity's id agrees with a label's ``id`` (``None``: anything; ``"unk"``: no link)."""
    if wanted is None:
        return True
    if wanted == "unk":
        return not is_canonical(entity.id)
    return entity.id == wanted


def violates(entity: Entity, rule: dict[str, Any]) -> bool:
    """The entity is one that the ``must_not`` entry forbids."""
    if rule.get("type") and entity.type != rule["type"]:
        return False
    if rule.get("except_id") and id_ok(entity, rule["except_id"]):
        return False
    match = rule.get("match", "exact")
    if match == "exact":
        return normalise(rule["name"]) in _keys(entity)
    surfaces = [entity.name, *entity.surface_forms]
    if match == "contains":
        return any(rule["name"] in s for s in surfaces)
    if match == "prefix":
        return any(s.startswith(rule["name"]) for s in surfaces)
    raise ValueError(f"unknown match {match!r}")


def _show(entity: Entity) -> str:
    forms = [s for s in entity.surface_forms if s != entity.name]
    extra = f" {forms}" if forms else ""
    return f"{entity.name}/{entity.type}/{entity.id}{extra}"


def must_find_failures(label: dict[str, Any], entities: list[Entity]) -> list[str]:
    """Why ``must_find`` labels are not satisfied: missed, wrong type, or wrong id."""
    out = []
    for want in label["must_find"]:
        found = [e for e in entities if matches(e, want)]
        typed = [e for e in found if e.type in _types(want)]
        if not found:
            out.append(f"missed {want['name']} ({'/'.join(sorted(_types(want)))})")
        elif not typed:
            out.append(f"wrong type {want['name']}: " + ", ".join(_show(e) for e in found))
        elif not any(id_ok(e, want.get("id")) for e in typed):
            out.append(f"wrong id {want['name']} (want {want['id']}): "
                       + ", ".join(_show(e) for e in typed))
    return out


def must_not_failures(label: dict[str, Any], entities: list[Entity]) -> list[tuple[str, str]]:
    """``(class, description)`` for each must-not entry an emitted entity violates."""
    out = []
    for rule in label["must_not"]:
        for entity in entities:
            if violates(entity, rule):
                out.append((rule["class"], f"{rule['name']!r} <- {_show(entity)}"))
    return out


def score_page(label: dict[str, Any], entities: list[Entity]) -> dict[str, Any]:
    """Counts and lists for one page (see the module docstring for the rules)."""
    wanted = label["must_find"] + label["also_ok"]
    correct = correct_untyped = 0
    false_positives = []
    id_checked = id_right = 0
    id_errors = []
    for entity in entities:
        hits = [lab for lab in wanted if matches(entity, lab)]
        typed = [lab for lab in hits if entity.type in _types(lab)]
        correct_untyped += bool(hits)
        if typed:
            correct += 1
        else:
            false_positives.append(_show(entity))
        with_id = [lab for lab in hits if lab.get("id")]
        if with_id and is_canonical(entity.id):
            id_checked += 1
            if any(id_ok(entity, lab["id"]) for lab in with_id):
                id_right += 1
            else:
                id_errors.append(f"{_show(entity)} (labelled {with_id[0]['id']})")
    found = found_untyped = 0
    missed = []
    id_total = id_found = 0
    for want in label["must_find"]:
        hits = [e for e in entities if matches(e, want)]
        typed = [e for e in hits if e.type in _types(want)]
        found += bool(typed)
        found_untyped += bool(hits)
        if not typed:
            missed.append(want["name"])
        if want.get("id") and want["id"] != "unk":
            id_total += 1
            id_found += any(e.id == want["id"] for e in typed)
    mentions = sum(e.mentions for e in entities)
    canonical = sum(e.mentions for e in entities if is_canonical(e.id))
    violations = must_not_failures(label, entities)
    return {
        "id": label["id"], "language": label["language"], "kind": label["kind"],
        "emitted": len(entities), "correct": correct, "correct_untyped": correct_untyped,
        "false_positives": false_positives,
        "must_find": len(label["must_find"]), "found": found, "found_untyped": found_untyped,
        "missed": missed,
        "id_checked": id_checked, "id_right": id_right, "id_errors": id_errors,
        "id_total": id_total, "id_found": id_found,
        "mentions": mentions, "canonical_mentions": canonical,
        "violations": violations, "failures": must_find_failures(label, entities),
    }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def aggregate(scores: list[dict[str, Any]]) -> dict[str, Any]:
    """Micro-averaged figures over a group of pages."""
    total: defaultdict[str, int] = defaultdict(int)
    for s in scores:
        for key in ("emitted", "correct", "correct_untyped", "must_find", "found",
                    "found_untyped", "id_checked", "id_right",
                    "id_total", "id_found", "mentions", "canonical_mentions"):
            total[key] += s[key]
    return {
        "pages": len(scores),
        "emitted": total["emitted"], "precision": _ratio(total["correct"], total["emitted"]),
        "must_find": total["must_find"], "recall": _ratio(total["found"], total["must_find"]),
        # the same ignoring the type: what is found at all (spans), apart from how it is typed
        "untyped_precision": _ratio(total["correct_untyped"], total["emitted"]),
        "untyped_recall": _ratio(total["found_untyped"], total["must_find"]),
        "must_not_violations": sum(len(s["violations"]) for s in scores),
        "pages_with_violations": sum(1 for s in scores if s["violations"]),
        "id_checked": total["id_checked"],
        "id_accuracy": _ratio(total["id_right"], total["id_checked"]),
        "id_recall": _ratio(total["id_found"], total["id_total"]),
        "mentions": total["mentions"],
        "canonical_share": _ratio(total["canonical_mentions"], total["mentions"]),
        "pages_passing": sum(1 for s in scores if not s["violations"] and not s["failures"]),
    }


def wcxb_english(enricher: Enricher, folder: Path = WCXB) -> dict[str, Any]:
    """Canonical-id share of mentions on the English article pages of the WCXB dev set."""
    pages = english = mentions = canonical = failed = 0
    for truth in sorted((folder / "ground-truth").glob("*.json")):
        html_path = folder / "html" / f"{truth.stem}.html.gz"
        if not html_path.exists():
            continue
        pages += 1
        url = (json.loads(truth.read_text(encoding="utf-8")).get("url")
               or f"https://wcxb.invalid/{truth.stem}")
        try:
            article = parse_article(gzip.decompress(html_path.read_bytes()), url)
        except ParseError:
            failed += 1
            continue
        result = enricher.enrich(article)
        if result.language != "en":
            continue
        english += 1
        mentions += sum(e.mentions for e in result.entities)
        canonical += sum(e.mentions for e in result.entities if is_canonical(e.id))
    return {"pages": pages, "english_pages": english, "unparsed": failed, "mentions": mentions,
            "canonical_share": _ratio(canonical, mentions)}


def evaluate(enricher: Enricher, folder: Path = PAGES) -> list[dict[str, Any]]:
    labels = load_labels(folder / "labels.json")
    return [score_page(label, page_entities(label, enricher, folder)) for label in labels]


def _print_group(name: str, figures: dict[str, Any]) -> None:
    print(f"{name}: {figures['pages']} pages, {figures['emitted']} entities emitted; "
          f"precision {figures['precision']}, recall {figures['recall']} "
          f"({figures['must_find']} must-find); untyped precision "
          f"{figures['untyped_precision']}, recall {figures['untyped_recall']}; "
          f"must-not violations {figures['must_not_violations']} on "
          f"{figures['pages_with_violations']} pages; "
          f"id accuracy {figures['id_accuracy']} ({figures['id_checked']} assigned ids), "
          f"id recall {figures['id_recall']}; canonical-id share of mentions "
          f"{figures['canonical_share']}; pages passing {figures['pages_passing']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-wcxb", action="store_true", help="skip the WCXB English pages")
    parser.add_argument("--wcxb", type=Path, default=WCXB, help="WCXB dev articles folder")
    parser.add_argument("--en-model", default=None,
                        help="score with this English NER model on (NEWSSTREAM_EN_NER_MODEL)")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="list every false positive, miss and id error per page")
    args = parser.parse_args()
    enricher = Enricher.build(Settings())
    if args.en_model:
        enricher = enricher.with_en_model(args.en_model)
    scores = evaluate(enricher)
    result: dict[str, Any] = {"en_model": args.en_model}
    for language in ("ko", "en"):
        group = [s for s in scores if s["language"] == language]
        result[language] = aggregate(group)
        result[language]["by_kind"] = {
            kind: {k: v for k, v in aggregate([s for s in group if s["kind"] == kind]).items()
                   if k in ("pages", "precision", "recall", "must_not_violations")}
            for kind in sorted({s["kind"] for s in group})}
        _print_group({"ko": "Korean", "en": "English"}[language], result[language])
    result["all"] = aggregate(scores)
    by_class: dict[str, list[str]] = defaultdict(list)
    for s in scores:
        for cls, text in s["violations"]:
            by_class[cls].append(f"{s['id']}: {text}")
    print(f"\nmust-not violations: {sum(len(v) for v in by_class.values())}")
    for cls in sorted(by_class):
        print(f"  [{cls}] {len(by_class[cls])}")
        for line in by_class[cls]:
            print(f"    {line}")
    print("\nid errors (assigned canonical id differs from the label):")
    for s in scores:
        for line in s["id_errors"]:
            print(f"  {s['id']}: {line}")
    failing = [s for s in scores if s["violations"] or s["failures"]]
    print(f"\npages failing their test: {len(failing)} of {len(scores)}")
    for s in failing:
        classes = sorted({cls for cls, _ in s["violations"]})
        print(f"  {s['id']}: must-not {classes or '-'}; must-find failures {len(s['failures'])}")
        if args.verbose:
            for line in s["failures"]:
                print(f"      {line}")
    if args.verbose:
        print("\nfalse positives:")
        for s in scores:
            if s["false_positives"]:
                print(f"  {s['id']}: " + "; ".join(s["false_positives"]))
    fp_words = Counter(fp.split("/")[0] for s in scores for fp in s["false_positives"])
    print("\nmost frequent false positives: "
          + ", ".join(f"{w} ({n})" for w, n in fp_words.most_common(15)))
    result["violations_by_class"] = {cls: len(v) for cls, v in sorted(by_class.items())}
    result["failing_pages"] = [s["id"] for s in failing]
    if not args.no_wcxb and args.wcxb.exists():
        result["wcxb_en"] = wcxb_english(enricher, args.wcxb)
        print(f"\nWCXB dev, English pages: {result['wcxb_en']['english_pages']} of "
              f"{result['wcxb_en']['pages']}, canonical-id share of mentions "
              f"{result['wcxb_en']['canonical_share']} ({result['wcxb_en']['mentions']} mentions)")
    share_en = result.get("wcxb_en", {}).get("canonical_share")
    share_ko = result["ko"]["canonical_share"] or 0
    result["bars"] = {
        "precision_ko_met": (result["ko"]["precision"] or 0) >= BARS["precision"],
        "precision_en_met": (result["en"]["precision"] or 0) >= BARS["precision"],
        "no_must_not_met": result["all"]["must_not_violations"] == 0,
        "id_accuracy_met": (result["all"]["id_accuracy"] or 0) >= BARS["id_accuracy"],
        "canonical_share_ko_met": share_ko >= BARS["canonical_share_ko"],
        "canonical_share_wcxb_en_met": (None if share_en is None
                                        else share_en >= BARS["canonical_share_wcxb_en"]),
    }
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
