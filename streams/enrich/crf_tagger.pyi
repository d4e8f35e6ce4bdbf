"""Types of the compiled module ``crf_tagger.pyx`` (the Korean CRF's tagger)."""

from collections.abc import Mapping, Sequence
from typing import Any

CHAR_KINDS: tuple[str, ...]

class Tagger:
    labels: tuple[str, ...]
    def __init__(self, labels: Sequence[str], weights: Any, transitions: Any,
                 tables: Mapping[str, Mapping[str, int]]) -> None: ...
    def tag(self, text: str, ktag: list[str], pos: list[str], words: list[list[Any]],
            marks: list[tuple[int, int, Any, Any]]) -> list[int]: ...
    def tag_attributes(self, rows: list[list[str]], numbers: dict[str, int]) -> list[int]: ...
