"""Resource limits of the parse core: every parse does bounded work."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ParseLimits:
    """Bounds on what :func:`streams.parse.parse_article` accepts.

    - ``max_bytes``: larger payloads raise ``ParseError(reason="too_large")`` before parsing.
    - ``max_nodes``: more element/text nodes than this raise ``too_complex``.
    - ``max_depth``: element nesting deeper than this raises ``too_complex``.
    - ``min_body_chars``: a body shorter than this (after boilerplate removal) raises
      ``not_article``.
    - ``max_json_bytes``: JSON-LD / ``__NEXT_DATA__`` scripts larger than this are skipped.
    - ``max_replacement_ratio``: a decoded page whose share of replacement/control characters
      exceeds this raises ``undecodable``.
    """

    max_bytes: int = 5_000_000
    max_nodes: int = 200_000
    max_depth: int = 1_000
    min_body_chars: int = 80
    max_json_bytes: int = 2_000_000
    max_replacement_ratio: float = 0.2


DEFAULT_LIMITS = ParseLimits()
