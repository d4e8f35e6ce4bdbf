"""Load the JSON Schemas of ``schemas/`` and validate records against them.

The schemas reference each other by relative ``$id`` (``news.enriched`` embeds
``news.articles``), so they are loaded into one registry. Validation uses jsonschema-rs (Rust,
draft 2020-12, formats checked): every consumer checks its input record, and on a real article
it takes about 0.03 ms where the pure-Python ``jsonschema`` took 5–8 ms, a third of the enrich
stage's own work.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from streams.topics import ALL_TOPICS, TopicSpec


def schema_dir() -> Path:
    """``NEWSSTREAM_SCHEMA_DIR`` or the ``schemas/`` folder next to the package."""
    configured = os.environ.get("NEWSSTREAM_SCHEMA_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "schemas"


@functools.cache
def load_schema(filename: str) -> dict[str, Any]:
    schema: dict[str, Any] = orjson.loads((schema_dir() / filename).read_bytes())
    return schema


@functools.cache
def _registry() -> jsonschema_rs.Registry:
    return jsonschema_rs.Registry(
        [(load_schema(t.schema)["$id"], load_schema(t.schema)) for t in ALL_TOPICS]
    )


@functools.cache
def validator(topic: TopicSpec) -> jsonschema_rs.Draft202012Validator:
    return jsonschema_rs.Draft202012Validator(
        load_schema(topic.schema), registry=_registry(), validate_formats=True
    )


def validation_errors(topic: TopicSpec, value: Any) -> list[str]:
    """Human-readable schema violations of ``value`` for ``topic`` (empty when valid)."""
    check = validator(topic)
    if check.is_valid(value):  # the common case, without building error objects
        return []
    return [
        f"{'/'.join(map(str, e.instance_path)) or '<root>'}: {e.message}"
        for e in check.iter_errors(value)
    ]
