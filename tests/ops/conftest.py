"""Fixtures for tests/ops: metric names (ours, Faust's, recorded), the compose file, promtool."""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from opslib import COMPOSE_FILE, PROMETHEUS_DIR, exposed_names, yaml


@pytest.fixture(scope="session")
def code_metric_names() -> set[str]:
    """Names of streams/metrics.py's metrics as served by the default registry (/metrics)."""
    from prometheus_client import REGISTRY
    from prometheus_client.metrics import MetricWrapperBase

    from streams import metrics

    ours = [m for m in vars(metrics).values() if isinstance(m, MetricWrapperBase)]
    assert ours, "streams.metrics defines no metric"
    declared = {family.name for m in ours for family in m.describe()}
    served = {family.name for family in REGISTRY.collect()}
    assert declared <= served, f"not in the default registry: {sorted(declared - served)}"
    return exposed_names(family for m in ours for family in m.describe())


@pytest.fixture(scope="session")
def faust_metric_names() -> set[str]:
    """Names Faust's Prometheus sensor exports with name_prefix "faust" (as streams/app.py)."""
    from faust.sensors.prometheus import FaustMetrics
    from prometheus_client import CollectorRegistry

    registry = CollectorRegistry()
    FaustMetrics.create(registry, "faust")
    return exposed_names(registry.collect())


@pytest.fixture(scope="session")
def rule_groups() -> dict[str, list[dict[str, Any]]]:
    """Rule file name -> its rule groups."""
    return {
        path.name: yaml.safe_load(path.read_text())["groups"]
        for path in sorted((PROMETHEUS_DIR / "rules").glob("*.yml"))
    }


@pytest.fixture(scope="session")
def recorded_names(rule_groups: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {
        rule["record"]
        for groups in rule_groups.values()
        for group in groups
        for rule in group["rules"]
        if "record" in rule
    }


@pytest.fixture(scope="session")
def known_metric_names(
    code_metric_names: set[str], faust_metric_names: set[str], recorded_names: set[str]
) -> set[str]:
    """Every series name a query may select: ours, Faust's, recorded ones, and ``up``."""
    return code_metric_names | faust_metric_names | recorded_names | {"up"}


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


@pytest.fixture
def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.skip("promtool is not installed: run ops/bin/ensure-promtool (Debian: prometheus)")
    return path
