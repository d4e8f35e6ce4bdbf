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
      ``not_article``, unless the page says it is an article (OpenGraph/JSON-LD article type,
      ``article:published_time``, or a dated, bylined headline) and shows at least one sentence
      or caption: a photo, video or brief page.
    - ``short_body_chars``: a body shorter than this is "little text": the page is a ``video``
      when it has a player, a ``photo`` or a ``brief`` (``streams.parse.kinds``); an error
      page's message is never longer.
    - ``gallery_min_images``: this many images with little text make a ``photo`` page even
      without captions.
    - ``min_sentence_chars`` / ``min_sentence_words``: the least a block or caption must have to
      count as a sentence of a short page (a credit such as ``Photo: AP`` does not).
    - ``section_title_max_words``: a title of at most this many words can be a section's label
      (an index page, when its body is a listing and nothing marks an article).
    - ``max_json_bytes``: JSON-LD / ``__NEXT_DATA__`` scripts larger than this are skipped.
    - ``max_replacement_ratio``: a decoded page whose share of replacement/control characters
      exceeds this raises ``undecodable``.
    """

    max_bytes: int = 5_000_000
    max_nodes: int = 200_000
    max_depth: int = 1_000
    min_body_chars: int = 80
    short_body_chars: int = 500
    gallery_min_images: int = 3
    min_sentence_chars: int = 15
    min_sentence_words: int = 3
    section_title_max_words: int = 4
    max_json_bytes: int = 2_000_000
    max_replacement_ratio: float = 0.2


DEFAULT_LIMITS = ParseLimits()
