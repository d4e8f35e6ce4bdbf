"""Build the Korean noun clusters (``streams/enrich/data/ko_clusters.tsv``) from Kiwi's model.

The KLUE CRF learns from 1,200 news sentences, too few to know many words; clusters carry
knowledge of words from elsewhere. kiwipiepy_model's ``cong`` language model (Apache-2.0) holds
an embedding of each of its ~70,000 morphemes, which Kiwi exposes only as cosine similarities
(``Kiwi.morpheme_similarity``). This script:

1. takes the nouns (NNG, NNP, NNB, NR, NP) that have an embedding (a morpheme id below the
   language model's vocabulary: the similarity is NaN for the rest, such as ``multi.dict``'s
   names);
2. computes each one's similarity to ``ANCHORS`` seeded random nouns of them: a linear image of
   the unit embeddings. The anchors' own similarities form the Gram matrix of their embeddings;
   its eigenvectors give the embeddings back up to a rotation (the rank is the embedding size,
   256, below the number of anchors), which keeps every cosine: checked against
   ``morpheme_similarity`` on sample pairs;
3. removes the mean (every noun leans to one common direction), normalises, and groups them by
   spherical k-means (``train_en_crf.spherical_kmeans``, as the English CRF's clusters) into
   ``FINE`` clusters, and the fine clusters' centres into ``COARSE`` ones;
4. writes ``noun<TAB>coarse.fine``, the most frequent reading first where one form has several
   (Kiwi numbers morphemes by frequency).

Nothing here reads KLUE or any labelled text. About a minute of CPU; seeded, so the same Kiwi
model gives the same file. The output is derived from kiwipiepy_model (Apache-2.0,
``data/ko_clusters-NOTICE.txt``).

Usage: .venv/bin/python bench/ko_clusters.py [--out PATH] [--fine N] [--coarse N]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from train_en_crf import spherical_kmeans  # noqa: E402

OUT = ROOT / "streams/enrich/data/ko_clusters.tsv"
NOUNS = frozenset(("NNG", "NNP", "NNB", "NR", "NP"))
ANCHORS = 512
FINE = 1024
COARSE = 64
SEED = 20261205


def nouns(kiwi: Any) -> list[tuple[int, str]]:
    """(morpheme id, form) of every noun of Kiwi's language model, in id order."""
    out = []
    reference = None
    for index in range(1 << 20):
        try:
            morpheme = kiwi.morpheme(index)
        except ValueError:  # past the last morpheme
            break
        if morpheme.tag not in NOUNS or not morpheme.form:
            continue
        reference = index if reference is None else reference
        if math.isnan(kiwi.morpheme_similarity(index, reference)):
            continue  # no embedding: not in the language model's vocabulary
        out.append((index, morpheme.form))
    return out


def embeddings(kiwi: Any, ids: list[int]) -> Any:
    """Unit embeddings (up to one rotation) of the morphemes ``ids``, from their similarities
    to seeded random anchors among them (see the module docstring)."""
    import numpy as np

    rng = np.random.default_rng(SEED)
    anchors = [int(a) for a in rng.choice(ids, ANCHORS, replace=False)]
    similarity = kiwi.morpheme_similarity
    images = np.array([[similarity(i, a) for a in anchors] for i in ids], dtype=np.float64)
    row = {morpheme: at for at, morpheme in enumerate(ids)}
    gram = images[[row[a] for a in anchors]]
    values, vectors = np.linalg.eigh((gram + gram.T) / 2)
    keep = values > values.max() * 1e-6
    points = images @ vectors[:, keep] / np.sqrt(values[keep])
    for a, b in zip(ids[:200:7], ids[-200::7], strict=True):  # the cosines are kept
        assert abs(points[row[a]] @ points[row[b]] - similarity(a, b)) < 1e-3
    return points


def main() -> None:
    import numpy as np
    from kiwipiepy import Kiwi

    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--fine", type=int, default=FINE)
    parser.add_argument("--coarse", type=int, default=COARSE)
    args = parser.parse_args()
    started = time.process_time()
    kiwi = Kiwi(model_type="cong")
    found = nouns(kiwi)
    points = embeddings(kiwi, [index for index, _ in found])
    points -= points.mean(axis=0)
    points /= np.linalg.norm(points, axis=1, keepdims=True) + 1e-9
    fine, centres = spherical_kmeans(points, args.fine, SEED)
    coarse, _ = spherical_kmeans(centres, args.coarse, SEED)
    groups: dict[str, str] = {}
    for (_, form), cluster in zip(found, fine, strict=True):
        groups.setdefault(form, f"{coarse[cluster]}.{cluster}")
    args.out.write_text("".join(f"{form}\t{group}\n" for form, group in sorted(groups.items())),
                        "utf-8")
    print(f"{len(groups)} nouns ({points.shape[1]}-dimensional embeddings) in {args.fine} "
          f"clusters, {args.coarse} coarse, in {time.process_time() - started:.0f} s of CPU "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
