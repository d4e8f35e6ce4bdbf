"""Grafana provisioning and dashboards: current panel types, ${datasource}, real metric names."""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from opslib import GRAFANA_DIR, promql_metric_names, yaml

DASHBOARDS = sorted((GRAFANA_DIR / "dashboards").glob("*.json"))
PROVISIONING = GRAFANA_DIR / "provisioning"
CURRENT_PANEL_TYPES = {"timeseries", "stat", "bargauge", "table", "row", "text", "gauge"}
LEGACY_PANEL_TYPES = {"graph", "singlestat", "table-old", "grafana-piechart-panel"}
DATASOURCE_VAR = "${datasource}"


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text())
    return data


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every panel, including those inside (collapsed) rows."""
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def query_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    return (p for p in panels(dashboard) if p["type"] not in {"row", "text"})


def expressions(dashboard: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(where, PromQL) for every panel target and query variable."""
    for panel in query_panels(dashboard):
        for target in panel.get("targets", []):
            yield f"panel {panel['title']!r}", target["expr"]
    for var in dashboard["templating"]["list"]:
        if var["type"] == "query":
            query = var["query"]
            yield f"variable {var['name']!r}", query["query"] if isinstance(query, dict) else query


def test_there_are_two_dashboards_with_unique_uids() -> None:
    assert {p.name for p in DASHBOARDS} >= {"pipeline-overview.json", "content.json"}
    uids = [load(p)["uid"] for p in DASHBOARDS]
    assert all(uids) and len(set(uids)) == len(uids)


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_datasource_template_variable(path: Path) -> None:
    variables = {v["name"]: v for v in load(path)["templating"]["list"]}
    datasource = variables["datasource"]
    assert datasource["type"] == "datasource"
    assert datasource["query"] == "prometheus"
    for var in variables.values():
        if var["type"] == "query":
            assert var["datasource"]["uid"] == DATASOURCE_VAR, var["name"]


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panel_types_are_current(path: Path) -> None:
    types = {panel["type"] for panel in panels(load(path))}
    assert not types & LEGACY_PANEL_TYPES
    assert types <= CURRENT_PANEL_TYPES, types - CURRENT_PANEL_TYPES


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_target_uses_the_datasource_variable(path: Path) -> None:
    dashboard = load(path)
    found = 0
    for panel in query_panels(dashboard):
        assert panel["datasource"]["uid"] == DATASOURCE_VAR, panel["title"]
        assert panel.get("targets"), f"{panel['title']}: no query"
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == DATASOURCE_VAR, panel["title"]
            found += 1
    assert found
    # the provisioned datasource's fixed uid is never hard-coded in a dashboard
    assert "newsstream-prometheus" not in path.read_text()


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_expression_selects_existing_metrics(
    path: Path, known_metric_names: set[str]
) -> None:
    seen: set[str] = set()
    for where, expr in expressions(load(path)):
        names = promql_metric_names(expr)
        assert names, f"{where}: no metric in {expr!r}"
        assert names <= known_metric_names, f"{where}: unknown {names - known_metric_names}"
        seen |= names
    assert seen


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_every_panel_query_is_scoped_to_the_job_variable(path: Path) -> None:
    for where, expr in expressions(load(path)):
        if where.startswith("panel"):
            assert 'job="$job"' in expr, f"{where}: {expr}"


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panels_do_not_overlap(path: Path) -> None:
    cells: dict[tuple[int, int], str] = {}
    for panel in panels(load(path)):
        grid = panel["gridPos"]
        assert grid["x"] >= 0 and grid["x"] + grid["w"] <= 24, panel["title"]
        for x in range(grid["x"], grid["x"] + grid["w"]):
            for y in range(grid["y"], grid["y"] + grid["h"]):
                assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                cells[(x, y)] = panel["title"]


