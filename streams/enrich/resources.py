"""Loaders of the Kiwi analyser and the packaged data tables.

Nothing is loaded at import time (importing ``streams.enrich`` stays cheap) and nothing is cached
here: :meth:`streams.enrich.enricher.Enricher.build` calls each loader once and holds what it
returns (building a Kiwi instance costs about a second and some memory).
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import TYPE_CHECKING

from streams.enrich.tokenise import Analyser, KiwiAnalyser, MecabAnalyser

if TYPE_CHECKING:
    from kiwipiepy import Kiwi

DATA = importlib.resources.files("streams.enrich") / "data"

# WikiData classes found in kiwipiepy_model's multi.dict comments, mapped to our entity types.
# Only classes whose meaning we are sure of are listed; anything else stays untyped here.
WIKIDATA_CLASSES: dict[str, str] = {
    "Q5": "person",  # human
    "Q15632617": "person",  # fictional human
    "Q43229": "organization",  # organisation
    "Q4830453": "organization",  # business
    "Q783794": "organization",  # company
    "Q891723": "organization",  # public company
    "Q476028": "organization",  # association football club
    "Q3918": "organization",  # university
    "Q215380": "organization",  # musical group
    "Q7278": "organization",  # political party
    "Q327333": "organization",  # government agency
    "Q163740": "organization",  # nonprofit organisation
    "Q6256": "location",  # country
    "Q515": "location",  # city
    "Q486972": "location",  # human settlement
    "Q532": "location",  # village
    "Q34442": "location",  # road
    "Q55488": "location",  # railway station
    "Q928830": "location",  # metro station
    "Q3024240": "location",  # historical country
    "Q4022": "location",  # river
    "Q8502": "location",  # mountain
    "Q23397": "location",  # lake
    "Q178561": "event",  # battle
    "Q1656682": "event",  # event
    "Q7397": "product",  # software
    "Q7889": "product",  # video game
    "Q11424": "other",  # film
    "Q5398426": "other",  # television series
    "Q7725634": "other",  # literary work
}

_QID_RE = re.compile(r"#\s*(Q\d+)")


# Kiwi's beam cutoff (its default is 8): 3 analyses a 2,000-character article in about 20% less
# time (14 vs 17.5 ms of CPU here) and changed 0.3% of its tokens; the KLUE CRF is trained on
# tokens analysed with the same setting (see docs/enrichment.md).
KIWI_CUTOFF = 3.0


def load_kiwi() -> Kiwi:
    """A new analyser (Kiwi loads multi.dict by default).

    ``num_workers=1``: one analysis thread (``-1`` would run in the caller's thread but does not
    accept a batch of texts; ``0`` starts one thread per core, which only contends on one core).
    """
    from kiwipiepy import Kiwi

    analyser = Kiwi(num_workers=1, load_typo_dict=False)
    analyser.global_config.cutoff_threshold = KIWI_CUTOFF
    return analyser


ANALYSERS = ("kiwi", "mecab")


def load_analyser(name: str) -> Analyser:
    """The Korean analyser ``name`` (``NEWSSTREAM_KO_ANALYSER``: ``kiwi`` or ``mecab``)."""
    if name == "mecab":
        return MecabAnalyser(load_multiword_names())
    if name == "kiwi":
        return KiwiAnalyser(load_kiwi())
    raise ValueError(f"unknown Korean analyser {name!r}: one of {', '.join(ANALYSERS)}")


def _multi_dict() -> Path:
    import kiwipiepy_model  # type: ignore[import-untyped]

    return Path(kiwipiepy_model.__file__).parent / "multi.dict"


def load_multiword_names() -> dict[str, tuple[str, ...]]:
    """The names of several words in kiwipiepy_model's ``multi.dict`` (alternative spellings
    included), for MeCab-ko, which has none, by their first word and the next character
    (``조 바`` -> ``조 바이든``...), longest first. (Adding the 113,000 names of one word of its
    ``default.dict`` too lowered KLUE fold 0, combined F1 70.36 -> 69.28 typed.)"""
    grouped: dict[str, set[str]] = {}
    with _multi_dict().open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            surface = line.split("\t", 1)[0]
            first, space, _ = surface.partition(" ")
            if space:
                grouped.setdefault(surface[:len(first) + 2], set()).add(surface)
    return {key: tuple(sorted(group, key=lambda n: (-len(n), n)))
            for key, group in grouped.items()}


def load_wikidata_types() -> dict[str, str]:
    """Surface -> entity type from the WikiData class comments of kiwipiepy_model/multi.dict.

    Alternative spellings (``더글라스 애덤스<TAB>더글러스 애덤스/NNP``) carry the class too.
    """
    table: dict[str, str] = {}
    with _multi_dict().open(encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            match = _QID_RE.search(line)
            if match is None:
                continue
            etype = WIKIDATA_CLASSES.get(match.group(1))
            if etype is not None:
                table.setdefault(line.split("\t", 1)[0], etype)
    return table


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a packaged TSV file, skipping comments and blank lines."""
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]
