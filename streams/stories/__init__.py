"""Stories: which articles are copies of one another (and, later, which tell one story).

The pure core, with no streaming-runtime import: :mod:`~streams.stories.normalise` (what of a
text is the story's), :mod:`~streams.stories.minhash` (shingles and signatures) and
:mod:`~streams.stories.dedup` (fingerprints, the bucket index and the decision). docs/stories.md
describes the method, its measurements, and how it is meant to run across partitions.
"""

from streams.stories.dedup import (
    DedupConfig,
    DuplicateIndex,
    Fingerprint,
    Fingerprinter,
    Match,
    Visit,
    decide,
    visit_bucket,
)

__all__ = [
    "DedupConfig",
    "DuplicateIndex",
    "Fingerprint",
    "Fingerprinter",
    "Match",
    "Visit",
    "decide",
    "visit_bucket",
]