def test_overview_covers_throughput_freshness_dead_letters_and_workers(
    code_metric_names: set[str],
) -> None:
    exprs = " ".join(e for _, e in expressions(load(GRAFANA_DIR / "dashboards" /
                                                   "pipeline-overview.json")))
    for needle in ("job:news_stage_events_out:rate5m", "job:news_freshness_seconds:p95_5m",
                   "job:news_stage_dead_letters:rate5m", "up{"):
        assert needle in exprs, needle
    content = " ".join(e for _, e in expressions(load(GRAFANA_DIR / "dashboards" /
                                                      "content.json")))
    assert "news_stage_dead_letters_total" in content
    assert re.search(r"\bfaust_\w+", content), "no Faust sensor panel"


def test_panels_for_lag_readiness_ingestion_sink_extraction_and_enrichment() -> None:
    overview = " ".join(e for _, e in expressions(load(GRAFANA_DIR / "dashboards" /
                                                    "pipeline-overview.json")))
    for needle in ("topic:news_consumer_lag_messages:sum", "news_consumer_lag_messages{",
                   "news_worker_ready", "job:news_fetch_requests:rate5m",
                   "job:news_fetch_errors:ratio_rate15m", "news_ingest_items_total",
                   "news_ingest_backpressure_seconds_total", "news_sink_articles_total",
                   "news_sink_up", "news_sink_errors_total", "news_sink_batch_seconds_bucket"):
        assert needle in overview, needle
    assert re.search(r"by \(topic, partition\) \(news_consumer_lag_messages", overview)
    content = " ".join(e for _, e in expressions(load(GRAFANA_DIR / "dashboards" /
                                                      "content.json")))
    for needle in ("job:news_parse_articles_missing:ratio_rate15m",
                   "job:news_enrich_entities_per_article:mean5m",
                   "job:news_enrich_topics_per_article:mean5m"):
        assert needle in content, needle


@pytest.mark.parametrize("path", DASHBOARDS, ids=lambda p: p.name)
def test_panel_ids_are_unique(path: Path) -> None:
    ids = [panel["id"] for panel in panels(load(path))]
    assert len(ids) == len(set(ids))


def test_dashboard_queries_are_valid_promql(promtool: str, tmp_path: Path) -> None:
    """promtool parses every dashboard query (Grafana variables replaced by sample values)."""
    rules = []
    for path in DASHBOARDS:
        for i, (_, expr) in enumerate(expressions(load(path))):
            if expr.startswith("label_values("):
                continue
            concrete = (expr.replace("$__rate_interval", "1m").replace("$__range", "1h")
                        .replace("$job", "newsstream-worker"))
            rules.append({"record": f"dashboard:{path.stem.replace('-', '_')}:q{i}",
                          "expr": concrete})
    rule_file = tmp_path / "dashboards.yml"
    rule_file.write_text(yaml.safe_dump({"groups": [{"name": "dashboards", "rules": rules}]}))
    result = subprocess.run([promtool, "check", "rules", str(rule_file)],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# ------------------------------------------------------------------------------ provisioning


def test_datasource_provisioning_has_a_fixed_uid_and_reaches_prometheus(
    compose: dict[str, Any],
) -> None:
    spec = yaml.safe_load((PROVISIONING / "datasources" / "prometheus.yml").read_text())
    (datasource,) = spec["datasources"]
    assert datasource["type"] == "prometheus"
    assert datasource["uid"] == "newsstream-prometheus"
    assert datasource["url"] == "http://prometheus:9090"
    assert "prometheus" in compose["services"]
    assert any(str(p).startswith("9090") for p in compose["services"]["prometheus"]["ports"])


def test_dashboard_provider_path_is_where_compose_mounts_the_dashboards(
    compose: dict[str, Any],
) -> None:
    spec = yaml.safe_load((PROVISIONING / "dashboards" / "newsstream.yml").read_text())
    (provider,) = spec["providers"]
    assert provider["type"] == "file"
    mounts = dict(
        volume.split(":")[:2] for volume in compose["services"]["grafana"]["volumes"]
    )
    assert mounts["./ops/grafana/dashboards"] == provider["options"]["path"]
    assert mounts["./ops/grafana/provisioning"] == "/etc/grafana/provisioning"
