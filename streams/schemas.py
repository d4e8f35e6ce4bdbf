"""Load the JSON Schemas of ``schemas/`` and validate records against them.

The schemas reference each other by relative ``$id`` (``news.enriched`` embeds
``news.articles``), so they are loaded into one ``referencing`` registry.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any

import orjson
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

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
def _registry() -> Registry:
    resources = [
        (load_schema(t.schema)["$id"], Resource.from_contents(load_schema(t.schema)))
        for t in ALL_TOPICS
    ]
    return Registry().with_resources(resources)


@functools.cache
def validator(topic: TopicSpec) -> Draft202012Validator:
    return Draft202012Validator(
        load_schema(topic.schema), registry=_registry(), format_checker=FormatChecker()
    )


def validation_errors(topic: TopicSpec, value: Any) -> list[str]:
    """Human-readable schema violations of ``value`` for ``topic`` (empty when valid)."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in validator(topic).iter_errors(value)
    ]
