"""Build the en-ner-news evaluation set from its hand-annotated source, ``news.txt``.

    .venv/bin/python bench/data/en-ner-news/build.py        # annotations.jsonl, en_ner_news.conll
    .venv/bin/python bench/data/en-ner-news/build.py check  # print every annotated span

``news.txt`` holds one sentence a line, grouped into stories under ``# NN name`` lines, with each
name written as ``[TYPE surface]`` (TYPE one of PER, ORG, LOC, MISC). The CoNLL file is tokenised
exactly as ``bench/data/en-ner-wcxb`` is (its ``sample.tokens``: Penn-Treebank style, a token cut
where an entity boundary falls inside it), so both sets read the same way in
``bench/ner_klue.py --conll``.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
_MARK = re.compile(r"\[(PER|ORG|LOC|MISC) ([^\[\]]+)\]")
Entity = tuple[int, int, str]


def _wcxb_tokens() -> object:
    spec = importlib.util.spec_from_file_location("wcxb_sample",
                                                  HERE.parent / "en-ner-wcxb" / "sample.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.tokens


def parse(line: str) -> tuple[str, list[Entity]]:
    """Plain text and ``(start, end, TYPE)`` entities of one marked-up line."""
    text, entities, at = "", [], 0
    for match in _MARK.finditer(line):
        text += line[at:match.start()]
        entities.append((len(text), len(text) + len(match.group(2)), match.group(1)))
        text += match.group(2)
        at = match.end()
    text += line[at:]
    assert "[" not in text and "]" not in text, line
    return text, entities


def load() -> list[tuple[str, str, list[Entity]]]:
    """(id, text, entities) of every sentence: id ``NN-k``, story number and line in the story."""
    out, story, index = [], "", 0
    for line in (HERE / "news.txt").read_text("utf-8").splitlines():
        if line.startswith("# "):
            story, index = line.split()[1], 0
        elif line.strip():
            text, entities = parse(line.strip())
            out.append((f"{story}-{index}", text, entities))
            index += 1
    return out


def check() -> None:
    counts: Counter[str] = Counter()
    for sid, text, entities in load():
        for start, end, label in entities:
            print(f"{sid}\t{label}\t{text[start:end]}")
            counts[label] += 1
    print(dict(counts), sum(counts.values()))


def build() -> None:
    tokens = _wcxb_tokens()
    rows = load()
    with (HERE / "annotations.jsonl").open("w", encoding="utf-8") as sink:
        for sid, text, entities in rows:
            sink.write(json.dumps({"id": sid, "text": text, "entities": entities},
                                  ensure_ascii=False) + "\n")
    lines = ["-DOCSTART- -X- -X- O", ""]
    for _, text, entities in rows:
        lines += [f"{token} {tag}" for token, tag in tokens(text, entities)] + [""]  # type: ignore[operator]
    (HERE / "en_ner_news.conll").write_text("\n".join(lines), encoding="utf-8")
    print(f"{len(rows)} sentences, {sum(1 for line in lines if line) - 1} tokens")


if __name__ == "__main__":
    {"build": build, "check": check}[sys.argv[1] if len(sys.argv) > 1 else "build"]()
