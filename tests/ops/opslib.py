"""Helpers for tests/ops: repo paths, a PromQL metric-name extractor, exposed metric names.

A module with its own name (not ``conftest``) so test modules can import it unambiguously.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip(
    "yaml", reason="PyYAML is needed by tests/ops (add `pyyaml` to the [test] extras)"
)

ROOT = Path(__file__).resolve().parents[2]
OPS = ROOT / "ops"
PROMETHEUS_DIR = OPS / "prometheus"
GRAFANA_DIR = OPS / "grafana"
COMPOSE_FILE = ROOT / "docker-compose.yml"


def require_binary(name: str, installer: str) -> str:
    """Path of ``name``; runs ``ops/bin/<installer>`` once if it is missing, and skips the test
    with a clear message only where it still cannot be had."""
    path = shutil.which(name)
    script = OPS / "bin" / installer
    if path is None and script.exists():
        subprocess.run([str(script)], check=False, timeout=900)
        path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed and ops/bin/{installer} could not install it")
    return path

# Words of PromQL that look like identifiers but are not metric names.
PROMQL_KEYWORDS = frozenset({
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
    "and", "or", "unless", "atan2", "inf", "nan",
})
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_MATCHERS = re.compile(r"\{[^{}]*\}")
_RANGES = re.compile(r"\[[^\[\]]*\]")
_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)", re.IGNORECASE
)
_VARIABLES = re.compile(r"\$\{[^}]*\}|\$\w+")
_IDENT = re.compile(r"(?<![\w:.])([A-Za-z_:][\w:]*)(?![\w:])(\s*\()?")
_LABEL_VALUES = re.compile(r"^\s*label_values\(\s*([A-Za-z_:][\w:]*)\s*,")


def promql_metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (functions, keywords and labels left out).

    Grafana's ``label_values(metric, label)`` variable queries are understood too.
    """
    names: set[str] = set()
    match = _LABEL_VALUES.match(expr)
    if match:
        return {match.group(1)}
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub(" ", text)  # label matchers; metric names stay in front of them
    text = _RANGES.sub(" ", text)  # [5m], [$__range], subqueries' [1h:5m]
    text = _GROUPING.sub(" ", text)  # label lists of by/on/ignoring/group_left...
    text = _VARIABLES.sub(" ", text)
    for ident, call in _IDENT.findall(text):
        if call or ident.lower() in PROMQL_KEYWORDS:
            continue  # a function call or an operator keyword
        names.add(ident)
    return names


def exposed_names(families: Any) -> set[str]:
    """Sample names Prometheus sees for prometheus_client metric families (by type)."""
    names: set[str] = set()
    for family in families:
        if family.type == "counter":
            names.add(family.name + "_total")
        elif family.type == "histogram":
            names.update(family.name + suffix for suffix in ("_bucket", "_count", "_sum"))
        elif family.type == "summary":
            names.update({family.name, family.name + "_count", family.name + "_sum"})
        else:
            names.add(family.name)
    return names
