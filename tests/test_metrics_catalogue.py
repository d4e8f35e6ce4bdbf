"""docs/metrics.md lists exactly the metrics the registry has, with their types and labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from faust.sensors.prometheus import FaustMetrics
from prometheus_client import CollectorRegistry
from prometheus_client.metrics import MetricWrapperBase

import streams.metrics

CATALOGUE = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"
ROW = re.compile(r"^\| `(?P<name>[a-z_]+)` \| (?P<type>\w+) \| (?P<labels>[^|]*) \| .+ \|$")


def documented() -> dict[str, tuple[str, tuple[str, ...]]]:
    rows = {}
    for line in CATALOGUE.read_text().splitlines():
        match = ROW.match(line)
        if match:
            labels = tuple(re.findall(r"`([a-z_]+)`", match["labels"]))
            rows[match["name"]] = (match["type"], labels)
    return rows


def registered() -> dict[str, tuple[str, tuple[str, ...]]]:
    ours = [m for m in vars(streams.metrics).values() if isinstance(m, MetricWrapperBase)]
    faust = list(FaustMetrics.create(CollectorRegistry(), "faust"))
    return {m._name: (m._type, tuple(m._labelnames)) for m in ours + faust}


def test_catalogue_lists_every_metric_with_type_and_labels() -> None:
    docs, registry = documented(), registered()
    assert set(registry) - set(docs) == set(), "metrics missing from docs/metrics.md"
    assert set(docs) - set(registry) == set(), "docs/metrics.md lists metrics that do not exist"
    for name, (kind, labels) in registry.items():
        assert docs[name] == (kind, labels), name


@pytest.mark.parametrize("forbidden", ["url", "article_id", "entity", "title", "host"])
def test_no_high_cardinality_labels(forbidden: str) -> None:
    for name, (_, labels) in registered().items():
        assert forbidden not in labels, name
