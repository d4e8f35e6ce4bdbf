"""Errors that send a record to the dead-letter topic.

Every error carries a ``reason``: a short, fixed code used as the ``reason`` field of the
dead-letter event and as a metric label, so it must stay low-cardinality (never a URL or a
message). The human-readable detail goes in the message.
"""

from __future__ import annotations

# Every reason a stage can give, so metrics can expose each (stage, reason) series at zero from
# the start: a series born at its first increment hides that increment from rate().
COMMON_REASONS = (
    "invalid_record", "timeout", "internal_error",
    # the stage's output is over the message limit / breaks its schema (NEWSSTREAM_CHECK_OUTPUTS)
    # / the broker refused to take it
    "output_too_large", "invalid_output", "produce_failed",
    # the stage's core process died on the record (streams/coreproc.py)
    "core_crashed",
)
STAGE_REASONS = {
    "parse": (*COMMON_REASONS, "too_large", "too_complex", "empty", "not_html", "undecodable",
              "not_article", "parse_error"),
    "enrich": COMMON_REASONS,
    "dedup": COMMON_REASONS,
}

# Outcomes of one HTTP fetch by ingestion (metric label ``outcome``; the failures are also the
# skip or dead-letter ``reason``), and the kinds of fetch (metric label ``kind``).
FETCH_OUTCOMES = ("ok", "not_modified")
FETCH_REASONS = (
    "refused", "robots", "http_4xx", "http_5xx", "timeout", "connect_error", "too_large",
    "too_many_redirects", "bad_encoding",
)
FETCH_KINDS = ("page", "feed", "sitemap", "robots")


class PipelineError(Exception):
    """A record that a stage cannot turn into output; it goes to ``news.deadletter``."""

    reason: str = "error"

    def __init__(self, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        if reason is not None:
            self.reason = reason


class InvalidRecord(PipelineError):
    """The record on the topic does not match its schema (or is not JSON at all)."""

    reason = "invalid_record"


class ParseError(PipelineError):
    """The page cannot be parsed into an article. Reasons used by the parse core:
    ``too_large``, ``too_complex``, ``empty``, ``not_html``, ``undecodable``, ``not_article``,
    ``timeout``."""

    reason = "parse_error"

