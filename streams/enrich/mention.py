"""The unit passed between extraction and resolution: one typed span in one piece of text."""

from __future__ import annotations

from dataclasses import dataclass

from streams.enrich.lexicon import Known, Lexicon


@dataclass(slots=True)
class Mention:
    """A name found at ``text[start:end]``, typed, with the known entity it matched if any."""

    start: int
    end: int
    surface: str
    type: str
    source: str
    confidence: float
    known: Known | None = None


def known_or(lexicon: Lexicon, start: int, end: int, surface: str, etype: str,
             confidence: float, source: str = "rule") -> Mention:
    """The mention of the entity ``lexicon`` knows as ``surface``; else one typed ``etype`` by
    ``source`` (a rule, the English model)."""
    known = lexicon.lookup(surface)
    if known is not None:
        return Mention(start, end, surface, known.type, known.source, known.confidence, known)
    return Mention(start, end, surface, etype, source, confidence)


def overlaps(occupied: bytearray, start: int, end: int) -> bool:
    return any(occupied[start:end])


def occupy(occupied: bytearray, start: int, end: int) -> None:
    occupied[start:end] = b"\x01" * (end - start)
