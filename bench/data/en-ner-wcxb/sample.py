"""Build the en-ner-wcxb evaluation set from the WCXB development articles.

    .venv/bin/python bench/data/en-ner-wcxb/sample.py sample  # -> sentences.jsonl
    .venv/bin/python bench/data/en-ner-wcxb/sample.py check   # print every annotated span
    .venv/bin/python bench/data/en-ner-wcxb/sample.py conll   # -> en_ner_wcxb.conll

``sample`` sees only the page text (never any extractor's output); ``annotations.jsonl`` is written
by hand; ``conll`` tokenises Penn-Treebank style and writes BIO tags.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter
from itertools import pairwise
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = Path("/work/shared/data/wcxb-dev-articles/ground-truth")
SEED, TARGET, PER_PAGE, NO_CAPS_EVERY = 20261129, 220, 3, 5

BOUNDARY = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z])")
ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Gen|Sen|Rep|Gov|No|vs|Inc|Co|Corp|Ltd|etc|"
                    r"e\.g|i\.e|[A-Z])\.$")
TOKEN = re.compile(r"""(?:[A-Za-z]\.){2,}(?![A-Za-z])          # U.S., e.g.
    | (?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Prof|Inc|Ltd|Co|Corp|vs|etc)\.(?!\w)
    | \w+(?=n['’]t\b) | n['’]t\b                               # do n't
    | ['’](?:s|S|re|ve|ll|d|m)\b                                # clitics
    | \$?\w+(?:(?:[-‑.@/+&_]|(?<=\d),(?=\d)|['’](?!(?:s|S|re|ve|ll|d|m)\b))\w+)*%?
    | \.\.\. | -- | \S""", re.X)


def sentences(text: str) -> list[str]:
    """Sentences of every line (paragraph or list item) of ``text``."""
    out: list[str] = []
    for line in text.split("\n"):
        parts: list[str] = []
        for piece in BOUNDARY.split(line.strip()):
            if parts and ABBREV.search(parts[-1]):
                parts[-1] += " " + piece
            else:
                parts.append(piece)
        out += [" ".join(p.split()) for p in parts if p]
    return out


def prose(sentence: str) -> bool:
    """8-60 words of ordinary prose: capitalised start, final stop, no URLs, few digits/capitals."""
    words = sentence.split()
    letters = [c for c in sentence if c.isalpha()]
    return (8 <= len(words) <= 60 and bool(re.match(r"[\"“‘(]?[A-Z]", sentence))
            and bool(re.search(r"[.!?][\"”’)]?$", sentence))
            and not re.match(r"(\d+[.)]|[-*•·])\s|[^:,]{1,40}:\s", sentence)  # list, "Label: ..."
            and not re.search(r"https?:|www\.|\S@\S|[|{}<>#]", sentence)
            and sum(any(c.isdigit() for c in w) for w in words) <= len(words) / 4
            and sum(c.isupper() for c in letters) <= len(letters) / 3
            and sum(c.isascii() for c in letters) >= 0.95 * len(letters))


def capitalised(sentence: str) -> bool:
    """Whether a word other than the first starts with a capital (``I`` alone does not count)."""
    return any(re.match(r"[\"“‘(]?[A-Z](?!['’]?\b)", w) for w in sentence.split()[1:])


def sample() -> None:
    rng = random.Random(SEED)
    ids = sorted(p.stem for p in SOURCE.glob("*.json"))
    rng.shuffle(ids)
    chosen: list[dict[str, str]] = []
    without = 0
    for page in ids:
        data = json.loads((SOURCE / f"{page}.json").read_text(encoding="utf-8"))
        text = data["ground_truth"].get("main_content") or ""
        pools: dict[bool, list[int]] = {True: [], False: []}
        found = sentences(text)
        for index, sentence in enumerate(found):
            if prose(sentence):
                pools[capitalised(sentence)].append(index)
        picked: list[int] = []
        while len(picked) < PER_PAGE and len(chosen) + len(picked) < TARGET:
            want = without * NO_CAPS_EVERY >= len(chosen) + len(picked)  # ~1 in 5 without
            pool = pools[want] or pools[not want]
            if not pool:
                break
            index = pool.pop(rng.randrange(len(pool)))
            without += not capitalised(found[index])
            picked.append(index)
        chosen += [{"id": f"{page}-{i}", "url": data["url"], "text": found[i]}
                   for i in sorted(picked)]
        if len(chosen) >= TARGET:
            break
    with (HERE / "sentences.jsonl").open("w", encoding="utf-8") as out:
        for row in chosen:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    pages = len({row["id"].split("-")[0] for row in chosen})
    print(f"{len(chosen)} sentences from {pages} pages, {without} without capitalised words")


Entity = tuple[int, int, str]


def load() -> list[tuple[str, str, list[Entity]]]:
    """(id, text, entities) of every line of ``annotations.jsonl``."""
    lines = (HERE / "annotations.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    return [(r["id"], r["text"], [(s, e, t) for s, e, t in r["entities"]]) for r in rows]


def check() -> None:
    counts: Counter[str] = Counter()
    for sid, text, entities in load():
        for start, end, label in sorted(entities):
            span = text[start:end]
            assert span == span.strip() and label in ("PER", "ORG", "LOC", "MISC"), (sid, span)
            print(f"{sid}\t{label}\t{span}")
            counts[label] += 1
    print(dict(counts), sum(counts.values()))


def tokens(text: str, entities: list[Entity]) -> list[tuple[str, str]]:
    """PTB-style tokens with BIO tags; tokens are split where an entity boundary falls inside."""
    cuts = {b for s, e, _ in entities for b in (s, e)}
    spans: list[tuple[int, int]] = []
    for match in TOKEN.finditer(text):  # a token cut by an entity boundary: re-tokenise the pieces
        inner = sorted(c for c in cuts if match.start() < c < match.end())
        bounds = [match.start(), *inner, match.end()]
        for a, b in pairwise(bounds):
            pieces = [(a + m.start(), a + m.end()) for m in TOKEN.finditer(text[a:b])]
            spans += pieces if len(bounds) > 2 else [(a, b)]
    out: list[tuple[str, str]] = []
    for start, end in spans:
        tag = "O"
        for s, e, label in entities:
            if s <= start and end <= e:
                tag = ("B-" if start == s else "I-") + label
        out.append((text[start:end], tag))
    for s, e, _ in entities:  # every entity must be exactly a run of tokens
        assert any(a == s for a, _ in spans) and any(b == e for _, b in spans), (text, s, e)
    return out


def conll() -> None:
    lines = ["-DOCSTART- -X- -X- O", ""]
    for _, text, entities in load():
        lines += [f"{token} {tag}" for token, tag in tokens(text, entities)] + [""]
    (HERE / "en_ner_wcxb.conll").write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {sum(1 for line in lines if line) - 1} tokens")


if __name__ == "__main__":
    commands = {"sample": sample, "check": check, "conll": conll}
    commands[sys.argv[1] if len(sys.argv) > 1 else "sample"]()
